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
    return f"{entry.done_on:%-d %b}"


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
    alt = f"{len(rows)} practice{'s' if len(rows) != 1 else ''} of “{step.name}”."
    if len(peaks) >= 2:
        alt += f" Peak distress went from {peaks[0]:g} at the first to {peaks[-1]:g} at the latest."
    if afters and peaks:
        alt += f" Distress at the end averaged {mean(afters):.0f}, against a peak of {mean(peaks):.0f}."
    series = {
        "Before": [t.before for t in rows],
        "Peak": [t.peak for t in rows],
        "After": [t.after for t in rows],
    }
    return line_chart(f"Exposure: {step.name}", alt, labels, series, high=100)


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
    alt = (
        f"{len(points)} thought record{'s' if len(points) != 1 else ''} with re-rated moods: intensity averaged "
        f"{before:.0f} before and {after:.0f} after re-rating (0–100)."
    )
    return [
        grouped_bars(
            "Thought records: mood before and after re-rating",
            alt,
            [_label(e) for e, _, _ in points],
            {"Before": [round(b) for _, b, _ in points], "After re-rating": [round(a) for _, _, a in points]},
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
        alt = f"Activity ratings on {len(days)} day{'s' if len(days) != 1 else ''} (0–10)."
        if first is not None and last is not None and len(days) >= 2:
            alt += f" {ratings[0][1]} went from {first:g} to {last:g};"
            f2, l2 = _first_last(series[ratings[-1][1]])
            alt += f" {ratings[-1][1].lower()} from {f2:g} to {l2:g}." if f2 is not None and l2 is not None else ""
        charts.append(line_chart("Activities: ratings by day", alt, [f"{d:%-d %b}" for d in days], series))
    return charts


def before_after(entries: Iterable[Entry], title: str, what: str, get) -> list[Chart]:
    points = [(e, *get(e)) for e in entries]
    points = [(e, b, a) for e, b, a in points if b is not None and a is not None][-MAX_POINTS:]
    if not points:
        return []
    before, after = mean(p[1] for p in points), mean(p[2] for p in points)
    plural = "s" if len(points) != 1 else ""
    alt = f"{what} before and after {len(points)} practice{plural}: on average {before:.1f} before, {after:.1f} after"
    alt += " (0–10)."
    return [
        line_chart(
            title,
            alt,
            [_label(e) for e, _, _ in points],
            {"Before": [b for _, b, _ in points], "After": [a for _, _, a in points]},
        )
    ]


def relaxation(entries: list[Entry]) -> list[Chart]:
    def tension(entry: Entry) -> tuple[float | None, float | None]:
        keys = TENSION[_key(entry)]
        return _value(entry.answers.get(keys["before"])), _value(entry.answers.get(keys["after"]))

    return before_after(
        (e for e in entries if _key(e) in TENSION), "Relaxation: tension before and after", "Tension", tension
    )


def mood(entries: list[Entry]) -> list[Chart]:
    return before_after(entries, "Mood before and after practice", "Mood", lambda e: (e.mood_before, e.mood_after))


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
