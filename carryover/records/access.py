"""Access helpers for records: a client's own record, and a therapist's client's record, each audited."""

from __future__ import annotations

from carryover.accounts.access import get_client_for_therapist, get_own_client_record
from carryover.accounts.models import Membership
from carryover.audit.models import Action
from carryover.lib.types import AuthedRequest


def get_own_record(request: AuthedRequest, *, action: Action = Action.READ) -> Membership:
    return get_own_client_record(request, action=action, object_type="records")


def get_client_record(request: AuthedRequest, client_id: int, *, action: Action = Action.READ) -> Membership:
    return get_client_for_therapist(request, client_id, action=action, object_type="records")
