"""Pictures of what the worksheets themselves recorded: exposure SUDS per ladder step, thought-record re-ratings,
activation mastery and pleasure, relaxation tension and mood before/after practice.

Each function reads shared entries only (the caller never passes private ones) and returns charts; a chart
appears only when there is something to draw. The numbers come from homework/patterns.py, the one home of what
the worksheets' answers add up to (the client's own My progress pages read it too), which reads the answers each
built-in declares (`charts` in homework/builtin.py), so a renamed answer key fails loudly rather than quietly
drawing nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from statistics import mean
from typing import Any

from django.utils.translation import gettext, ngettext

from carryover.homework.models import Entry, Outcome
from carryover.homework.patterns import (
    ACTIVITY_RATINGS,
    RERATED_MOODS,
    TENSION,
    LadderStep,
    exposure_steps,
    rerated_pairs,
    template_key,
)
from carryover.homework.patterns import rating_value as _value
from carryover.lib.charts import day_label

from .charts import Chart, grouped_bars, line_chart

HISTORY_DAYS = 56  # the pictures show the eight weeks up to the window's end
MAX_LADDER_CHARTS = 4
MAX_POINTS = 40  # the latest ones, so a year-long range still draws a readable chart

# template key → ((answer key, series label), ...), the first and last series described in the text alternative
ACTIVATION_RATINGS = {
    key: tuple((answer, label) for label, answer in series.items()) for key, series in ACTIVITY_RATINGS.items()
}


def _key(entry: Entry) -> str:
    return template_key(entry)


def _label(entry: Entry) -> str:
    return day_label(entry.done_on)


def exposure(entries: list[Entry]) -> list[Chart]:
    steps = exposure_steps(entries)
    busiest = sorted(steps, key=lambda step: -len(step.trials))[:MAX_LADDER_CHARTS]
    return [exposure_chart(step) for step in sorted(busiest, key=lambda step: step.trials[0].entry.done_on)]


def exposure_chart(step: LadderStep) -> Chart:
    """One ladder step's practices (the latest MAX_POINTS): distress before, at the peak and after."""
    rows = step.trials[-MAX_POINTS:]
    labels = [f"{n}: {_label(t.entry)}" for n, t in enumerate(rows, start=1)]
    peaks = [t.peak for t in rows if t.peak is not None]
    afters = [t.after for t in rows if t.after is not None]
    alt = ngettext("%(n)s practice of “%(step)s”.", "%(n)s practices of “%(step)s”.", len(rows)) % {
        "n": len(rows),
        "step": step.name,
    }
    if len(peaks) >= 2:
        alt += " " + gettext("Peak distress went from %(first)s at the first to %(last)s at the latest.") % {
            "first": f"{peaks[0]:g}",
            "last": f"{peaks[-1]:g}",
        }
    if afters and peaks:
        alt += " " + gettext("Distress at the end averaged %(after)s, against a peak of %(peak)s.") % {
            "after": f"{mean(afters):.0f}",
            "peak": f"{mean(peaks):.0f}",
        }
    series = {
        gettext("Before"): [t.before for t in rows],
        gettext("Peak"): [t.peak for t in rows],
        gettext("After"): [t.after for t in rows],
    }
    return line_chart(gettext("Exposure: %(step)s") % {"step": step.name}, alt, labels, series, high=100)


def thought_records(entries: list[Entry]) -> list[Chart]:
    points: list[tuple[Entry, float, float]] = []
    for entry in entries:
        keys = RERATED_MOODS.get(_key(entry))
        pairs = rerated_pairs(entry, keys) if keys else []
        if pairs:
            points.append((entry, mean(b for b, _ in pairs), mean(a for _, a in pairs)))
    if not points:
        return []
    points = points[-MAX_POINTS:]
    before, after = mean(p[1] for p in points), mean(p[2] for p in points)
    alt = ngettext(
        "%(n)s thought record with re-rated moods: intensity averaged %(before)s before and %(after)s after "
        "re-rating (0–100).",
        "%(n)s thought records with re-rated moods: intensity averaged %(before)s before and %(after)s after "
        "re-rating (0–100).",
        len(points),
    ) % {"n": len(points), "before": f"{before:.0f}", "after": f"{after:.0f}"}
    return [
        grouped_bars(
            gettext("Thought records: mood before and after re-rating"),
            alt,
            [_label(e) for e, _, _ in points],
            {
                gettext("Before"): [round(b) for _, b, _ in points],
                gettext("After re-rating"): [round(a) for _, _, a in points],
            },
        )
    ]


