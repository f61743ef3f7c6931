"""The client's pages run the same number of queries with a month of entries as with a year of daily ones (and stay
fast: `test_a_year_of_daily_entries_stays_fast` prints the timings). The year is cloned from real entries, one of
each kind, sent through the services."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carryover.homework.models import Entry

SLEEP = {"bed_time": "23:00", "lights_out": "23:30", "fall_asleep": "20", "awake_minutes": "10", "final_wake": "06:30"}


def seed(bob) -> list[Entry]:
    step = bob.ladder()
    return [
        bob.thought_record("They'll think I'm boring"),
        bob.exposure(step, 60, 80, 50),
        bob.send("activity_log", {"activity": "Walk", "status": "done", "mastery": "6", "pleasure": "9"}),
        bob.send("relaxation", {"technique": "breathing", "tension_before": "7", "tension_after": "3"}),
        bob.send("sleep_diary", {**SLEEP, "out_of_bed": "07:00", "quality": "fair"}),
        bob.journal(visibility="private"),
        bob.journal(outcome="skipped"),
    ]


def history(seeds: list[Entry], days: int) -> None:
    """One entry a day for `days` days before the seeds' day, cycling through the seeds."""
    clones = []
    for n in range(1, days + 1):
        original = seeds[n % len(seeds)]
        clone = Entry.objects.get(pk=original.pk)
        clone.pk, clone.occurrence_id = None, None
        clone.done_on = original.done_on - timedelta(days=n)
        clone.submitted_at = original.submitted_at - timedelta(days=n)
        clones.append(clone)
    Entry.objects.bulk_create(clones)


PAGES = [
    ("get", "my_entries", {}),
    ("post", "my_entries", {"q": "boring"}),
    ("get", "my_patterns", {"period": "all"}),
    ("get", "my_patterns", {}),
]


def count_queries(client, seeds) -> dict[str, int]:
    """Each page as on the first view of new data: the charts' cache emptied first, so every chart is drawn and
    kept (review/charts.py) — the most a view costs, and it must not grow with the history either."""
    counts = {}
    for method, name, data in PAGES:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert getattr(client, method)(reverse(name), data).status_code == 200
        counts[f"{method} {name} {data}"] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("my_entry", args=[seeds[0].pk]))
    counts["my_entry"] = len(queries)
    return counts


def test_queries_do_not_grow_with_the_history(client, personas, bob):
    seeds = seed(bob)
    client.force_login(personas.bob)
    client.get(reverse("my_entries"))  # the first request after signing in records the device: not counted
    history(seeds, 30)
    month = count_queries(client, seeds)
    history(seeds, 335)  # a year and more of daily entries in all
    assert Entry.objects.filter(client=bob.client).count() > 365
    year = count_queries(client, seeds)
    print("\nQueries per page, a month and a year of entries:", {page: (month[page], year[page]) for page in month})
    assert year == month


@pytest.mark.slow
def test_a_year_of_daily_entries_stays_fast(client, personas, bob):
    seeds = seed(bob)
    history(seeds, 365)
    client.force_login(personas.bob)
    timings = {}
    for method, name, data in PAGES:
        getattr(client, method)(reverse(name), data)  # warm: templates compiled, charts' fonts loaded
        started = time.perf_counter()
        getattr(client, method)(reverse(name), data)
        timings[f"{method} {name} {data}"] = time.perf_counter() - started
    print("\nA year of daily entries:", {page: f"{seconds * 1000:.0f} ms" for page, seconds in timings.items()})
    assert max(timings.values()) < 3.0  # generous for a shared CI machine; the figures are printed above
