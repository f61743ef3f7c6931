"""Reminder timing, the one definition: what should be reminded when, for one client on one local day.

Planning (the Reminder rows the workers send) and the calendar feed (an alarm at each reminder time) both call
`reminder_targets`, so a client's calendar rings when their email or notification comes. Pure: plain inputs in,
UTC instants out, no database; `tests/test_targets.py` checks it as properties over time zones and DST days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .models import DEFAULT_TIME, Mode, ReminderSettings
from .times import local_instant


@dataclass(frozen=True)
class Activity:
    """What one active assignment contributes to reminder timing."""

    anchor: time | None  # the default time its "if/when" cue suggests ("after dinner" → 19:30)
    own_time: time | None = None  # the client's own time for it
    enabled: bool = True  # False: the client switched this one's reminders off


@dataclass(frozen=True)
class Target:
    assignment_id: int | None  # None: the day's digest, about every activity open that day
    count: int  # how many activities it is about
    fire_at: datetime


def digest_time(settings: ReminderSettings, activities: Mapping[int, Activity]) -> time:
    """The client's daily time, else the anchor of their oldest assignment that has one, else 19:00."""
    first_anchor = next((activities[pk].anchor for pk in sorted(activities) if activities[pk].anchor), None)
    return settings.time or first_anchor or DEFAULT_TIME


def activity_time(settings: ReminderSettings, activity: Activity) -> time | None:
    """In "each" mode: the client's own time for it, else its anchor, else their daily time; None when off."""
    if not activity.enabled:
        return None
    return activity.own_time or activity.anchor or settings.time or DEFAULT_TIME


def quiet_adjusted(settings: ReminderSettings, at: time) -> time:
    """A time inside quiet hours moves to their end when that is later the same day, otherwise to just before
    they begin: a reminder is for its own day and never comes in the night."""
    if not settings.in_quiet_hours(at):
        return at
    assert settings.quiet_start is not None and settings.quiet_end is not None
    if settings.quiet_end > at:
        return settings.quiet_end
    start = datetime.combine(date.min, settings.quiet_start)
    return (start - timedelta(minutes=15)).time() if settings.quiet_start >= time(0, 15) else time(0, 0)


def reminder_targets(
    *,
    settings: ReminderSettings,
    zone: ZoneInfo,
    day: date,
    open_ids: Iterable[int],
    activities: Mapping[int, Activity],
) -> list[Target]:
    """The reminders for `day` (local to `zone`) given the ids of the assignments open that day and every active
    assignment of the client: one digest, or one per open activity at its own time. Whether reminders are on at
    all, and whether a time has already passed, is for the caller to judge."""
    open_ids = sorted(open_ids)
    if not open_ids:
        return []
    if settings.mode == Mode.DIGEST:
        wanted: list[tuple[int | None, int, time | None]] = [(None, len(open_ids), digest_time(settings, activities))]
    else:
        wanted = [(pk, 1, activity_time(settings, activities[pk])) for pk in open_ids if pk in activities]
    return [
        Target(pk, count, local_instant(day, quiet_adjusted(settings, at), zone))
        for pk, count, at in wanted
        if at is not None
    ]
