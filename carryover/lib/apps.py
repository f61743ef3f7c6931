from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "carryover.lib"
    label = "carryover_lib"
