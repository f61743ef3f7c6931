"""The measures app's blocks on other apps' pages: scores, alerts and the safety plan on a client's page, open
alerts above the caseload, score charts on the timeline, and "tell my therapist" on a client's help page.

Each is called by the page's view (`carryover.lib.extensions.panels_for`) after the view has fetched, and audited,
the client or the caseload it is about; each runs a constant number of queries.
"""

from __future__ import annotations

from carryover.accounts.models import Membership, Role
from carryover.lib.extensions import Panel, register_panel
from carryover.lib.types import AuthedRequest

from . import services
from .models import RiskAlert
from .services import SAFETY_PLAN_SECTIONS


def client_panel(*, request: AuthedRequest, client: Membership) -> Panel:
    return Panel(
        "measures/_client_panel.html",
        {
            "client": client,
            "reader": request.user,
            "summaries": services.client_summaries(client),
            "alerts": list(RiskAlert.objects.filter(client=client).exclude(status="resolved")),
            "has_plan": services.safety_plan_of(client) is not None,
        },
    )


def caseload_alerts(*, request: AuthedRequest) -> Panel:
    reader = request.user
    return Panel(
        "measures/_caseload_alerts.html",
        {"alerts": list(services.open_alerts_for_therapist(reader.membership)), "reader": reader},
    )


def timeline_charts(*, request: AuthedRequest, client: Membership) -> Panel:
    return Panel("measures/_timeline_charts.html", {"client": client, "summaries": services.client_summaries(client)})


def help_for_client(*, request: AuthedRequest, membership: Membership | None) -> Panel | None:
    """A client's own way to tell their therapist, and their own safety plan; nothing for anyone else."""
    if membership is None or membership.role != Role.CLIENT:
        return None
    plan = services.safety_plan_of(membership)
    return Panel("measures/_help_extra.html", {"plan": plan, "sections": SAFETY_PLAN_SECTIONS})


def register() -> None:
    register_panel("client_detail", client_panel)
    register_panel("caseload", caseload_alerts)
    register_panel("timeline", timeline_charts)
    register_panel("help", help_for_client)
