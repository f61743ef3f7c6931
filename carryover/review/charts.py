"""Server-rendered SVG charts (pygal), each with a text alternative and the numbers as a table, cached by what
they draw.

A `Chart` is built from its data only (`spec`: the kind of chart and its numbers, as JSON); nothing is drawn until
the picture is asked for. Its `key` is an HMAC of that spec (keyed by SECRET_KEY, so the key in a URL tells nothing
about the numbers), and the drawn SVG is cached under it, encrypted like everything clients write (the titles
carry their words). So a page that shows the same data again draws nothing, and:

- on a web page, `publish` stores the specs (one cache read, and a write only for new data) and the <img> points at
  an access-checked URL (`review.views.chart_image`) that the browser revalidates by ETag, instead of a base64 SVG
  in the page. As an image the SVG runs no script and its inline styles stay out of the page's strict CSP;
- in a PDF, `draw_all` fetches every drawn SVG in one cache read (drawing only the missing ones) and the template
  puts them in as data: URLs, which is all WeasyPrint may read.

Other apps add kinds of chart with `register_kind` (measures draws its score charts this way).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pygal
from django.core.cache import cache
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from carryover.lib.charts import chart_config, inline_styles
from carryover.lib.crypto import decrypt_bytes, encrypt_bytes

# Part of every key: changing how charts are drawn changes the version, so no stale picture is served.
DRAWING_VERSION = "2"
CACHE_SECONDS = 7 * 24 * 3600  # a picture nobody asked for in a week is drawn again if it is ever needed
MAX_X_LABELS = 5  # at print size (half an A4 page wide) more labels than this run into each other

Spec = dict[str, Any]
_KINDS: dict[str, Callable[[Spec], str]] = {}


def register_kind(kind: str, draw: Callable[[Spec], str]) -> None:
    """A kind of chart another app draws (its `draw` takes the spec and returns the SVG)."""
    _KINDS[kind] = draw


@dataclass
class Chart:
    title: str
    alt: str  # what the picture shows, in a sentence or two: the text alternative
    spec: Spec  # what is drawn: {"kind": …, and the numbers}; JSON
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    owner: int | None = None  # the client's user id, once published for a web page
    _svg: str | None = field(default=None, repr=False)

    @cached_property
    def key(self) -> str:
        # Asked for when publishing and again for the <img>; the spec does not change once built.
        payload = json.dumps([DRAWING_VERSION, self.spec], sort_keys=True, separators=(",", ":"), default=str)
        return salted_hmac("carryover.review.charts", payload, algorithm="sha256").hexdigest()[:40]

    @property
    def svg(self) -> str:
        """The picture: as `draw_all` fetched it from the cache, or else drawn now."""
        if self._svg is None:
            self._svg = draw(self.spec)
        return self._svg

    @property
    def table_body(self) -> SafeString:
        """The numbers table's rows (a label, then the values, "–" for none), localized like `{{ cell }}` would be.
        Built here rather than cell by cell in the template: a summary's charts have hundreds of cells, which were
        the costliest part of rendering the page."""
        return format_html_join(
            "",
            '<tr><th scope="row">{}</th>{}</tr>',
            ((localize(label), _cells(values)) for label, *values in self.rows),
        )

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()

    @property
    def src(self) -> str:
        """The image's URL on a web page once published; otherwise (a PDF) the picture itself."""
        if self.owner is None:
            return self.data_uri
        return reverse("chart_image", args=[self.owner, self.key])


def _cells(values: Sequence[Any]) -> SafeString:
    return format_html_join("", "<td>{}</td>", (("–" if value is None else localize(value),) for value in values))


def draw(spec: Spec) -> str:
    return _KINDS[spec["kind"]](spec)


def _cache_key(key: str) -> str:
    return f"chart:{key}"


def _pack(owner: int | None, spec: Spec, svg: str | None) -> bytes:
    return encrypt_bytes(json.dumps({"owner": owner, "spec": spec, "svg": svg}, default=str).encode())


def _unpack(token: bytes | None) -> dict[str, Any] | None:
    return None if token is None else json.loads(decrypt_bytes(token))


def publish(charts: Iterable[Chart], owner: int) -> None:
    """Make each chart servable at its URL for `owner`'s care team (and `owner`): one cache read, and one write per
    chart whose data is new. Nothing is drawn here; the image URL draws on first request."""
    charts = list(charts)
    found = cache.get_many([_cache_key(chart.key) for chart in charts])
    missing = {}
    for chart in charts:
        chart.owner = owner
        stored = _unpack(found.get(_cache_key(chart.key)))
        if stored is None or stored["owner"] != owner:
            missing[_cache_key(chart.key)] = _pack(owner, chart.spec, None)
    if missing:
        cache.set_many(missing, CACHE_SECONDS)


