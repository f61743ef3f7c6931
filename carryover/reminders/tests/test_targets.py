"""Reminder timing, the one definition (targets.py), and "what is wanted" (planning.wanted_reminders), checked as
properties over every IANA zone and the days around their DST changes; then planning and the calendar feed,
which both use it, agreeing on a real client."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from carryover.reminders.feed import calendar_for
from carryover.reminders.models import DEFAULT_TIME, AssignmentReminder, Mode, Reminder, ReminderSettings
from carryover.reminders.planning import PLAN_DAYS, ClientPlan, plan_clients, wanted_reminders
from carryover.reminders.targets import Activity, quiet_adjusted, reminder_targets
from carryover.reminders.times import local_instant

from .conftest import assign
from .test_planning import local_moments

TIMES = st.one_of(st.none(), st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])))
ANCHORS = st.sampled_from([None, time(8), time(12, 30), time(17, 30), time(19, 30), time(21, 30)])
UNKNOWN = 99  # open that day, but not among the client's active assignments (it ended a moment ago)


@st.composite
def client_plans(draw, client_id: int) -> tuple[ClientPlan, datetime]:
    """A client somewhere (often on a DST day) with settings, up to four activities and the work open on today
    and tomorrow; and a `now` on their today."""
    zone_name, today, at = draw(local_moments())
    zone = ZoneInfo(zone_name)
    setting = ReminderSettings(
        enabled=draw(st.booleans()) or draw(st.booleans()),
        mode=draw(st.sampled_from(Mode.values)),
        time=draw(TIMES),
        quiet_start=draw(TIMES),
        quiet_end=draw(TIMES),
    )
    activities = {
        pk: Activity(anchor=draw(ANCHORS), own_time=draw(TIMES), enabled=draw(st.booleans()) or draw(st.booleans()))
        for pk in draw(st.sets(st.integers(1, 8), max_size=4))
    }
    pool = sorted({*activities, UNKNOWN})
    work = {today + timedelta(days=n): set(draw(st.lists(st.sampled_from(pool), max_size=4))) for n in range(2)}
    return ClientPlan(client_id, zone, today, setting, work, activities), local_instant(today, at, zone)


def chosen_time(plan: ClientPlan, assignment_id: int | None) -> time | None:
    """The wall time the product promises before quiet hours, written out from the settings page's words."""
    s = plan.settings
    if assignment_id is None:
        anchors = [plan.activities[pk].anchor for pk in sorted(plan.activities) if plan.activities[pk].anchor]
        return s.time or (anchors[0] if anchors else None) or DEFAULT_TIME
    activity = plan.activities[assignment_id]
    return (activity.own_time or activity.anchor or s.time or DEFAULT_TIME) if activity.enabled else None


def expected_slots(plan: ClientPlan) -> dict[tuple[int, date, int | None], time | None]:
    if not plan.settings.enabled:
        return {}
    slots: dict[tuple[int, date, int | None], time | None] = {}
    for day in (plan.today + timedelta(days=n) for n in range(PLAN_DAYS)):
        open_ids = plan.work.get(day, set())
        if open_ids and plan.settings.mode == Mode.DIGEST:
            slots[(plan.client_id, day, None)] = chosen_time(plan, None)
        elif plan.settings.mode == Mode.EACH:
            slots |= {(plan.client_id, day, pk): chosen_time(plan, pk) for pk in open_ids if pk in plan.activities}
    return slots


SEVERAL_CLIENTS = st.lists(st.integers(1, 3), min_size=1, max_size=3, unique=True).flatmap(
    lambda ids: st.tuples(*[client_plans(pk) for pk in ids])
)


@given(SEVERAL_CLIENTS)
def test_what_is_wanted_follows_the_settings_in_every_zone_and_on_dst_days(drawn):
    plans, nows = [plan for plan, _ in drawn], [now for _, now in drawn]
    now = min(nows)
    wanted = wanted_reminders(plans, now=now)
    expected: dict[tuple[int, date, int | None], datetime] = {}
    for plan in plans:
        zone = plan.zone
        for slot, at in expected_slots(plan).items():
            if at is None:
                continue  # this activity's reminders are off
            adjusted = quiet_adjusted(plan.settings, at)
            assert not plan.settings.in_quiet_hours(adjusted)  # never in the night
            fire_at = local_instant(slot[1], adjusted, zone)
            assert fire_at.astimezone(zone).date() == slot[1]  # a reminder is for its own local day
            if fire_at >= now:
                expected[slot] = fire_at
    assert wanted == expected
    assert all(fire_at >= now for fire_at in wanted.values())


@given(client_plans(1))
def test_a_digest_is_about_everything_open_and_each_reminder_about_one(drawn):
    plan, _ = drawn
    for day, open_ids in plan.work.items():
        targets = reminder_targets(
            settings=plan.settings, zone=plan.zone, day=day, open_ids=open_ids, activities=plan.activities
        )
        if plan.settings.mode == Mode.DIGEST:
            assert [(t.assignment_id, t.count) for t in targets] == ([(None, len(open_ids))] if open_ids else [])
        else:
            wanted = sorted(pk for pk in open_ids if pk in plan.activities and plan.activities[pk].enabled)
            assert [(t.assignment_id, t.count) for t in targets] == [(pk, 1) for pk in wanted]


def test_planning_and_the_calendar_feed_agree(personas, monday):
    """The feed's alarms ring when the planned reminders fire, in both modes."""
    bob = personas.bob.membership
    dinner = assign(personas.alice, personas.bob, key="journal", if_when="dinner")
    morning = assign(personas.alice, personas.bob, key="journal", if_when="breakfast")
    off = assign(personas.alice, personas.bob, key="journal")
    AssignmentReminder.objects.create(assignment=off, enabled=False)
    setting = ReminderSettings.objects.create(client=bob, quiet_start=time(7), quiet_end=time(9))
    for mode, expected in [(Mode.DIGEST, {None}), (Mode.EACH, {dinner.pk, morning.pk})]:
        ReminderSettings.objects.filter(pk=setting.pk).update(mode=mode)
        plan_clients([bob])
        planned = {
            (r.local_date, r.assignment_id, r.fire_at)
            for r in Reminder.objects.filter(client=bob, status="scheduled", local_date__gte="2026-03-03")
        }
        feed = set()
        for event in Calendar.from_ical(calendar_for(bob)).walk("VEVENT"):
            _, year, month, day, key = str(event["uid"]).removesuffix("@carryover").split("-")
            assignment_id = None if key == "day" else int(key.removeprefix("a"))
            feed.add((date(int(year), int(month), int(day)), assignment_id, event.decoded("dtstart")))
        assert {a for _, a, _ in planned} == expected
        assert planned and planned <= feed
