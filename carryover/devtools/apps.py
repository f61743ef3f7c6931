from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The demo, the benchmarks and their commands; never installed in production."""

    name = "carryover.devtools"
    label = "devtools"