def draw_all(charts: Iterable[Chart]) -> None:
    """Every chart's SVG, from the cache in one read; the missing ones drawn and stored (a PDF's charts)."""
    charts = [chart for chart in charts if chart._svg is None]
    if not charts:
        return
    found = cache.get_many([_cache_key(chart.key) for chart in charts])
    drawn = {}
    for chart in charts:
        stored = _unpack(found.get(_cache_key(chart.key)))
        if stored and stored["svg"]:
            chart._svg = stored["svg"]
            continue
        chart._svg = draw(chart.spec)
        owner = stored["owner"] if stored else chart.owner
        drawn[_cache_key(chart.key)] = _pack(owner, chart.spec, chart._svg)
    if drawn:
        cache.set_many(drawn, CACHE_SECONDS)


def stored_svg(key: str, owner: int) -> str | None:
    """The SVG published under `key` for `owner` (drawn now if it had not been yet); None for any other key."""
    stored = _unpack(cache.get(_cache_key(key)))
    if stored is None or stored["owner"] != owner:
        return None
    if not stored["svg"]:
        stored["svg"] = draw(stored["spec"])
        cache.set(_cache_key(key), _pack(owner, stored["spec"], stored["svg"]), CACHE_SECONDS)
    return stored["svg"]


def every_chart(*groups: Iterable[Chart | None]) -> list[Chart]:
    return [chart for group in groups for chart in group if chart is not None]


# --- Drawing -------------------------------------------------------------------------------------------------------


def x_labels_major(labels: Sequence[str], most: int = MAX_X_LABELS) -> list[str] | None:
    """Every label when they fit; otherwise at most `most`, evenly spread and always the first and the last (the
    table has them all)."""
    if len(labels) <= most:
        return None
    step = (len(labels) - 1) / (most - 1)
    return [labels[round(i * step)] for i in range(most)]


def value_ticks(high: float) -> list[float]:
    """Five or six round steps on a 0–high axis (0, 2, …, 10; 0, 20, …, 100), not eleven."""
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100) if high / s <= 6)
    return [step * n for n in range(int(high // step) + 1)]


def _render(chart: Any) -> str:
    return inline_styles(chart.render(is_unicode=True))


def _draw_series(spec: Spec) -> str:
    """One line or bar per series over the labels."""
    labels, series, high = spec["labels"], spec["series"], spec["high"]
    config = chart_config(
        range=(spec["low"], high),
        y_labels=value_ticks(high),
        legend_at_bottom_columns=max(1, len(series)),
        truncate_legend=-1,
        truncate_label=-1,
    )
    chart = (pygal.Line if spec["kind"] == "line" else pygal.Bar)(**config)
    chart.title = spec["title"]
    chart.x_labels = labels
    major = x_labels_major(labels)
    if major:
        chart.x_labels_major = major
        chart.show_minor_x_labels = False
    for name, values in series:
        chart.add(name, values)
    return _render(chart)


def _series_chart(
    kind: str, title: str, alt: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]], **limits
) -> Chart:
    """One line or bar per series over the labels, with the same numbers as a table (the text alternative)."""
    spec = {"kind": kind, "title": title, "labels": list(labels), "series": [[k, list(v)] for k, v in series.items()]}
    rows = [[label, *(values[i] for values in series.values())] for i, label in enumerate(labels)]
    return Chart(title, alt, {**spec, **limits}, ["", *series.keys()], rows)


def line_chart(
    title: str,
    alt: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    low: float = 0,
    high: float = 10,
) -> Chart:
    return _series_chart("line", title, alt, labels, series, low=low, high=high)


def grouped_bars(
    title: str, alt: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]], *, high: float = 100
) -> Chart:
    return _series_chart("bars", title, alt, labels, series, low=0, high=high)


def count_ticks(top: int) -> list[int]:
    """Whole numbers for an axis of counts: 0 and 1 for a count of 1 (not 0.1, 0.2, …), about six at most."""
    step = max(1, math.ceil(top / 6))
    return list(range(0, max(top, 1) + step, step))


def _draw_counts(spec: Spec) -> str:
    counts = spec["counts"]
    ticks = count_ticks(max((count for _, count in counts), default=1))
    config = chart_config(
        height=max(60 + 34 * max(len(counts), 1), 140),
        show_legend=False,
        print_values=True,
        range=(0, ticks[-1]),
        y_labels=ticks,
        truncate_label=-1,  # a barrier's whole name: there is room beside the bars
    )
    chart = pygal.HorizontalBar(**config)
    chart.title = spec["title"]
    chart.x_labels = [label for label, _ in counts]
    chart.add(spec["unit"], [count for _, count in counts])
    return _render(chart)


def bar_chart(title: str, alt: str, counts: Sequence[tuple[str, int]], *, unit: str = "times") -> Chart:
    spec = {"kind": "counts", "title": title, "counts": [list(c) for c in counts], "unit": unit.capitalize()}
    return Chart(title, alt, spec, ["", unit.capitalize()], [[label, count] for label, count in counts])


register_kind("line", _draw_series)
register_kind("bars", _draw_series)
register_kind("counts", _draw_counts)
