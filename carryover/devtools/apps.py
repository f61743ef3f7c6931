"""The devtools app's configuration; `settings.py` installs it only outside production."""

from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The demo, the benchmarks and their commands; never installed in production."""

    name = "carryover.devtools"
    label = "devtools"
