import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from carryover.homework import services
from carryover.homework.models import Assignment, Occurrence, OccurrenceStatus, ScheduleKind

from .conftest import assign


def due(assignment):
    return [(o.due_date.isoformat(), o.slot) for o in assignment.occurrences.order_by("due_date", "slot")]


def test_daily_schedule_makes_a_week_ahead(personas, monday):
    assignment = assign(personas.alice, personas.bob, start_date="2026-03-02")
    dates = [d for d, _ in due(assignment)]
    assert dates[0] == "2026-03-02" and dates[-1] == "2026-03-09" and len(dates) == 8


def test_chosen_weekdays(personas, monday):
    assignment = assign(personas.alice, personas.bob, schedule_kind="weekdays", weekdays=["0", "2", "4"])
    assert [d for d, _ in due(assignment)] == ["2026-03-02", "2026-03-04", "2026-03-06", "2026-03-09"]


def test_n_times_a_week_are_slots_due_by_sunday(personas, monday):
    assignment = assign(personas.alice, personas.bob, schedule_kind="per_week", times_per_week="3")
    assert due(assignment) == [(sunday, slot) for sunday in ("2026-03-08", "2026-03-15") for slot in range(3)]


def test_a_partial_first_week_asks_for_a_fair_share(personas, monday):
    # Starting on Thursday: 4 of 7 days remain, so 2 of 3 times (rounded up) that week, then 3 a week.
    assignment = assign(
        personas.alice, personas.bob, schedule_kind="per_week", times_per_week="3", start_date="2026-03-05"
    )
    assert due(assignment) == [("2026-03-08", 0), ("2026-03-08", 1)] + [("2026-03-15", s) for s in range(3)]


def test_once_by_a_date(personas, monday):
    assignment = assign(personas.alice, personas.bob, schedule_kind="once", end_date="2026-03-05")
    assert due(assignment) == [("2026-03-05", 0)]


def test_end_date_stops_the_schedule(personas, monday):
    assignment = assign(personas.alice, personas.bob, end_date="2026-03-04")
    assert [d for d, _ in due(assignment)] == ["2026-03-02", "2026-03-03", "2026-03-04"]


def test_missed_occurrences_are_recorded_not_dropped(personas, monday):
    assignment = assign(personas.alice, personas.bob)
    monday.move_to("2026-03-05 09:00 +00:00")
    services.occurrences_refresh(client=personas.bob.membership)
    statuses = dict(assignment.occurrences.values_list("due_date", "status"))
    assert [statuses[date(2026, 3, d)] for d in (2, 3, 4, 5)] == ["missed", "missed", "missed", "pending"]
    assert Occurrence.objects.filter(assignment=assignment, status="missed").count() == 3


def test_local_day_follows_the_clients_time_zone(personas):
    personas.bob.time_zone = "Pacific/Auckland"  # UTC+13 in March
    personas.bob.save()
    # 12:30 UTC on Monday is already 01:30 on Tuesday in Auckland: Monday is over there.
    with time_machine.travel("2026-03-02 12:30 +00:00", tick=False):
        assignment = assign(personas.alice, personas.bob, start_date="2026-03-02")
    statuses = dict(assignment.occurrences.values_list("due_date", "status"))
    assert statuses[date(2026, 3, 2)] == OccurrenceStatus.MISSED
    assert statuses[date(2026, 3, 3)] == OccurrenceStatus.PENDING


