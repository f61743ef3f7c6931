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
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from carryover.accounts.models import Role, User
from carryover.lib.i18n import language_for
from carryover.lib.tasks import email_retry_delay

from .models import AlertEmail, AlertEmailKind, AlertStatus, RiskAlert, SafetySettings

logger = logging.getLogger(__name__)


def _retry_later(task_function, alert_id: int, attempt: int) -> None:
    """Try a failed alert email again later; after the last try, give up with an error in the log (the alert
    itself is already on the care team's caseload, so a lost email never hides it)."""
    delay = email_retry_delay(attempt)
    if delay is None:
        logger.error("alert email for alert=%s not sent after %s attempts; giving up", alert_id, attempt)
        return
    logger.warning("alert email for alert=%s failed (attempt %s); trying again in %s", alert_id, attempt, delay)
    task_function.using(run_after=timezone.now() + delay).enqueue(alert_id, attempt=attempt + 1)


def _send_once(alert: RiskAlert, kind: str, recipient: User, template: str, context: dict) -> bool:
    """Claim the (alert, kind, recipient) row, then send; if sending fails the claim is rolled back for a retry."""
    try:
        with transaction.atomic():
            AlertEmail.objects.create(alert=alert, kind=kind, recipient=recipient)
            with translation.override(language_for(recipient)):  # the recipient's language, not the worker's
                subject = _("Carryover: an alert needs your attention")
                body = render_to_string(template, {**context, "recipient": recipient, "site_url": settings.SITE_URL})
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
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
def alert_notify(alert_id: int, attempt: int = 1) -> int:
    """Email every therapist in the client's care team that an alert is waiting. Returns how many were sent."""
    alert = RiskAlert.objects.filter(pk=alert_id).first()
    if alert is None or alert.status != AlertStatus.OPEN:
        return 0  # rolled back, or already seen in the app: nothing to say
    context = {"alerts_url": settings.SITE_URL + reverse("alerts")}
    sent, failed = 0, False
    for therapist in care_team(alert):
        try:
            sent += _send_once(alert, AlertEmailKind.NOTIFY, therapist, "measures/email/alert.txt", context)
        except OSError:  # smtplib's errors are OSErrors; one therapist's failure doesn't stop the others
            failed = True
    if failed:
        _retry_later(alert_notify, alert.pk, attempt)  # those already sent are recorded and not sent again
    return sent


@task()
def alert_escalate(alert_id: int, attempt: int = 1) -> bool:
    """If the alert is still unacknowledged, tell the practice's designated contact. Runs after the practice's
    escalation time; safe to run again (it escalates once)."""
    alert = RiskAlert.objects.filter(pk=alert_id).select_related("practice", "escalated_to").first()
    if alert is None or alert.status != AlertStatus.OPEN:
        return False
    if alert.escalated_at is not None:  # a retry: the escalation stands, only the email is still owed
        return _escalation_email(alert, alert.escalated_to, attempt) if alert.escalated_to else False
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
    return _escalation_email(alert, contact, attempt)


def _escalation_email(alert: RiskAlert, contact: User, attempt: int) -> bool:
    safety = SafetySettings.objects.filter(practice_id=alert.practice_id).first()
    context = {
        "minutes": safety.escalation_minutes if safety else None,
        "therapists": [t.display_name for t in care_team(alert)],
        "alerts_url": settings.SITE_URL + reverse("alert_detail", args=[alert.pk]),
    }
    try:
        return _send_once(alert, AlertEmailKind.ESCALATE, contact, "measures/email/escalation.txt", context)
    except OSError:
        _retry_later(alert_escalate, alert.pk, attempt)
        return False
