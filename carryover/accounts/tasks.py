"""Invitation emails, sent by the task worker (`manage.py db_worker`) so a slow or broken mail server never holds up
or breaks a page.

The task table keeps its arguments as plain JSON, so a task gets only the invitation's id, never a link: the worker
mints the single-use token itself, stores its hash and emails the link, all under the invitation's row lock. If the
email fails, the new hash is rolled back with it and the send is tried again later; the row's `email_status` says
where it is (Sending / Emailed / Not emailed), which the inviter sees on the invitations list.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from carryover.lib.tasks import email_retry_delay

from .models import Invitation, InvitationEmail, InvitationStatus, hash_token

logger = logging.getLogger(__name__)


def new_token(invitation: Invitation) -> str:
    """Give the invitation a fresh link; the previous one stops working. Only the hash is kept."""
    token = secrets.token_urlsafe(32)  # 256 bits from the OS's CSPRNG
    invitation.token_hash = hash_token(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
    return token


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("invitation_accept", args=[token])


@task()
def invitation_send(invitation_id: int) -> bool:
    """Email the invitation with a new link, once per send asked for. Returns whether an email went out."""
    try:
        with transaction.atomic():
            # The lock orders this against accept, revoke and resend of the same invitation.
            invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
            if invitation is None or invitation.email_status != InvitationEmail.QUEUED:
                return False  # already sent by another run, or given up
            status = invitation.status()
            if status != InvitationStatus.PENDING:
                if status == InvitationStatus.EXPIRED:  # still on the list: say it never went out
                    invitation.email_status = InvitationEmail.FAILED
                    invitation.save(update_fields=["email_status"])
                return False  # accepted or revoked meanwhile: a link now would be useless
            token = new_token(invitation)
            invitation.sent_at, invitation.email_status = timezone.now(), InvitationEmail.SENT
            invitation.save(update_fields=["token_hash", "expires_at", "sent_at", "email_status"])
            context = {
                "invitation": invitation,
                "practice": invitation.practice,
                "inviter": invitation.invited_by,
                "link": invitation_link(token),
                "days": settings.INVITATION_DAYS,
            }
            send_mail(
                subject=f"Your invitation to {invitation.practice.name} on Carryover",
                message=render_to_string("accounts/email/invitation.txt", context),
                from_email=None,
                recipient_list=[invitation.email],
            )
    except Exception:  # the mail server is down or refused (or a bug): the new link is rolled back with it
        logger.exception("invitation %s could not be emailed", invitation_id)
        _retry_or_give_up(invitation_id)
        return False
    logger.info("invitation %s emailed", invitation_id)
    return True


def _retry_or_give_up(invitation_id: int) -> None:
    """Try again later; after the last try the invitation shows "not emailed" and the inviter can press Resend."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None or invitation.email_status != InvitationEmail.QUEUED:
            return
        attempts = invitation.email_attempts + 1
        delay = email_retry_delay(attempts)
        if delay is None:
            logger.error("invitation %s not emailed after %s attempts; giving up", invitation_id, attempts)
            Invitation.objects.filter(pk=invitation_id).update(
                email_attempts=F("email_attempts") + 1, email_status=InvitationEmail.FAILED
            )
            return
        Invitation.objects.filter(pk=invitation_id).update(email_attempts=F("email_attempts") + 1)
        logger.warning("invitation %s email failed (attempt %s); trying again in %s", invitation_id, attempts, delay)
        invitation_send.using(run_after=timezone.now() + delay).enqueue(invitation_id)


@task()
def invitation_request_notify(invitation_id: int, attempt: int = 1) -> bool:
    """Tell the inviter that someone with a dead link asked for a new one (the email names the invitee's address
    and practice, nothing else)."""
    invitation = (
        Invitation.objects.select_related("invited_by", "practice")
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.invited_by is None:
        return False
    context = {"invitation": invitation, "link": settings.SITE_URL + reverse("home")}
    try:
        send_mail(
            subject="Someone asked for a new Carryover invitation link",
            message=render_to_string("accounts/email/invitation_requested.txt", context),
            from_email=None,
            recipient_list=[invitation.invited_by.email],
        )
    except Exception:
        logger.exception("new-link request for invitation %s could not be emailed (attempt %s)", invitation_id, attempt)
        delay = email_retry_delay(attempt)
        if delay is None:
            logger.error("new-link request for invitation %s: giving up", invitation_id)
            return False
        invitation_request_notify.using(run_after=timezone.now() + delay).enqueue(invitation_id, attempt=attempt + 1)
        return False
    return True
