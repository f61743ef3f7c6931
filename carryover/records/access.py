"""Access helpers for records: a client's own record, a therapist's client's record, each audited, and an admin's
own FHIR bulk export (a refusal audited, like every 404)."""

from __future__ import annotations

from carryover.accounts.access import get_client_for_therapist, get_own_client_record
from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.lib.access import deny
from carryover.lib.types import AuthedRequest

from .models import FhirBulkExport


def get_own_record(request: AuthedRequest, *, action: Action = Action.READ) -> Membership:
    return get_own_client_record(request, action=action, object_type="records")


def get_client_record(request: AuthedRequest, client_id: int, *, action: Action = Action.READ) -> Membership:
    return get_client_for_therapist(request, client_id, action=action, object_type="records")


def get_bulk_export_for_admin(request: AuthedRequest, job_id: int, *, action: Action = Action.READ) -> FhirBulkExport:
    """A bulk export the calling admin kicked off in their practice; anyone else, or another admin, gets 404."""
    me = request.user.membership_or_none
    job = None
    if me is not None and me.role == Role.ADMIN:
        job = FhirBulkExport.objects.filter(pk=job_id, practice_id=me.practice_id, requested_by=request.user).first()
    if job is None:
        raise deny(request, action=action, object_type="fhir_bulk_export", object_id=job_id)
    return job
