"""How the support app plugs into the apps below it, from `SupportConfig.ready()`: accounts tells it when a
support invitation is accepted, the reminders worker's tick sends nudges, Today shows encouragements (and a
guardian the therapist added or removed), the client's own entry page offers "share this with Jo", and the
therapist's client page says who the client shares with and what."""

from __future__ import annotations

from carryover.accounts.models import Membership
from carryover.accounts.services import invitation_accepted_hooks
from carryover.homework.models import Entry, local_today
from carryover.lib.extensions import Panel, register_panel
from carryover.lib.types import AuthedRequest
from carryover.reminders.tasks import tick_hooks

from .models import LinkState, SupportLink
from .nudges import nudges_send
from .services import encouragements_for_today, link_accepted
from .shared import shareable_entries


def today_panel(*, request: AuthedRequest, client: Membership) -> Panel | None:
    encouragements = encouragements_for_today(client)
    unseen = list(SupportLink.objects.filter(client=client, is_guardian=True, client_seen_at=None))
    new_guardians = [link for link in unseen if link.state != LinkState.REMOVED]
    ended_guardians = [link for link in unseen if link.state == LinkState.REMOVED]
    if not encouragements and not unseen:
        return None
    context = {"encouragements": encouragements, "new_guardians": new_guardians, "ended_guardians": ended_guardians}
    return Panel("support/_today.html", context)


def entry_panel(*, request: AuthedRequest, client: Membership, entry: Entry) -> Panel | None:
    """ "Share this with Jo" for each person the client shares with, on the client's own entry page; for an entry
    no scope can hold (private, skipped, a questionnaire, older than 30 days) it says so instead."""
    links = list(SupportLink.objects.filter(client=client, state__in=[LinkState.ON, LinkState.PAUSED]))
    if not links:
        return None
    shareable = shareable_entries(client, local_today(client.user)).filter(pk=entry.pk).exists()
    through = SupportLink.entries.through.objects.filter(entry_id=entry.pk, supportlink__in=links)
    sharing = set(through.values_list("supportlink_id", flat=True))
    rows = [{"link": link, "shared": link.pk in sharing} for link in links]
    return Panel("support/_entry.html", {"entry": entry, "rows": rows, "shareable": shareable})


def client_panel(*, request: AuthedRequest, client: Membership) -> Panel:
    links = list(SupportLink.objects.current().filter(client=client).prefetch_related("assignments__template_version"))
    return Panel("support/_client_panel.html", {"client": client, "links": links})


def register() -> None:
    invitation_accepted_hooks.register(link_accepted)
    tick_hooks.register(nudges_send)
    register_panel("today", today_panel)
    register_panel("client_detail", client_panel)
    register_panel("my_entry", entry_panel)
