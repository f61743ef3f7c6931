"""FHIR `$export` through the API (api/export.py): a client's Bundle for their therapist, and the Bulk Data flow
for a practice admin, kick-off → 202 + Content-Location → polled until the real worker has built it → manifest →
NDJSON files fetched with the same token, each resource valid FHIR; `_type`, refusals, expiry, DELETE, scopes and
the OpenAPI document."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle as CheckedBundle
from fhirclient.models.bundle import Bundle as IndependentBundle

from carryover.api.v1 import api
from carryover.audit.models import Action, AuditEvent, Outcome
from carryover.homework.services import goal_create
from carryover.lib.crypto import CHUNKED_HEADER, encrypt_bytes
from carryover.lib.filestore import store_get, store_names, store_put
from carryover.measures.tests.helpers import submit
from carryover.records.models import FhirBulkExport
from carryover.records.tasks import records_sweep

from .helpers import call, is_problem, token_for

PREFIX = "/api/v1"


@pytest.fixture
def scored(personas, monday):
    goal_create(actor=personas.alice, client=personas.bob.membership, text="Sleep before midnight", steps=[])
    submit(personas.alice, personas.bob, [2, 2, 1, 1, 1, 1, 1, 1, 0])
    submit(personas.alice, personas.erin, [3, 3, 3, 3, 3, 0, 0], key="gad7")


def run_worker():
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def path_of(url: str) -> str:
    return url.split("testserver", 1)[1]


def test_a_therapist_gets_a_clients_record_as_a_valid_fhir_bundle(client, personas, scored):
    before = AuditEvent.objects.count()
    response = call(client, "get", f"{PREFIX}/clients/{personas.bob.pk}/$export", token_for(personas.alice))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json" and response["Cache-Control"] == "no-store"
    assert response["ETag"] and response["RateLimit"]
    bundle = response.json()
    CheckedBundle.model_validate(bundle)
    IndependentBundle(json.loads(response.content), strict=True)  # an R4 reader outside the project's code
    totals = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    assert [o["code"]["coding"][0]["code"] for o in totals] == ["44261-6"]  # PHQ-9 total's LOINC code
    (event,) = AuditEvent.objects.order_by("id")[before:]
    assert (event.action, event.outcome, event.client_id) == (Action.EXPORT, Outcome.ALLOWED, personas.bob.pk)


def test_a_token_needs_the_records_area(client, personas, scored):
    token = token_for(personas.alice, areas=["review", "measures"])
    response = call(client, "get", f"{PREFIX}/clients/{personas.bob.pk}/$export", token)
    assert is_problem(response, 403)["detail"] == "This token does not allow the “records” area."


@pytest.mark.django_db(transaction=True)
def test_bulk_export_kick_off_poll_and_fetch_every_file(client, personas, scored):
    token = token_for(personas.admin, write=False)  # an export reads: a read-only token may start one
    kick_off = call(client, "get", f"{PREFIX}/practice/$export", token, Prefer="respond-async")
    assert kick_off.status_code == 202
    status_url = path_of(kick_off["Content-Location"])
    waiting = call(client, "get", status_url, token)
    assert waiting.status_code == 202
    assert waiting["X-Progress"] == "in progress" and int(waiting["Retry-After"]) > 0

    run_worker()
    done = call(client, "get", status_url, token)
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    manifest = done.json()
    assert manifest["requiresAccessToken"] is True and manifest["error"] == []
    assert path_of(manifest["request"]) == f"{PREFIX}/practice/$export"
    counts = {}
    for item in manifest["output"]:
        response = call(client, "get", path_of(item["url"]), token)
        assert response.status_code == 200 and response["Content-Type"] == "application/fhir+ndjson"
        assert response.streaming  # decrypted chunk by chunk as it is sent, never whole in memory
        resources = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
        for resource in resources:
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            assert resource["resourceType"] == item["type"]
        counts[item["type"]] = len(resources)
        assert item["count"] == len(resources)
    assert counts["Patient"] == 2  # Bob and Erin: Dana is another practice's
    assert counts["Observation"] == 2 and counts["Questionnaire"] == 2 and counts["Goal"] == 1
    exported = AuditEvent.objects.filter(action=Action.EXPORT, object_type="fhir_bulk_export_file")
    assert exported.count() == len(manifest["output"])


def test_type_narrows_the_files_and_unknown_or_unsupported_parameters_are_refused(client, personas, scored):
    token = token_for(personas.admin)
    kick_off = call(client, "get", f"{PREFIX}/practice/$export?_type=Patient,Observation", token)
    assert kick_off.status_code == 202
    from carryover.records.bulk import bulk_export_build

    bulk_export_build(job_id=FhirBulkExport.objects.get().pk)
    manifest = call(client, "get", path_of(kick_off["Content-Location"]), token).json()
    assert sorted(item["type"] for item in manifest["output"]) == ["Observation", "Patient"]
    unknown = is_problem(call(client, "get", f"{PREFIX}/practice/$export?_type=Patient,Medication", token), 400)
    assert unknown["errors"][0]["field"] == "_type" and "Medication" not in unknown["detail"]
    is_problem(call(client, "get", f"{PREFIX}/practice/$export?_since=2026-01-01T00:00:00Z", token), 400)
    is_problem(call(client, "get", f"{PREFIX}/practice/$export?_outputFormat=text/csv", token), 400)
    assert FhirBulkExport.objects.count() == 1  # nothing queued for a refused request


def _built(client, personas, token) -> tuple[str, str]:
    from carryover.records.bulk import bulk_export_build

    kick_off = call(client, "get", f"{PREFIX}/practice/$export", token)
    bulk_export_build(job_id=FhirBulkExport.objects.latest("id").pk)
    status_url = path_of(kick_off["Content-Location"])
    file_url = path_of(call(client, "get", status_url, token).json()["output"][0]["url"])
    return status_url, file_url


def _files_of_the_last_job() -> set[str]:
    return {item["path"] for item in FhirBulkExport.objects.latest("id").files.values()}


def test_files_expire_after_a_day_and_delete_removes_them_at_once(client, personas, scored):
    token = token_for(personas.admin)
    status_url, file_url = _built(client, personas, token)
    files = _files_of_the_last_job()
    assert len(files) == 7 and files <= set(store_names("exports/"))
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        records_sweep.call()
        assert "expired" in is_problem(call(client, "get", status_url, token), 404)["detail"]
        is_problem(call(client, "get", file_url, token), 404)
    assert not files & set(store_names("exports/"))

    status_url, file_url = _built(client, personas, token)
    files = _files_of_the_last_job()
    assert call(client, "delete", status_url, token).status_code == 202
    assert not files & set(store_names("exports/"))
    is_problem(call(client, "get", file_url, token), 404)


def test_each_file_is_stored_encrypted_in_chunks_and_one_stored_whole_still_downloads(client, personas, scored):
    """The worker seals each NDJSON file in chunks (records/zipstore.py), and a file stored whole by the earlier
    build, one Fernet token, is still read: a job built before an upgrade stays fetchable until it expires."""
    token = token_for(personas.admin)
    _, file_url = _built(client, personas, token)
    job = FhirBulkExport.objects.latest("id")
    kind = file_url.rsplit("/", 1)[1].removesuffix(".ndjson")
    stored = store_get(job.files[kind]["path"])
    assert stored.startswith(CHUNKED_HEADER) and b"Patient" not in stored and b"resourceType" not in stored
    expected = b"".join(call(client, "get", file_url, token).streaming_content)
    assert expected.count(b"\n") == job.files[kind]["count"] > 0

    whole = store_put("exports/whole.bin", encrypt_bytes(expected))
    job.files = {**job.files, kind: {"path": whole, "count": job.files[kind]["count"]}}
    job.save(update_fields=["files"])
    assert b"".join(call(client, "get", file_url, token).streaming_content) == expected


def test_only_the_admin_who_asked_can_poll_or_fetch(client, personas, scored):
    from carryover.accounts.models import Role
    from carryover.conftest import make_person

    status_url, file_url = _built(client, personas, token_for(personas.admin))
    colleague = token_for(make_person(personas.practice, "ann@harbour.test", "Ann Admin", Role.ADMIN))
    for url in (status_url, file_url):
        assert call(client, "get", url, colleague).status_code == 404
    assert (
        call(client, "get", file_url.rsplit("/", 1)[0] + "/Secret.ndjson", token_for(personas.admin)).status_code == 404
    )


def test_the_openapi_document_describes_the_export_operations():
    paths = api.get_openapi_schema()["paths"]
    bundle = paths[f"{PREFIX}/clients/{{client_id}}/$export"]["get"]
    assert "application/fhir+json" in bundle["responses"][200]["content"]
    kick_off = paths[f"{PREFIX}/practice/$export"]["get"]
    assert 202 in kick_off["responses"] and {p["name"] for p in kick_off["parameters"]} >= {"_type", "_since"}
    status = paths[f"{PREFIX}/practice/$export/{{job_id}}"]
    assert {200, 202} <= set(status["get"]["responses"]) and "delete" in status
    file = paths[f"{PREFIX}/practice/$export/{{job_id}}/{{kind}}.ndjson"]["get"]
    assert "application/fhir+ndjson" in file["responses"][200]["content"]
    assert all(op["security"] for op in (bundle, kick_off, file))
