"""Access helpers for support links: the client's own, the support person's, and a guardian's for the therapist.

A support person reaches a client only through a link they accepted that the client has not removed; a paused
link still opens (to say "sharing is paused") but shows nothing the pause holds back. Each helper records the read
or refusal in the audit log and gives strangers a 404, as every access helper does (carryover/lib/access.py).
A therapist reaches only the links of a parent or guardian of one of their own clients.
"""

from __future__ import annotations

from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.lib.access import allow, deny
from carryover.lib.types import AuthedRequest

from .models import SupportLink


def _allowed(request: AuthedRequest, link: SupportLink, action: str) -> SupportLink:
    allow(
        request,
        practice_id=link.client.practice_id,
        client_id=link.client.user_id,
        action=action,
        object_type="support_link",
        object_id=link.pk,
    )
    return link


def get_link_for_client(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> SupportLink:
    """One of the client's own current links (suggested, on or paused)."""
    me = request.user.membership_or_none
    link = None
    if me is not None and me.role == Role.CLIENT:
        links = SupportLink.objects.current().select_related("client__user", "invitation")
        link = links.filter(pk=pk, client=me).first()
    if link is None:
        raise deny(request, action=action, object_type="support_link", object_id=pk)
    return _allowed(request, link, action)


def get_waiting_link_for_supporter(request: AuthedRequest, pk: int) -> SupportLink:
    """An invitation to this support person's own (verified) address, waiting for them to accept it."""
    me = request.user.membership_or_none
    link = None
    if me is not None and me.role == Role.SUPPORT:
        waiting = SupportLink.objects.waiting_for(request.user).select_related("client__user", "invitation")
        link = waiting.filter(pk=pk).first()
    if link is None:
        raise deny(request, action=Action.UPDATE, object_type="support_link", object_id=pk)
    return _allowed(request, link, Action.UPDATE)


def get_link_for_supporter(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> SupportLink:
    """A link this support person accepted, while the client still shares (or has paused) it."""
    me = request.user.membership_or_none
    link = None
    if me is not None and me.role == Role.SUPPORT:
        link = SupportLink.objects.of_supporter(request.user).select_related("client__user").filter(pk=pk).first()
    if link is None:
        raise deny(request, action=action, object_type="support_link", object_id=pk)
    return _allowed(request, link, action)


def get_guardian_link_for_therapist(request: AuthedRequest, pk: int, *, action: str = Action.UPDATE) -> SupportLink:
    """A parent or guardian of one of this therapist's clients (the only links a therapist may resend or end)."""
    me = request.user.membership_or_none
    link = None
    if me is not None and me.role == Role.THERAPIST:
        links = SupportLink.objects.current().filter(is_guardian=True, client__in=Membership.objects.clients_of(me))
        link = links.select_related("client__user", "invitation", "supporter").filter(pk=pk).first()
    if link is None:
        raise deny(request, action=action, object_type="support_link", object_id=pk)
    return _allowed(request, link, action)
