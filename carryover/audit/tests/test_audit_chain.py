import re

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse

from carryover.audit import triggers
from carryover.audit.models import AppendOnlyError, AuditEvent
from carryover.audit.services import audit_record, audit_seal, audit_verify


@pytest.fixture
def tamperer(db):
    """A database owner who first removes the append-only triggers, then edits rows directly."""
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in triggers.statements(connection.vendor, reverse=True):
            cursor.execute(statement)


def write_events(n=5, *, sealed=True):
    for i in range(n):
        audit_record(actor_id=1, practice_id=1, client_id=2, action="read", object_type="client", object_id=i)
    if sealed:
        audit_seal()


def raw(queryset):
    """The ordinary QuerySet, as a tamperer with database access would use it."""
    return models.QuerySet(model=AuditEvent).filter(pk__in=queryset.values("pk"))


def test_intact_chain_verifies(db, capsys):
    write_events()
    call_command("verify_audit")
    assert "5 sealed events, chain intact, checkpointed up to event 5" in capsys.readouterr().out


def test_edited_event_is_detected(tamperer):
    write_events()
    raw(AuditEvent.objects.filter(seq=3)).update(client_id=99)
    problems = audit_verify().problems
    assert problems == ["event 3: contents do not match its hash (edited)"]
    with pytest.raises(CommandError, match="FAILED"):
        call_command("verify_audit")


def test_deleted_event_is_detected(tamperer):
    write_events()
    raw(AuditEvent.objects.filter(seq=2))._raw_delete(using="default")
    assert any("expected sequence number 2" in p for p in audit_verify().problems)


def test_deleted_last_event_is_detected(tamperer):
    write_events()
    raw(AuditEvent.objects.filter(seq=5))._raw_delete(using="default")
    assert any("head records event 5" in p for p in audit_verify().problems)


def test_inserted_event_is_detected(tamperer):
    write_events()
    # A forged event slotted in between 2 and 3, linked to 2 but without the key for its hash.
    event2 = AuditEvent.objects.get(seq=2)
    raw(AuditEvent.objects.filter(seq__gte=3)).update(seq=models.F("seq") + 100)
    forged = AuditEvent(
        seq=3,
        at=event2.at,
        actor_id=7,
        practice_id=1,
        client_id=2,
        action="read",
        object_type="client",
        outcome="allowed",
        prev_hash=event2.hash,
        hash="f" * 64,
    )
    models.QuerySet(model=AuditEvent).bulk_create([forged])
    assert any("event 3" in p for p in audit_verify().problems)


@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET client_id = 5", "DELETE FROM audit_auditevent"])
def test_database_refuses_updates_and_deletes(db, statement):
    from django.db import DatabaseError, connection, transaction

    write_events(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.get().client_id == 2


def test_model_refuses_updates_and_deletes(db):
    write_events(1)
    event = AuditEvent.objects.get()
    event.client_id = 5
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(client_id=5)


def test_client_view_writes_one_row_with_who_what_when(client, personas):
    client.force_login(personas.alice)
    before = AuditEvent.objects.order_by("id").last()
    client.get(reverse("client_detail", args=[personas.bob.pk]), headers={"X-Request-ID": "req-12345678"})
    event = AuditEvent.objects.get(id__gt=before.pk if before else 0)
    assert (event.actor_id, event.client_id, event.practice_id) == (
        personas.alice.pk,
        personas.bob.pk,
        personas.practice.pk,
    )
    assert (event.action, event.object_type, event.outcome, event.request_id) == (
        "read",
        "client",
        "allowed",
        "req-12345678",
    )


def test_stranger_attempt_is_audited_as_denied(client, personas):
    client.force_login(personas.charlie)
    before = AuditEvent.objects.order_by("id").last()
    assert client.get(reverse("client_detail", args=[personas.bob.pk])).status_code == 404
    event = AuditEvent.objects.get(id__gt=before.pk if before else 0)
    assert (event.actor_id, event.client_id, event.outcome) == (personas.charlie.pk, personas.bob.pk, "denied")


def test_admin_sees_and_filters_own_practice_log_only(client, personas):
    client.force_login(personas.alice)
    client.get(reverse("client_detail", args=[personas.bob.pk]))
    client.force_login(personas.charlie)
    client.get(reverse("client_detail", args=[personas.dana.pk]))
    client.force_login(personas.frank)
    client.get(reverse("client_detail", args=[personas.bob.pk]))
    client.force_login(personas.admin)
    page = client.get(reverse("audit_log")).content.decode()
    assert "alice@harbour.test" in page and "frank@harbour.test" in page
    assert "charlie@elsewhere.test" not in page
    page = client.get(reverse("audit_log"), {"outcome": "denied"}).content.decode()
    assert "frank@harbour.test" in page and "alice@harbour.test" not in page
    page = client.get(reverse("audit_log"), {"person": "alice@harbour.test"}).content.decode()
    assert "frank@harbour.test" not in page


def test_audit_filter_rejects_reversed_dates_kindly(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("audit_log"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 200
    assert "must be on or after" in response.content.decode()
    response = client.get(reverse("audit_log"), {"start": "not a date", "page": "abc"})
    assert response.status_code == 200


def test_flush_wipes_the_database_and_restores_the_protection(transactional_db):
    from django.db import DatabaseError, connection, transaction

    write_events(2)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    write_events(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


def test_admin_log_never_names_people_of_another_practice(client, personas):
    # Alice probes Dana (another practice): refused, and logged under Harbour with Dana's id.
    client.force_login(personas.alice)
    assert client.get(reverse("client_detail", args=[personas.dana.pk])).status_code == 404
    client.force_login(personas.admin)
    page = client.get(reverse("audit_log"), {"outcome": "denied"}).content.decode()
    assert "alice@harbour.test" in page
    assert "dana@elsewhere.test" not in page and "Dana" not in page
    assert "Not in this practice (ref " in page
    assert not re.search(r"client #\d", page)  # nor Dana's id, as the object of the refused read
    # Filtering by a foreign email must not confirm the account exists (nor show the probe about it).
    page = client.get(reverse("audit_log"), {"person": "dana@elsewhere.test"}).content.decode()
    assert "No events match." in page


def test_opaque_reference_is_stable_in_a_practice_and_differs_between_practices(personas):
    from carryover.audit.services import audit_people

    event = AuditEvent(actor_id=personas.alice.pk, client_id=personas.dana.pk)
    here = audit_people(practice_id=personas.practice.pk, events=[event])
    again = audit_people(practice_id=personas.practice.pk, events=[event])
    there = audit_people(practice_id=personas.other_practice.pk, events=[event])
    assert here == again and here[personas.alice.pk] == "alice@harbour.test"
    assert here[personas.dana.pk] != there[personas.dana.pk]
    assert there[personas.dana.pk] == "dana@elsewhere.test"
    assert re.fullmatch(r"Not in this practice \(ref [0-9a-f]{10}\)", here[personas.dana.pk])
