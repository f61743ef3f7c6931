"""Small hooks other apps' pages include: measures on the client page, open alerts on the caseload, help for clients.

Each is only placed on a page whose view has already fetched (and audited) the client or the caseload."""

from __future__ import annotations

from django import template

from carryover.accounts.models import Membership, Role

from .. import services
from ..models import RiskAlert
from ..services import SAFETY_PLAN_SECTIONS

register = template.Library()


@register.filter
def plan_part(content: dict | None, key: str) -> str:
    return (content or {}).get(key, "")


@register.inclusion_tag("measures/_client_panel.html", takes_context=True)
def measures_panel(context, client: Membership) -> dict:
    return {
        "client": client,
        "reader": context["request"].user,
        "summaries": services.client_summaries(client),
        "alerts": RiskAlert.objects.filter(client=client).exclude(status="resolved"),
        "has_plan": services.safety_plan_of(client) is not None,
    }


@register.inclusion_tag("measures/_caseload_alerts.html", takes_context=True)
def open_alerts_banner(context) -> dict:
    reader = context["request"].user
    return {"alerts": services.open_alerts_for_therapist(reader.membership), "reader": reader}


@register.inclusion_tag("measures/_help_extra.html", takes_context=True)
def help_for_client(context) -> dict:
    user = context["request"].user
    membership = user.membership_or_none if user.is_authenticated else None
    if membership is None or membership.role != Role.CLIENT:
        return {"show": False}
    plan = services.safety_plan_of(membership)
    return {"show": True, "plan": plan, "sections": SAFETY_PLAN_SECTIONS, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("measures/_timeline_charts.html")
def timeline_charts(client: Membership) -> dict:
    return {"client": client, "summaries": services.client_summaries(client)}
