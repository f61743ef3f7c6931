"""Benchmark of the review pages on a large generated practice (`make bench`). Prints figures; not a test.

    manage.py bench_review                 # 50 therapists × 60 clients × 365 days (~1M entries), generated once
    manage.py bench_review --scale 0.05    # a quick run: 3 therapists × 60 clients × 18 days

Point DATABASE_URL (PostgreSQL) or SQLITE_PATH at a database of its own: the data stays for the next run.
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from carryover.accounts.models import CareLink, Membership, Practice
from carryover.devtools.bench_practice import PRACTICE, generate
from carryover.homework.models import Entry, Occurrence


class Command(BaseCommand):
    help = "Generate a large practice (once) and time the caseload, timeline, summary and PDF."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Fraction of therapists and days to generate.")
        parser.add_argument("--therapists", type=int, default=50)
        parser.add_argument("--clients", type=int, default=60, help="Clients per therapist (not scaled).")
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--runs", type=int, default=30, help="Requests per page (PDF: a third).")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The benchmark generates data: never in production.")
        practice = Practice.objects.filter(name=PRACTICE).first()
        if practice is None:
            therapists = max(1, round(options["therapists"] * options["scale"]))
            days = max(14, round(options["days"] * options["scale"]))
            self.stdout.write(f"Generating {therapists} therapists × {options['clients']} clients × {days} days…")
            started = time.perf_counter()
            practice = generate(therapists=therapists, clients=options["clients"], days=days, out=self.stdout.write)
            self.stdout.write(f"Generated in {time.perf_counter() - started:.0f} s.")
        self.stdout.write(
            f"Data: {Membership.objects.filter(practice=practice).count()} people, "
            f"{Occurrence.objects.count()} occurrences, {Entry.objects.count()} entries "
            f"({connection.vendor})."
        )
        therapist = Membership.objects.filter(practice=practice, role="therapist").order_by("pk").first()
        assert therapist is not None
        clients = list(
            CareLink.objects.filter(therapist=therapist).order_by("client_id").values_list("client__user_id", flat=True)
        )
        browser = Client()
        browser.force_login(therapist.user)
        runs = options["runs"]
        pages = [
            ("caseload", lambda i: (reverse("caseload"), {}), runs),
            ("timeline (30 days)", lambda i: (reverse("client_timeline", args=[clients[i % len(clients)]]), {}), runs),
            (
                "summary HTML (since last session)",
                lambda i: (reverse("client_summary", args=[clients[i % len(clients)]]), {}),
                runs,
            ),
            (
                "summary HTML (90 days)",
                lambda i: (reverse("client_summary", args=[clients[i % len(clients)]]), {"start": _days_ago(89)}),
                runs,
            ),
            (
                "summary PDF (since last session)",
                lambda i: (reverse("client_summary_pdf", args=[clients[i % len(clients)]]), {}),
                max(3, runs // 3),
            ),
            ("insight", lambda i: (reverse("caseload_insight"), {}), max(3, runs // 3)),
            # The REST API (issue 14): the same services, as JSON (the session stands in for a token).
            ("API caseload (JSON, 100 a page)", lambda i: ("/api/v1/caseload", {"limit": 100}), runs),
            ("API summary (JSON)", lambda i: (f"/api/v1/clients/{clients[i % len(clients)]}/summary", {}), runs),
        ]
        self.stdout.write(f"\n{'page':36} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  (caseload of {len(clients)})")
        for name, target, count in pages:
            median, p95, queries = _time_page(browser, name, target, count)
            self.stdout.write(f"{name:36} {median:10.0f} {p95:8.0f} {queries:8}")


def _time_page(browser: Client, name: str, target, count: int) -> tuple[float, float, int]:
    """One page: warmed up, its queries counted once, then `count` timed requests (median and p95 in ms)."""
    url, params = target(0)
    browser.get(url, params)  # warm up
    # Counted by a wrapper: the request's own reset_queries() empties connection.queries.
    queries: list[str] = []

    def counter(execute, sql, params_, many, context):
        queries.append(sql)
        return execute(sql, params_, many, context)

    with connection.execute_wrapper(counter):
        response = browser.get(url, params)
    if response.status_code != 200:
        raise CommandError(f"{name}: status {response.status_code}")
    timings = []
    for i in range(count):
        url, params = target(i)
        started = time.perf_counter()
        response = browser.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (name, response.status_code)
    return statistics.median(timings), _p95(timings), len(queries)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _days_ago(days: int) -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.now().date() - timedelta(days=days)).isoformat()
