"""The operations app's configuration."""

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "carryover.ops"
    label = "ops"
