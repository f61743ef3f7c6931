"""Planning in the client's zone: default times from anchors, quiet hours, per-activity times, zone changes, and
the DST rules, checked as properties over many IANA zones and two years of dates."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carryover.accounts.models import Role, all_time_zones
from carryover.conftest import link, make_person
from carryover.reminders.models import AssignmentReminder, Mode, Reminder, ReminderSettings, ReminderStatus
from carryover.reminders.planning import clients_to_plan, plan_clients
from carryover.reminders.times import anchor_time, local_instant, wall

from .conftest import assign

ZONES = all_time_zones()
FIRST_DAY, LAST_DAY = date(2026, 1, 1), date(2027, 12, 31)


@functools.cache
def transitions(zone_name: str) -> list[datetime]:
    """The UTC instants in the two years where the zone's offset changes (found day by day, then to the second)."""
    zone, found = ZoneInfo(zone_name), []
    moment = datetime.combine(FIRST_DAY, time(0), UTC)
    while moment.date() <= LAST_DAY:
        following = moment + timedelta(days=1)
        if moment.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high.replace(microsecond=0))
        moment = following
    return found


@st.composite
def local_moments(draw) -> tuple[str, date, time]:
    """A zone, a local date and a wall time; half the time right around one of the zone's DST changes."""
    zone_name = draw(st.sampled_from(ZONES))
    changes = transitions(zone_name)
    if changes and draw(st.booleans()):
        change = draw(st.sampled_from(changes))
        near = wall(change, ZoneInfo(zone_name)) + timedelta(minutes=draw(st.integers(-150, 150)))
        return zone_name, near.date(), near.time().replace(second=0, microsecond=0)
    day = draw(st.dates(FIRST_DAY, LAST_DAY))
    return zone_name, day, time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))


@given(local_moments())
def test_local_times_follow_the_dst_rules(moment):
    zone_name, day, at = moment
    zone, naive = ZoneInfo(zone_name), datetime.combine(day, at)
    result = local_instant(day, at, zone)
    candidates = {naive.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1)}
    real = sorted(c for c in candidates if wall(c, zone) == naive)
    if real:  # exists, once or twice (clocks going back): the first occurrence
        assert result == real[0]
    else:  # does not exist (clocks going forward): the first instant after it
        assert wall(result, zone) > naive
        assert wall(result - timedelta(seconds=1), zone) < naive


def test_known_dst_days():
    new_york = ZoneInfo("America/New_York")
    assert local_instant(date(2026, 3, 8), time(2, 30), new_york) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 03:00 EDT
    assert local_instant(date(2026, 11, 1), time(1, 30), new_york) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # EDT
    lord_howe = ZoneInfo("Australia/Lord_Howe")  # a half-hour change
    assert wall(local_instant(date(2026, 10, 4), time(2, 10), lord_howe), lord_howe) == datetime(2026, 10, 4, 2, 30)


@pytest.mark.parametrize(
    "anchor,expected",
    [
        ("dinner", time(19, 30)),
        ("I brush my teeth at night", time(21, 30)),
        ("my morning coffee", time(8, 0)),
        ("lunch", time(12, 30)),
        ("I get home from work", time(17, 30)),
        ("I feel anxious", None),
    ],
)
def test_default_time_comes_from_the_anchor(anchor, expected):
    assert anchor_time(anchor) == expected


def client_in(practice, therapist, zone: str, n: int):
    person = make_person(practice, f"client{n}@zones.test", f"Client {n}", Role.CLIENT)
    person.time_zone = zone
    person.save(update_fields=["time_zone"])
    link(therapist, person)
    return person


