"""Access helper for sessions: a therapist of the client, or an audited 404 (carryover.lib.access.fetch_for)."""

from __future__ import annotations

from carryover.audit.models import Action
from carryover.lib.access import THERAPIST_ONLY, fetch_for
from carryover.lib.types import AuthedRequest

from .models import Session


def get_session_for_therapist(request: AuthedRequest, pk: int, *, action: str = Action.UPDATE) -> Session:
    queryset = Session.objects.select_related("client")
    return fetch_for(request, queryset, pk, roles=THERAPIST_ONLY, object_type="session", action=action)
