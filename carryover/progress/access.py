"""Access helpers for the client's own history: only the client whose entry it is, everyone else gets 404.

A therapist reads entries through homework's `get_entry_for_user`; these pages are the client's own (private entries
among them), so no one else, not their therapist nor a support person, reaches them. Each helper writes one audit
event, allowed or denied, through carryover.lib.access.
"""

from __future__ import annotations

from carryover.audit.models import Action
from carryover.homework.models import Entry
from carryover.lib.access import CLIENT_ONLY, fetch_for
from carryover.lib.types import AuthedRequest


def get_own_entry(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> Entry:
    queryset = Entry.objects.select_related("assignment", "template_version__template", "client__user")
    return fetch_for(request, queryset, pk, roles=CLIENT_ONLY, object_type="entry", action=action)
