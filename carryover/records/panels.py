"""The records app's block on a client's page: whether the account is closed, and the way to the record's exports.
One query, after the page has fetched (and audited) the client."""

from __future__ import annotations

from carryover.accounts.models import Membership
from carryover.lib.extensions import Panel, register_panel
from carryover.lib.types import AuthedRequest

from .models import Closure


def client_panel(*, request: AuthedRequest, client: Membership) -> Panel:
    closure = Closure.objects.filter(client=client).first()
    return Panel("records/_client_panel.html", {"client": client, "closure": closure})


def register() -> None:
    register_panel("client_detail", client_panel)
