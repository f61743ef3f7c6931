"""Operations on support persons: invite (by the client, or by the therapist of a minor), suggest, scope (all at
once, or one entry at a time from the entry's page), pause, resume, remove, encourage, the therapist's minimum for
a minor, and ending every link when the client closes their account or is erased. Views call these; nothing else
writes.

Invitations are accounts' own (hashed single-use tokens, 7 days, resend, revoke): a link only points at one.
Creating a link is audited here; every other change is audited by the access helper that fetched what it
changes (`access.py`, one event per request). Each takes effect on the next request, because every page reads
the link afresh through `access.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carryover.accounts import services as accounts
from carryover.accounts.devices import devices_sign_out_others
from carryover.accounts.models import CLINICIAN_ROLES, Invitation, InvitationStatus, Membership, Role, User
from carryover.audit.models import Action
from carryover.audit.services import audit_record
from carryover.homework.models import Assignment, Entry, local_today

from .models import ENCOURAGEMENT_MAX, Encouragement, LinkState, SupportLink, SupportPolicy
from .shared import shareable_assignments, shareable_entries

ENCOURAGEMENT_DAYS = timedelta(days=7)  # how long a kind word stays on Today
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&[#a-zA-Z0-9]+;|\]\(|javascript:", re.IGNORECASE)


class SupportError(Exception):
    """Something the person should be told in plain words; nothing was changed."""


class SharingPaused(SupportError):
    """The client has paused sharing: a support person's kind word waits until they resume."""


def _audit_created(actor: User, link: SupportLink) -> None:
    audit_record(
        actor_id=actor.pk,
        practice_id=link.client.practice_id,
        client_id=link.client.user_id,
        action=Action.CREATE,
        object_type="support_link",
        object_id=link.pk,
    )


def check_address(*, client: Membership, email: str) -> str:
    """The address, cleaned, or a plain refusal: not the client's own, not a clinician's, not already theirs."""
    email = email.strip().lower()
    if email == client.user.email.lower():
        raise SupportError(_("That's your own address. A support person is someone else you trust."))
    clinicians = Membership.objects.filter(practice_id=client.practice_id, role__in=CLINICIAN_ROLES)
    if clinicians.filter(user__email__iexact=email).exists():
        raise SupportError(
            _("That address belongs to someone at your practice. A support person is someone from your own life.")
        )
    if SupportLink.objects.current().filter(client=client, email__iexact=email).exists():
        raise SupportError(_("You have already added that person."))
    return email


def link_invite(*, client: Membership, actor: User, name: str, email: str, is_guardian: bool = False) -> SupportLink:
    """Invite a support person: the client invites anyone; a therapist invites only a guardian of a minor."""
    email = check_address(client=client, email=email)
    if actor.role != Role.CLIENT and not is_guardian:
        raise SupportError(_("A therapist can suggest a support person; only the client can invite one."))
    link = SupportLink(client=client, name=name.strip(), email=email, is_guardian=is_guardian)
    if is_guardian:
        link.suggested_by = actor
    with transaction.atomic():
        link.invitation = _invite(actor=actor, link=link)
        link.save()
        _audit_created(actor, link)
    return link


def _invite(*, actor: User, link: SupportLink) -> Invitation:
    try:
        return accounts.invitation_create(inviter=actor, email=link.email, role=Role.SUPPORT, name=link.name)
    except accounts.InvitationError as error:
        raise SupportError(str(error)) from error


def link_suggest(*, therapist: User, client: Membership, name: str, email: str) -> SupportLink:
    """A therapist's suggestion: nothing is sent until the client chooses to invite them."""
    email = check_address(client=client, email=email)
    with transaction.atomic():
        link = SupportLink.objects.create(
            client=client, name=name.strip(), email=email, state=LinkState.SUGGESTED, suggested_by=therapist
        )
        _audit_created(therapist, link)
    return link


def link_send_invitation(*, link: SupportLink, actor: User) -> None:
    """Invite a suggested person, or send a waiting invitation again (the old link stops working). A therapist
    sends only a guardian's invitation again: whom else to invite is the client's choice."""
    if actor.role != Role.CLIENT and not link.is_guardian:
        raise SupportError(_("Only the client can invite this person."))
    if link.state == LinkState.SUGGESTED:
        with transaction.atomic():
            link.invitation = _invite(actor=actor, link=link)
            link.state, link.state_changed_at = LinkState.ON, timezone.now()
            link.save(update_fields=["invitation", "state", "state_changed_at"])
        return
    if link.accepted or link.invitation is None:
        raise SupportError(_("%(name)s has already accepted.") % {"name": link.name})
    try:
        accounts.invitation_resend(invitation=link.invitation, actor=actor)
    except accounts.InvitationError as error:
        raise SupportError(str(error)) from error


