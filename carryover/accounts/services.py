"""Operations on practices, people and invitations. Views and the API call these, nothing else writes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carryover.audit.models import Action, Outcome
from carryover.audit.services import audit_record
from carryover.lib.extensions import Registry

from . import crisis
from .models import (
    CareLink,
    Country,
    CrisisResource,
    Invitation,
    InvitationEmail,
    InvitationStatus,
    Membership,
    Practice,
    Role,
    User,
    hash_token,
)
from .tasks import invitation_new_link_requested, invitation_send, new_token, password_reset_send

logger = logging.getLogger(__name__)


class InvitationError(Exception):
    """Something a person should be told in plain words."""


# Apps that invite people of their own (support persons) act on the acceptance in its transaction.
invitation_accepted_hooks: Registry[Callable[[Invitation, User], None]] = Registry("invitation_accepted")


def practice_create(*, name: str, country: str = "US") -> Practice:
    resources = crisis.default_resources(country)  # before anything is written: an unknown country saves nothing
    with transaction.atomic():
        practice = Practice.objects.create(name=name, country=country)
        for resource in resources:
            resource.practice = practice
        CrisisResource.objects.bulk_create(resources)
    return practice


class CountryChangeStale(Exception):
    """The practice's crisis lines are no longer what the admin confirmed replacing (or nobody confirmed)."""


@dataclass(frozen=True)
class CountryChange:
    """What changing a practice's country would do to its crisis lines, shown to the admin before it happens."""

    country: str
    label: str
    removed: list[CrisisResource]  # copies of a country's defaults nobody edited: replaced without asking
    own: list[CrisisResource]  # lines the practice added or changed: removed unless the admin keeps them
    added: list[CrisisResource]  # the new country's defaults, unsaved
    fingerprint: str


def country_change_plan(*, practice: Practice, country: str) -> CountryChange:
    added = crisis.default_resources(country)  # raises NoCrisisDefaults
    current = list(practice.crisis_resources.all())
    return CountryChange(
        country=country,
        label=str(Country(country).label),  # in the reader's language
        removed=[r for r in current if crisis.is_unedited_default(r)],
        own=[r for r in current if not crisis.is_unedited_default(r)],
        added=added,
        fingerprint=crisis.fingerprint(current, country),
    )


def practice_update(
    *,
    practice: Practice,
    actor: User,
    name: str,
    country: str,
    terminology: str,
    terms: str,
    default_language: str | None = None,
    keep: Collection[int] = (),
    confirmed: str = "",
) -> None:
    """Save the practice's settings. A new country replaces the crisis lines with that country's defaults, in the
    same transaction, so clients never see one country's name over another's numbers. Only lines of the practice's
    own that the admin chose in `keep` stay (after the defaults); `confirmed` is the fingerprint of the lines the
    admin saw, and a change made against other lines (a colleague edited them meanwhile) is refused."""
    with transaction.atomic():
        # Locked: two admins confirming at once replace the lines once; the second finds the country already set.
        stored = Practice.objects.select_for_update().get(pk=practice.pk)
        if country != stored.country:
            plan = country_change_plan(practice=stored, country=country)
            if confirmed != plan.fingerprint:
                raise CountryChangeStale(_("The crisis lines changed while you were deciding; please check again."))
            kept = [r for r in plan.own if r.pk in set(keep)]
            stored.crisis_resources.exclude(pk__in=[r.pk for r in kept]).delete()
            for resource in plan.added:
                resource.practice = stored
            CrisisResource.objects.bulk_create(plan.added)
            for position, resource in enumerate(kept, start=len(plan.added)):
                resource.position = position
                resource.save(update_fields=["position"])
            audit_record(
                actor_id=actor.pk,
                practice_id=stored.pk,
                client_id=None,
                action=Action.UPDATE,
                object_type="crisis_resources",
                object_id=stored.pk,
            )
        # Compare with the stored terms: a bound ModelForm has already copied the new text onto `practice`.
        if terms.strip() != stored.terms.strip():
            practice.terms_version = stored.terms_version + 1
        practice.name, practice.country, practice.terminology, practice.terms = name, country, terminology, terms
        if default_language is not None:
            practice.default_language = default_language
        practice.save()


def crisis_resources_save(*, practice: Practice, formset) -> None:
    with transaction.atomic():
        for resource in formset.save(commit=False):
            resource.practice = practice
            resource.save()
        for resource in formset.deleted_objects:
            resource.delete()


