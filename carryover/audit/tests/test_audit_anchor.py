"""The audit chain anchored outside the database: unsealed appends, sealing by the worker, checkpoints, and the
attacks they are for (docs/security.md, "Audit log")."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, models, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carryover.audit import triggers
from carryover.audit.checkpoints import CheckpointStoreError
from carryover.audit.models import AuditChainHead, AuditEvent
from carryover.audit.services import audit_record, audit_seal, audit_verify
from carryover.audit.tasks import seal

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer: every write waits for every other anyway"
)


@pytest.fixture
def tamperer(db):
    """A database owner who first removes the append-only triggers, then edits rows directly."""
    with connection.cursor() as cursor:
        for statement in triggers.statements(connection.vendor, reverse=True):
            cursor.execute(statement)


def worker_env(settings) -> dict[str, str]:
    """The environment for a real worker process on this test's database and checkpoint file."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        where = {"DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    else:
        where = {"DATABASE_URL": "", "SQLITE_PATH": str(db["NAME"])}
    return {**os.environ, **where, "AUDIT_CHECKPOINT_PATH": settings.AUDIT_CHECKPOINT_PATH}


def write_events(n: int, *, sealed: bool = True) -> None:
    for i in range(n):
        audit_record(actor_id=1, practice_id=1, client_id=2, action="read", object_type="client", object_id=i)
    if sealed:
        audit_seal()


def raw(queryset):
    """The ordinary QuerySet, as a tamperer with database access would use it."""
    return models.QuerySet(model=AuditEvent).filter(pk__in=queryset.values("pk"))


def checkpoint_lines(settings) -> list[dict]:
    return [json.loads(line) for line in Path(settings.AUDIT_CHECKPOINT_PATH).read_text().splitlines()]


def test_truncating_the_tail_and_moving_the_head_back_is_caught(tamperer, settings):
    write_events(6)
    # Without any key: delete the newest two events and point the head at the survivor.
    survivor = AuditEvent.objects.get(seq=4)
    raw(AuditEvent.objects.filter(seq__gt=4))._raw_delete(using="default")
    AuditChainHead.objects.filter(id=1).update(last_seq=4, last_hash=survivor.hash)
    problems = audit_verify().problems
    assert problems == [
        f"the chain ends at event 4 but the checkpoint of {checkpoint_lines(settings)[-1]['at']} records event 6: "
        "events 5 to 6 were removed"
    ]
    with pytest.raises(CommandError, match="FAILED"):
        call_command("verify_audit")


def test_truncation_hidden_under_newer_events_is_caught(tamperer):
    write_events(6)
    survivor = AuditEvent.objects.get(seq=4)
    raw(AuditEvent.objects.filter(seq__gt=4))._raw_delete(using="default")
    AuditChainHead.objects.filter(id=1).update(last_seq=4, last_hash=survivor.hash)
    write_events(3)  # the worker carries on from the moved head: events 5 to 7 again, but different ones
    problems = audit_verify().problems
    assert any(p.startswith("event 6: differs from the checkpoint") for p in problems), problems


def test_tampered_middle_event_is_caught_sealed_or_not(tamperer):
    write_events(5)
    write_events(3, sealed=False)
    raw(AuditEvent.objects.filter(seq=3)).update(actor_id=99)
    unsealed = AuditEvent.objects.filter(seq__isnull=True).order_by("id")[1]
    raw(AuditEvent.objects.filter(pk=unsealed.pk)).update(client_id=99)
    assert audit_verify().problems == [
        "event 3: contents do not match its hash (edited)",
        f"unsealed event (id {unsealed.pk}): contents do not match its signature (edited)",
    ]
    audit_seal()  # sealing does not launder an edit made while the event waited
    assert "event 7: contents do not match its hash (edited)" in audit_verify().problems


def test_forged_or_edited_checkpoint_lines_are_reported(db, settings):
    write_events(3)
    path = Path(settings.AUDIT_CHECKPOINT_PATH)
    line = checkpoint_lines(settings)[-1]
    forged = {**line, "seq": 9}
    odd = {**line, "sig": "é" * 64}
    path.write_text(path.read_text() + json.dumps(forged) + "\n" + "not json\n" + json.dumps(odd) + "\n")
    assert audit_verify().problems == [
        "checkpoint line 2 is not signed by the audit key (forged, or another key)",
        "checkpoint line 3 is unreadable",
        "checkpoint line 4 is not signed by the audit key (forged, or another key)",
    ]


