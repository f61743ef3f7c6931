"""The API app's configuration."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "carryover.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from carryover.lib import events
        from carryover.records.erasure import account_erasers

        from . import services, webhooks

        events.listeners.register(webhooks.on_event)
        account_erasers.register(services.account_erase)
