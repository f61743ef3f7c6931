"""Adherence added up by the database (`OccurrenceQuerySet.window_totals`, which the caseload uses) agrees with the
one definition, `adherence_of` over the activities `judged_status` judges, on generated histories: any mix of
statuses and credits, open and not-yet-recorded missed days, and clients whose own today differs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carryover.homework.models import Occurrence, OccurrenceStatus, adherence_of, judged_status

from .conftest import assign

WINDOWS = {"last7": (6, 0), "last30": (29, 0), "weeks_before": (27, 7), "today_only": (0, 0)}
TODAY = date(2026, 4, 30)
CREDIT_OF = {
    OccurrenceStatus.DONE: st.just(Decimal(1)),
    OccurrenceStatus.PARTIAL: st.sampled_from([Decimal("0.25"), Decimal("0.33"), Decimal("0.50"), Decimal("0.75")]),
    OccurrenceStatus.SKIPPED: st.just(Decimal(0)),
    OccurrenceStatus.MISSED: st.just(Decimal(0)),
    OccurrenceStatus.PENDING: st.none(),  # open, or missed and not yet recorded: no credit yet
}
occurrence = st.sampled_from(list(CREDIT_OF)).flatmap(lambda status: st.tuples(st.just(status), CREDIT_OF[status]))
# Per client: (days before TODAY the due date is, slot) → (status, credit); a few fall after the client's today.
history = st.dictionaries(st.tuples(st.integers(-3, 40), st.integers(0, 1)), occurrence, max_size=40)


def expected(rows: dict, today: date, days_back: tuple[int, int]) -> Decimal | None:
    first, last = days_back
    judged = [
        credit or Decimal(0)
        for (back, _), (status, credit) in rows.items()
        if today - timedelta(days=first) <= TODAY - timedelta(days=back) <= today - timedelta(days=last)
        and judged_status(status, TODAY - timedelta(days=back), today) != OccurrenceStatus.PENDING
    ]
    return adherence_of(sum(judged, Decimal(0)), len(judged))


@pytest.fixture
def assignments(personas):
    """Bob's and Erin's activity, assigned once for the whole test: each generated history replaces its occurrences
    (Hypothesis runs every example inside the test's one transaction)."""
    return [assign(personas.alice, person, start_date="2026-03-01") for person in (personas.bob, personas.erin)]


@given(bob=history, erin=history, erin_offset=st.integers(-1, 1))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_window_totals_agree_with_adherence_of(assignments, bob, erin, erin_offset):
    Occurrence.objects.filter(assignment__in=assignments).delete()
    Occurrence.objects.bulk_create(
        Occurrence(
            assignment=a,
            client=a.client,
            due_date=TODAY - timedelta(days=back),
            slot=slot,
            status=status,
            credit=credit,
        )
        for a, rows in zip(assignments, (bob, erin), strict=True)
        for (back, slot), (status, credit) in rows.items()
    )
    # Clients in different time zones are on different days: Erin's today may be a day either side of Bob's.
    today = {assignments[0].client_id: TODAY, assignments[1].client_id: TODAY + timedelta(days=erin_offset)}
    totals = Occurrence.objects.window_totals(today, WINDOWS)
    for a, rows in zip(assignments, (bob, erin), strict=True):
        found = totals.get(a.client_id, dict.fromkeys(WINDOWS, (Decimal(0), 0)))
        for name, days_back in WINDOWS.items():
            assert adherence_of(*found[name]) == expected(rows, today[a.client_id], days_back), name