@dataclass(frozen=True)
class ScopeChoice:
    """What the client ticked on their settings page (already limited to their own assignments and entries)."""

    share_days: bool
    assignments: list[Assignment]
    entries: list[Entry]
    nudge_at: time | None
    named_in_safety_plan: bool


def scope_save(*, link: SupportLink, actor: User, choice: ScopeChoice) -> None:
    client = link.client
    # Checked again here, not only by the form: a scope can never name another client's work.
    today = local_today(client.user)
    own_assignments = set(shareable_assignments(client).values_list("pk", flat=True))
    own_entries = set(shareable_entries(client, today).values_list("pk", flat=True))
    if any(a.pk not in own_assignments for a in choice.assignments) or any(
        e.pk not in own_entries for e in choice.entries
    ):
        raise SupportError(_("That isn't one of yours to share."))
    with transaction.atomic():
        link.share_days, link.nudge_at = choice.share_days, choice.nudge_at
        link.named_in_safety_plan = choice.named_in_safety_plan
        link.save(update_fields=["share_days", "nudge_at", "named_in_safety_plan"])
        link.assignments.set(choice.assignments)
        link.entries.set(choice.entries)


def scope_suggest(*, link: SupportLink, days: bool, completion: bool) -> None:
    """A therapist's suggested scope: the client sees it and decides; nothing is shared because of it."""
    link.suggested_days, link.suggested_completion = days, completion
    link.save(update_fields=["suggested_days", "suggested_completion"])


def link_set_paused(*, link: SupportLink, actor: User, paused: bool) -> None:
    if link.state not in (LinkState.ON, LinkState.PAUSED):
        raise SupportError(_("There is nothing to pause yet."))
    with transaction.atomic():
        link.state, link.state_changed_at = (LinkState.PAUSED if paused else LinkState.ON), timezone.now()
        link.save(update_fields=["state", "state_changed_at"])


def link_remove(*, link: SupportLink, actor: User) -> None:
    """End the link now: a waiting invitation is revoked, and a support person left with nobody sharing with
    them is signed out everywhere (their next request finds nothing either way). A therapist ends only a guardian
    they may manage, and the client is told (on Today and their support page) until they have looked."""
    policy = SupportPolicy.objects.filter(client=link.client).first()
    if actor.role == Role.CLIENT and link.is_guardian and policy is not None and policy.has_minimum:
        raise SupportError(
            _("Your therapist has asked that this person always sees a little. Please talk to your therapist about it.")
        )
    if actor.role != Role.CLIENT and not link.is_guardian:
        raise SupportError(_("Only the client can remove this person."))
    now = timezone.now()
    with transaction.atomic():
        link.state, link.state_changed_at = LinkState.REMOVED, now
        link.client_seen_at = now if actor.role == Role.CLIENT else None
        link.save(update_fields=["state", "state_changed_at", "client_seen_at"])
        _revoke_waiting(link, actor)
    _sign_out_if_nobody_left(link.supporter)


def _revoke_waiting(link: SupportLink, actor: User) -> None:
    invitation = link.invitation
    if invitation is not None and invitation.status() == InvitationStatus.PENDING:
        accounts.invitation_revoke(invitation=invitation, actor=actor)


def _sign_out_if_nobody_left(supporter: User | None) -> None:
    if supporter is not None and not SupportLink.objects.of_supporter(supporter).exists():
        devices_sign_out_others(user=supporter, current_session_key=None)


def links_end_for_client(*, client: Membership, actor: User) -> int:
    """The client closed their account: every link ends now (waiting invitations revoked, support persons with
    nobody left signed out), as if the client had removed each one. records' closure calls this."""
    links = list(SupportLink.objects.current().filter(client=client).select_related("invitation", "supporter"))
    now = timezone.now()
    with transaction.atomic():
        SupportLink.objects.filter(pk__in=[link.pk for link in links]).update(
            state=LinkState.REMOVED, state_changed_at=now, client_seen_at=now
        )
        for link in links:
            _revoke_waiting(link, actor)
    for link in links:
        _sign_out_if_nobody_left(link.supporter)
    return len(links)


ERASED_ADDRESS = "erased@erased.invalid"  # not an address anyone can receive mail at


