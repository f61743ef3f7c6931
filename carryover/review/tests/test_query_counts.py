"""No per-row queries: each review page runs the same number of queries for a small and a bigger caseload with a
shorter and a longer history, each client with a review together left half-way (its caseload signal). Time on a
large practice is measured by `manage.py bench_review`, not here."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carryover.accounts.models import Role
from carryover.conftest import link, make_person
from carryover.homework import services
from carryover.homework.tests.conftest import assign
from carryover.review.services import session_record
from carryover.together.services import conversation_start

from .conftest import answer

pytestmark = pytest.mark.slow  # builds a small and a large caseload

START = date(2026, 2, 2)  # a Monday
OUTCOMES = ["done", "partial", "skipped", "done", "done"]


def populate(personas, clients: int, days: int):
    alice = personas.alice
    made = []
    with time_machine.travel(f"{START.isoformat()} 09:00 +00:00", tick=False) as clock:
        for i in range(clients):
            user = make_person(personas.practice, f"q{clients}-{i}@harbour.test", f"Q{clients} {i}", Role.CLIENT)
            link(alice, user)
            daily = assign(alice, user, key="journal", title="Journal", start_date=START.isoformat())
            weekly = assign(
                alice,
                user,
                key="journal",
                title="Weekly",
                start_date=START.isoformat(),
                schedule_kind="per_week",
                times_per_week="3",
            )
            made.append((user, daily, weekly))
        clock.move_to(f"{(START + timedelta(days=days)).isoformat()} 09:00 +00:00")
        for n, (user, daily, weekly) in enumerate(made):
            services.occurrences_refresh(client=user.membership)
            for k, occurrence in enumerate(daily.occurrences.filter(due_date__lt=START + timedelta(days=days))):
                outcome = OUTCOMES[(k + n) % len(OUTCOMES)]
                extra = {"barriers": ["no_time", "other"], "other": "Busy"} if outcome != "done" else {}
                if outcome == "partial":
                    extra["fraction"] = "0.50"
                entry = answer(occurrence, outcome, minutes=12, helpful=6, talk="on" if k % 3 == 0 else "", **extra)
                if k % 4 == 0 and outcome != "skipped":
                    services.comment_add(entry=entry, author=alice, text="Nice work")
            for occurrence in weekly.occurrences.filter(due_date__lt=START + timedelta(days=days))[:2]:
                answer(occurrence, "done", day=occurrence.due_date - timedelta(days=2), visibility="private")
            services.notice_create(client=user.membership, assignment=daily, reason="too_long", note="")
            session_record(therapist=alice.membership, client=user.membership, date=START + timedelta(days=1))
            conversation_start(therapist=alice.membership, client=user.membership, today=START + timedelta(days=days))
    return made


def counts(client, personas, made, days: int) -> dict[str, int]:
    user = made[0][0]
    now = f"{(START + timedelta(days=days)).isoformat()} 09:00 +00:00"
    query = {"start": START.isoformat()}
    pages = {
        "caseload": (reverse("caseload"), {}),
        "insight": (reverse("caseload_insight"), {}),
        "summary": (reverse("client_summary", args=[user.pk]), query),
        "summary_pdf": (reverse("client_summary_pdf", args=[user.pk]), query),
        "timeline": (reverse("client_timeline", args=[user.pk]), query),
    }
    result = {}
    with time_machine.travel(now, tick=False):
        client.force_login(personas.alice)
        for name, (url, params) in pages.items():
            client.get(url, params)  # warm: the session and per-process caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            result[name] = len(queries)
    return result


def test_query_counts_do_not_grow_with_caseload_or_history(client, personas, django_db_blocker):
    small = counts(client, personas, populate(personas, clients=2, days=4), days=4)
    bigger = counts(client, personas, populate(personas, clients=5, days=12), days=12)
    assert small == bigger, (small, bigger)
    assert all(n <= 30 for n in bigger.values()), bigger
