"""Benchmark: plan a week for N clients, then let W real `db_worker` processes deliver N reminders due in the
same minute to an SMTP sink on loopback. Prints timings and lateness. Meant for a scratch PostgreSQL database
(DATABASE_URL=…/carryover_bench_reminders); it deletes the reminders, tasks and benchmark people it made."""

from __future__ import annotations

import logging
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carryover.accounts.models import Membership, Practice, Role, User
from carryover.homework.models import Assignment, AssignmentStatus, Occurrence, ScheduleKind, Template
from carryover.homework.services import builtin_sync
from carryover.reminders.models import Reminder, ReminderSettings, ReminderStatus
from carryover.reminders.planning import clients_to_plan, plan_clients
from carryover.reminders.tasks import deliver_due

DOMAIN = "bench.carryover.invalid"


class Sink:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


class Command(BaseCommand):
    help = "Reminder benchmark: planning cost and delivery of N reminders due in one minute by W workers."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=10_000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark data afterwards.")
        parser.add_argument("--skip-planning", action="store_true")
        parser.add_argument("--skip-delivery", action="store_true")
        parser.add_argument(
            "--idle-tick",
            action="store_true",
            help="Only the tick with nothing changed: clients marked planned as planning leaves them (no reminders "
            "made), for a size planning itself would take too long to reach (100,000).",
        )

    def handle(
        self, *args, clients: int, workers: int, keep: bool, skip_planning: bool, skip_delivery: bool, **options
    ):
        call_command("migrate", verbosity=0)
        self.cleanup()
        builtin_sync()
        people = self.make_clients(clients)
        try:
            if options["idle_tick"]:
                self.bench_idle_tick(people)
                return
            if not skip_planning:
                self.bench_planning(people)
            if not skip_delivery:
                self.bench_delivery(people, workers)
        finally:
            if not keep:
                self.cleanup()

    def out(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def cleanup(self) -> None:
        Reminder.objects.filter(client__user__email__endswith=DOMAIN).delete()
        DBTaskResult.objects.filter(task_path__startswith="carryover.reminders").delete()
        Assignment.objects.filter(client__user__email__endswith=DOMAIN).delete()
        User.objects.filter(email__endswith=DOMAIN).delete()

    def make_clients(self, count: int) -> list[Membership]:
        started = time.perf_counter()
        practice = Practice.objects.filter(name="Benchmark practice").first() or Practice.objects.create(
            name="Benchmark practice", country="GB"
        )
        therapist_user = User.objects.create(email=f"therapist@{DOMAIN}", name="Bench Therapist")
        therapist = Membership.objects.create(user=therapist_user, practice=practice, role=Role.THERAPIST)
        zones = ["Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo"]
        users = User.objects.bulk_create(
            [User(email=f"c{n}@{DOMAIN}", name=f"Client {n}", time_zone=zones[n % len(zones)]) for n in range(count)],
            batch_size=2000,
        )
        members = Membership.objects.bulk_create(
            [Membership(user=u, practice=practice, role=Role.CLIENT) for u in users], batch_size=2000
        )
        version = Template.objects.get(key="journal", practice__isnull=True).latest_version()
        today = timezone.now().date()
        Assignment.objects.bulk_create(
            [
                Assignment(
                    practice=practice,
                    client=m,
                    therapist=therapist,
                    template_version=version,
                    content={"title": "Journal", "if_when": "dinner"},
                    schedule_kind=ScheduleKind.DAILY,
                    start_date=today - timedelta(days=1),
                    status=AssignmentStatus.ACTIVE,
                )
                for m in members
            ],
            batch_size=2000,
        )
        for member, user in zip(members, users, strict=True):
            member.user = user
        self.out(f"setup: {count} clients with a daily activity in {time.perf_counter() - started:.1f} s")
        return members

    def bench_planning(self, people: list[Membership]) -> None:
        started = time.perf_counter()
        for n in range(0, len(people), 500):
            plan_clients(people[n : n + 500])
        spent = time.perf_counter() - started
        self.out(
            f"planning: occurrences for a week + today's and tomorrow's reminders for {len(people)} clients: "
            f"{spent:.1f} s ({1000 * spent / len(people):.2f} ms per client); "
            f"{Reminder.objects.filter(client__in=people).count()} reminders planned"
        )
        started = time.perf_counter()
        for n in range(0, len(people), 500):
            plan_clients(people[n : n + 500], refresh=False)
        spent = time.perf_counter() - started
        self.out(f"replanning every client (nothing changed, no occurrence refresh): {spent:.1f} s")
        # What the tick does: plan those whose assignments, zone or own day changed since; nothing changed here.
        started = time.perf_counter()
        chosen = clients_to_plan(now=timezone.now())
        woken = plan_clients(chosen, now=timezone.now())
        spent = time.perf_counter() - started
        self.out(
            f"tick with nothing changed ({len(people)} idle clients): {len(chosen)} clients replanned, "
            f"{len(woken)} reminders moved, in {spent:.2f} s"
        )

    def bench_idle_tick(self, people: list[Membership]) -> None:
        """Every client as planning leaves them (planned now, in their own zone), then the tick: it should find
        nobody, at a cost that does not grow with the clients who have nothing new."""
        now = timezone.now()
        ReminderSettings.objects.bulk_create(
            [ReminderSettings(client=m, planned_at=now, planned_zone=m.user.time_zone) for m in people],
            batch_size=5000,
            ignore_conflicts=True,
        )
        Assignment.objects.filter(client__in=people).update(updated_at=now - timedelta(minutes=1))
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would have after a bulk load
            cursor.execute("ANALYZE")
        for attempt in range(3):
            started = time.perf_counter()
            chosen = clients_to_plan(now=timezone.now())
            woken = plan_clients(chosen, now=timezone.now())
            spent = time.perf_counter() - started
            self.out(
                f"tick with nothing changed ({len(people)} idle clients, run {attempt + 1}): {len(chosen)} clients "
                f"replanned, {len(woken)} reminders moved, in {spent:.2f} s"
            )

    def bench_delivery(self, people: list[Membership], workers: int) -> None:
        Reminder.objects.filter(client__in=people).delete()
        DBTaskResult.objects.filter(task_path__startswith="carryover.reminders").delete()
        ReminderSettings.objects.filter(client__in=people).update(channels=["email"])
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
        sink = Sink()
        port = free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        env = {
            **os.environ,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "",
            "EMAIL_USE_SSL": "",
        }
        command = [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "-v", "0"]
        procs = [
            subprocess.Popen([*command, "--worker-id", f"bench{n}"], env=env, cwd=settings.BASE_DIR)  # noqa: S603
            for n in range(workers)
        ]
        try:
            time.sleep(3)  # workers up and idle, as they would be in production
            due = self.make_due(people)
            cpu_before = sum(cpu_seconds(proc.pid) for proc in procs)
            open_rows = Reminder.objects.filter(client__in=people, status__in=["scheduled", "sending"])
            while open_rows.exists() and timezone.now() < due + timedelta(minutes=10):
                time.sleep(0.5)
            finished = timezone.now()
            cpu = sum(cpu_seconds(proc.pid) for proc in procs) - cpu_before
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                proc.wait(timeout=30)
            controller.stop()
        self.report_delivery(people, workers, due, finished, sink.count)
        self.out(
            f"workers' CPU (user + system, from due to done, PostgreSQL's own not counted): {cpu:.1f} s, "
            f"{1000 * cpu / len(people):.2f} ms per reminder; throughput "
            f"{len(people) / max((finished - due).total_seconds(), 0.001) / workers:.0f} reminders/s per worker"
        )

    def make_due(self, people: list[Membership]):
        """A digest reminder and an open occurrence for everyone, all due at the same second, five seconds ahead."""
        due = (timezone.now() + timedelta(seconds=5)).replace(microsecond=0)
        Reminder.objects.bulk_create(
            [
                Reminder(
                    client=m,
                    key="day",
                    local_date=due.astimezone(m.user.zone).date(),
                    fire_at=due,
                    next_attempt_at=due,
                )
                for m in people
            ],
            batch_size=2000,
        )
        assignments = dict(Assignment.objects.filter(client__in=people).values_list("client_id", "pk"))
        Occurrence.objects.bulk_create(
            [
                Occurrence(assignment_id=assignments[m.pk], client=m, due_date=due.astimezone(m.user.zone).date())
                for m in people
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
        deliver_due.using(run_after=due).enqueue()  # what planning does for each reminder time
        return due

    def report_delivery(self, people: list[Membership], workers: int, due, finished, received: int) -> None:
        sent = list(
            Reminder.objects.filter(client__in=people, status=ReminderStatus.SENT).values_list("sent_at", flat=True)
        )
        lateness = sorted((at - due).total_seconds() for at in sent if at is not None)
        within = sum(1 for late in lateness if late <= 60)
        self.out(
            f"delivery: {workers} workers, {len(people)} reminders due at the same second, {connection.vendor}: "
            f"all done {(finished - due).total_seconds():.1f} s after due; sent {len(sent)}, "
            f"SMTP sink received {received}; within 60 s: {within}"
        )
        if lateness:
            p50 = statistics.median(lateness)
            p99 = lateness[min(len(lateness) - 1, int(len(lateness) * 0.99))]
            self.out(f"lateness: p50 {p50:.1f} s, p99 {p99:.1f} s, max {lateness[-1]:.1f} s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
