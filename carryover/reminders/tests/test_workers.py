"""Exactly once under concurrency, and nothing lost when workers are killed (PostgreSQL: several processes
claiming rows at once is what it is for; SQLite allows one writer, and one worker, which test_claims covers)."""

from __future__ import annotations

import functools
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carryover.accounts.models import Role
from carryover.conftest import link, make_person
from carryover.homework.services import builtin_sync
from carryover.reminders.delivery import Sender, claim_due, deliver_batch
from carryover.reminders.models import Delivery, PushSubscription, Reminder, ReminderSettings, ReminderStatus
from carryover.reminders.tasks import deliver_due

from .conftest import Device, assign, b64

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="several worker processes claiming the same rows at once: PostgreSQL only (SQLite has one writer)",
)


def clients_with_work(personas, count: int) -> list:
    builtin_sync()  # transactional tests start from an empty library
    people = []
    for n in range(count):
        person = make_person(personas.practice, f"load{n}@harbour.test", f"Load {n}", Role.CLIENT)
        link(personas.alice, person)
        assign(personas.alice, person, key="journal", start_date=timezone.now().date().isoformat())
        people.append(person)
    return people


def due_reminders(people, per_client: int, prefix: str) -> list[Reminder]:
    now = timezone.now()
    rows = [
        Reminder(
            client=person.membership,
            key=f"{prefix}{n}",
            local_date=now.astimezone(person.zone).date(),
            fire_at=now - timedelta(seconds=30),
            next_attempt_at=now - timedelta(seconds=30),
        )
        for person in people
        for n in range(per_client)
    ]
    return Reminder.objects.bulk_create(rows, batch_size=2000)


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_claims_are_exclusive_and_expire(personas, settings):
    """Two workers never hold the same reminder; a dead worker's claim expires and its late writes are ignored."""
    [person] = clients_with_work(personas, 1)
    due_reminders([person], 3, "x")
    first, mine = claim_due(limit=2)
    second, theirs = claim_due(limit=5)
    assert len(mine) == 2 and len(theirs) == 1 and not set(mine) & set(theirs)
    assert claim_due(limit=5)[1] == []
    later = timezone.now() + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
    third, taken_over = claim_due(limit=5, now=later)
    assert sorted(taken_over) == sorted(mine + theirs)
    Sender().finish(Reminder.objects.get(pk=mine[0]), first, ReminderStatus.SENT, "")  # the dead worker wakes up
    assert Reminder.objects.get(pk=mine[0]).claim == third


def test_a_refused_message_in_a_batch_neither_loses_nor_repeats_the_others(personas, smtp):
    people = clients_with_work(personas, 6)
    for person in people:
        ReminderSettings.objects.create(client=person.membership, channels=["email"])
    smtp.refuse[people[2].email] = "550 No such user"  # the third of the batch, with sends before and after it
    reminders = due_reminders(people, 1, "r")
    assert deliver_batch(limit=10) == 6
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people if p is not people[2])
    by_client = {r.client_id: r for r in Reminder.objects.filter(pk__in=[r.pk for r in reminders])}
    refused = by_client.pop(people[2].membership.pk)
    assert refused.status == ReminderStatus.FAILED and "SMTP 550" in refused.reason and refused.claim is None
    for reminder in by_client.values():
        delivery = reminder.deliveries.get()
        assert (reminder.status, reminder.sent_channel, reminder.claim) == (ReminderStatus.SENT, "email", None)
        assert reminder.sent_at == delivery.sent_at and delivery.attempts == 1
    assert deliver_batch(limit=10) == 0 and len(smtp.messages) == 5


