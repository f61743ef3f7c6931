from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Caseload, client timeline, sessions and the session-prep summary."""

    name = "carryover.review"
    label = "review"