def _ratings_by_day(entries: list[Entry], ratings: tuple[tuple[str, str], ...]) -> dict[Any, dict[str, list[float]]]:
    by_day: dict[Any, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        for name, _ in ratings:
            value = _value(entry.answers.get(name))
            if value is not None:
                by_day[entry.done_on][name].append(value)
    return by_day


def activation(entries: list[Entry]) -> list[Chart]:
    charts = []
    for key, ratings in ACTIVATION_RATINGS.items():
        by_day = _ratings_by_day([e for e in entries if _key(e) == key], ratings)
        days = sorted(by_day)[-MAX_POINTS:]
        if not days:
            continue
        series = {label: [_mean(by_day[d][name]) for d in days] for name, label in ratings}
        first, last = _first_last(series[ratings[0][1]])
        alt = ngettext("Activity ratings on %(n)s day (0–10).", "Activity ratings on %(n)s days (0–10).", len(days)) % {
            "n": len(days)
        }
        if first is not None and last is not None and len(days) >= 2:
            alt += " " + gettext("%(rating)s went from %(first)s to %(last)s;") % {
                "rating": ratings[0][1],
                "first": f"{first:g}",
                "last": f"{last:g}",
            }
            f2, l2 = _first_last(series[ratings[-1][1]])
            if f2 is not None and l2 is not None:
                words = {"rating": ratings[-1][1].lower(), "first": f"{f2:g}", "last": f"{l2:g}"}
                alt += " " + gettext("%(rating)s from %(first)s to %(last)s.") % words
        charts.append(line_chart(gettext("Activities: ratings by day"), alt, [day_label(d) for d in days], series))
    return charts


def before_after(entries: Iterable[Entry], title: str, what: str, get) -> list[Chart]:
    points = [(e, *get(e)) for e in entries]
    points = [(e, b, a) for e, b, a in points if b is not None and a is not None][-MAX_POINTS:]
    if not points:
        return []
    before, after = mean(p[1] for p in points), mean(p[2] for p in points)
    alt = ngettext(
        "%(what)s before and after %(n)s practice: on average %(before)s before, %(after)s after (0–10).",
        "%(what)s before and after %(n)s practices: on average %(before)s before, %(after)s after (0–10).",
        len(points),
    ) % {"what": what, "n": len(points), "before": f"{before:.1f}", "after": f"{after:.1f}"}
    return [
        line_chart(
            title,
            alt,
            [_label(e) for e, _, _ in points],
            {gettext("Before"): [b for _, b, _ in points], gettext("After"): [a for _, _, a in points]},
        )
    ]


def relaxation(entries: list[Entry]) -> list[Chart]:
    def tension(entry: Entry) -> tuple[float | None, float | None]:
        keys = TENSION[_key(entry)]
        return _value(entry.answers.get(keys["before"])), _value(entry.answers.get(keys["after"]))

    return before_after(
        (e for e in entries if _key(e) in TENSION),
        gettext("Relaxation: tension before and after"),
        gettext("Tension"),
        tension,
    )


def mood(entries: list[Entry]) -> list[Chart]:
    title, what = gettext("Mood before and after practice"), gettext("Mood")
    return before_after(entries, title, what, lambda e: (e.mood_before, e.mood_after))


def _mean(values: list[float]) -> float | None:
    return round(mean(values), 1) if values else None


def _first_last(values: list[float | None]) -> tuple[float | None, float | None]:
    present = [v for v in values if v is not None]
    return (present[0], present[-1]) if present else (None, None)


def charts_for(shared: list[Entry]) -> list[Chart]:
    practised = [e for e in shared if e.outcome != Outcome.SKIPPED]
    return [
        *exposure(practised),
        *thought_records(practised),
        *activation(practised),
        *relaxation(practised),
        *mood(practised),
    ]