def test_a_batch_whose_worker_died_after_its_sends_is_finished_without_sending_again(personas, smtp, settings):
    """The worst moment of the batched finish: the dead worker recorded two sends on their delivery rows, and its
    reminders were still "sending" under its claim. The next worker finishes those two from their rows and sends
    only the others."""
    people = clients_with_work(personas, 4)
    reminders = due_reminders(people, 1, "d")
    _, claimed = claim_due(limit=10)
    sent_at = timezone.now() - timedelta(seconds=20)
    for reminder in reminders[:2]:
        Delivery.objects.create(
            reminder=reminder, channel="in_app", scheduled_at=reminder.fire_at, status="sent", sent_at=sent_at
        )
    ReminderSettings.objects.bulk_create([ReminderSettings(client=p.membership, channels=["email"]) for p in people])
    ReminderSettings.objects.filter(client__in=[p.membership for p in people[:2]]).update(channels=["in_app"])
    Reminder.objects.filter(pk__in=claimed).update(lease_until=timezone.now() - timedelta(seconds=1))  # it died
    assert deliver_batch(limit=10) == 4
    rows = Reminder.objects.filter(pk__in=[r.pk for r in reminders]).order_by("pk")
    assert [r.status for r in rows] == [ReminderStatus.SENT] * 4
    assert [r.sent_at == sent_at for r in rows] == [True, True, False, False]
    assert Delivery.objects.filter(reminder__in=reminders[:2], attempts=0).count() == 2  # never tried again
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people[2:])


def test_a_batch_writes_once_per_message_on_top_of_a_fixed_few(personas, smtp):
    """Claim, read and finish are per batch; each send adds only its own outcome (one update of its delivery)."""
    people = clients_with_work(personas, 30)
    ReminderSettings.objects.bulk_create([ReminderSettings(client=p.membership, channels=["email"]) for p in people])
    counts = []
    for size in (10, 20):
        due_reminders(people[:size], 1, f"q{size}-")
        with CaptureQueriesContext(connection) as queries:
            assert deliver_batch(limit=size) == size
        counts.append(sum(1 for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))))
    assert counts[1] - counts[0] == 10
    assert len(smtp.messages) == 30


@on_postgres
@pytest.mark.slow
@pytest.mark.postgres
def test_four_db_workers_deliver_ten_thousand_reminders_exactly_once(transactional_db, personas, smtp):
    people = clients_with_work(personas, 20)
    reminders = due_reminders(people, 500, "load")
    assert len(reminders) == 10_000
    for _ in range(4):
        deliver_due.enqueue()
    env = worker_env(settings.EMAIL_PORT)
    workers = [start([*WORKER, "--worker-id", f"w{n}"], env) for n in range(4)]
    try:
        done = wait_until(lambda: not Reminder.objects.filter(status__in=["scheduled", "sending"]).exists(), 180)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    assert done
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 10_000
    keys = Counter(message["X-Carryover-Delivery"] for message in smtp.messages)
    assert len(keys) == 10_000 and max(keys.values()) == 1
    assert set(keys) == {d.idempotency_key.hex for d in Delivery.objects.all()}
    workers_used = {w for t in DBTaskResult.objects.filter(task_path=deliver_due.module_path) for w in t.worker_ids}
    assert len(workers_used) >= 2


@on_postgres
@pytest.mark.slow
@pytest.mark.postgres
def test_a_killed_db_worker_is_replaced_and_the_clock_recovers_its_batch(transactional_db, personas, smtp):
    """The whole stack: a real db_worker SIGKILLed mid-batch leaves its task RUNNING for ever (django-tasks-db
    never retries); the reminders_clock's tick sees the expired claims and queues a new deliver_due, which a
    restarted worker runs. Nothing is lost; at most the one message in flight is sent twice."""
    people = clients_with_work(personas, 10)
    env = worker_env(settings.EMAIL_PORT, REMINDER_LEASE_SECONDS="1")
    for trial in range(3):
        reminders = due_reminders(people, 30, f"k{trial}-")
        before = len(smtp.messages)
        deliver_due.enqueue()
        victim = start([*WORKER, "--worker-id", f"victim{trial}"], env)
        assert wait_until(lambda: len(smtp.messages) >= before + 20 + 10 * trial, 30)  # noqa: B023
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        assert DBTaskResult.objects.filter(status="RUNNING", worker_ids__contains=[f"victim{trial}"]).exists()
        helpers = [
            start([*WORKER, "--worker-id", f"after{trial}"], env),
            start([sys.executable, "manage.py", "reminders_clock", "--interval", "1"], env),
        ]
        try:
            ids = [r.pk for r in reminders]
            left = Reminder.objects.filter(pk__in=ids).exclude(status=ReminderStatus.SENT)
            assert wait_until(lambda: not left.exists(), 60)  # noqa: B023
        finally:
            for process in helpers:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
        keys = {d.idempotency_key.hex for d in Delivery.objects.filter(reminder__in=reminders)}
        sent = Counter(m["X-Carryover-Delivery"] for m in smtp.messages if m["X-Carryover-Delivery"] in keys)
        assert set(sent) == keys and sum(n - 1 for n in sent.values()) <= 1


