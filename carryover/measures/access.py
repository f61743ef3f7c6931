"""Access helpers for alerts: only the client's care team sees them; everyone else gets an audited 404."""

from __future__ import annotations

from carryover.accounts.access import _deny, get_client_for_therapist, get_own_client_record
from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.homework.access import THERAPIST_ONLY, _fetch
from carryover.lib.types import AuthedRequest

from .models import MeasureSharing, RiskAlert


def charts_shared(client: Membership) -> bool:
    return MeasureSharing.objects.filter(client=client, charts_shared=True).exists()


def get_alert_for_therapist(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> RiskAlert:
    queryset = RiskAlert.objects.select_related("client__user", "acknowledged_by", "resolved_by", "escalated_to")
    return _fetch(request, queryset, pk, roles=THERAPIST_ONLY, object_type="risk_alert", action=action)


def get_chart_client(request: AuthedRequest, client_id: int) -> Membership:
    """A client's charts: their care team, or the client themself once the therapist has shared them."""
    me = request.user.membership_or_none
    if me is not None and me.role == Role.CLIENT:
        if me.user_id != client_id or not charts_shared(me):
            raise _deny(request, client_id=me.user_id, action=Action.READ, object_type="measure_chart")
        return get_own_client_record(request, object_type="measure_chart")
    return get_client_for_therapist(request, client_id, object_type="measure_chart")
