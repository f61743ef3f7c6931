"""A chart per measure over time: the score line over shaded severity bands, with session days marked.

Server-rendered SVG (pygal, set up once in lib/charts.py), served as an image from an access-checked URL: as an
<img> it runs no script, and the page itself keeps the strict CSP. Every chart has a text alternative (the table
beside it on the page).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import pygal
from django.utils.translation import gettext

from carryover.lib.charts import chart_config, chart_style, day_label, inline_styles

from .instruments import MEASURES, max_total
from .models import MeasureResult

# Light to dark, one per band (at most five); the score line and session marks come after.
BAND_COLOURS = ["#e6f2ea", "#f5f0d6", "#f7e2c8", "#f3cdbd", "#eab3b3"]
LINE_COLOUR = "#1f4e79"
SESSION_COLOUR = "#7a7a7a"


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(12))


def measure_chart(
    measure_key: str, results: Sequence[MeasureResult], session_dates: Sequence[date] = (), *, today: date
) -> bytes:
    """The SVG of one measure's scores over time. `session_dates` are drawn as dashed vertical lines (sessions come
    from the review app; pass them in when they exist). `today` is the client's local today: with no scores yet,
    the empty chart is centred on it, not on the server's date."""
    return scores_svg(measure_key, [(r.taken_on, r.total) for r in results], session_dates, today=today).encode()


def chart_spec(
    measure_key: str, results: Sequence[MeasureResult], session_dates: Sequence[date], *, today: date
) -> dict:
    """What a measure's chart draws, as JSON (review's charts cache the picture by it; see `draw_spec`)."""
    scores = [[r.taken_on.isoformat(), r.total] for r in results]
    sessions = [day.isoformat() for day in session_dates]
    return {"kind": "measure", "measure": measure_key, "scores": scores, "sessions": sessions, "today": str(today)}


def draw_spec(spec: dict) -> str:
    scores = [(date.fromisoformat(day), total) for day, total in spec["scores"]]
    sessions = [date.fromisoformat(day) for day in spec["sessions"]]
    return scores_svg(spec["measure"], scores, sessions, today=date.fromisoformat(spec["today"]))


def scores_svg(
    measure_key: str, scores: Sequence[tuple[date, int]], session_dates: Sequence[date], *, today: date
) -> str:
    measure = MEASURES[measure_key]
    top = max_total(measure)
    days = [day for day, _ in scores] or [today]
    start, end = min([*days, *session_dates]) - timedelta(days=3), max([*days, *session_dates]) + timedelta(days=3)
    bands = measure["bands"]
    colours = (*reversed(BAND_COLOURS[: len(bands)]), LINE_COLOUR, SESSION_COLOUR)
    chart = pygal.DateLine(
        **chart_config(
            style=chart_style(colours),
            width=720,
            height=320,
            range=(0, top),
            title=gettext("%(name)s over time") % {"name": measure["name"]},
            x_label_rotation=0,
            allow_interruptions=True,
            truncate_legend=-1,
            x_value_formatter=day_label,
            dots_size=4,
            stroke_style={"width": 3},
        )
    )
    # Bands as filled areas, the highest first so each lower band paints over the one above it.
    for low, high, _, label in reversed(bands):
        chart.add(
            f"{gettext(label)} ({low}–{high})",
            [(_moment(start), 0), (_moment(start), high), (_moment(end), high), (_moment(end), 0)],
            fill=True,
            show_dots=False,
        )
    chart.add(gettext("Score"), [(_moment(day), total) for day, total in scores])
    sessions: list = []
    for day in session_dates:
        sessions += [(_moment(day), 0), (_moment(day), top), None]
    if sessions:
        chart.add(gettext("Session"), sessions, show_dots=False, stroke_style={"width": 1, "dasharray": "4, 4"})
    return inline_styles(chart.render(is_unicode=True))
