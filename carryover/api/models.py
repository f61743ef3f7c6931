"""Personal access tokens and the idempotency keys of the API's creating POSTs.

A token is shown once and stored only as its SHA-256 (it has 256 random bits, so a slow hash would add nothing):
a database leak gives no usable token. Each token carries its scopes: reading, and optionally writing, in the
areas its owner chose.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carryover.accounts.models import Practice, User
from carryover.lib.crypto import EncryptedJSONField


class Area(models.TextChoices):
    """What a token may reach. Each API operation belongs to exactly one area (api/auth.py)."""

    HOMEWORK = (
        "homework",
        _("Activities: assignments, worksheets, occurrences, drafts, entries, comments, goals, fear ladder"),
    )
    REVIEW = "review", _("Review: caseload, clients, sessions and the next one, the session-prep summary")
    MEASURES = "measures", _("Measures and safety: results, chart sharing, alerts, the safety plan, crisis resources")
    REMINDERS = "reminders", _("Reminder settings")
    PRACTICE = "practice", _("Practice: members, invitations, audit log, webhooks")
    SUPPORT = "support", _("Support persons: who I share with (a client), or what is shared with me (a support person)")
    RECORDS = "records", _("Records: FHIR exports of clinical records ($export)")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now=None) -> ApiTokenQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)  # the first characters, so a person can tell their tokens apart
    token_hash = models.CharField(max_length=64, unique=True)
    can_write = models.BooleanField(default=False)
    areas = models.JSONField(default=list)  # Area values
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    def allows(self, area: str, *, write: bool) -> bool:
        return area in self.areas and (self.can_write or not write)


class IdempotencyKey(models.Model):
    """The answer to a creating POST, kept for a day under the key its sender chose: a retry gets the same answer
    and creates nothing more. The row is inserted in the same transaction as the object it stands for."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # method, path and body: the same key for another request is refused
    status = models.PositiveSmallIntegerField(null=True)
    body = EncryptedJSONField(default=dict, blank=True)  # what was answered: may hold client text
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_once_per_user")]


# --- Webhooks ----------------------------------------------------------------------------------------------------


class WebhookEndpoint(models.Model):
    """Where a practice wants to hear about events (api/webhooks.py). Disabled after repeated failures, with an
    email to the practice's admins; an admin turns it back on by creating it again."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    secret = EncryptedJSONField(default=str)  # "whsec_…": the receiver verifies signatures with it
    events = models.JSONField(default=list)  # lib.events.EVENT_TYPES
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    failures_in_a_row = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]


class WebhookEvent(models.Model):
    """One event, by type and ids only; its `msg_…` id is what receivers dedupe by."""

    public_id = models.CharField(max_length=40, unique=True)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Given up")


class WebhookDelivery(models.Model):
    """The delivery log: one row per event and endpoint, claimed with a lease like a reminder, so a worker killed
    mid-delivery loses nothing: once its lease ends another worker sends the same event (same id) again."""

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)  # what went wrong, never what the receiver said
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
