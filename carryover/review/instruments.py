"""Pictures of what the worksheets themselves recorded: exposure SUDS per ladder step, thought-record re-ratings,
activation mastery and pleasure, relaxation tension and mood before/after practice.

Each function reads shared entries only (the caller never passes private ones) and returns charts; a chart
appears only when there is something to draw. Which worksheets and answers each chart reads is declared by the
built-ins themselves (`charts` in homework/builtin.py) and read here at import, so a renamed answer key or a chart
nobody declares fails loudly rather than quietly drawing nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from statistics import mean
from typing import Any

from carryover.homework.builtin import charted
from carryover.homework.models import Entry, Outcome

from .charts import Chart, grouped_bars, line_chart

HISTORY_DAYS = 56  # the pictures show the eight weeks up to the window's end
MAX_LADDER_CHARTS = 4
MAX_POINTS = 40  # the latest ones, so a year-long range still draws a readable chart

# template key → {role: answer key}; "list.sub" is a column of a list
EXPOSURE = charted("exposure", ("step", "before", "peak", "after"))
RERATED_MOODS = charted("rerated_moods", ("moods", "mood", "before", "after"))
TENSION = charted("tension", ("before", "after"))
# template key → ((answer key, series label), ...), the first and last series described in the text alternative
ACTIVATION_RATINGS = {
    key: tuple((answer, label) for label, answer in series.items())
    for key, series in charted("activity_ratings").items()
}


def _value(answer: Any) -> float | None:
    """A rating's number ({"value", "min", "max"}) or a plain number."""
    if isinstance(answer, dict):
        answer = answer.get("value")
    return answer if isinstance(answer, int | float) and not isinstance(answer, bool) else None


def _key(entry: Entry) -> str:
    return entry.template_version.template.key


def _label(entry: Entry) -> str:
    return f"{entry.done_on:%-d %b}"


Trial = tuple[Entry, float | None, float | None, float | None]  # an exposure's entry, distress before, peak, after


def _exposure_trials(entries: list[Entry]) -> tuple[dict[int, list[Trial]], dict[int, str]]:
    """Each ladder step's practices, and the step's name, by ladder item id."""
    trials: dict[int, list[Trial]] = defaultdict(list)
    names: dict[int, str] = {}
    for entry in entries:
        keys = EXPOSURE.get(_key(entry))
        item = entry.answers.get(keys["step"]) if keys else None
        if keys is None or not isinstance(item, dict) or "id" not in item:
            continue
        names[item["id"]] = str(item.get("description", "a ladder step"))
        before, peak, after = (_value(entry.answers.get(keys[role])) for role in ("before", "peak", "after"))
        trials[item["id"]].append((entry, before, peak, after))
    return trials, names


def exposure(entries: list[Entry]) -> list[Chart]:
    trials, names = _exposure_trials(entries)
    busiest = sorted(trials, key=lambda item_id: -len(trials[item_id]))[:MAX_LADDER_CHARTS]
    return [
        _exposure_chart(names[item_id], trials[item_id][-MAX_POINTS:])
        for item_id in sorted(busiest, key=lambda item_id: trials[item_id][0][0].done_on)
    ]


def _exposure_chart(name: str, rows: list[Trial]) -> Chart:
    labels = [f"{n}: {_label(e)}" for n, (e, *_) in enumerate(rows, start=1)]
    peaks = [p for _, _, p, _ in rows if p is not None]
    afters = [a for _, _, _, a in rows if a is not None]
    alt = f"{len(rows)} practice{'s' if len(rows) != 1 else ''} of “{name}”."
    if len(peaks) >= 2:
        alt += f" Peak distress went from {peaks[0]:g} at the first to {peaks[-1]:g} at the latest."
    if afters and peaks:
        alt += f" Distress at the end averaged {mean(afters):.0f}, against a peak of {mean(peaks):.0f}."
    series = {
        "Before": [b for _, b, _, _ in rows],
        "Peak": [p for _, _, p, _ in rows],
        "After": [a for _, _, _, a in rows],
    }
    return line_chart(f"Exposure: {name}", alt, labels, series, high=100)


def _rerated_pairs(entry: Entry, keys: dict[str, str]) -> list[tuple[float, float]]:
    """Each mood's intensity before and after re-rating, where both were given."""
    mood, intensity = keys["mood"].partition(".")[2], keys["before"].partition(".")[2]
    rerated = {row.get("label"): _value(row) for row in entry.answers.get(keys["after"]) or []}
    pairs: list[tuple[float, float]] = []
    for item in entry.answers.get(keys["moods"]) or []:
        b, a = _value(item.get(intensity)), rerated.get(item.get(mood))
        if b is not None and a is not None:
            pairs.append((b, a))
    return pairs


def thought_records(entries: list[Entry]) -> list[Chart]:
    points: list[tuple[Entry, float, float]] = []
    for entry in entries:
        keys = RERATED_MOODS.get(_key(entry))
        pairs = _rerated_pairs(entry, keys) if keys else []
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
