"""Account closure, legal holds and erasure after the practice's retention period: a service, never a raw delete.

Erasure goes through the same list of sections as the export (records/export.py), so what is exported is what is
erased, and a field added later is erased without anyone remembering to: every free-text or JSON field of the
client's rows is emptied, except those `KEPT` names with the reason. Dates, numbers, statuses and links stay, so the
practice keeps the shape of the care it gave (when, what kind, how often, and the scores if it chooses). Files,
drafts, reminders, unsent exports and the person's sign-in details are removed. Closing the account ends every
support person's link at once; erasure also empties the name and address on the invitations sent to them.

The audit log is never edited: its sealed rows carry only numeric ids (audit/models.py), and the person behind an
id is known only through their account row. Erasure replaces that row's email and name with a pseudonym derived
from the id with the audit key, so every audit row of theirs still verifies in the chain and now names a pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carryover.accounts.models import CareLink, Invitation, Membership, User
from carryover.audit.models import Action, Outcome, audit_key
from carryover.audit.services import audit_record
from carryover.homework.models import Attachment, Draft
from carryover.lib.extensions import Registry
from carryover.lib.filestore import store_delete
from carryover.lib.i18n import language_for
from carryover.measures.models import MeasureResult
from carryover.reminders.models import PushSubscription, Reminder, ReminderSettings
from carryover.support.services import links_end_for_client, links_erase_for_client

from .export import SECTIONS
from .models import Closure, ExportRequest, RetentionSettings

TEXT = (models.CharField, models.TextField, models.JSONField)
# Text fields erasure keeps, with the reason. Everything else the client or their therapist wrote is emptied.
KEPT: dict[str, str] = {
    "User.time_zone": "which calendar the kept dates are in; says nothing about the person",
    "Assignment.formats": "the answer formats offered (write, draw, ...): the kind of care, not its content",
    "Assignment.weekdays": "the schedule's days: when care was given",
    "Reminder.key": "removed with the reminder row",
    "MeasureResult.band": "part of the score, kept when the practice keeps scores",
    "MeasureResult.subscales": "part of the score, kept when the practice keeps scores",
    "MeasureResult.flags": "part of the score, kept when the practice keeps scores",
    "RiskAlert.shown": "which crisis lines the screen showed (the practice's own list), kept as the safety record",
}


# What apps above records keep of a person's account (API tokens, stored API answers): each registers, from its
# `AppConfig.ready()`, a function that removes it for one `user_id=`, run in erasure's transaction.
account_erasers: Registry[Callable[..., None]] = Registry("account_erasers")


def pseudonym(user_id: int) -> str:
    """Stable for one id, unguessable without the audit key, and not an address anyone can receive mail at."""
    digest = hmac.new(audit_key(), f"erased-person|{user_id}".encode(), hashlib.sha256).hexdigest()[:16]
    return f"erased-{digest}@erased.invalid"


def closure_request(*, client: Membership, actor: User) -> Closure:
    """The client closes their account: sign-in and reminders stop now; their record is kept for the practice's
    retention period, then erased (unless a therapist places a legal hold). Asking twice changes nothing."""
    years = RetentionSettings.for_practice(client.practice_id).years
    now = timezone.now()
    with transaction.atomic():
        closure, created = Closure.objects.get_or_create(
            client=client, defaults={"requested_at": now, "erase_after": now + timedelta(days=round(365.25 * years))}
        )
        if created:
            User.objects.filter(pk=client.user_id).update(is_active=False)
            ReminderSettings.objects.filter(client=client).update(enabled=False)
            PushSubscription.objects.filter(client=client).delete()
            links_end_for_client(client=client, actor=actor)  # support persons see nothing from now on
            audit_client(client, actor_id=actor.pk, action=Action.UPDATE, object_type="account_closure")
            from .tasks import email_closure

            email_closure.enqueue(closure.pk)
    return closure


def closure_email(*, closure_id: int) -> None:
    """Tell each of the client's therapists that a client closed their account: a link to the client's records
    page (where they can place a legal hold), and no name or anything of the record in the email itself."""
    closure = Closure.objects.select_related("client").get(pk=closure_id)
    links = CareLink.objects.filter(client=closure.client, ended_at__isnull=True).select_related(
        "therapist__user", "therapist__practice"
    )
    link = settings.SITE_URL + reverse("client_records", kwargs={"client_id": closure.client.user_id})
    therapists = {care.therapist.user.email: care.therapist for care in links}
    for email, therapist in sorted(therapists.items()):
        with translation.override(language_for(therapist.user, therapist.practice)):  # each reads their own
            subject = _("A client closed their Carryover account")
            body = render_to_string("records/closure_notice.txt", {"link": link, "erase_after": closure.erase_after})
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])


def closure_hold(*, closure: Closure, actor: User, hold: bool, reason: str = "") -> None:
    """A legal hold stops erasure until lifted; who placed or lifted it, and why, is kept."""
    Closure.objects.filter(pk=closure.pk).update(
        hold=hold, hold_reason=reason if hold else "", hold_by=actor, hold_at=timezone.now()
    )
    audit_client(closure.client, actor_id=actor.pk, action=Action.UPDATE, object_type="legal_hold")


def _blank(value: Any, model_field: models.Field) -> Any:
    if isinstance(value, dict):
        return {}
    if isinstance(value, list):
        return []
    return None if model_field.null and value is None else ""


def _erase_rows(client: Membership, report: dict[str, int]) -> None:
    """Empty every free-text field of the client's rows in every section (KEPT aside)."""
    for section in SECTIONS:
        text_fields = [
            f
            for f in section.model._meta.concrete_fields
            if isinstance(f, TEXT) and not f.choices and f"{section.model.__name__}.{f.name}" not in KEPT
        ]
        if not text_fields:
            continue
        count = 0
        for obj in section.rows(client):
            updates = {f.attname: _blank(getattr(obj, f.attname), f) for f in text_fields}
            if section.model is User:
                updates.update(email=pseudonym(obj.pk), name="", password="!")  # an unusable password
            section.model._default_manager.filter(pk=obj.pk).update(**updates)
            count += 1
        report[section.name] = count


