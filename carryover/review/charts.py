"""Server-rendered SVG charts (pygal), each with a text alternative and the numbers as a table.

The SVG is shown as an <img> with a data: URL: pygal puts a <style> element inside its SVG, which the strict
Content-Security-Policy (style-src 'self') would block if the SVG were inline in the page, while an SVG image
is its own document (no scripts, no outside requests) and img-src allows data:. WeasyPrint reads the same
data: URLs, so the PDF has the same pictures.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pygal

from carryover.lib.charts import chart_config


@dataclass
class Chart:
    title: str
    alt: str  # what the picture shows, in a sentence or two: the text alternative
    svg: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _label_axis(chart: Any, labels: Sequence[str]) -> None:
    """Every label when they fit; otherwise about six, evenly spread (the table has them all)."""
    chart.x_labels = list(labels)
    if len(labels) > 7:
        chart.x_labels_major = list(labels)[:: max(1, len(labels) // 6)]
        chart.show_minor_x_labels = False


def _render(chart: Any) -> str:
    return chart.render(is_unicode=True)


def _series_chart(
    chart: Any, title: str, alt: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]]
) -> Chart:
    """One line or bar per series over the labels, with the same numbers as a table (the text alternative)."""
    chart.title = title
    _label_axis(chart, labels)
    for name, values in series.items():
        chart.add(name, list(values))
    rows = [[label, *(values[i] for values in series.values())] for i, label in enumerate(labels)]
    return Chart(title, alt, _render(chart), ["", *series.keys()], rows)


def line_chart(
    title: str,
    alt: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    low: float = 0,
    high: float = 10,
) -> Chart:
    return _series_chart(pygal.Line(**chart_config(range=(low, high))), title, alt, labels, series)


def count_ticks(top: int) -> list[int]:
    """Whole numbers for an axis of counts: 0 and 1 for a count of 1 (not 0.1, 0.2, …), about six at most."""
    step = max(1, math.ceil(top / 6))
    return list(range(0, max(top, 1) + step, step))


def bar_chart(title: str, alt: str, counts: Sequence[tuple[str, int]], *, unit: str = "times") -> Chart:
    height = 60 + 34 * max(len(counts), 1)
    ticks = count_ticks(max((count for _, count in counts), default=1))
    config = chart_config(
        height=max(height, 140),
        show_legend=False,
        print_values=True,
        range=(0, ticks[-1]),
        y_labels=ticks,
        truncate_label=-1,  # a barrier's whole name: there is room beside the bars
    )
    chart = pygal.HorizontalBar(**config)
    chart.title = title
    chart.x_labels = [label for label, _ in counts]
    chart.add(unit.capitalize(), [count for _, count in counts])
    return Chart(title, alt, _render(chart), ["", unit.capitalize()], [[label, count] for label, count in counts])


def grouped_bars(
    title: str, alt: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]], *, high: float = 100
) -> Chart:
    return _series_chart(pygal.Bar(**chart_config(range=(0, high))), title, alt, labels, series)