WORKER = [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--verbosity", "0"]


def worker_env(smtp_port: int, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "",
        "EMAIL_USE_SSL": "",
        **extra,
    }


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def kill_at_zero(countdown, pid: int) -> None:
    if next(countdown, 1) == 0:
        os.kill(pid, signal.SIGKILL)


def worker_process(deadline: float) -> int:
    """A worker running the delivery loop (what deliver_due does) in a forked process, until nothing is left."""
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        while time.monotonic() < deadline:
            if deliver_batch(limit=5) == 0:
                if not Reminder.objects.filter(status__in=["scheduled", "sending"]).exists():
                    break
                time.sleep(0.02)
    except BaseException:  # noqa: BLE001 - report through the exit code
        code = 1
    os._exit(code)


@on_postgres
@pytest.mark.slow
@pytest.mark.postgres
def test_killed_workers_lose_nothing_and_duplicate_only_the_message_in_flight(
    transactional_db, personas, smtp, settings, push
):
    """50 trials: a worker is SIGKILLed at a random moment in a batch of 40 (or, every other trial, just after the
    SMTP server accepted a message), then another finishes the work.
    Push (which honours the idempotency key as its Topic) shows each reminder once; SMTP may get the one message
    that was accepted just before the kill again — at most one per crash."""
    settings.REMINDER_LEASE_SECONDS = 0.4  # a dead worker's claim expires quickly (a live one never waits that long)
    people = clients_with_work(personas, 10)
    for person in people[:5]:
        ReminderSettings.objects.create(client=person.membership, channels=["push"])
        device = Device()
        PushSubscription.objects.create(
            client=person.membership, endpoint=f"{push.url}/p/{person.pk}", p256dh=device.p256dh, auth=b64(device.auth)
        )
    for person in people[5:]:
        ReminderSettings.objects.create(client=person.membership, channels=["email"])
    rng = random.Random(5)
    ambiguous_per_crash = []
    for trial in range(50):
        reminders = due_reminders(people, 4, f"c{trial}-")
        connections.close_all()  # the forked workers open their own connections
        victim = worker_process(time.monotonic() + 10)
        if trial % 2:  # at a random moment
            time.sleep(rng.uniform(0, 0.25))
            os.kill(victim, signal.SIGKILL)
        else:  # the worst moment for SMTP: the server has the message, the worker has not heard "250" yet
            countdown = iter(range(rng.randint(0, 15), -1, -1))
            smtp.after_accept = functools.partial(kill_at_zero, countdown, victim)
        os.waitpid(victim, 0)
        smtp.after_accept = None
        _, status = os.waitpid(worker_process(time.monotonic() + 10), 0)
        assert status == 0
        ids = [r.pk for r in reminders]
        assert Reminder.objects.filter(pk__in=ids, status=ReminderStatus.SENT).count() == 40, f"trial {trial}"
        keys = {d.idempotency_key.hex for d in Delivery.objects.filter(reminder__in=ids, channel="email")}
        sent = Counter(m["X-Carryover-Delivery"] for m in smtp.messages if m["X-Carryover-Delivery"] in keys)
        assert set(sent) == keys
        ambiguous_per_crash.append(sum(n - 1 for n in sent.values()))
    assert max(ambiguous_per_crash) <= 1
    assert sum(ambiguous_per_crash) >= 10  # the kills after "accepted" did make ambiguous sends, and were counted
    topics = {d.idempotency_key.hex for d in Delivery.objects.filter(channel="push")}
    assert set(push.shown()) == topics and len(topics) == 50 * 20  # each shown once, none lost
    print(f"\nSMTP messages sent twice after a crash: {sum(ambiguous_per_crash)} in 50 crashes")
