"""Access helpers for alerts: only the client's care team sees them; everyone else gets an audited 404."""

from __future__ import annotations

from carryover.accounts.access import get_client_for_therapist, get_own_client_record
from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.lib.access import THERAPIST_ONLY, allow, deny, fetch_for
from carryover.lib.types import AuthedRequest

from .models import MeasureSharing, RiskAlert


def charts_shared(client: Membership) -> bool:
    return MeasureSharing.objects.filter(client=client, charts_shared=True).exists()


def get_alert_for_therapist(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> RiskAlert:
    """The client's care team, or the practice's designated contact once the alert was escalated to them: an
    escalation to someone who cannot open the alert and acknowledge it would be an escalation in name only."""
    queryset = RiskAlert.objects.select_related("client__user", "acknowledged_by", "resolved_by", "escalated_to")
    escalated = queryset.filter(pk=pk, escalated_to=request.user, practice_id=request.user.membership.practice_id)
    if (alert := escalated.first()) is not None:
        allow(
            request,
            practice_id=alert.practice_id,
            client_id=alert.client.user_id,
            action=action,
            object_type="risk_alert",
            object_id=pk,
        )
        return alert
    return fetch_for(request, queryset, pk, roles=THERAPIST_ONLY, object_type="risk_alert", action=action)


def in_care_team(request: AuthedRequest, alert: RiskAlert) -> bool:
    me = request.user.membership
    return me.role == Role.THERAPIST and Membership.objects.clients_of(me).filter(pk=alert.client_id).exists()


def get_chart_client(request: AuthedRequest, client_id: int) -> Membership:
    """A client's charts: their care team, or the client themself once the therapist has shared them."""
    me = request.user.membership_or_none
    if me is not None and me.role == Role.CLIENT:
        if me.user_id != client_id or not charts_shared(me):
            raise deny(request, client_id=me.user_id, action=Action.READ, object_type="measure_chart")
        return get_own_client_record(request, object_type="measure_chart")
    return get_client_for_therapist(request, client_id, object_type="measure_chart")
