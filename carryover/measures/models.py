"""Measure results, risk alerts and their emails, practice safety settings, safety plans."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from carryover.accounts.models import Membership, Practice, User
from carryover.homework.models import Draft, Entry, Occurrence
from carryover.lib.crypto import EncryptedJSONField

from . import scoring
from .instruments import MEASURES


class MeasureResult(models.Model):
    """The score of one submitted measure. One per entry: a measure can't be scored twice."""

    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="measure_results")
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="measure_result")
    measure = models.CharField(max_length=10, choices=[(key, m["name"]) for key, m in MEASURES.items()])
    total = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=30)
    subscales = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=dict, blank=True)
    risk_value = models.PositiveSmallIntegerField(null=True, blank=True, help_text="PHQ-9 item 9 as answered.")
    taken_on = models.DateField(help_text="The client's local date.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "measure", "taken_on"])]
        ordering = ["taken_on", "created_at", "id"]

    @property
    def definition(self) -> dict:
        return MEASURES[self.measure]

    @property
    def band_label(self) -> str:
        """The band's name in the reader's language ("Moderada"); the FHIR export keeps the definition's."""
        return gettext(self.band_name)

    @property
    def band_name(self) -> str:
        return next(label for _, _, band, label in self.definition["bands"] if band == self.band)

    @property
    def cluster_rule_text(self) -> str | None:
        """PCL-5: whether the DSM-5 cluster rule was met, with the endorsed count per cluster."""
        return scoring.cluster_rule_text(self.measure, self.flags)

    @property
    def difficulty_text(self) -> str | None:
        return scoring.difficulty_text(self.measure, self.flags)

    @property
    def how_scored(self) -> list[scoring.ScoringNote]:
        return scoring.how_scored(self.measure)


class AlertSource(models.TextChoices):
    PHQ9_ITEM9 = "phq9_item9", gettext_lazy("PHQ-9 item 9 answered above 0")
    HELP_NOW = "help_now", gettext_lazy("Client asked for help now")
    DBT_URGE = "dbt_urge", gettext_lazy("Self-harm urge, or acting on an urge, on the DBT diary card")
    RISK_ANSWER = "risk_answer", gettext_lazy("An answer to a risk question")


class AlertStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("Open")
    ACKNOWLEDGED = "acknowledged", gettext_lazy("Acknowledged")
    RESOLVED = "resolved", gettext_lazy("Resolved")


class RiskAlert(models.Model):
    """A risk flag for the client's care team: open → acknowledged (who, when) → resolved with a note."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="risk_alerts")
    source = models.CharField(max_length=20, choices=AlertSource.choices)
    # Raised the moment a risk answer is saved, so it belongs to the occurrence (or, for practice on one's own,
    # the draft) being answered: one alert each, held by the constraints below, however many saves or sends race.
    # Sending links the entry; a free-practice draft is deleted then, and the entry carries the link.
    occurrence = models.ForeignKey(
        Occurrence, null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_alerts"
    )
    draft = models.ForeignKey(Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_alerts")
    entry = models.OneToOneField(Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="risk_alert")
    # Which questions met their rule, and the answers as given: [{"label", "answer"}]. Clinical, so encrypted.
    trigger = EncryptedJSONField(default=list, blank=True)
    # An alert is never withdrawn when the answer is changed back; the care team is told it was.
    answer_changed_at = models.DateTimeField(null=True, blank=True)
    # What the client's crisis screen showed, written when it was first shown for this alert:
    # {"lines": [{"name", "number", "text"}], "plan": bool}.
    shown_at = models.DateTimeField(null=True, blank=True)
    shown = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=15, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolution_note = EncryptedJSONField(default=str, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            # "I need help now" pressed twice (or by two tabs) while the first is still open is one alert.
            models.UniqueConstraint(
                fields=["client"], condition=Q(source="help_now", status="open"), name="one_open_help_now_alert"
            ),
            models.UniqueConstraint(
                fields=["occurrence"], condition=Q(occurrence__isnull=False), name="one_risk_alert_per_occurrence"
            ),
            models.UniqueConstraint(
                fields=["draft"], condition=Q(draft__isnull=False), name="one_risk_alert_per_draft"
            ),
        ]
        indexes = [models.Index(fields=["client", "status"])]
        ordering = ["-created_at"]

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN

    def shown_lines(self) -> list[dict]:
        return self.shown.get("lines", [])

    def shown_plan(self) -> bool:
        return bool(self.shown.get("plan"))


class AlertEmailKind(models.TextChoices):
    NOTIFY = "notify", gettext_lazy("New alert")
    ESCALATE = "escalate", gettext_lazy("Escalation")


class AlertEmail(models.Model):
    """One row per email sent about an alert: a re-run task finds it and does not send again."""

    alert = models.ForeignKey(RiskAlert, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=10, choices=AlertEmailKind.choices)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "kind", "recipient"], name="one_alert_email_per_recipient")
        ]


class SafetySettings(models.Model):
    """Who is told when an alert stays unacknowledged, and after how long. Set by the practice admin."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="safety_settings")
    designated_contact = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Told when an alert has not been acknowledged in time.",
    )
    escalation_minutes = models.PositiveIntegerField(
        default=60, help_text="Minutes an alert may stay unacknowledged before the designated contact is told."
    )

    @classmethod
    def for_practice(cls, practice_id: int) -> SafetySettings:
        settings, _ = cls.objects.get_or_create(practice_id=practice_id)
        return settings


class SafetyPlan(models.Model):
    """A Stanley–Brown safety plan (Stanley & Brown 2012), written by the client and their therapist together."""

    client = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="safety_plan")
    content = EncryptedJSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


class MeasureSharing(models.Model):
    """Whether the client sees their own measure charts; the therapist decides, per client."""

    client = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="measure_sharing")
    charts_shared = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)
