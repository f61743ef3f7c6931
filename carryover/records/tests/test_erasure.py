"""Account closure and erasure: after the practice's retention period the canaries planted in every field are gone
from the database and the files (KEPT fields aside, each with its reason), the audit chain still verifies and names
a pseudonym, a legal hold stops it, and erasure runs once."""

import json
from datetime import timedelta

import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from carryover.audit.models import AuditEvent
from carryover.audit.services import audit_people, audit_seal, audit_verify
from carryover.measures.models import MeasureResult
from carryover.records.erasure import KEPT, erasures_due, pseudonym
from carryover.records.models import Audience, Closure, RetentionSettings
from carryover.records.services import export_build, export_request

LATER = timedelta(days=round(365.25 * 7) + 1)


def database_text() -> str:
    """Every row of every model, as the application reads it (encrypted fields decrypted)."""
    rows = []
    for model in apps.get_models():
        for values in model._default_manager.values_list(*[f.attname for f in model._meta.concrete_fields]):
            rows.append([str(v) for v in values])
    return json.dumps(rows)


def close(client, personas):
    client.force_login(personas.bob)
    assert client.post(reverse("my_data_close"), {"confirm": "close"}).status_code == 302
    return Closure.objects.get(client=personas.bob.membership)


def test_erasure_after_retention_leaves_no_canary_and_the_audit_chain_verifies(client, personas, planted, media):
    export = export_request(client=planted.client, actor=personas.bob, audience=Audience.CLIENT)
    export_build(export_id=export.pk)
    closure = close(client, personas)
    assert (closure.erase_after - closure.requested_at).days == round(365.25 * 7)
    assert erasures_due() == 0  # not yet
    before = AuditEvent.objects.filter(client_id=personas.bob.pk).count()
    with time_machine.travel(timezone.now() + LATER):
        assert erasures_due() == 1
        assert erasures_due() == 0  # once
        audit_seal()
        verification = audit_verify()
    assert verification.problems == []
    text = database_text()
    kept = {canary for where, canary in planted.canaries.items() if where.split("#")[0] in KEPT}
    left = {where for where, canary in planted.canaries.items() if canary in text and canary not in kept}
    assert not left, f"still in the database: {left}"
    assert "bob@harbour.test" not in text and "Bob Client" not in text
    assert not EmailAddress.objects.filter(user_id=personas.bob.pk).exists()
    assert not [p for p in media.rglob("*") if p.is_file()]  # attachments and the export's zip
    # The audit rows are all there, unedited, and now name a pseudonym.
    assert AuditEvent.objects.filter(client_id=personas.bob.pk).count() == before + 1  # + the erasure itself
    labels = audit_people(practice_id=personas.practice.pk, events=AuditEvent.objects.filter(client_id=personas.bob.pk))
    assert labels[personas.bob.pk] == pseudonym(personas.bob.pk)
    report = Closure.objects.get(pk=closure.pk).report
    assert report["files_removed"] == 3 and report["entries"] == 2 and report["drafts_removed"] == 1
    assert MeasureResult.objects.filter(client=planted.client).exists()  # scores kept by default


def test_erasure_removes_the_api_tokens_and_the_answers_kept_for_retries(client, personas):
    from carryover.api.models import ApiToken, IdempotencyKey

    ApiToken.objects.create(
        user=personas.bob, name="Q9001Z", prefix="co_x", token_hash="h", expires_at=timezone.now() + LATER
    )
    IdempotencyKey.objects.create(user=personas.bob, key="k", fingerprint="f", body={"text": "Q9002Z"})
    close(client, personas)
    with time_machine.travel(timezone.now() + LATER):
        assert erasures_due() == 1
    text = database_text()
    assert "Q9001Z" not in text and "Q9002Z" not in text


def test_a_legal_hold_stops_erasure_until_lifted(client, personas, planted):
    close(client, personas)
    client.force_login(personas.alice)
    url = reverse("client_hold", args=[personas.bob.pk])
    assert client.post(url, {"hold": "on"}).status_code == 400  # a hold needs its reason
    client.post(url, {"hold": "on", "reason": "Records request from the court"})
    with time_machine.travel(timezone.now() + LATER):
        assert erasures_due() == 0
        assert planted.files[0].exists()
        client.force_login(personas.alice)
        client.post(url, {"reason": ""})
        assert erasures_due() == 1
    assert not planted.files[0].exists()


def test_a_practice_that_keeps_no_scores_loses_them_too(client, personas, planted):
    RetentionSettings.objects.create(practice=personas.practice, years=1, keep_scores=False)
    close(client, personas)
    with time_machine.travel(timezone.now() + timedelta(days=366)):
        assert erasures_due() == 1
    assert not MeasureResult.objects.filter(client=planted.client).exists()


def test_closing_stops_sign_in_and_the_therapist_sees_it(client, personas):
    close(client, personas)
    personas.bob.refresh_from_db()
    assert not personas.bob.is_active
    client.force_login(personas.alice)
    page = client.get(reverse("client_detail", args=[personas.bob.pk])).content.decode()
    assert "Account closed" in page


def test_the_clock_queues_one_sweep_that_expires_links_and_erases_what_is_due(client, personas, planted, media):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from carryover.records.models import ExportRequest, ExportStatus
    from carryover.records.tasks import records_sweep

    export = export_request(client=planted.client, actor=personas.bob, audience=Audience.CLIENT)
    export_build(export_id=export.pk)
    call_command("records_clock", once=True)
    call_command("records_clock", once=True)
    assert DBTaskResult.objects.filter(task_path=records_sweep.module_path, status="READY").count() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert records_sweep.call() == {"expired": 1, "erased": 0}
    assert ExportRequest.objects.get(pk=export.pk).status == ExportStatus.EXPIRED
    assert not list((media / "exports").iterdir())
