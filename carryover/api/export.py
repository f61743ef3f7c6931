"""FHIR `$export` on the API (docs/api.md, "FHIR export"), in the `records` token area:

- `GET /clients/{client_id}/$export`: a therapist's client's clinical record as one FHIR R4 `collection` Bundle
  (`records.fhir.fhir_bundle_for`), `application/fhir+json`, audited as an export.
- `GET /practice/$export`: the FHIR Bulk Data pattern for an admin's whole practice. The kick-off answers 202 with
  `Content-Location`, the status URL; polling it answers 202 with `X-Progress` and `Retry-After` while the worker
  builds, then 200 with the manifest: one NDJSON file per resource type, each fetched from its URL with the same
  token (`requiresAccessToken`) by the admin who asked, until the files expire (24 hours). `DELETE` on the status
  URL deletes the files at once. `_type` narrows the resource types; `_since` is not supported and refused.

Every operation goes through a records access helper (strangers get the same audited 404 as a missing id), and the
rate limit and audit rows are the API's as for every other operation.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from carryover.accounts.access import get_practice_for_admin
from carryover.audit.models import Action
from carryover.lib.access import deny
from carryover.lib.types import AuthedRequest
from carryover.records.access import get_bulk_export_for_admin, get_client_record
from carryover.records.bulk import bulk_export_delete, bulk_export_file, bulk_export_request
from carryover.records.fhir import RESOURCE_TYPES, fhir_bundle_for
from carryover.records.models import ExportStatus

from . import schemas as s
from .auth import ApiAuth
from .conventions import rate_headers
from .models import Area
from .problems import Problem

FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"
NDJSON_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")
RETRY_AFTER_SECONDS = 5

router = Router(auth=ApiAuth(Area.RECORDS), tags=["records (FHIR)"])


def _content(media_type: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {media_type: {"schema": schema}}}


BUNDLE_DOC = {
    "responses": {200: {"description": "A FHIR R4 Bundle (type collection)", **_content(FHIR_JSON, {"type": "object"})}}
}


@router.get(
    "/clients/{client_id}/$export",
    response={200: None},
    summary="A client's clinical record as a FHIR R4 Bundle",
    openapi_extra=BUNDLE_DOC,
)
def client_bundle(request: AuthedRequest, client_id: s.DbId, response: HttpResponse):
    client = get_client_record(request, client_id, action=Action.EXPORT)
    response["Content-Type"] = FHIR_JSON
    response["Cache-Control"] = "no-store"
    # Through the API's own answer (ETag, 304, rate-limit headers), keeping the FHIR media type set above.
    from .v1 import api  # the API object imports this module

    return api.create_response(request, fhir_bundle_for(client), temporal_response=response)


class KickOffQuery(Schema):
    type_: str | None = Field(None, alias="_type", max_length=500, description="Comma-separated resource types")
    since: str | None = Field(None, alias="_since", max_length=100, description="Not supported: refused")
    output_format: str | None = Field(None, alias="_outputFormat", max_length=100)


class BulkAccepted(Schema):
    status_url: str


class BulkOutput(Schema):
    type: str
    url: str
    count: int


class BulkManifest(Schema):
    transactionTime: str  # noqa: N815  (the Bulk Data spec's names)
    request: str
    requiresAccessToken: bool  # noqa: N815
    output: list[BulkOutput]
    error: list[BulkOutput]


def _types(query: KickOffQuery) -> list[str]:
    if query.since:
        raise Problem(400, "_since is not supported: every export is complete.", code="unsupported_parameter")
    if query.output_format and query.output_format not in NDJSON_FORMATS:
        detail = "The only output format is application/fhir+ndjson."
        raise Problem(400, detail, code="unsupported_format", errors=[{"field": "_outputFormat", "message": detail}])
    types = [t.strip() for t in (query.type_ or "").split(",") if t.strip()]
    unknown = sorted(set(types) - set(RESOURCE_TYPES))
    if unknown:
        detail = f"Unknown resource types; this export has {', '.join(RESOURCE_TYPES)}."
        raise Problem(400, detail, code="unknown_type", errors=[{"field": "_type", "message": detail}])
    return types


def _status_url(request: AuthedRequest, job_id: int) -> str:
    return request.build_absolute_uri(reverse("api-v1:bulk_status", kwargs={"job_id": job_id}))


@router.get(
    "/practice/$export",
    response={202: BulkAccepted},
    summary="Start a FHIR Bulk Data export of my practice (NDJSON)",
)
def bulk_kick_off(request: AuthedRequest, query: Query[KickOffQuery], response: HttpResponse):
    practice = get_practice_for_admin(request, action=Action.EXPORT)
    job = bulk_export_request(practice=practice, actor=request.user, types=_types(query))
    url = _status_url(request, job.pk)
    response["Content-Location"] = url
    return Status(202, {"status_url": url})


@router.get(
    "/practice/$export/{job_id}",
    response={200: BulkManifest, 202: BulkAccepted},
    summary="A bulk export's status, then its manifest",
)
def bulk_status(request: AuthedRequest, job_id: s.DbId, response: HttpResponse):
    job = get_bulk_export_for_admin(request, job_id)
    if job.status == ExportStatus.QUEUED:
        response["X-Progress"] = "in progress"
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return Status(202, {"status_url": _status_url(request, job.pk)})
    if job.status == ExportStatus.FAILED:
        raise Problem(409, "This export could not be built. Start a new one.", code="export_failed")
    if not job.files_usable():
        raise Problem(404, "This export's files have expired or were deleted. Start a new one.", code="expired")
    response["Expires"] = job.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT")  # type: ignore[union-attr]
    response["Cache-Control"] = "no-store"
    output = [
        {
            "type": kind,
            "url": request.build_absolute_uri(reverse("api-v1:bulk_file", kwargs={"job_id": job.pk, "kind": kind})),
            "count": item["count"],
        }
        for kind, item in job.files.items()
    ]
    kick_off = request.build_absolute_uri(reverse("api-v1:bulk_kick_off"))
    transaction_time = job.created_at.astimezone(UTC).isoformat()
    return {
        "transactionTime": transaction_time,
        "request": kick_off,
        "requiresAccessToken": True,
        "output": output,
        "error": [],
    }


@router.delete("/practice/$export/{job_id}", response={202: None}, summary="Delete a bulk export's files now")
def bulk_delete(request: AuthedRequest, job_id: s.DbId):
    job = get_bulk_export_for_admin(request, job_id, action=Action.DELETE)
    bulk_export_delete(job=job, actor=request.user)
    return Status(202, None)


FILE_DOC = {
    "responses": {200: {"description": "NDJSON, one resource a line", **_content(FHIR_NDJSON, {"type": "string"})}}
}


@router.get(
    "/practice/$export/{job_id}/{kind}.ndjson",
    response={200: None},
    summary="One resource type's NDJSON file of a bulk export",
    openapi_extra=FILE_DOC,
)
def bulk_file(request: AuthedRequest, job_id: s.DbId, kind: str):
    job = get_bulk_export_for_admin(request, job_id)
    data = bulk_export_file(job=job, kind=kind, actor=request.user)
    if data is None:
        raise deny(request, action=Action.READ, object_type="fhir_bulk_export_file", object_id=job_id)
    response = StreamingHttpResponse(data, content_type=FHIR_NDJSON)
    response["Cache-Control"] = "no-store"
    return rate_headers(request, response)
