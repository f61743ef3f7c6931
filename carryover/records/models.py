"""Export requests and their one-time links, account closures with legal holds, and each practice's retention."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

from carryover.accounts.models import Membership, Practice, User

# How long an export's download link works, once.
LINK_LIFETIME = timedelta(hours=24)


class Audience(models.TextChoices):
    """Who an export is for: the client gets everything, private entries included; the clinical file gets the
    shared record plus sessions and alerts (records/export.py, `Section.audience`)."""

    CLIENT = "client", "The client"
    THERAPIST = "therapist", "The clinical file"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Being prepared"
    READY = "ready", "Ready to download"
    DOWNLOADED = "downloaded", "Downloaded"
    EXPIRED = "expired", "Link expired"
    FAILED = "failed", "Could not be prepared"


class ExportRequest(models.Model):
    """One export of one client's record: built by the worker into an encrypted zip, fetched once by its link."""

    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="export_requests")
    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    status = models.CharField(max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    # Only a SHA-256 of the link's token is kept, as for invitations: a database leak yields no working link.
    token_hash = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="How long the worker took to build it.")
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def link_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == ExportStatus.READY and self.expires_at is not None and now < self.expires_at


class RetentionSettings(models.Model):
    """How long the practice keeps a closed client's clinical record. Seven years is a common default for adult
    mental-health records, not a rule: each practice must check it against the law where it works."""

    DEFAULT_YEARS = 7

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="retention_settings")
    years = models.PositiveSmallIntegerField(default=DEFAULT_YEARS)
    keep_scores = models.BooleanField(
        default=True, help_text="Keep questionnaire totals and dates after erasure (no answers, no words)."
    )

    @classmethod
    def for_practice(cls, practice_id: int) -> RetentionSettings:
        settings, _ = cls.objects.get_or_create(practice_id=practice_id)
        return settings


class Closure(models.Model):
    """A client asked to close their account. After the practice's retention period the worker erases what they
    wrote, unless a therapist has placed a legal hold; `report` records what erasure did."""

    client = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="closure")
    requested_at = models.DateTimeField(default=timezone.now)
    erase_after = models.DateTimeField()
    hold = models.BooleanField(default=False)
    hold_reason = models.CharField(max_length=200, blank=True)
    hold_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hold_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)

    def due(self, now=None) -> bool:
        return not self.hold and self.erased_at is None and (now or timezone.now()) >= self.erase_after


class PracticeArchive(models.Model):
    """Everything a practice leaving Carryover takes with it, built by the worker (`progress` clients of `total`)
    and downloaded once by an admin from the archive page within `LINK_LIFETIME`."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def link_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == ExportStatus.READY and self.expires_at is not None and now < self.expires_at


class FhirBulkExport(models.Model):
    """A FHIR Bulk Data export of a practice (the API's `GET /practice/$export`): kicked off by an admin, built by the
    worker into one encrypted NDJSON file per resource type (`files`: type → {path, count}), fetched by that admin
    as often as needed until `expires_at`, then deleted by the sweep."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    types = models.JSONField(default=list, blank=True, help_text="The resource types asked for (`_type`); [] = all.")
    files = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def files_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == ExportStatus.READY and self.expires_at is not None and now < self.expires_at
