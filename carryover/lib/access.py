"""The building blocks of every access helper, in the style of Zulip's `access_*` functions.

An app's helper (`get_entry_for_user`, `get_alert_for_therapist`, ...) either returns the object for this user and
records the read with `allow`, or records a denied event and raises the 404 that `deny` returns, so a stranger
cannot tell a record that exists from one that does not. `fetch_for` is the common case: an object owned by a
client, for that client or one of their therapists. The apps' helpers live in their own `access.py`; these are
the only ones they share.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from carryover.accounts.models import Membership, Role
from carryover.audit.models import Outcome
from carryover.audit.services import audit_record

from .types import AuthedRequest

CLIENT_ONLY = (Role.CLIENT,)
THERAPIST_ONLY = (Role.THERAPIST,)
BOTH = (Role.CLIENT, Role.THERAPIST)


def allow(
    request: AuthedRequest,
    *,
    practice_id: int | None,
    client_id: int | None,
    action: str,
    object_type: str,
    object_id: int | str = "",
) -> None:
    """Record that this user was given the object."""
    audit_record(
        actor_id=request.user.pk,
        practice_id=practice_id,
        client_id=client_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=Outcome.ALLOWED,
    )


def deny(
    request: AuthedRequest, *, client_id: int | None = None, action: str, object_type: str, object_id: int | str = ""
) -> Http404:
    """Record the refusal and return the 404 to raise: `raise deny(...)`."""
    membership = request.user.membership_or_none
    audit_record(
        actor_id=request.user.pk,
        practice_id=membership.practice_id if membership else None,
        client_id=client_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=Outcome.DENIED,
    )
    return Http404()


def fetch_for(
    request: AuthedRequest,
    queryset: QuerySet,
    pk: int,
    *,
    roles: tuple[str, ...],
    object_type: str,
    action: str,
    owner: str = "client",
) -> Any:
    """The object if (for a client among `roles`) it is theirs, or (for a therapist among `roles`) it belongs
    to one of their clients; otherwise an audited 404. `owner` is the path from the object to its client."""
    me = request.user.membership_or_none
    obj, client = None, None
    if me is not None and me.role == Role.CLIENT and Role.CLIENT in roles:
        obj = queryset.filter(pk=pk, **{owner: me}).first()
        client = me
    elif me is not None and me.role == Role.THERAPIST and Role.THERAPIST in roles:
        obj = queryset.filter(pk=pk, **{f"{owner}__in": Membership.objects.clients_of(me)}).first()
        client = obj.client if obj is not None else None
    if obj is None or client is None:
        raise deny(request, action=action, object_type=object_type, object_id=pk)
    allow(
        request,
        practice_id=client.practice_id,
        client_id=client.user_id,
        action=action,
        object_type=object_type,
        object_id=pk,
    )
    return obj
