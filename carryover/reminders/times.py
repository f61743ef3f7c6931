"""Wall-clock times in a client's zone → UTC instants, with the DST rules reminders promise."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

# Everyday anchors ("after dinner") → a sensible default time; the client can always pick their own.
ANCHOR_TIMES = [
    (r"\b(wake|woke|breakfast|morning|coffee|shower)", time(8, 0)),
    (r"\b(lunch|midday|noon)", time(12, 30)),
    (r"\b(afternoon|school|work|commute)", time(17, 30)),
    (r"\b(dinner|supper|tea|evening)", time(19, 30)),
    (r"\b(bed|sleep|night|teeth)", time(21, 30)),
]


def anchor_time(anchor: str) -> time | None:
    text = anchor.lower()
    for pattern, at in ANCHOR_TIMES:
        if re.search(pattern, text):
            return at
    return None


def wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `at` on `day` in `zone`. A time that occurs twice (clocks go back) is its first
    occurrence (fold=0); a time that does not exist (clocks go forward) becomes the first instant after it,
    which is the moment of the change."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if wall(first, zone) == naive:
        return first
    # In a gap, fold=1 uses the offset after the change (a wall time before the gap) and fold=0 the offset before
    # it (a wall time after the gap); the change is a whole second between the two.
    low = int(naive.replace(tzinfo=zone, fold=1).astimezone(UTC).timestamp())
    high = int(first.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if wall(datetime.fromtimestamp(middle, UTC), zone) >= naive:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def zone_or_none(name: str) -> ZoneInfo | None:
    from carryover.accounts.models import all_time_zones

    return ZoneInfo(name) if name in all_time_zones() else None