def invitation_create(*, inviter: User, email: str, role: str, name: str = "") -> Invitation:
    """Therapists invite clients; admins invite therapists and other admins; support persons are invited by a
    client, or by the therapist of a client who is a minor (carryover.support decides who may, and calls this)."""
    me = inviter.membership
    may_invite: dict[str, set[str]] = {
        Role.THERAPIST: {Role.CLIENT, Role.SUPPORT},
        Role.ADMIN: {Role.THERAPIST, Role.ADMIN},
        Role.CLIENT: {Role.SUPPORT},
    }
    allowed = may_invite.get(me.role, set())
    if role not in allowed:
        raise InvitationError(_("You can't invite someone in that role."))
    # Whether the address already has an account (in any practice) is not said here: the worker tells the
    # address's owner by email instead (accounts/tasks.py), so the form cannot be used to find who uses Carryover.
    email = email.strip().lower()
    if Invitation.objects.filter(
        practice=me.practice,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists():
        raise InvitationError(_("There is already a waiting invitation for that address; resend it instead."))
    invitation = Invitation(practice=me.practice, email=email, name=name.strip(), role=role, invited_by=inviter)
    new_token(invitation)  # a placeholder nobody ever sees; the worker mints the emailed link
    with transaction.atomic():
        invitation.save()
        audit_record(
            actor_id=inviter.pk,
            practice_id=me.practice_id,
            client_id=None,
            action=Action.CREATE,
            object_type="invitation",
            object_id=invitation.pk,
        )
        # In the same transaction: a rolled-back invitation sends nothing. Only the id goes in the task table; the
        # worker mints the link (the token above is never sent).
        invitation_send.enqueue(invitation.pk)
    return invitation


def invitation_resend(*, invitation: Invitation, actor: User) -> None:
    if invitation.status() not in (InvitationStatus.PENDING, InvitationStatus.EXPIRED):
        raise InvitationError(_("This invitation was already used or revoked."))
    new_token(invitation)  # the old link stops working now; the worker emails a new one
    invitation.email_status, invitation.email_attempts = InvitationEmail.QUEUED, 0
    with transaction.atomic():
        invitation.save(update_fields=["token_hash", "expires_at", "email_status", "email_attempts"])
        invitation_send.enqueue(invitation.pk)


def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    if invitation.status() in (InvitationStatus.ACCEPTED, InvitationStatus.REVOKED):
        raise InvitationError(_("This invitation was already used or revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def invitation_find(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("practice", "invited_by").filter(token_hash=hash_token(token)).first()


def imported_account_for(invitation: Invitation) -> User | None:
    """An imported client's account (records/importer.py) that nobody has signed in to yet: their invitation sets its
    password rather than creating an account. Only a client of the invitation's own practice, never signed in, with
    no password yet; any other account at the address is someone's, and the invitation cannot touch it."""
    if invitation.role != Role.CLIENT:
        return None
    user = User.objects.filter(email__iexact=invitation.email, is_active=True, last_login__isnull=True).first()
    if user is None or user.has_usable_password():
        return None
    membership = Membership.objects.filter(user=user, practice_id=invitation.practice_id, role=Role.CLIENT).first()
    return user if membership is not None else None


def _account_for(
    invitation: Invitation, *, name: str, password: str, time_zone: str, language: str
) -> tuple[User, Membership]:
    """The invited person's account and membership: new, or an imported client's, now with their password."""
    practice = invitation.practice
    imported = imported_account_for(invitation)
    if imported is None and User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError(_("That email address already has a Carryover account. Please sign in."))
    if imported is not None:
        user = imported
        user.set_password(password)
        user.name, user.time_zone, user.language = name.strip() or user.name, time_zone, language
        user.save(update_fields=["password", "name", "time_zone", "language"])
        membership = Membership.objects.get(user=user, practice=practice)
        membership.consented_terms_version, membership.consented_at = practice.terms_version, timezone.now()
        membership.save(update_fields=["consented_terms_version", "consented_at"])
    else:
        user = User.objects.create_user(
            email=invitation.email, password=password, name=name.strip(), time_zone=time_zone, language=language
        )
        membership = Membership.objects.create(
            user=user,
            practice=practice,
            role=invitation.role,
            consented_terms_version=practice.terms_version,
            consented_at=timezone.now(),
        )
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user, membership


def invitation_accept(
    *, invitation: Invitation, name: str, password: str, time_zone: str, consent: bool, language: str = ""
) -> User:
    if not consent:
        raise InvitationError(_("Please agree to the practice's terms to continue."))
    with transaction.atomic():
        # Lock the row: two clicks on the same link must not create two accounts.
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status() != InvitationStatus.PENDING:
            raise InvitationError(_("This invitation link can no longer be used."))
        user, membership = _account_for(locked, name=name, password=password, time_zone=time_zone, language=language)
        practice = locked.practice
        if locked.role == Role.CLIENT and locked.invited_by_id:
            therapist = Membership.objects.filter(user_id=locked.invited_by_id, role=Role.THERAPIST).first()
            linked = CareLink.objects.filter(therapist=therapist, client=membership, ended_at__isnull=True).exists()
            if therapist is not None and not linked:
                CareLink.objects.create(practice=practice, therapist=therapist, client=membership)
        locked.accepted_at = timezone.now()
        locked.accepted_user = user
        locked.save(update_fields=["accepted_at", "accepted_user"])
        for hook in invitation_accepted_hooks:
            hook(locked, user)
        audit_record(
            actor_id=user.pk,
            practice_id=practice.pk,
            client_id=user.pk if locked.role == Role.CLIENT else None,
            action=Action.CREATE,
            object_type="account",
            object_id=user.pk,
            outcome=Outcome.ALLOWED,
        )
    return user


def invitation_request_new(*, email: str) -> None:
    """Someone with a dead link asks for a new one. The worker looks the address up and tells whoever invited
    them; here nothing is looked up, so the asker learns nothing from the answer or from how long it took."""
    with transaction.atomic():
        invitation_new_link_requested.enqueue(email.strip().lower())


def password_reset_request(*, email: str) -> None:
    """ "Forgot password": the worker looks the address up and emails a link, or says there is no account; the page
    answers the same, in the same time, for any address."""
    with transaction.atomic():
        password_reset_send.enqueue(email.strip().lower())


def profile_update(*, user: User, name: str, time_zone: str, language: str | None = None) -> None:
    user.name, user.time_zone = name.strip(), time_zone
    if language is not None:
        user.language = language
    user.save(update_fields=["name", "time_zone", "language"])


def display_update(*, user: User, theme: str, text_size: str) -> None:
    user.theme, user.text_size = theme, text_size
    user.save(update_fields=["theme", "text_size"])
