"""The review window: "since the last session" by default, or a range the therapist chooses.

Dates are the client's local calendar dates, like occurrences' due dates and entries' `done_on`: the client's
"today" decides where the window ends, whatever the therapist's own time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .models import Session

DEFAULT_DAYS = 14  # with no session recorded yet
MAX_DAYS = 366  # a year at most: the summary stays one page and fast
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)  # far from date.min/max, so moving by days cannot overflow


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    session: Session | None = None  # the session the window starts at
    chosen: bool = False  # the therapist picked the dates
    notes: list[str] = field(default_factory=list)  # what was corrected in what they typed

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


@dataclass(frozen=True)
class ChosenDates:
    """The dates a therapist typed, read by forms.WindowForm: either end may be open; `note` says why what was
    typed was set aside (then both are None and the default range is shown)."""

    start: date | None = None
    end: date | None = None
    note: str = ""


def window_for(
    *,
    today: date,
    last_session: Session | None,
    chosen: ChosenDates = ChosenDates(),  # noqa: B008 (frozen: one shared instance is safe)
    default_days: int = DEFAULT_DAYS,
) -> Window:
    """The window from the last session (inclusive: homework set in a session often starts that day) to the
    client's today, unless the therapist chose dates. Bad input is corrected and explained, never an error."""
    notes = [chosen.note] if chosen.note else []
    if chosen.start is None and chosen.end is None:
        if last_session is not None and last_session.date <= today:
            return Window(last_session.date, today, session=last_session, notes=notes)
        return Window(today - timedelta(days=default_days - 1), today, notes=notes)
    first = chosen.start or (chosen.end or today) - timedelta(days=default_days - 1)
    last = chosen.end or today
    if first > last:
        first, last = last, first
        notes.append(_("The start date was after the end date, so they were swapped."))
    if (last - first).days + 1 > MAX_DAYS:
        first = last - timedelta(days=MAX_DAYS - 1)
        notes.append(f"A summary covers at most {MAX_DAYS} days; it starts on {first:%-d %b %Y}.")
    # Dates that start at the last session (as the page's own PDF link sends them) still read "since the session".
    since = last_session if last_session is not None and first == last_session.date else None
    return Window(first, last, session=since, chosen=since is None, notes=notes)