def test_occurrences_across_a_dst_change(personas):
    """Europe/London springs forward on Sunday 29 March 2026 (01:00 → 02:00): still one occurrence a day, and the
    local day ends at local midnight on both sides of the change — 24:00 GMT before it, 23:00 UTC after it."""

    def status_on(assignment, day: int) -> str:
        return assignment.occurrences.get(due_date=date(2026, 3, day)).status

    with time_machine.travel("2026-03-27 10:00 +00:00", tick=False) as clock:
        assignment = assign(personas.alice, personas.bob, start_date="2026-03-27")
        assert [d for d, _ in due(assignment)][:5] == [
            "2026-03-27",
            "2026-03-28",
            "2026-03-29",
            "2026-03-30",
            "2026-03-31",
        ]
        # Before the change: 23:30 UTC on the 28th is 23:30 GMT, still the 28th in London.
        clock.move_to("2026-03-28 23:30 +00:00")
        services.occurrences_refresh(client=personas.bob.membership)
        assert status_on(assignment, 27) == OccurrenceStatus.MISSED
        assert status_on(assignment, 28) == OccurrenceStatus.PENDING
        # After it: 22:30 UTC on the 29th is 23:30 BST, still the 29th; the 28th is now over.
        clock.move_to("2026-03-29 22:30 +00:00")
        services.occurrences_refresh(client=personas.bob.membership)
        assert status_on(assignment, 28) == OccurrenceStatus.MISSED
        assert status_on(assignment, 29) == OccurrenceStatus.PENDING
        # 23:30 UTC on the 29th is 00:30 BST on the 30th: the 29th is over for Bob, an hour before it is in UTC.
        clock.move_to("2026-03-29 23:30 +00:00")
        services.occurrences_refresh(client=personas.bob.membership)
        assert status_on(assignment, 29) == OccurrenceStatus.MISSED
        assert status_on(assignment, 30) == OccurrenceStatus.PENDING


def test_pause_stops_new_occurrences_and_resume_does_not_backfill(personas, monday):
    assignment = assign(personas.alice, personas.bob)
    services.assignment_set_status(assignment=assignment, actor=personas.alice, status="paused")
    assert not assignment.occurrences.filter(due_date__gte="2026-03-02", status="pending").exists()
    monday.move_to("2026-03-10 09:00 +00:00")
    services.assignment_set_status(assignment=assignment, actor=personas.alice, status="active")
    dates = {o.due_date.isoformat() for o in assignment.occurrences.all()}
    assert "2026-03-05" not in dates  # nothing fell due while paused
    assert "2026-03-10" in dates


def test_adherence_counts_partial_effort(personas, monday):
    """Done 1, partial its fraction, skipped and missed 0; open occurrences are not judged yet."""
    assignment = assign(personas.alice, personas.bob, start_date="2026-03-02")
    bob = personas.bob.membership
    first, second, third, fourth = assignment.occurrences.order_by("due_date")[:4]
    for occurrence, outcome, fraction in ((first, "done", None), (second, "partial", "0.25"), (third, "skipped", None)):
        draft = services.draft_for(client=bob, occurrence=occurrence, version=assignment.template_version)
        updates = {"o-outcome": outcome, "o-barriers": ["forgot"]}
        if fraction:
            updates["o-fraction"] = fraction
        services.draft_save(draft=draft, updates=updates)
        services.entry_submit(draft=draft, outcome=None) if outcome != "done" else None
    # "done" on a thought record needs the required answers: check that first, then give them.
    draft = services.draft_for(client=bob, occurrence=first, version=assignment.template_version)
    with pytest.raises(services.SubmissionError) as refused:
        services.entry_submit(draft=draft)
    assert "f-situation" in refused.value.errors
    services.draft_save(
        draft=draft,
        updates={
            "f-situation": "s",
            "f-emotions-0-emotion": "sad",
            "f-emotions-0-intensity": "50",
            "f-thoughts-0-thought": "t",
            "f-thoughts-mark": "0",
            "f-evidence_for": "a",
            "f-evidence_against": "b",
            "f-balanced_thought": "c",
        },
    )
    services.entry_submit(draft=draft)  # a SubmissionError here fails the test, with the errors in its message
    monday.move_to("2026-03-06 09:00 +00:00")  # the 5th passes unanswered: missed
    services.occurrences_refresh(client=bob)
    window = Occurrence.objects.filter(assignment=assignment).due_between(date(2026, 3, 2), date(2026, 3, 6))
    # (1 + 0.25 + 0 + 0) / 4 — the 6th is still open today and not counted.
    assert window.adherence() == Decimal("0.31")
    assert fourth.pk in window.filter(status="missed").values_list("pk", flat=True)
    by_assignment = window.adherence_by_assignment({"all": date(2026, 3, 2), "late": date(2026, 3, 4)})
    assert by_assignment[assignment.pk] == {"all": Decimal("0.31"), "late": Decimal("0.00")}


