"""Background work for risk alerts: the immediate email to the care team and the escalation if nobody acknowledges.

Both tasks re-read the alert and record each email they send (AlertEmail, unique per alert, kind and recipient), so
a task that runs twice, or after the alert was dealt with, sends nothing more. The emails carry no clinical content:
no name, no measure, no answer; only that an alert is waiting and where to sign in.

Self-contained on purpose: the shared reminders/delivery machinery is being built separately and can take these over.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from carryover.accounts.models import Role, User

from .models import AlertEmail, AlertEmailKind, AlertStatus, RiskAlert, SafetySettings

logger = logging.getLogger(__name__)


def _send_once(alert: RiskAlert, kind: str, recipient: User, template: str, context: dict) -> bool:
    """Claim the (alert, kind, recipient) row, then send; if sending fails the claim is rolled back for a retry."""
    try:
        with transaction.atomic():
            AlertEmail.objects.create(alert=alert, kind=kind, recipient=recipient)
            body = render_to_string(template, {**context, "recipient": recipient, "site_url": settings.SITE_URL})
            send_mail(
                "Carryover: an alert needs your attention",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
            )
    except IntegrityError:
        return False  # already sent by an earlier run
    logger.info("alert email sent alert=%s kind=%s recipient=%s", alert.pk, kind, recipient.pk)
    return True


def care_team(alert: RiskAlert) -> list[User]:
    return list(
        User.objects.filter(
            membership__therapist_links__client_id=alert.client_id,
            membership__therapist_links__ended_at__isnull=True,
            membership__role=Role.THERAPIST,
            is_active=True,
        ).distinct()
    )


@task()
def alert_notify(alert_id: int) -> int:
    """Email every therapist in the client's care team that an alert is waiting. Returns how many were sent."""
    alert = RiskAlert.objects.filter(pk=alert_id).first()
    if alert is None or alert.status != AlertStatus.OPEN:
        return 0  # rolled back, or already seen in the app: nothing to say
    context = {"alerts_url": settings.SITE_URL + reverse("alerts")}
    return sum(
        _send_once(alert, AlertEmailKind.NOTIFY, therapist, "measures/email/alert.txt", context)
        for therapist in care_team(alert)
    )


@task()
def alert_escalate(alert_id: int) -> bool:
    """If the alert is still unacknowledged, tell the practice's designated contact. Runs after the practice's
    escalation time; safe to run again (it escalates once)."""
    alert = RiskAlert.objects.filter(pk=alert_id).select_related("practice").first()
    if alert is None or alert.status != AlertStatus.OPEN or alert.escalated_at is not None:
        return False
    safety = SafetySettings.objects.filter(practice_id=alert.practice_id).select_related("designated_contact").first()
    contact = safety.designated_contact if safety else None
    if contact is None or not contact.is_active:
        # No one designated: the practice admins are told instead, so the escalation never goes nowhere.
        admins = User.objects.filter(membership__practice_id=alert.practice_id, membership__role=Role.ADMIN)
        contact = admins.filter(is_active=True).order_by("pk").first()
    if contact is None:
        logger.warning("alert %s could not be escalated: no designated contact or admin", alert.pk)
        return False
    updated = RiskAlert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN, escalated_at__isnull=True).update(
        escalated_at=timezone.now(), escalated_to=contact
    )
    if not updated:
        return False  # acknowledged (or escalated) in the meantime
    context = {
        "minutes": safety.escalation_minutes if safety else None,
        "therapists": [t.display_name for t in care_team(alert)],
        "alerts_url": settings.SITE_URL + reverse("home"),
    }
    return _send_once(alert, AlertEmailKind.ESCALATE, contact, "measures/email/escalation.txt", context)
