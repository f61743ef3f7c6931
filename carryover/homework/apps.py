"""The homework app's configuration: the worksheet library, assignments, occurrences, drafts and entries."""

from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "carryover.homework"
    label = "homework"
