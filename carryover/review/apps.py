"""The review app's configuration; gives homework the booked session date for "before each session" work."""

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Caseload, client timeline, sessions and the session-prep summary."""

    name = "carryover.review"
    label = "review"

    def ready(self) -> None:
        from carryover.homework.services import next_session_lookups

        from .models import Session

        # "Before each session" measures fall due by the booked date (homework cannot import review).
        next_session_lookups.register(Session.objects.next_booked)