def test_a_torn_checkpoint_line_is_reported_and_the_next_one_still_counts(db, settings):
    write_events(2)
    path = Path(settings.AUDIT_CHECKPOINT_PATH)
    path.write_text(path.read_text() + '{"seq": 2, "ha')  # a crash in the middle of a write
    write_events(1)
    lines = path.read_text().splitlines()
    assert lines[1] == '{"seq": 2, "ha' and json.loads(lines[2])["seq"] == 3
    assert audit_verify().problems == ["checkpoint line 2 is unreadable"]


def test_the_database_lets_sealing_set_the_chain_fields_once_and_nothing_else(db):
    write_events(1, sealed=False)
    event = AuditEvent.objects.get()
    refused = [
        f"UPDATE audit_auditevent SET client_id = 5 WHERE id = {event.pk}",
        f"UPDATE audit_auditevent SET seq = 1, client_id = 5 WHERE id = {event.pk}",
        f"DELETE FROM audit_auditevent WHERE id = {event.pk}",
    ]
    for statement in refused:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    audit_seal()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE audit_auditevent SET seq = 2 WHERE id = {event.pk}")
    assert audit_verify().problems == []


def test_the_chain_head_only_moves_forward(db):
    write_events(2)
    for statement in [
        "UPDATE audit_auditchainhead SET last_seq = 1",
        "UPDATE audit_auditchainhead SET last_hash = 'f'",
        "DELETE FROM audit_auditchainhead",
    ]:
        refused = pytest.raises(DatabaseError, match="only moves forward")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditChainHead.objects.get().last_seq == 2


def test_sealing_is_idempotent(db, settings):
    write_events(4, sealed=False)
    assert audit_seal() == 4
    assert audit_seal() == 0
    assert list(AuditEvent.objects.order_by("id").values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert [line["seq"] for line in checkpoint_lines(settings)] == [4]  # nothing new: no second line
    assert audit_verify().problems == []


@pytest.mark.slow  # sealing threads against a writer
def test_two_sealing_workers_seal_each_event_once_while_requests_keep_writing(transactional_db, settings):
    write_events(150, sealed=False)
    writing = threading.Event()
    writing.set()

    def writer():
        try:
            write_events(150, sealed=False)
        finally:
            writing.clear()
            connections.close_all()

    def sealer():
        try:
            while writing.is_set() or AuditEvent.objects.filter(seq__isnull=True).exists():
                if not audit_seal(limit=37):
                    time.sleep(0.01)  # as a worker does: nothing to seal yet, let the writer in
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer), threading.Thread(target=sealer), threading.Thread(target=sealer)]
    [t.start() for t in threads]
    [t.join(timeout=120) for t in threads]
    seqs = sorted(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 301))
    assert audit_verify().problems == []
    lines = [line["seq"] for line in checkpoint_lines(settings)]
    assert lines == sorted(lines) and lines[-1] == 300


@pytest.mark.slow  # sealing threads against a writer
def test_verifying_while_workers_seal_raises_no_false_alarm(transactional_db):
    write_events(200)
    rounds, busy = [], threading.Event()
    busy.set()

    def keep_sealing():
        try:
            while busy.is_set():
                write_events(20, sealed=False)
                audit_seal(limit=7)
                rounds.append(1)
        finally:
            connections.close_all()

    sealer = threading.Thread(target=keep_sealing)
    sealer.start()
    results = []
    try:
        deadline = time.monotonic() + 60
        while (len(rounds) < 20 or len(results) < 3) and time.monotonic() < deadline:
            results.append(audit_verify())
    finally:
        busy.clear()
        sealer.join(timeout=60)
    assert [r.problems for r in results] == [[]] * len(results)
    assert len(rounds) >= 20 and results[-1].sealed > results[0].sealed  # it was checked while it grew


@pytest.mark.slow  # sealing threads against a writer
def test_the_clock_queues_a_seal_that_a_worker_runs(transactional_db, settings):
    call_command("audit_clock", "--once")
    assert not DBTaskResult.objects.exists()  # nothing to seal, nothing queued
    write_events(3, sealed=False)
    call_command("audit_clock", "--once")
    call_command("audit_clock", "--once")  # one waiting is enough
    assert DBTaskResult.objects.filter(task_path=seal.module_path, status="READY").count() == 1
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--verbosity", "0"],
        env=worker_env(settings),
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert worker.returncode == 0
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    assert checkpoint_lines(settings)[-1]["seq"] == 3


