"""The progress app's configuration: a client's own look back at their work (My entries, My patterns, My week)."""

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """My entries, change my mind, My patterns and My week: the client's own history, for the client alone."""

    name = "carryover.progress"
    label = "progress"
