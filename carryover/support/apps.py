"""The support app: a trusted person the client chooses, who sees only what the client shares."""

from django.apps import AppConfig


class SupportConfig(AppConfig):
    """Support persons, their scopes, encouragements and nudges; plugs into Today, the client page and reminders."""

    name = "carryover.support"
    label = "support"

    def ready(self) -> None:
        from . import hooks

        hooks.register()
