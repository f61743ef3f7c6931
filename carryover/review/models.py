"""Sessions (when the therapist and client met, and when they meet next) and the practice's review settings."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone

from carryover.accounts.models import Membership, Practice


class SessionQuerySet(models.QuerySet["Session"]):
    def for_client(self, client: Membership) -> SessionQuerySet:
        return self.filter(client=client).order_by("-date", "-id")

    def latest_for(self, client: Membership) -> Session | None:
        return self.for_client(client).first()

    def next_booked(self, client: Membership) -> date | None:
        """The next session as booked at the latest recorded one (None when none is booked)."""
        return self.for_client(client).values_list("next_date", flat=True).first()

    def dates_for(self, client: Membership) -> list:
        """The days of a client's sessions, oldest first (the markers on charts over time)."""
        return list(self.filter(client=client).order_by("date").values_list("date", flat=True))


class Session(models.Model):
    """A therapy session, recorded by the therapist. The date is the client's local calendar date: the
    "since last session" window is counted in the client's days, like their occurrences and entries."""

    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="review_sessions")
    therapist = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    # Deliberately short and non-clinical ("reviewed exposure"): psychotherapy notes need their own model and rules.
    note = models.CharField(max_length=200, blank=True)
    next_date = models.DateField(null=True, blank=True, help_text="The next session, if booked.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "-date"], name="review_session_client_date")]
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"session {self.date}"


class ReviewSettings(models.Model):
    """Per-practice review settings; a practice without a row uses the defaults."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="review_settings")
    quiet_days = models.PositiveSmallIntegerField(
        default=7, help_text="Flag a client on the caseload after this many days without any activity."
    )

    DEFAULT_QUIET_DAYS = 7

    @classmethod
    def quiet_days_for(cls, practice_id: int) -> int:
        row = cls.objects.filter(practice_id=practice_id).values_list("quiet_days", flat=True).first()
        return row if row is not None else cls.DEFAULT_QUIET_DAYS