def test_adherence_of_an_empty_window_is_none(personas, monday):
    assign(personas.alice, personas.bob)
    assert (
        Occurrence.objects.filter(client=personas.bob.membership)
        .due_between(date(2026, 1, 1), date(2026, 1, 7))
        .adherence()
        is None
    )


def test_every_two_weeks_falls_on_the_starting_weekday(personas, monday):
    assignment = assign(personas.alice, personas.bob, schedule_kind="fortnight", start_date="2026-03-02")
    assert due(assignment) == [("2026-03-02", 0)]
    services.occurrences_refresh(client=personas.bob.membership, today=date(2026, 3, 24))
    assert [d for d, _ in due(assignment)] == ["2026-03-02", "2026-03-16", "2026-03-30"]
    assert assignment.schedule_text() == "Every other Monday"


# --- Assignment.due_dates as recurrence rules, against the hand-rolled version it replaced -------------------------


def hand_rolled_due_dates(a: Assignment, start: date, end: date, next_session: date | None) -> list[tuple[date, int]]:
    """Assignment.due_dates as it was before it used dateutil's rrule, kept as the reference."""
    first = max(start, a.start_date, a.resumed_on or a.start_date)
    last = min(end, a.end_date) if a.end_date else end
    if a.schedule_kind == ScheduleKind.ONCE:
        due = a.end_date or a.start_date
        return [(due, 0)] if start <= due <= end else []
    if a.schedule_kind == ScheduleKind.BEFORE_SESSION:
        if next_session is None:
            return []
        by = next_session - timedelta(days=1)
        return [(by, 0)] if first <= by <= last else []
    if first > last:
        return []
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if a.schedule_kind == ScheduleKind.DAILY:
        return [(day, 0) for day in days]
    if a.schedule_kind == ScheduleKind.WEEKDAYS:
        return [(day, 0) for day in days if day.weekday() in a.weekdays]
    if a.schedule_kind == ScheduleKind.FORTNIGHT:
        return [(day, 0) for day in days if (day - a.start_date).days % 14 == 0]
    active_from = max(a.start_date, a.resumed_on or a.start_date)
    per_week = a.times_per_week or 1
    result = []
    for week_end in sorted({day + timedelta(days=6 - day.weekday()) for day in days}):
        last_day = min(week_end, a.end_date) if a.end_date else week_end
        active_days = (last_day - max(week_end - timedelta(days=6), active_from)).days + 1
        result += [(week_end, slot) for slot in range(min(per_week, math.ceil(per_week * active_days / 7)))]
    return result


DAYS = st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 3, 1))


@given(
    kind=st.sampled_from(ScheduleKind.values),
    start_date=DAYS,
    end_date=st.none() | DAYS,
    resumed_on=st.none() | DAYS,
    weekdays=st.lists(st.integers(0, 6), unique=True, max_size=7),
    times_per_week=st.none() | st.integers(1, 14),
    start=DAYS,
    length=st.integers(-3, 120),
    next_session=st.none() | DAYS,
)
def test_due_dates_match_the_hand_rolled_schedule_for_every_kind(
    kind, start_date, end_date, resumed_on, weekdays, times_per_week, start, length, next_session
):
    schedule = {"start_date": start_date, "end_date": end_date, "resumed_on": resumed_on, "weekdays": weekdays}
    assignment = Assignment(schedule_kind=kind, times_per_week=times_per_week, **schedule)
    end = start + timedelta(days=length)
    expected = hand_rolled_due_dates(assignment, start, end, next_session)
    assert assignment.due_dates(start, end, next_session=next_session) == expected


def test_every_kind_is_compared():
    """The property above draws from every kind; this says which exist, so a new kind is noticed here."""
    assert set(ScheduleKind.values) == {"daily", "weekdays", "per_week", "once", "fortnight", "session"}
