"""Account emails, sent by the task worker (`manage.py db_worker`) so a slow or broken mail server never holds up
or breaks a page, and so a page answers the same way, in the same time, whoever's address was typed into it.

The task table keeps its arguments as plain JSON, so a task gets only an id or an email address, never a link: the
worker mints each secret itself (an invitation's single-use token, a password-reset key) and emails it. For an
invitation that happens under the invitation's row lock: if the email fails, the new hash is rolled back with it and
the send is tried again later; the row's `email_status` says where it is (Sending / Emailed / Not emailed), which
the inviter sees on the invitations list.

Which address has an account, or a waiting invitation, is looked up here and never in the request: the invite
form, "ask for a new link" and "forgot password" each enqueue one task whatever was typed, and the person behind
the address learns the rest by email.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from allauth.account import app_settings as account_settings
from allauth.account.forms import default_token_generator
from allauth.account.utils import filter_users_by_email, user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from carryover.lib.i18n import language_for, practice_language
from carryover.lib.tasks import email_retry_delay

from .models import Invitation, InvitationEmail, InvitationStatus, User, hash_token

logger = logging.getLogger(__name__)

# However often someone asks for a new invitation link, its inviter hears about it at most this often.
NEW_LINK_NOTICE_EVERY = timedelta(days=1)


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
            context = {
                "invitation": invitation,
                "practice": invitation.practice,
                "inviter": invitation.invited_by,
                "days": settings.INVITATION_DAYS,
                "site": settings.SITE_URL + reverse("home"),
                "reset": settings.SITE_URL + reverse("account_reset_password"),
            }
            # The inviter was told only "the email is on its way", whoever owns the address: an account in any
            # practice is told here instead, with no link (an account belongs to one practice, so a link could not
            # be used), and the inviter's list shows "emailed" either way.
            template = "accounts/email/invitation.txt"
            from .services import imported_account_for  # services queues this task

            taken = User.objects.filter(email__iexact=invitation.email).exists()
            if taken and imported_account_for(invitation) is None:  # an imported client's first sign-in gets a link
                template = "accounts/email/invitation_existing_account.txt"
            else:
                context["link"] = invitation_link(new_token(invitation))
            invitation.sent_at, invitation.email_status = timezone.now(), InvitationEmail.SENT
            invitation.save(update_fields=["token_hash", "expires_at", "sent_at", "email_status"])
            # The invitee has no account yet, so no language of their own: their practice's.
            with translation.override(practice_language(invitation.practice)):
                subject = _("Your invitation to %(practice)s on Carryover") % {"practice": invitation.practice.name}
                message = render_to_string(template, context)
            send_mail(subject=subject, message=message, from_email=None, recipient_list=[invitation.email])
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
        with translation.override(language_for(invitation.invited_by)):  # the inviter's language
            subject = _("Someone asked for a new Carryover invitation link")
            message = render_to_string("accounts/email/invitation_requested.txt", context)
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[invitation.invited_by.email])
    except Exception:
        logger.exception("new-link request for invitation %s could not be emailed (attempt %s)", invitation_id, attempt)
        delay = email_retry_delay(attempt)
        if delay is None:
            logger.error("new-link request for invitation %s: giving up", invitation_id)
            return False
        invitation_request_notify.using(run_after=timezone.now() + delay).enqueue(invitation_id, attempt=attempt + 1)
        return False
    return True


@task()
def invitation_new_link_requested(email: str) -> bool:
    """Someone with a dead invitation link asked for a new one: tell whoever invited them, at most once a day per
    invitation, however often it is asked (the page itself answers the same for any address)."""
    with transaction.atomic():
        # The lock makes two requests racing each other count as one.
        invitation = (
            Invitation.objects.select_for_update()
            .filter(email__iexact=email.strip(), accepted_at__isnull=True, revoked_at__isnull=True)
            .exclude(invited_by=None)
            .order_by("-created_at")
            .first()
        )
        if invitation is None:
            return False
        now = timezone.now()
        if invitation.new_link_noticed_at and now < invitation.new_link_noticed_at + NEW_LINK_NOTICE_EVERY:
            return False
        invitation.new_link_noticed_at = now
        invitation.save(update_fields=["new_link_noticed_at"])
        invitation_request_notify.enqueue(invitation.pk)
    return True


@task()
def password_reset_send(email: str, attempt: int = 1) -> bool:
    """Email a password-reset link to the account at `email`, or, when there is none, say so and how accounts are
    made (by invitation). Returns whether an email went out.

    The key is minted here, so it is never in the request's timing, the task table or a log; it stays valid for
    PASSWORD_RESET_TIMEOUT and stops working once the password changes (Django's token covers the hash)."""
    users = filter_users_by_email(email, is_active=True, prefer_verified=True)
    sign_in = settings.SITE_URL + reverse("account_login")
    if users:
        user = users[0]  # emails are unique: one account at most
        path = reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
        )
        days = max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1)
        context = {"user": user, "link": settings.SITE_URL + path, "sign_in": sign_in, "days": days}
        with translation.override(language_for(user)):
            subject = _("Reset your Carryover password")
            message = render_to_string("accounts/email/password_reset.txt", context)
    elif not account_settings.EMAIL_UNKNOWN_ACCOUNTS:
        return False
    else:
        subject = "Carryover password reset: no account with this address"
        message = render_to_string("accounts/email/password_reset_unknown.txt", {"email": email, "sign_in": sign_in})
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[email])
    except Exception:
        logger.exception("password reset email could not be sent (attempt %s)", attempt)
        delay = email_retry_delay(attempt)
        if delay is None:
            logger.error("password reset email: giving up after %s attempts", attempt)
            return False
        # A retry mints a fresh key: nothing secret waits in the task table.
        password_reset_send.using(run_after=timezone.now() + delay).enqueue(email, attempt=attempt + 1)
        return False
    return True
