"""The homework app's configuration: the worksheet library, assignments, occurrences, drafts and entries."""

from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "carryover.homework"
    label = "homework"

    def ready(self) -> None:
        from . import builtin_es

        builtin_es.register()  # the library in Spanish, laid over the English at display time (overlay.py)
