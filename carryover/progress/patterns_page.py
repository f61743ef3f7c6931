"""What the My patterns page (and its PDF) shows: the client's own entries added up in plain words, with a small
chart each, and their last few weeks of practice.

`patterns_for` runs a fixed number of queries whatever the length of the history (progress/tests/test_query_counts.py);
all the arithmetic is `homework.patterns`, and the pictures are review's, drawn from the same numbers. Private
entries are included: the page is the client's alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import mean
from typing import Any

from django.db.models import QuerySet
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from carryover.accounts.models import Membership
from carryover.homework import overlay, patterns
from carryover.homework.models import Entry, Outcome
from carryover.review import instruments
from carryover.review.charts import Chart, bar_chart, line_chart

from .access import own_entries

# How far back the patterns look: the choices offered, in weeks (None: everything).
PERIODS = {
    "4": (gettext_lazy("The last 4 weeks"), 4),
    "12": (gettext_lazy("The last 12 weeks"), 12),
    "all": (gettext_lazy("Everything"), None),
}
DEFAULT_PERIOD = "12"
WEEKS_SHOWN = 4  # this week and the three before it
TOP = 5
Narrow = Callable[[QuerySet[Entry]], QuerySet[Entry]]


@dataclass
class Section:
    """One pattern: a heading, a few plain sentences, and its pictures."""

    kind: str  # which table the template draws with it, if any: "thoughts", "activities", "sleep"
    title: str
    lines: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)  # a small table where the pattern is a ranking or a list


def duration(minutes: int) -> str:
    """7 h 05 min."""
    return f"{minutes // 60} h {minutes % 60:02d} min"


def title_of(entry: Entry) -> str:
    """The name of what an entry was for: the activity's title, or the worksheet's for practice on one's own."""
    if entry.assignment_id and entry.assignment:
        return entry.assignment.title
    version = entry.template_version
    return overlay.translated_text(version, "name", version.name)  # a built-in's name in the reader's language


def since_for(period: str, today: date) -> date | None:
    weeks = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])[1]
    return None if weeks is None else today - timedelta(weeks=weeks) + timedelta(days=1)


def _entries(client: Membership, since: date | None, narrow: Narrow) -> list[Entry]:
    entries = narrow(own_entries(client))
    if since is not None:
        entries = entries.filter(done_on__gte=since)
    return list(entries.order_by(*Entry.DONE_ORDER))


EMPTY_WEEK = gettext_lazy("Weeks like this happen — your therapist will want to hear what got in the way.")


def week_line(week: patterns.Week, *, current: bool) -> str:
    """A week in plain words: effort counted, part of it included, and nothing counted against anyone."""
    if not week.practised:
        return (
            gettext("Nothing sent yet this week. Any practice counts, even part of it.") if current else str(EMPTY_WEEK)
        )
    count = {"days": week.practised}
    if current:
        line = ngettext(
            "You practised on %(days)s day this week.", "You practised on %(days)s days this week.", week.practised
        )
    else:
        line = ngettext("You practised on %(days)s day.", "You practised on %(days)s days.", week.practised)
    line %= count
    if week.part and week.part == week.practised:
        line += " " + gettext("You did part of it, and part of it counts.")
    elif week.part:
        line += " " + gettext("On %(part)s of them you did part of it, and part of it counts.") % {"part": week.part}
    return line


def weeks_of(client: Membership, today: date) -> list[dict[str, Any]]:
    """This week and the ones before it, newest first, each with its line (one query; no answers are read)."""
    this_monday = patterns.monday_of(today)
    first = this_monday - timedelta(weeks=WEEKS_SHOWN - 1)
    rows = list(
        own_entries(client)
        .select_related(None)
        .filter(done_on__gte=first, done_on__lte=today)
        .only("done_on", "outcome")
    )
    weeks = [patterns.week_of(rows, this_monday - timedelta(weeks=n)) for n in range(WEEKS_SHOWN)]
    return [
        {"week": week, "current": week.start == this_monday, "line": week_line(week, current=week.start == this_monday)}
        for week in weeks
    ]


