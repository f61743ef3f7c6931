"""The accounts app's configuration; loads the sign-in signal handlers (`signals.py`)."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "carryover.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (session bookkeeping on login)
