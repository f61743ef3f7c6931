"""An append-only, hash-chained record of every read and write of client data, allowed or denied.

A request appends its event unsealed (no `seq`), signed on its own (`mac`), without taking any shared lock; the
worker later seals events into the chain in batches and writes a signed checkpoint of the chain's end outside
the database (`audit/sealing.py`, docs/security.md "Audit log").
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

GENESIS = "0" * 64


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    DENIED = "denied", _("Denied")


class Action(models.TextChoices):
    READ = "read", pgettext_lazy("audit action", "Read")
    CREATE = "create", pgettext_lazy("audit action", "Create")
    UPDATE = "update", pgettext_lazy("audit action", "Update")
    DELETE = "delete", pgettext_lazy("audit action", "Delete")
    EXPORT = "export", pgettext_lazy("audit action", "Export")


class AuditEvent(models.Model):
    # Plain ids, not foreign keys: removing a person or a practice must never alter or cascade into the log.
    # seq, prev_hash and hash stay empty until the event is sealed into the chain; the database lets them be set
    # once and nothing else be changed (audit/triggers.py).
    seq = models.BigIntegerField(unique=True, null=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True)
    practice_id = models.BigIntegerField(null=True, db_index=True)
    client_id = models.BigIntegerField(null=True, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    request_id = models.CharField(max_length=64, blank=True)
    mac = models.CharField(max_length=64, blank=True)  # empty only on events sealed before events were signed
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        # The worker finds what to seal through this index however long the log grows.
        indexes = [models.Index(fields=["id"], condition=Q(seq__isnull=True), name="audit_event_unsealed")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def subject(self) -> str:
        """What was acted on, for the practice's log page. An id that is the client's own is left out: the
        client column names them, or hides them when they are not of this practice."""
        if not self.object_id or self.object_id == str(self.client_id):
            return self.object_type
        return f"{self.object_type} #{self.object_id}"

    def _said(self) -> list:
        """What the event says: the same fields, in the same order, in its signature and in its chain hash."""
        return [
            self.at.isoformat(timespec="microseconds"),
            self.actor_id,
            self.practice_id,
            self.client_id,
            self.action,
            self.object_type,
            self.object_id,
            self.outcome,
            self.request_id,
        ]

    def content(self) -> bytes:
        """What the event says, without its place in the chain: signed when written, before it is sealed."""
        return b"event|" + _joined(self._said())

    def compute_mac(self) -> str:
        return hmac.new(audit_key(), self.content(), hashlib.sha256).hexdigest()

    def canonical(self) -> bytes:
        return _joined([self.seq, *self._said(), self.prev_hash])

    def compute_hash(self) -> str:
        # Keyed (HMAC), so someone with write access to the database alone cannot forge a consistent chain.
        return hmac.new(audit_key(), self.canonical(), hashlib.sha256).hexdigest()


class AuditChainHead(models.Model):
    """The end of the sealed chain. Only the sealing worker locks it (requests never do); the database lets it
    move forward only (audit/triggers.py)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)


def audit_key() -> bytes:
    # Production requires its own AUDIT_HMAC_KEY (settings.py); development derives one from SECRET_KEY.
    key = getattr(settings, "AUDIT_HMAC_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"carryover-audit-chain:" + key.encode()).digest()


def _joined(values: list) -> bytes:
    return "|".join("" if value is None else str(value) for value in values).encode()
