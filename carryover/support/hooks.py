"""How the support app plugs into the apps below it, from `SupportConfig.ready()`: accounts tells it when a
support invitation is accepted, the reminders worker's tick sends nudges, Today shows encouragements, and the
therapist's client page says who the client shares with and what."""

from __future__ import annotations

from carryover.accounts.models import Membership
from carryover.accounts.services import invitation_accepted_hooks
from carryover.lib.extensions import Panel, register_panel
from carryover.lib.types import AuthedRequest
from carryover.reminders.tasks import tick_hooks

from .models import SupportLink
from .nudges import nudges_send
from .services import encouragements_for_today, link_accepted


def today_panel(*, request: AuthedRequest, client: Membership) -> Panel | None:
    encouragements = encouragements_for_today(client)
    new_guardians = list(SupportLink.objects.current().filter(client=client, is_guardian=True, client_seen_at=None))
    if not encouragements and not new_guardians:
        return None
    return Panel("support/_today.html", {"encouragements": encouragements, "new_guardians": new_guardians})


def client_panel(*, request: AuthedRequest, client: Membership) -> Panel:
    links = list(SupportLink.objects.current().filter(client=client).prefetch_related("assignments__template_version"))
    return Panel("support/_client_panel.html", {"client": client, "links": links})


def register() -> None:
    invitation_accepted_hooks.register(link_accepted)
    tick_hooks.register(nudges_send)
    register_panel("today", today_panel)
    register_panel("client_detail", client_panel)
