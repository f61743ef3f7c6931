"""What to remind whom and when (settings, planned reminders) and every attempt to send one (deliveries).

A Reminder is one nudge for one client on one local day: the day's digest (key "day"), one assignment's reminder
(key "activity", with `assignment` set) or one asked for with "remind me later" (key "later-HHMM"); the unique
constraints make a second reminder for the same thing on the same day impossible. A Delivery is one channel's
attempt at a reminder; its idempotency key is sent with every try so a channel that honours it never shows the same
reminder twice.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carryover.accounts.models import Membership
from carryover.homework.models import Assignment


class Channel(models.TextChoices):
    EMAIL = "email", gettext_lazy("Email")
    PUSH = "push", gettext_lazy("Notification on this phone or computer")
    IN_APP = "in_app", gettext_lazy("Only in Carryover (a badge on Today)")


class Mode(models.TextChoices):
    DIGEST = "digest", gettext_lazy("One reminder a day for everything")
    EACH = "each", gettext_lazy("A reminder for each activity, at its own time")


DEFAULT_TIME = dt.time(19, 0)
DAY_KEY = "day"  # the day's digest, about every activity open that day
ACTIVITY_KEY = "activity"  # one assignment's own reminder (Reminder.assignment says which)
LATER_PREFIX = "later-"  # "remind me later", followed by the local time asked for (later-HHMM)


def default_channels() -> list[str]:
    return [Channel.EMAIL, Channel.IN_APP]


class ReminderSettings(models.Model):
    client = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="reminder_settings")
    enabled = models.BooleanField(default=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.DIGEST)
    time = models.TimeField(null=True, blank=True, help_text="Digest time; empty means from the first anchor.")
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    channels = models.JSONField(default=default_channels, help_text="In order of preference: later ones are fallbacks.")
    # Only a SHA-256 of the calendar feed token is kept, as for invitations: a leaked database gives no feed.
    feed_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    planned_zone = models.CharField(max_length=64, blank=True, help_text="The zone the planned reminders used.")

    def in_quiet_hours(self, at: dt.time) -> bool:
        if self.quiet_start is None or self.quiet_end is None or self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= at < self.quiet_end
        return at >= self.quiet_start or at < self.quiet_end  # overnight, e.g. 22:00–07:00


class AssignmentReminder(models.Model):
    """A client's own time for one assignment's reminders (in "each" mode), or that one switched off."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="reminder")
    time = models.TimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)


class ReminderStatus(models.TextChoices):
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    SENDING = "sending", gettext_lazy("Sending")
    SENT = "sent", gettext_lazy("Sent")
    SKIPPED = "skipped", gettext_lazy("Skipped")
    CANCELLED = "cancelled", gettext_lazy("Not needed")
    FAILED = "failed", gettext_lazy("Could not be sent")


class Reminder(models.Model):
    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=20)
    # Set for a per-activity reminder (key "activity"), empty for the digest and "remind me later".
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    local_date = models.DateField()
    fire_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.SCHEDULED)
    channel_index = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A worker that claims a reminder holds it until lease_until; after a crash another worker may take it.
    lease_until = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    reason = models.CharField(max_length=200, blank=True, help_text="Why it was skipped, not needed or failed.")
    seen_at = models.DateTimeField(null=True, blank=True, help_text="The in-app badge was looked at.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Two partial constraints, as NULLs never collide in a unique index: one digest or "later" per key and
        # day, and one reminder per assignment and day.
        constraints = [
            models.UniqueConstraint(
                fields=["client", "local_date", "key"],
                condition=Q(assignment__isnull=True),
                name="one_reminder_per_day_and_key",
            ),
            models.UniqueConstraint(
                fields=["client", "local_date", "assignment"],
                condition=Q(assignment__isnull=False),
                name="one_reminder_per_day_and_assignment",
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="scheduled"), name="reminder_due"),
            models.Index(fields=["lease_until"], condition=Q(status="sending"), name="reminder_leased"),
        ]
        ordering = ["-fire_at"]

    def about(self, open_ids: set[int]) -> set[int]:
        """Which of the activities open on its day this reminder is about: its own, or (digest, "later") all."""
        if self.assignment_id is None:
            return set(open_ids)
        return open_ids & {self.assignment_id}


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", gettext_lazy("Sending")
    SENT = "sent", gettext_lazy("Sent")
    RETRYING = "retrying", gettext_lazy("Will try again")
    FAILED = "failed", gettext_lazy("Failed")


class Delivery(models.Model):
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    scheduled_at = models.DateTimeField()
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_response = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reminder", "channel"], name="one_delivery_per_channel")]
        ordering = ["created_at", "id"]


class PushSubscription(models.Model):
    """One browser or installed app that accepted notifications (a Web Push subscription)."""

    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=500, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    # Opt-in on this device only: a locked phone screen can be seen by others.
    show_titles = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def as_info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class TherapistDigest(models.Model):
    """When a therapist wants the daily email of what needs their attention (no clinical text in it)."""

    therapist = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="digest_settings")
    enabled = models.BooleanField(default=True)
    time = models.TimeField(default=dt.time(8, 0))
    last_sent_on = models.DateField(null=True, blank=True)
