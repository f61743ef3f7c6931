"""Access helper for sessions: a therapist of the client, or an audited 404 (carryover.homework.access._fetch)."""

from __future__ import annotations

from carryover.audit.models import Action
from carryover.homework.access import THERAPIST_ONLY, _fetch
from carryover.lib.types import AuthedRequest

from .models import Session


def get_session_for_therapist(request: AuthedRequest, pk: int, *, action: str = Action.UPDATE) -> Session:
    queryset = Session.objects.select_related("client")
    return _fetch(request, queryset, pk, roles=THERAPIST_ONLY, object_type="session", action=action)