@given(local_moments(), st.sampled_from([time(0, 30), time(1, 30), time(2, 30), time(3, 0), time(19, 30)]))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.slow  # replans a client in the database for each drawn example
def test_exactly_one_reminder_per_local_day_at_the_right_time(personas, moment, at):
    """A daily activity, planned again and again (every 5 hours) over four local days around the chosen date:
    one reminder per local day, each at the chosen wall time or the first instant after it."""
    zone_name, day, _ = moment
    zone = ZoneInfo(zone_name)
    n = Reminder.objects.count() + ReminderSettings.objects.count() + 1
    person = client_in(personas.practice, personas.alice, zone_name, n)
    start = day - timedelta(days=1)
    with time_machine.travel(datetime.combine(start, time(0, 5), zone), tick=False) as clock:
        assign(personas.alice, person, key="journal", start_date=start.isoformat())
        ReminderSettings.objects.create(client=person.membership, time=at)
        moment_utc = datetime.combine(start, time(0, 5), zone).astimezone(UTC)
        for step in range(4 * 24 // 5):
            clock.move_to(moment_utc + timedelta(hours=5 * step))
            plan_clients([person.membership])
    reminders = Reminder.objects.filter(client=person.membership).exclude(status=ReminderStatus.CANCELLED)
    by_day: dict[date, list[datetime]] = {}
    for reminder in reminders:
        by_day.setdefault(reminder.local_date, []).append(reminder.fire_at)
    assert all(len(times) == 1 for times in by_day.values())
    for local_day, [fire_at] in by_day.items():
        assert fire_at == local_instant(local_day, at, zone)
        assert fire_at.astimezone(zone).date() == local_day
    # every day from the second on is planned (the first may have passed before the activity existed)
    assert {start + timedelta(days=d) for d in range(1, 4)} <= set(by_day)


def test_quiet_hours_move_a_reminder_out_of_the_night(personas, monday):
    assign(personas.alice, personas.bob, key="journal", if_when="I go to bed")  # 21:30
    ReminderSettings.objects.create(client=personas.bob.membership, quiet_start=time(21), quiet_end=time(7))
    plan_clients([personas.bob.membership])
    assert Reminder.objects.get(local_date="2026-03-02").fire_at == datetime(2026, 3, 2, 20, 45, tzinfo=UTC)


def test_each_activity_at_its_own_time(personas, monday):
    dinner = assign(personas.alice, personas.bob, key="journal", if_when="dinner")
    morning = assign(personas.alice, personas.bob, key="journal", if_when="breakfast")
    mine = assign(personas.alice, personas.bob, key="journal")
    ReminderSettings.objects.create(client=personas.bob.membership, mode=Mode.EACH, time=time(18))
    AssignmentReminder.objects.create(assignment=morning, time=time(10, 15))
    plan_clients([personas.bob.membership])
    planned = dict(Reminder.objects.filter(local_date="2026-03-02").values_list("assignment", "fire_at"))
    assert planned == {
        dinner.pk: datetime(2026, 3, 2, 19, 30, tzinfo=UTC),
        morning.pk: datetime(2026, 3, 2, 10, 15, tzinfo=UTC),
        mine.pk: datetime(2026, 3, 2, 18, 0, tzinfo=UTC),  # no anchor: the client's own daily time
    }
    assert set(Reminder.objects.values_list("key", flat=True)) == {"activity"}


def test_a_new_time_zone_applies_from_then_on(personas, monday):
    assign(personas.alice, personas.bob, key="journal", if_when="dinner")
    plan_clients([personas.bob.membership])
    personas.bob.time_zone = "America/New_York"
    personas.bob.save(update_fields=["time_zone"])
    assert clients_to_plan(now=datetime(2026, 3, 2, 9, 1, tzinfo=UTC)) == [personas.bob.membership]
    plan_clients([personas.bob.membership])
    planned = dict(Reminder.objects.values_list("local_date", "fire_at"))
    assert planned[date(2026, 3, 2)] == datetime(2026, 3, 3, 0, 30, tzinfo=UTC)  # 19:30 in New York (EST)
    assert planned[date(2026, 3, 3)] == datetime(2026, 3, 4, 0, 30, tzinfo=UTC)
    assert Reminder.objects.count() == 2  # moved, not doubled


def test_an_assignment_change_is_planned_on_the_next_tick(personas, monday):
    assign(personas.alice, personas.bob, key="journal")
    plan_clients([personas.bob.membership])
    assert clients_to_plan(now=datetime(2026, 3, 2, 9, 1, tzinfo=UTC)) == []
    with time_machine.travel("2026-03-02 09:00:30 +00:00", tick=False):
        assign(personas.alice, personas.bob, key="journal", if_when="lunch")
    assert clients_to_plan(now=datetime(2026, 3, 2, 9, 1, tzinfo=UTC)) == [personas.bob.membership]


def test_with_nothing_changed_a_client_is_planned_again_only_when_their_own_day_begins(personas, monday):
    """Replanning costs what changed: hours later on the same local day nobody is due for planning; each client is,
    once their own day has begun (London's before New York's)."""
    personas.erin.time_zone = "America/New_York"
    personas.erin.save(update_fields=["time_zone"])
    for person in (personas.bob, personas.erin):
        assign(personas.alice, person, key="journal")
    plan_clients([personas.bob.membership, personas.erin.membership])
    assert clients_to_plan(now=datetime(2026, 3, 2, 23, 59, tzinfo=UTC)) == []  # 14 hours on: nothing new
    assert clients_to_plan(now=datetime(2026, 3, 3, 0, 1, tzinfo=UTC)) == [personas.bob.membership]
    assert set(clients_to_plan(now=datetime(2026, 3, 3, 5, 1, tzinfo=UTC))) == {
        personas.bob.membership,
        personas.erin.membership,  # midnight in New York
    }
    plan_clients([personas.bob.membership, personas.erin.membership], now=datetime(2026, 3, 3, 5, 1, tzinfo=UTC))
    assert clients_to_plan(now=datetime(2026, 3, 3, 12, 0, tzinfo=UTC)) == []
