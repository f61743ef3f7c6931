"""The session-prep summary: what happened in a window, per assignment, with barriers, time, ratings, flagged
entries, instrument pictures, an adherence calendar and questions for the session.

`build_summary` runs a fixed number of queries whatever the window or history length (see the query-count
test); everything else is arithmetic on those rows. Adherence is about activities: questionnaires are counted
apart (`OccurrenceQuerySet.activities` / `questionnaire_tallies`), and safety alerts sit on the client's day with the
moment they were raised shown in the reader's own time zone. Private entries count towards adherence through their
occurrence, and nothing else of them is read: their content is never even loaded.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from statistics import mean
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext

from carryover.accounts.models import Membership
from carryover.homework.fields import ATTACHMENT_TYPES
from carryover.homework.models import (
    Assignment,
    Entry,
    Notice,
    Occurrence,
    OccurrenceStatus,
    Outcome,
    ScheduleKind,
    Tally,
    TemplateVersion,
    Visibility,
    adherence_of,
    barrier_counts,
    judged_status,
    local_today,
)
from carryover.homework.render import display_answers

from . import instruments
from .charts import Chart, bar_chart, every_chart
from .extensions import SummarySection, summary_sections
from .forms import WindowForm
from .models import Session
from .suggestions import suggestions_for
from .windows import Window, window_for

LATEST_IN_FULL = 3
RECENT_SESSIONS = 8


def mean_or_none(values: list[int] | list[float]) -> float | None:
    return round(mean(values), 1) if values else None


@dataclass
class AssignmentStats:
    assignment: Assignment
    due: int = 0
    done: int = 0
    partial: int = 0
    skipped: int = 0
    missed: int = 0
    pending: int = 0
    credit: Decimal = Decimal(0)
    minutes: list[int] = field(default_factory=list)
    helpful: list[int] = field(default_factory=list)
    hard: list[int] = field(default_factory=list)
    barriers: Counter = field(default_factory=Counter)
    private: int = 0

    @property
    def closed(self) -> int:
        return self.due - self.pending

    @property
    def adherence(self) -> Decimal | None:
        return adherence_of(self.credit, self.closed)

    @property
    def mean_minutes(self) -> float | None:
        return mean_or_none(self.minutes)

    @property
    def mean_helpful(self) -> float | None:
        return mean_or_none(self.helpful)

    @property
    def mean_hard(self) -> float | None:
        return mean_or_none(self.hard)

    def top_barriers(self) -> list[tuple[str, int]]:
        return barrier_counts(self.barriers)


@dataclass
class CalendarDay:
    day: date
    credit: Decimal | None  # mean credit of what was due (or done) that day; None when nothing was
    in_window: bool

    @property
    def level(self) -> str:
        if not self.in_window:
            return "out"
        if self.credit is None:
            return "none"
        if self.credit >= 1:
            return "full"
        if self.credit >= Decimal("0.5"):
            return "most"
        return "some" if self.credit > 0 else "zero"

    @property
    def percent(self) -> int | None:
        return None if self.credit is None else int(self.credit * 100)


@dataclass
class Summary:
    client: Membership
    window: Window
    sessions: list[Session]
    assignments: list[AssignmentStats]
    entries: list[Entry]  # shared entries in the window, oldest first
    private_count: int
    free_practice: int
    barrier_counts: list[tuple[str, int]]
    barrier_words: list[dict[str, Any]]
    flagged: list[Entry]
    latest: list[dict[str, Any]]
    notices: list[Notice]
    calendar: list[list[CalendarDay]]
    questionnaires: Tally  # answered of those due in the window: apart from adherence, which is about activities
    barrier_chart: Chart | None
    charts: list[Chart]  # the instruments' pictures
    sections: list[SummarySection]
    suggestions: list[str] = field(default_factory=list)

    @property
    def totals(self) -> AssignmentStats:
        total = AssignmentStats(assignment=None)  # type: ignore[arg-type]
        for row in self.assignments:
            for name in ("due", "done", "partial", "skipped", "missed", "pending", "credit"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total

    @property
    def all_charts(self) -> list[Chart]:
        """Every picture the summary shows (its own and the sections'), to publish or draw in one go."""
        return every_chart([self.barrier_chart], self.charts, *(section.charts for section in self.sections))

    @property
    def has_risk(self) -> bool:
        return any(section.level == "risk" for section in self.sections)

    @property
    def has_scores(self) -> bool:
        """Something besides safety to show first (the scores and their change, from measures)."""
        return any(section.level == "scores" and section.lines for section in self.sections)

    @property
    def is_empty(self) -> bool:
        return not self.assignments and not self.entries and not self.private_count

    @property
    def next_session(self) -> date | None:
        latest = self.sessions[0] if self.sessions else None
        return latest.next_date if latest else None


OccurrenceRow = tuple[int, int, date, str, Decimal | None]  # id, assignment id, due date, judged status, credit


class StatsByAssignment(dict[int, AssignmentStats]):
    """Each activity's stats, begun the first time something of it is counted."""

    def __init__(self, assignments: dict[int, Assignment]) -> None:
        super().__init__()
        self.assignments = assignments

    def __missing__(self, assignment_id: int) -> AssignmentStats:
        self[assignment_id] = AssignmentStats(self.assignments[assignment_id])
        return self[assignment_id]


@dataclass
class EntryFacts:
    """What the summary reads from the window's entries: shared ones whole, private ones by their ids only."""

    shared: list[Entry]
    private_count: int
    barriers: Counter = field(default_factory=Counter)
    words: list[dict[str, Any]] = field(default_factory=list)
    done_on: dict[int, date] = field(default_factory=dict)  # occurrence id -> the day its entry says it was done


def summary_context(client: Membership, params: Mapping[str, str]) -> dict[str, Any]:
    """What the summary page and its PDF show for the query `params` (the chosen dates, if any): read the same
    way by the view and by the worker that builds the PDF ahead (review/tasks.py)."""
    sessions = list(Session.objects.for_client(client)[:RECENT_SESSIONS])
    today = local_today(client.user)
    window = window_for(today=today, last_session=sessions[0] if sessions else None, chosen=WindowForm(params).chosen())
    form = WindowForm(initial={"start": window.start, "end": window.end})
    summary = build_summary(client, window, sessions, today=today)
    return {"client": client, "summary": summary, "window": window, "form": form}


def build_summary(client: Membership, window: Window, sessions: list[Session], *, today: date) -> Summary:
    # Activities only: questionnaires are not homework done or missed, and are counted on their own below.
    every, assignments = _assignments(client)
    stats = StatsByAssignment(assignments)
    occurrences = _occurrences(client, window, assignments, today=today)
    _count_occurrences(stats, occurrences)
    shared, history = _shared_entries(client, window, every)
    entries = _count_entries(stats, client, window, shared)
    barriers = barrier_counts(entries.barriers)
    shared = entries.shared
    summary = Summary(
        client=client,
        window=window,
        sessions=sessions,
        assignments=sorted(stats.values(), key=lambda s: (s.assignment.status != "active", -s.due, s.assignment.pk)),
        entries=shared,
        private_count=entries.private_count,
        free_practice=sum(1 for e in shared if e.assignment_id is None),
        barrier_counts=barriers,
        barrier_words=entries.words,
        flagged=[e for e in shared if e.talk_next_session],
        latest=[_in_full(e) for e in reversed([e for e in shared if e.outcome != Outcome.SKIPPED][-LATEST_IN_FULL:])],
        notices=list(Notice.objects.filter(client=client, resolved_at__isnull=True).select_related("assignment")),
        calendar=_calendar(window, occurrences, assignments, entries.done_on),
        questionnaires=Occurrence.objects.filter(client=client)
        .due_between(window.start, window.end)
        .questionnaire_tallies("client_id", today={client.pk: today})
        .get(client.pk, Tally()),
        barrier_chart=_barrier_chart(barriers),
        charts=instruments.charts_for(history + shared),
        sections=[s for s in (section(client, window) for section in summary_sections) if s is not None],
    )
    summary.suggestions = suggestions_for(summary)
    return summary


def _assignments(client: Membership) -> tuple[dict[int, Assignment], dict[int, Assignment]]:
    """Every assignment of the client, and those of them that are activities (questionnaires are not), in one
    query: an entry's assignment is then read once, not decrypted again on every entry row."""
    activity = Assignment.objects.filter(pk=OuterRef("pk")).activities()
    rows = Assignment.objects.filter(client=client).select_related("template_version__template")
    every = {a.pk: a for a in rows.annotate(is_activity=Exists(activity))}
    return every, {pk: a for pk, a in every.items() if a.is_activity}  # type: ignore[attr-defined]


def _shared_entries(
    client: Membership, window: Window, assignments: dict[int, Assignment]
) -> tuple[list[Entry], list[Entry]]:
    """The shared entries in the window, and those of the weeks before it that the instrument pictures also draw
    (whether distress comes down between practices shows over several sessions, not within one week), oldest
    first, in one query. Each worksheet version (its schema is large) is read once and shared by its entries,
    rather than joined and decoded again on every row."""
    since = min(window.start, window.end - timedelta(days=instruments.HISTORY_DAYS - 1))
    rows = list(
        Entry.objects.filter(
            client=client, visibility=Visibility.SHARED, done_on__gte=since, done_on__lte=window.end
        ).order_by(*Entry.DONE_ORDER)
    )
    versions = TemplateVersion.objects.select_related("template").in_bulk({e.template_version_id for e in rows})
    for entry in rows:
        entry.template_version = versions[entry.template_version_id]
        if (assignment := assignments.get(entry.assignment_id)) is not None:  # type: ignore[arg-type]
            entry.assignment = assignment
    shared = [e for e in rows if e.done_on >= window.start]
    history = [e for e in rows if e.done_on < window.start and e.outcome != Outcome.SKIPPED]
    return shared, history


def _occurrences(
    client: Membership, window: Window, assignments: dict[int, Assignment], *, today: date
) -> list[OccurrenceRow]:
    """The window's activity occurrences, each with its status as judged on the client's `today`."""
    # An N-times-a-week slot is due by the week's Sunday: a week that overlaps the window belongs to it, even
    # when its Sunday comes after the window's end.
    rows = (
        Occurrence.objects.activities()
        .filter(client=client, due_date__gte=window.start, due_date__lte=window.end + timedelta(days=6))
        .values_list("id", "assignment_id", "due_date", "status", "credit")
    )
    return [
        (pk, assignment_id, due, judged_status(status, due, today), credit)
        for pk, assignment_id, due, status, credit in rows
        if due <= window.end or assignments[assignment_id].schedule_kind == ScheduleKind.PER_WEEK
    ]


def _count_occurrences(stats: StatsByAssignment, occurrences: list[OccurrenceRow]) -> None:
    for _, assignment_id, _, status, credit in occurrences:
        stat = stats[assignment_id]
        stat.due += 1
        setattr(stat, status, getattr(stat, status) + 1)
        if status != OccurrenceStatus.PENDING:
            stat.credit += credit or Decimal(0)


def _count_entries(stats: StatsByAssignment, client: Membership, window: Window, shared: list[Entry]) -> EntryFacts:
    """Barriers, time and ratings from the shared entries; from the private ones, only that they exist and which
    occurrence they closed. Their content stays encrypted."""
    in_window = {"client": client, "done_on__gte": window.start, "done_on__lte": window.end}
    private = list(
        Entry.objects.filter(visibility=Visibility.PRIVATE, **in_window).values_list(
            "assignment_id", "occurrence_id", "done_on"
        )
    )
    facts = EntryFacts(shared, len(private))
    facts.done_on = {occurrence_id: day for _, occurrence_id, day in private if occurrence_id}
    for assignment_id, _, _ in private:
        if assignment_id in stats.assignments:
            stats[assignment_id].private += 1
    for entry in shared:
        if entry.occurrence_id:
            facts.done_on[entry.occurrence_id] = entry.done_on
        if entry.assignment_id in stats.assignments:
            _count_shared_entry(stats[entry.assignment_id], entry, facts)
    return facts


def _count_shared_entry(stat: AssignmentStats, entry: Entry, facts: EntryFacts) -> None:
    stat.barriers.update(entry.barriers)
    facts.barriers.update(entry.barriers)
    if entry.minutes_spent is not None and entry.outcome == Outcome.DONE:
        stat.minutes.append(entry.minutes_spent)
    if entry.helpfulness is not None:
        stat.helpful.append(entry.helpfulness)
    if entry.difficulty is not None:
        stat.hard.append(entry.difficulty)
    other = entry.content.get("barrier_other")
    if other:
        facts.words.append({"entry": entry, "text": other})


def _barrier_chart(counts: list[tuple[str, int]]) -> Chart | None:
    if not counts:
        return None
    label, n = counts[0]
    return bar_chart(
        gettext("What got in the way"),
        gettext("Barriers the client chose, %(total)s in all; the most common was “%(label)s” (%(n)s).")
        % {"total": sum(count for _label, count in counts), "label": label, "n": n},
        counts,
    )


def _in_full(entry: Entry) -> dict[str, Any]:
    steps = display_answers(entry.template_version.schema, entry.answers)
    for step in steps:
        for item in step["items"]:
            if item["field"]["type"] in ATTACHMENT_TYPES:
                item["field"] = {**item["field"], "type": "attachment_note"}
                item["value"] = gettext("An attachment: open the entry to see or hear it.")
    return {"entry": entry, "steps": steps}


def _calendar(
    window: Window,
    occurrences: list[OccurrenceRow],
    assignments: dict[int, Assignment],
    done_on: dict[int, date],
) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of days coloured by the mean credit of what fell on them. An N-times-a-week slot
    is due by Sunday; once done it counts on the day it was done, so the week isn't all piled on Sunday."""
    credits: dict[date, list[Decimal]] = defaultdict(list)
    for occurrence_id, assignment_id, due, status, credit in occurrences:
        if status == OccurrenceStatus.PENDING:
            continue
        day = due
        if assignments[assignment_id].schedule_kind == ScheduleKind.PER_WEEK and occurrence_id in done_on:
            day = done_on[occurrence_id]
        credits[day].append(credit or Decimal(0))
    first = window.start - timedelta(days=window.start.weekday())
    last = window.end + timedelta(days=6 - window.end.weekday())
    weeks, week = [], []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        values = credits.get(day)
        credit = adherence_of(sum(values, Decimal(0)), len(values)) if values else None
        week.append(CalendarDay(day, credit, window.contains(day)))
        if len(week) == 7:
            weeks.append(week)
            week = []
    return weeks