def _thoughts(entries: list[Entry]) -> Section | None:
    records = patterns.thought_records(entries)
    if not records:
        return None
    section = Section("thoughts", gettext("Thought records"))
    n = len(records)
    section.lines.append(ngettext("You wrote %(n)s thought record.", "You wrote %(n)s thought records.", n) % {"n": n})
    rated = [r for r in records if r.belief_before is not None and r.belief_after is not None]
    if rated:
        before = patterns.mean_of(r.belief_before for r in rated)
        after = patterns.mean_of(r.belief_after for r in rated)
        section.lines.append(
            gettext(
                "On average you believed your hot thought %(before)s%% when you wrote it down, "
                "and %(after)s%% by the end."
            )
            % {"before": f"{before:.0f}", "after": f"{after:.0f}"}
        )
    moods = [r for r in records if r.mood_before is not None]
    if moods:
        before = patterns.mean_of(r.mood_before for r in moods)
        after = patterns.mean_of(r.mood_after for r in moods)
        section.lines.append(
            gettext("Your moods were %(before)s out of 100 at the start and %(after)s after.")
            % {"before": f"{before:.0f}", "after": f"{after:.0f}"}
        )
    section.rows = patterns.recurring_hot_thoughts(records)
    section.charts = instruments.thought_records(entries)
    return section


def _exposure(entries: list[Entry]) -> Section | None:
    steps = patterns.exposure_steps(entries)
    if not steps:
        return None
    section = Section("exposure", gettext("Facing fears"))
    for step in steps:
        change = step.peak_change()
        n = len(step.trials)
        values = {"name": step.name, "practices": ngettext("%(n)s practice", "%(n)s practices", n) % {"n": n}}
        if change is not None:
            values.update({"start": f"{change[0]:g}", "end": f"{change[1]:g}"})
        if change is not None and step.peak_came_down():
            line = gettext("“%(name)s”, %(practices)s: the peak came down from %(start)s to %(end)s.") % values
        elif change is not None:
            line = (
                gettext(
                    "“%(name)s”, %(practices)s: the peak went from %(start)s to %(end)s. "
                    "Keep going; it often moves over several tries."
                )
                % values
            )
        else:
            line = (
                gettext("“%(name)s”, %(practices)s. After another practice you'll see how the peak changes.") % values
            )
        section.lines.append(line)
        if len(step.trials) >= 2:  # one practice is a point, not a picture
            section.charts.append(instruments.exposure_chart(step))
    return section


def _activities(entries: list[Entry]) -> Section | None:
    ranking = patterns.activity_ranking(entries)
    if not ranking:
        return None
    section = Section("activities", gettext("Activities"))
    for scores in ranking.values():
        best = scores[0]
        section.lines.append(
            gettext("“%(name)s” brought you the most, on average %(score)s out of 10.")
            % {"name": best.name, "score": f"{best.overall:g}"}
        )
        section.rows += scores[:TOP]
    section.charts = instruments.activation(entries)
    return section


def _relaxation(entries: list[Entry]) -> Section | None:
    result = patterns.tension(entries)
    if result is None:
        return None
    section = Section("relaxation", gettext("Relaxation"))
    section.lines.append(
        ngettext(
            "Across %(n)s practice, your tension was %(before)s out of 10 before and %(after)s after; "
            "it eased in %(eased)s of them.",
            "Across %(n)s practices, your tension was %(before)s out of 10 before and %(after)s after; "
            "it eased in %(eased)s of them.",
            result.times,
        )
        % {"n": result.times, "before": f"{result.before:g}", "after": f"{result.after:g}", "eased": result.eased}
    )
    section.charts = instruments.relaxation(entries)
    return section