@on_postgres
@pytest.mark.slow  # sealing threads against a writer
def test_two_db_worker_processes_and_the_clock_seal_everything_once(transactional_db, settings):
    env = worker_env(settings)
    worker = [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--verbosity", "0"]
    processes = [
        subprocess.Popen([*worker, "--worker-id", "sealer-a"], env=env, cwd=settings.BASE_DIR),
        subprocess.Popen([*worker, "--worker-id", "sealer-b"], env=env, cwd=settings.BASE_DIR),
        subprocess.Popen(
            [sys.executable, "manage.py", "audit_clock", "--interval", "0.2"], env=env, cwd=settings.BASE_DIR
        ),
    ]
    try:
        for _ in range(20):
            write_events(15, sealed=False)
            time.sleep(0.1)
        deadline = time.monotonic() + 90
        while AuditEvent.objects.filter(seq__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 301))
    assert audit_verify().problems == []
    assert checkpoint_lines(settings)[-1]["seq"] == 300


@pytest.mark.parametrize(
    "where, message",
    [
        ("", "AUDIT_CHECKPOINT_PATH is not set"),
        ("no-such-directory/checkpoints.jsonl", "no-such-directory does not exist"),
        (".", "cannot be written"),  # a directory where the file should be
    ],
)
def test_a_missing_or_unwritable_checkpoint_store_stops_sealing_loudly(db, settings, tmp_path, where, message, caplog):
    settings.AUDIT_CHECKPOINT_PATH = str(tmp_path / where) if where else ""
    write_events(2, sealed=False)
    with pytest.raises(CheckpointStoreError, match=message):
        audit_seal()
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 2  # nothing sealed without its checkpoint
    with caplog.at_level(logging.ERROR), pytest.raises(CheckpointStoreError):
        seal.call()
    assert "Audit sealing stopped" in caplog.text
    with pytest.raises(CommandError, match=message):
        call_command("audit_clock", "--once")


def test_a_chain_sealed_before_checkpoints_existed_starts_its_file(tamperer, settings):
    """Upgrading: events sealed by the old code (no per-event signature) and no checkpoint file yet."""
    write_events(2)
    raw(AuditEvent.objects.all()).update(mac="")  # as the old code left them
    Path(settings.AUDIT_CHECKPOINT_PATH).unlink()
    assert audit_seal() == 0
    assert [line["seq"] for line in checkpoint_lines(settings)] == [2]
    assert audit_verify().problems == []


def test_verify_without_a_checkpoint_store_says_what_it_cannot_check(db, settings):
    write_events(2)
    settings.AUDIT_CHECKPOINT_PATH = ""
    assert audit_verify().problems == ["AUDIT_CHECKPOINT_PATH is not set: audit checkpoints have nowhere to go."]


def test_a_lost_checkpoint_file_is_reported_and_not_silently_restarted(db, settings):
    write_events(2)
    Path(settings.AUDIT_CHECKPOINT_PATH).unlink()
    write_events(1, sealed=False)
    with pytest.raises(CheckpointStoreError, match="is missing although events were already sealed"):
        audit_seal()
    assert any("checkpoint file" in p and "is missing" in p for p in audit_verify().problems)


def test_unsealed_events_are_checked_and_reported_honestly(db, capsys):
    write_events(2)
    write_events(3, sealed=False)
    result = audit_verify()
    assert (result.problems, result.sealed, result.unsealed) == ([], 2, 3)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "2 sealed events, chain intact, checkpointed up to event 2" in out
    assert "3 newer events are not sealed yet" in out and "would not be noticed" in out
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert audit_verify().problems == [
            f"3 events are waiting to be sealed since {result.oldest_unsealed:%Y-%m-%d %H:%M} UTC: "
            "is a worker running, with `audit_clock`?"
        ]


@on_postgres
def test_an_audited_request_does_not_wait_for_the_chain_head(transactional_db, personas, client):
    """A sealing worker holds the head's lock; requests append regardless (on main they queued behind it)."""
    locked, release = threading.Event(), threading.Event()

    def hold_head():
        try:
            with transaction.atomic():
                AuditChainHead.objects.select_for_update().get_or_create(id=1)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_head)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        client.force_login(personas.bob)
        started = time.monotonic()
        assert client.get(reverse("client_home")).status_code == 200
        assert time.monotonic() - started < 5
        assert AuditEvent.objects.filter(actor_id=personas.bob.pk, object_type="today").exists()
    finally:
        release.set()
        holder.join()
