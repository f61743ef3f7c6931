"""Benchmark of the summary's charts and PDF against the floor view (issue 18), on the review benchmark's practice.

    manage.py bench_charts --scale 0.05     # the practice of `bench_review --scale 0.05` (generated if missing)

Floor and page requests are interleaved, round by round, and each page is given as its median over the floor's
median in the same run (the machine is shared, so only ratios compare across runs). Figures:
- summary HTML: its size against the floor's, and its time;
- summary PDF, first time for a client (nothing of it cached yet, its charts drawn), and the same PDF again (kept);
- summary PDF, first click after the summary page was viewed and the worker built the PDF it queued (review/tasks.py),
  beside the worker's build time (the therapist reads the page meanwhile);
- the chart images of one summary, each fetched fresh and then revalidated with its ETag (304).
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from carryover.accounts.models import CareLink, Membership, Practice
from carryover.devtools.bench_practice import PRACTICE, generate
from carryover.review.tasks import build_summary_pdf

AHEAD_TASK = "carryover.review.tasks.build_summary_pdf"


class Command(BaseCommand):
    help = "Time the summary HTML, its chart images and its PDF against the floor view."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="As bench_review's, when generating.")
        parser.add_argument("--rounds", type=int, default=15, help="Floor/page pairs per page.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The benchmark generates data and empties the cache: never in production.")
        cache.clear()  # every chart and PDF drawn afresh: the first view of each summary, as after a data change
        practice = Practice.objects.filter(name=PRACTICE).first()
        if practice is None:
            days = max(14, round(365 * options["scale"]))
            practice = generate(therapists=max(1, round(50 * options["scale"])), clients=60, days=days)
        therapist = Membership.objects.filter(practice=practice, role="therapist").order_by("pk").first()
        if therapist is None:
            raise CommandError("No therapist in the benchmark practice.")
        clients = list(
            CareLink.objects.filter(therapist=therapist).order_by("client_id").values_list("client__user_id", flat=True)
        )
        with override_settings(ROOT_URLCONF="carryover.devtools.bench_urls"):
            self._run(therapist, clients, options["rounds"])

    def _run(self, therapist, clients: list[int], rounds: int) -> None:
        browser = Client()
        browser.force_login(therapist.user)
        floor = reverse("bench_floor")
        browser.get(floor)
        summary = lambda i: reverse("client_summary", args=[clients[i % len(clients)]])  # noqa: E731
        pdf = lambda i: reverse("client_summary_pdf", args=[clients[(len(clients) // 2 + i) % len(clients)]])  # noqa: E731
        browser.get(summary(0))  # warm up: the process's caches, the session
        self.stdout.write(f"{connection.vendor}, caseload of {len(clients)}, {rounds} rounds, medians")
        floor_size = len(browser.get(floor).content)
        page_size = len(browser.get(summary(0)).content)
        self.stdout.write(f"summary HTML size: {page_size / 1024:.0f} KB ({page_size / floor_size:.1f}× the floor's)")
        self._pair(browser, "summary HTML", floor, summary, rounds)
        self._pair(browser, "summary PDF, first time", floor, pdf, max(3, rounds // 3))
        self._pair(browser, "summary PDF, again", floor, pdf, max(3, rounds // 3))
        self._built_ahead(browser, floor, clients, max(3, rounds // 3))
        images = re.findall(r'<img src="(/clients/[^"]+\.svg)"', browser.get(summary(1)).content.decode())
        if images:
            image = lambda i: images[i % len(images)]  # noqa: E731
            self._pair(browser, f"chart image ({len(images)} of one summary)", floor, image, rounds)
            etags = {url: browser.get(url)["ETag"] for url in images}
            self._pair(browser, "chart image, revalidated (304)", floor, image, rounds, etags=etags)

    def _built_ahead(self, browser: Client, floor: str, clients: list[int], rounds: int) -> None:
        """View a summary (not timed), run the PDF build it queued as the worker would (timed apart), then click
        the page's Download PDF link (timed against the floor). Clients not used above: nothing of them kept."""
        DBTaskResult.objects.filter(task_path=AHEAD_TASK, status=TaskResultStatus.READY).delete()
        floors, clicks, builds = [], [], []
        for i in range(rounds):
            client = clients[(len(clients) * 3 // 4 + i) % len(clients)]
            page = browser.get(reverse("client_summary", args=[client])).content.decode()
            link = re.search(r'<a class="button" href="([^"]+)"[^>]*>Download PDF</a>', page)
            if link is None:
                raise CommandError("No Download PDF link on the summary page.")
            for row in DBTaskResult.objects.filter(task_path=AHEAD_TASK, status=TaskResultStatus.READY):
                started = time.perf_counter()
                build_summary_pdf.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
                builds.append((time.perf_counter() - started) * 1000)
                row.delete()
            floors.append(_timed(browser, floor))
            clicks.append(_timed(browser, link[1].replace("&amp;", "&")))
        f, p = statistics.median(floors), statistics.median(clicks)
        self.stdout.write(
            f"{'summary PDF, first click, built ahead':42} {p:8.0f} ms  floor {f:5.1f} ms  ratio {p / f:6.1f}×"
        )
        self.stdout.write(f"{'  (its build by the worker meanwhile)':42} {statistics.median(builds):8.0f} ms")

    def _pair(self, browser: Client, name: str, floor: str, page: Callable[[int], str], rounds: int, etags=None):
        floors, pages = [], []
        for i in range(rounds):
            floors.append(_timed(browser, floor))
            url = page(i)
            headers = {"HTTP_IF_NONE_MATCH": etags[url]} if etags else {}
            pages.append(_timed(browser, url, **headers))
        f, p = statistics.median(floors), statistics.median(pages)
        self.stdout.write(f"{name:42} {p:8.0f} ms  floor {f:5.1f} ms  ratio {p / f:6.1f}×")


def _timed(browser: Client, url: str, **headers) -> float:
    started = time.perf_counter()
    response = browser.get(url, **headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code not in (200, 304):
        raise CommandError(f"{url}: status {response.status_code}")
    return elapsed