def _sleep(entries: list[Entry]) -> Section | None:
    nights, unreadable = patterns.sleep_nights(entries)
    if not nights and not unreadable:
        return None
    section = Section("sleep", gettext("Sleep"))
    if nights:
        efficiency, asleep = mean(n.efficiency for n in nights), mean(n.asleep for n in nights)  # per night, averaged
        section.lines.append(
            ngettext(
                "Over %(n)s night you slept on average %(hours)s hours, %(efficiency)s%% of your time in bed "
                "(your sleep efficiency).",
                "Over %(n)s nights you slept on average %(hours)s hours, %(efficiency)s%% of your time in bed "
                "(your sleep efficiency).",
                len(nights),
            )
            % {"n": len(nights), "hours": f"{asleep / 60:.1f}", "efficiency": f"{efficiency:.0f}"}
        )
        section.rows = [
            {
                "day": n.entry.done_on,
                "in_bed": duration(n.in_bed),
                "asleep": duration(n.asleep),
                "efficiency": n.efficiency,
            }
            for n in nights
        ]
        labels = [date_format(n.entry.done_on, "j M") for n in nights[-instruments.MAX_POINTS :]]
        hours = {
            gettext("In bed"): [round(n.in_bed / 60, 1) for n in nights[-instruments.MAX_POINTS :]],
            gettext("Asleep"): [round(n.asleep / 60, 1) for n in nights[-instruments.MAX_POINTS :]],
        }
        alt = ngettext(
            "Hours in bed and asleep on %(n)s night.", "Hours in bed and asleep on %(n)s nights.", len(labels)
        ) % {"n": len(labels)}
        section.charts.append(line_chart(gettext("Sleep: hours in bed and asleep"), alt, labels, hours, high=14))
    if unreadable:
        section.lines.append(
            ngettext(
                "%(n)s diary had times that don't add up to a night, so it is left out here "
                "(open it from My entries to check).",
                "%(n)s diaries had times that don't add up to a night, so they are left out here "
                "(open them from My entries to check).",
                unreadable,
            )
            % {"n": unreadable}
        )
    return section


def _barriers(entries: list[Entry]) -> Section | None:
    counts = patterns.barriers_most_often(entries)
    if not counts:
        return None
    label, n = counts[0]
    section = Section("barriers", gettext("What got in the way"))
    section.lines.append(
        ngettext(
            "Most often: “%(label)s” (%(n)s time). That's useful to talk through.",
            "Most often: “%(label)s” (%(n)s times). That's useful to talk through.",
            n,
        )
        % {"label": label, "n": n}
    )
    alt = gettext("The most common was “%(label)s” (%(n)s).") % {"label": label, "n": n}
    section.charts.append(bar_chart(gettext("What got in the way"), alt, counts))
    return section


def _good_days(entries: list[Entry], client: Membership) -> Section | None:
    result = patterns.good_days(entries, client.user.zone, title_of=title_of)
    if not result.days:
        return None
    section = Section("good_days", gettext("On the days it went well"))
    done = ", ".join(f"{name} ({n})" for name, n in result.activities)
    section.lines.append(
        ngettext(
            "On %(n)s day a practice went well. You did: %(done)s.",
            "On %(n)s days a practice went well. You did: %(done)s.",
            result.days,
        )
        % {"n": result.days, "done": done}
    )
    if result.when:
        section.lines.append(f"The ones that went well were mostly written up {result.when[0][0]}.")
    return section


def patterns_for(client: Membership, *, today: date, period: str, narrow: Narrow = lambda entries: entries) -> dict:
    """The page's context: the weeks (all practice counts in them), and each pattern that has something to say, from
    the entries `narrow` keeps (one activity's, say)."""
    entries = _entries(client, since_for(period, today), narrow)
    practised = [e for e in entries if e.outcome != Outcome.SKIPPED]
    sections = [
        _thoughts(practised),
        _exposure(practised),
        _activities(practised),
        _relaxation(practised),
        _sleep(practised),
        _barriers(entries),
        _good_days(entries, client),
    ]
    return {
        "weeks": weeks_of(client, today),
        "sections": [s for s in sections if s is not None],
        "period": period if period in PERIODS else DEFAULT_PERIOD,
        "period_label": PERIODS.get(period, PERIODS[DEFAULT_PERIOD])[0],
        "entry_count": len(entries),
    }
