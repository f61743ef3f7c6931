"""The measures app, which plugs its risk watch, review providers and page panels into the others when it starts."""

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    """PHQ-9, GAD-7 and PCL-5, scoring, risk alerts and the safety plan."""

    name = "carryover.measures"
    label = "measures"

    def ready(self) -> None:
        from carryover.homework.hooks import install_risk_watch

        from . import (
            instruments_es,
            panels,
            review_hooks,
            services,
        )  # the review app's models and pages must be loaded first

        install_risk_watch(services.MeasuresRiskWatch())
        review_hooks.register()
        panels.register()
        instruments_es.register()
