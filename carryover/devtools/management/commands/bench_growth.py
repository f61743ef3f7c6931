"""Benchmark: pages against the floor view, how they grow with the caseload and with history, and what a GET
writes (`make bench`, issue "Fast at scale"). Prints figures; not a test.

    manage.py bench_growth                       # caseloads of 10 / 60 / 200 clients; 30 days and a year of history
    manage.py bench_growth --sizes 10,60 --rounds 10   # a quick run

Every figure is a ratio within this run: the floor view (sign-in required, the base template, one line of body,
the same middleware; devtools/bench_urls.py) is timed in interleaved floor/page pairs, and "× floor" is the median
of the pairs' ratios, so a busy shared machine slows both alike. The generated practice is kept for the next run;
point DATABASE_URL or SQLITE_PATH at a database of its own.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from carryover.accounts.models import CareLink, Membership, Practice, Role
from carryover.devtools import bench_practice
from carryover.devtools.bench_urls import FLOOR_URL
from carryover.homework.models import Template

PRACTICE = "Growth bench practice (generated)"
HISTORY = (30, 365)  # days of history for Today and the client page
HISTORY_CLIENTS = 5
WRITE = re.compile(r"^\s*(?:INSERT\b.*?\bINTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE | re.DOTALL)


@dataclass
class Timed:
    median: float
    floor: float
    queries: int
    writes: list[str]

    ratio: float  # the median of each pair's page / floor: a load that drifts during the run slows both alike


class Command(BaseCommand):
    help = "Pages against the floor view: growth with caseload size and history, queries and writes per GET."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10,60,200", help="Caseload sizes, comma-separated.")
        parser.add_argument("--days", type=int, default=90, help="Days of history of the caseloads.")
        parser.add_argument("--rounds", type=int, default=30, help="Floor/page pairs per page.")

    @override_settings(ROOT_URLCONF="carryover.devtools.bench_urls")
    def handle(self, *args, sizes: str, days: int, rounds: int, **options):
        if settings.PRODUCTION:
            raise CommandError("The benchmark generates data: never in production.")
        counts = [int(n) for n in sizes.split(",")]
        therapists = self.practice(counts, days)
        self.stdout.write(f"\nDatabase: {connection.vendor}; {rounds} interleaved floor/page pairs per page.")
        self.stdout.write(f"{'page':40} {'median ms':>9} {'floor ms':>9} {'× floor':>8} {'queries':>8}  writes per GET")
        growth: dict[str, dict[int, Timed]] = {"caseload": {}, "insight": {}}
        for n in counts:
            browser = signed_in(therapists[n])
            for name, url in (("caseload", reverse("caseload")), ("insight", reverse("caseload_insight"))):
                growth[name][n] = self.row(f"{name} ({n} clients, {days} days)", browser, url, rounds)
        history: dict[str, dict[int, Timed]] = {"Today": {}, "client page": {}}
        for d in HISTORY:
            therapist = therapists[f"history-{d}"]
            client = Membership.objects.filter(client_links__therapist=therapist).order_by("pk").first()
            assert client is not None
            history["Today"][d] = self.row(f"Today ({d} days of history)", signed_in(client), "/today/", rounds)
            url = reverse("client_detail", kwargs={"client_id": client.user_id})
            history["client page"][d] = self.row(f"client page ({d} days)", signed_in(therapist), url, rounds)
            timeline = reverse("client_timeline", args=[client.user_id])
            self.row(f"timeline ({d} days)", signed_in(therapist), timeline, rounds)
        therapist = therapists[f"history-{HISTORY[-1]}"]
        client = Membership.objects.filter(client_links__therapist=therapist).order_by("pk").first()
        assert client is not None
        summary = reverse("client_summary", args=[client.user_id])
        self.row("summary HTML (since last session)", signed_in(therapist), summary, rounds)
        pdf = reverse("client_summary_pdf", args=[client.user_id])
        self.row("summary PDF (since last session)", signed_in(therapist), pdf, max(3, rounds // 5))
        self.growth_table(growth, history, counts)

    def practice(self, counts: list[int], days: int) -> dict:
        """The therapists by caseload size (and "history-<days>"), generated once."""
        practice = Practice.objects.filter(name=PRACTICE).first()
        if practice is None:
            practice = Practice.objects.create(name=PRACTICE, country="GB")
        versions = {t.key: t.latest_version() for t in Template.objects.filter(practice__isnull=True)}
        wanted = [(n, n, days) for n in counts] + [(f"history-{d}", HISTORY_CLIENTS, d) for d in HISTORY]
        found = {}
        for key, size, span in wanted:
            number = 90_000 + size * 1000 + span  # the generator's therapist number: unique per (size, days)
            email = f"bench-therapist-{number}@bench.invalid"
            therapist = Membership.objects.filter(practice=practice, role=Role.THERAPIST, user__email=email).first()
            if therapist is None:
                self.stdout.write(f"Generating a caseload of {size} clients × {span} days…")
                with transaction.atomic():
                    rng = random.Random(number)
                    bench_practice.therapist_with_clients(rng, practice, versions, number, size, span)
                therapist = Membership.objects.get(practice=practice, user__email=email)
            assert CareLink.objects.filter(therapist=therapist).count() == size
            found[key] = therapist
        return found

    def row(self, name: str, browser: Client, url: str, rounds: int) -> Timed:
        timed = measure(browser, url, rounds)
        writes = ", ".join(timed.writes) or "none"
        self.stdout.write(
            f"{name:40} {timed.median:9.1f} {timed.floor:9.1f} {timed.ratio:8.2f} {timed.queries:8}  {writes}"
        )
        return timed

    def growth_table(self, growth: dict[str, dict[int, Timed]], history: dict[str, dict[int, Timed]], counts) -> None:
        base = 60 if 60 in counts else counts[0]
        self.stdout.write(f"\nGrowth (each page's × floor, relative to its own at {base} clients; goal ≤ 1.5 at 200):")
        for name, by_size in growth.items():
            cells = "  ".join(f"{n}: {t.ratio / by_size[base].ratio:.2f} ({t.queries} q)" for n, t in by_size.items())
            self.stdout.write(f"  {name:12} {cells}")
        short, long = HISTORY
        self.stdout.write(f"Growth with history ({long} days / {short} days of × floor; goal ≤ 1.1):")
        for name, by_days in history.items():
            t_short, t_long = by_days[short], by_days[long]
            self.stdout.write(
                f"  {name:12} {t_long.ratio / t_short.ratio:.2f} (queries {t_short.queries} → {t_long.queries})"
            )


def signed_in(member: Membership) -> Client:
    browser = Client()
    browser.force_login(member.user)
    return browser


def measure(browser: Client, url: str, rounds: int) -> Timed:
    """Warm up, count one request's queries and writes, then time `rounds` interleaved floor/page pairs."""
    for target in (FLOOR_URL, url):
        response = browser.get(target)
        if response.status_code != 200:
            raise CommandError(f"{target}: status {response.status_code}")
    sqls: list[str] = []

    def counter(execute: Callable, sql, params, many, context):
        sqls.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        browser.get(url)
    floor: list[float] = []
    page: list[float] = []
    for _ in range(rounds):
        for target, into in ((FLOOR_URL, floor), (url, page)):
            started = time.perf_counter()
            browser.get(target)
            into.append((time.perf_counter() - started) * 1000)
    writes = [m[1] for sql in sqls if (m := WRITE.match(sql))]
    ratio = statistics.median(p / f for p, f in zip(page, floor, strict=True))
    return Timed(statistics.median(page), statistics.median(floor), len(sqls), writes, ratio)
