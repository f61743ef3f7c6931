"""The API app's configuration."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "carryover.api"
    label = "api"
    verbose_name = "REST API"
