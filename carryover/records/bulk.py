"""FHIR Bulk Data export of a practice (the API's `GET /practice/$export`, docs/api.md): an admin kicks it off, the
worker writes one NDJSON file per resource type (`fhir.practice_ndjson`), each encrypted in chunks into the file
store (never whole in memory: `zipstore.py`), and the admin who asked fetches them, streamed, as often as needed,
until the files expire after `LINK_LIFETIME`.

Every step is audited: the kick-off, the build and each file fetched. The files hold every client's clinical record
(never private entries: the FHIR record is the clinical file's), so only the admin who asked can fetch them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from carryover.accounts.models import Membership, Practice, Role, User
from carryover.audit.models import Action, Outcome
from carryover.audit.services import audit_record
from carryover.lib.filestore import store_delete

from .fhir import practice_ndjson
from .models import LINK_LIFETIME, ExportStatus, FhirBulkExport
from .zipstore import seal_to_store, stream


def bulk_export_request(*, practice: Practice, actor: User, types: list[str]) -> FhirBulkExport:
    """Queue a bulk export of the practice (all `types` if empty); the worker builds it (`tasks.build_bulk_export`)."""
    from .tasks import build_bulk_export

    with transaction.atomic():
        job = FhirBulkExport.objects.create(practice=practice, requested_by=actor, types=sorted(set(types)))
        build_bulk_export.enqueue(job.pk)
        _audit(job, actor_id=actor.pk, object_type="fhir_bulk_export")
    return job


def bulk_export_build(*, job_id: int) -> bool:
    """Write the NDJSON files (run by the worker; a job no longer queued is left alone: False)."""
    job = FhirBulkExport.objects.get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return False
    clients = list(Membership.objects.filter(practice_id=job.practice_id, role=Role.CLIENT).select_related("user"))
    files: dict[str, dict[str, Any]] = {}
    with practice_ndjson(clients) as ndjson:
        for kind, file in sorted(ndjson.items()):
            if not job.types or kind in job.types:
                files[kind] = {"path": seal_to_store(file.handle), "count": file.count}
    now = timezone.now()
    updated = FhirBulkExport.objects.filter(pk=job.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.READY, files=files, ready_at=now, expires_at=now + LINK_LIFETIME
    )
    if not updated:  # another run finished it first
        for item in files.values():
            store_delete(item["path"])
        return False
    _audit(job, actor_id=None, object_type="fhir_bulk_export_built")
    return True


def bulk_export_file(*, job: FhirBulkExport, kind: str, actor: User) -> Iterator[bytes] | None:
    """One resource type's NDJSON, decrypted chunk by chunk as it is sent, or None when the job has no such file
    (or its files have expired)."""
    item = job.files.get(kind) if job.files_usable() else None
    if item is None:
        return None
    data = stream(item["path"])
    _audit(job, actor_id=actor.pk, object_type="fhir_bulk_export_file")
    return data


def bulk_export_delete(*, job: FhirBulkExport, actor: User) -> None:
    """The admin is done with the files (the Bulk Data spec's DELETE): they go now rather than at expiry."""
    for item in job.files.values():
        store_delete(item["path"])
    FhirBulkExport.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, files={})
    _audit(job, actor_id=actor.pk, object_type="fhir_bulk_export_delete")


def bulk_exports_expire() -> int:
    """Delete the files of bulk exports past their lifetime (the worker's sweep)."""
    expired = list(FhirBulkExport.objects.filter(status=ExportStatus.READY, expires_at__lte=timezone.now()))
    for job in expired:
        for item in job.files.values():
            store_delete(item["path"])
    FhirBulkExport.objects.filter(pk__in=[j.pk for j in expired]).update(status=ExportStatus.EXPIRED, files={})
    return len(expired)


def bulk_export_failed(*, job_id: int) -> None:
    FhirBulkExport.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(status=ExportStatus.FAILED)


def _audit(job: FhirBulkExport, *, actor_id: int | None, object_type: str) -> None:
    audit_record(
        actor_id=actor_id,
        practice_id=job.practice_id,
        client_id=None,
        action=Action.EXPORT,
        object_type=object_type,
        object_id=job.pk,
        outcome=Outcome.ALLOWED,
    )
