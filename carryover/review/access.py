"""Access helpers for sessions (a therapist of the client) and chart images (the care team, or the client their
own); anyone else gets an audited 404 (carryover.lib.access)."""

from __future__ import annotations

from carryover.accounts.access import get_client_for_therapist, get_own_client_record
from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.lib.access import THERAPIST_ONLY, deny, fetch_for
from carryover.lib.types import AuthedRequest

from .models import Session


def get_session_for_therapist(request: AuthedRequest, pk: int, *, action: str = Action.UPDATE) -> Session:
    queryset = Session.objects.select_related("client")
    return fetch_for(request, queryset, pk, roles=THERAPIST_ONLY, object_type="session", action=action)


def get_chart_owner(request: AuthedRequest, client_id: int) -> Membership:
    """Whose chart image this is: a client's care team may see it, and the client their own (My patterns)."""
    me = request.user.membership_or_none
    if me is None or me.role != Role.CLIENT:
        return get_client_for_therapist(request, client_id, object_type="chart")
    if me.user_id != client_id:
        raise deny(request, client_id=me.user_id, action=Action.READ, object_type="chart", object_id=client_id)
    return get_own_client_record(request, object_type="chart")
