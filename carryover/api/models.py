"""Personal access tokens and the idempotency keys of the API's creating POSTs.

A token is shown once and stored only as its SHA-256 (it has 256 random bits, so a slow hash would add nothing):
a database leak gives no usable token. Each token carries its scopes: reading, and optionally writing, in the
areas its owner chose.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from carryover.accounts.models import User
from carryover.lib.crypto import EncryptedJSONField


class Area(models.TextChoices):
    """What a token may reach. Each API operation belongs to exactly one area (api/auth.py)."""

    HOMEWORK = "homework", "Activities: assignments, templates, occurrences, drafts, entries"
    REVIEW = "review", "Review: caseload, clients, sessions, the session-prep summary"
    MEASURES = "measures", "Measures and safety: results, alerts, the safety plan, crisis resources"
    REMINDERS = "reminders", "Reminder settings"
    PRACTICE = "practice", "Practice: members, invitations, audit log"


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
