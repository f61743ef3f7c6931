"""The shared helpers' app configuration; registers the `<id:…>` path converter (`converters.py`)."""

from django.apps import AppConfig
from django.urls import register_converter


class LibConfig(AppConfig):
    name = "carryover.lib"
    label = "carryover_lib"

    def ready(self) -> None:
        from .converters import IdConverter

        register_converter(IdConverter, "id")
