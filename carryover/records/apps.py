"""The records app: a client's data out (export, FHIR R4), and gone on a schedule (closure, retention, erasure)."""

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "carryover.records"

    def ready(self) -> None:
        from . import panels

        panels.register()