def _remove_files(client: Membership, report: dict[str, int]) -> None:
    attachments = Attachment.objects.filter(client=client)
    exports = ExportRequest.objects.filter(client=client).exclude(path="")
    for path in [*attachments.values_list("path", flat=True), *exports.values_list("path", flat=True)]:
        store_delete(path)
    report["files_removed"] = attachments.count() + exports.count()
    attachments.delete()
    exports.update(path="", token_hash="")
    report["drafts_removed"] = Draft.objects.filter(client=client).delete()[0]
    report["reminders_removed"] = Reminder.objects.filter(client=client).delete()[0]


def _forget_sign_in(user_id: int) -> None:
    EmailAddress.objects.filter(user_id=user_id).delete()
    Authenticator.objects.filter(user_id=user_id).delete()
    UserSession.objects.filter(user_id=user_id).delete()
    Invitation.objects.filter(accepted_user_id=user_id).update(email=pseudonym(user_id), name="")
    for eraser in account_erasers:
        eraser(user_id=user_id)


def erasure_run(*, closure_id: int) -> bool:
    """Erase one closed account whose retention period has passed, in one transaction, and record what was done
    in the closure. False (nothing done) if it is held, not yet due, or already erased."""
    with transaction.atomic():
        closure = Closure.objects.select_for_update().select_related("client").get(pk=closure_id)
        if not closure.due():
            return False
        client = closure.client
        report: dict[str, int] = {}
        _remove_files(client, report)
        if not RetentionSettings.for_practice(client.practice_id).keep_scores:
            report["scores_removed"] = MeasureResult.objects.filter(client=client).delete()[0]
        _erase_rows(client, report)
        report["support_invitations_erased"] = links_erase_for_client(client=client)
        _forget_sign_in(client.user_id)
        Closure.objects.filter(pk=closure.pk).update(erased_at=timezone.now(), report=report)
        audit_client(client, actor_id=None, action=Action.DELETE, object_type="erasure")
    return True


def erasures_due() -> int:
    """Every closure past its retention period and not held (the daily sweep)."""
    due = Closure.objects.filter(erased_at__isnull=True, hold=False, erase_after__lte=timezone.now())
    return sum(erasure_run(closure_id=pk) for pk in due.values_list("pk", flat=True))


def audit_client(client: Membership, *, actor_id: int | None, action: str, object_type: str) -> None:
    audit_record(
        actor_id=actor_id,
        practice_id=client.practice_id,
        client_id=client.user_id,
        action=action,
        object_type=object_type,
        object_id=client.user_id,
        outcome=Outcome.ALLOWED,
    )