def links_erase_for_client(*, client: Membership) -> int:
    """Erasure of the client's record (records/erasure.py), in its transaction: the invitations sent to their
    support persons (by them, or by their therapist for a guardian) keep only their dates, and none still works;
    the name and address go. The links' own text is emptied by erasure with every other section of the export."""
    now = timezone.now()
    SupportLink.objects.current().filter(client=client).update(state=LinkState.REMOVED, state_changed_at=now)
    invitations = Invitation.objects.filter(pk__in=SupportLink.objects.filter(client=client).values("invitation_id"))
    invitations.filter(accepted_at=None, revoked_at=None).update(revoked_at=now)
    return invitations.update(email=ERASED_ADDRESS, name="")


def entry_share_set(*, link: SupportLink, entry_id: int, actor: User, share: bool) -> Entry | None:
    """ "Share this with Jo" (or stop) from the entry's own page: one entry added to or taken from the link's
    scope, under the scope page's own rule (`shared.shareable_entries`); pictures and recordings never go with it."""
    if not share:  # stopping is always possible, even for an entry made private since (never shown either way)
        entry = link.entries.filter(pk=entry_id).first()
        if entry is not None:
            link.entries.remove(entry)
        return entry
    entry = shareable_entries(link.client, local_today(link.client.user)).filter(pk=entry_id).first()
    if entry is None:
        raise SupportError(_("That entry can't be shared with a support person."))
    link.entries.add(entry)
    return entry


def link_accepted(invitation: Invitation, user: User) -> None:
    """accounts' acceptance hook: the person who accepted a support invitation becomes its link's supporter."""
    if invitation.role != Role.SUPPORT:
        return
    SupportLink.objects.filter(invitation=invitation).exclude(state=LinkState.REMOVED).update(supporter=user)


def link_accept_existing(*, link: SupportLink, user: User) -> None:
    """A support person who already has an account accepts an invitation to their own address (accounts emailed
    them "sign in" rather than a link). The invitation is used up as if its link had been opened."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=link.invitation_id or 0).first()
        if invitation is None or invitation.status() != InvitationStatus.PENDING:
            raise SupportError(_("This invitation can no longer be used. Ask them to send it again."))
        invitation.accepted_at, invitation.accepted_user = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        link.supporter = user
        link.save(update_fields=["supporter"])


def guardian_links_seen(*, client: Membership) -> None:
    SupportLink.objects.filter(client=client, is_guardian=True, client_seen_at=None).update(
        client_seen_at=timezone.now()
    )


def clean_encouragement(text: str) -> str:
    text = text.strip()
    if len(text) > ENCOURAGEMENT_MAX:
        raise SupportError(
            _("Please keep it to %(ENCOURAGEMENT_MAX)s characters (this has %(len)s).")
            % {"ENCOURAGEMENT_MAX": ENCOURAGEMENT_MAX, "len": len(text)}
        )
    if MARKUP.search(text):
        raise SupportError(_("Please write plain words: no code, links or formatting."))
    return text


def encouragement_send(*, link: SupportLink, actor: User, preset: str, text: str) -> Encouragement:
    text = clean_encouragement(text)
    if not text and not preset:
        raise SupportError(_("Choose a message or write a few words of your own."))
    if link.is_paused:
        raise SharingPaused(f"{link.client.user.first_name} has paused sharing for now; your message wasn't sent.")
    with transaction.atomic():
        return Encouragement.objects.create(link=link, preset="" if text else preset, text=text)


def encouragements_for_today(client: Membership, *, limit: int = 3) -> list[Encouragement]:
    """The latest kind words of the past week from people still sharing with the client; marked seen once shown."""
    recent = list(
        Encouragement.objects.filter(link__client=client, link__state__in=[LinkState.ON, LinkState.PAUSED])
        .filter(created_at__gte=timezone.now() - ENCOURAGEMENT_DAYS)
        .select_related("link")
        .order_by("-created_at")[:limit]
    )
    Encouragement.objects.filter(pk__in=[e.pk for e in recent if e.seen_at is None]).update(seen_at=timezone.now())
    return recent


def policy_set(
    *, therapist: User, client: Membership, is_minor: bool, min_days: bool, min_completion: bool
) -> SupportPolicy:
    with transaction.atomic():  # audited by get_client_for_therapist, which fetched the client for this change
        policy, _created = SupportPolicy.objects.get_or_create(client=client)
        policy.is_minor = is_minor
        policy.min_days, policy.min_completion = (min_days, min_completion) if is_minor else (False, False)
        policy.set_by, policy.updated_at = therapist, timezone.now()
        policy.save()
    return policy
