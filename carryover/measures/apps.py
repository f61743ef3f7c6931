from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    """PHQ-9, GAD-7 and PCL-5, scoring, risk alerts and the safety plan."""

    name = "carryover.measures"
    label = "measures"

    def ready(self) -> None:
        from . import panels, review_hooks  # the review app's models and pages must be loaded first

        review_hooks.register()
        panels.register()
