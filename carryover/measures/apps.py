"""The measures app's configuration; plugs the measures into the review pages (`review_hooks.py`)."""

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    """PHQ-9, GAD-7 and PCL-5, scoring, risk alerts and the safety plan."""

    name = "carryover.measures"
    label = "measures"

    def ready(self) -> None:
        from . import review_hooks  # the review app's models and pages must be loaded first

        review_hooks.register()
