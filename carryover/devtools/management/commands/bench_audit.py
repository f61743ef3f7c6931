"""Audited requests per second: 8 concurrent signed-in clients against gunicorn on loopback.

Each request is a client's page (--page, default Today), which appends one audit event. Then, without HTTP,
8 threads calling `audit_record` for the same time: the audit write path alone. Needs a database of its own
(it adds a practice and 8 clients each run); PostgreSQL is the reference:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carryover_bench_audit .venv/bin/python manage.py bench_audit

Bounded in time (--seconds per phase, default 20, after a 3-second warm-up). Prints requests/s, latency
percentiles and errors. A benchmark, not a test: nothing here asserts.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from carryover.accounts.models import Membership, Role, User
from carryover.accounts.services import practice_create
from carryover.audit.services import audit_record


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_clients(count: int) -> list[str]:
    """Session cookies of `count` new clients in a new practice (each with consent given, so Today opens)."""
    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    practice = practice_create(name=f"Bench {run}", country="GB")
    cookies = []
    for i in range(count):
        user = User.objects.create_user(email=f"bench-{run}-{i}@bench.test", name=f"Bench {i}")
        Membership.objects.create(user=user, practice=practice, role=Role.CLIENT, consented_terms_version=10**6)
        browser = Client()
        browser.force_login(user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def hammer(port: int, page: str, cookie: str, stop_at: float, record: list[float], errors: list[str]) -> None:
    """One client: GET Today over one kept-alive connection until `stop_at`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop_at:
        started = time.perf_counter()
        try:
            connection.request("GET", page, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            errors.append(type(error).__name__)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        if response.status != 200:  # a redirect to sign-in would not be audited
            errors.append(str(response.status))
            continue
        record.append(time.perf_counter() - started)
    connection.close()


def wait_for(port: int) -> None:
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


class Command(BaseCommand):
    help = "Audited requests per second (gunicorn on loopback), then the audit write path alone."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=8)
        parser.add_argument("--seconds", type=float, default=20.0)
        parser.add_argument("--warmup", type=float, default=3.0)
        parser.add_argument("--page", default="/today/", help="an audited page a client may open")

    def handle(self, *args, clients: int, seconds: float, warmup: float, page: str, **options):
        if settings.PRODUCTION or not os.environ.get("DATABASE_URL"):
            raise CommandError("Set DATABASE_URL (a database of the benchmark's own); never in production.")
        cookies = make_clients(clients)
        times, elapsed, errors = serve_and_hammer(cookies, page, seconds=seconds, warmup=warmup)
        report(f"HTTP GET {page}, {clients} clients", times, elapsed, errors)
        times, elapsed = appends(clients, seconds)
        report(f"audit_record alone, {clients} threads", times, elapsed, [])


def serve_and_hammer(
    cookies: list[str], page: str, *, seconds: float, warmup: float
) -> tuple[list[list[float]], float, list[str]]:
    """gunicorn on a free loopback port; each cookie's client GETs `page` for a warm-up, then for `seconds`."""
    port = free_port()
    web = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "carryover.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("WEB_WORKERS", "2"),
            "--threads",
            os.environ.get("WEB_THREADS", "4"),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
    )
    try:
        wait_for(port)
        warm: list[float] = []
        threads = [
            threading.Thread(target=hammer, args=(port, page, c, time.monotonic() + warmup, warm, [])) for c in cookies
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        times: list[list[float]] = [[] for _ in cookies]
        errors: list[str] = []
        stop_at = time.monotonic() + seconds
        threads = [
            threading.Thread(target=hammer, args=(port, page, c, stop_at, times[i], errors))
            for i, c in enumerate(cookies)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        web.terminate()
        web.wait(timeout=20)
    return times, elapsed, errors


def appends(threads_count: int, seconds: float) -> tuple[list[list[float]], float]:
    """The audit write path without HTTP: each thread its own database connection, appending for `seconds`."""
    times: list[list[float]] = [[] for _ in range(threads_count)]
    stop_at = time.monotonic() + seconds

    def append(record: list[float]) -> None:
        try:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                audit_record(actor_id=1, practice_id=1, client_id=1, action="read", object_type="bench")
                record.append(time.perf_counter() - started)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(times[i],)) for i in range(threads_count)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, time.monotonic() - started


def report(label: str, times: list[list[float]], elapsed: float, errors: list[str]) -> None:
    done = sorted(t for per_client in times for t in per_client)
    if not done:
        print(f"{label}: nothing succeeded; errors: {errors[:5]}")
        return
    p95 = done[int(len(done) * 0.95)]
    print(
        f"{label}, {elapsed:.1f} s: {len(done) / elapsed:.1f} per second, "
        f"p50 {statistics.median(done) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, {len(errors)} errors"
    )
