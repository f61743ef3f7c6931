"""The one pygal setup for every chart (review summaries, the timeline, measures): the same look on the page and in
the PDF, and the same safety settings.

Every chart is an SVG document of its own (an <img>, or a data: URL in the summary and the PDF), so it runs no
script and the page keeps its strict Content-Security-Policy. DejaVu Sans comes first because WeasyPrint has it
(.ci/run installs it), so the PDF's charts look like the page's.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pygal.style import Style

PALETTE = ("#1f6f5c", "#9b3d12", "#3b5ba5", "#7a5c00", "#6b3fa0", "#4f5f6b")


@cache
def chart_style(colors: tuple[str, ...] = PALETTE) -> Style:
    """The shared style; a chart whose series mean something by colour (severity bands) passes its own colours."""
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1d2a33",
        foreground_strong="#1d2a33",
        foreground_subtle="#d5dbd8",
        colors=colors,
        font_family="DejaVu Sans, system-ui, sans-serif",
        title_font_size=15,
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=13,
        value_font_size=12,
        opacity=".9",
        opacity_hover=".9",
        transition="0s",
    )


def chart_config(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for any pygal chart class, with `overrides` (size, range, style…) on top."""
    # No XML declaration (the SVG goes into a data: URL), no JavaScript (pygal's tooltips load a script from a
    # CDN by default: never, with this CSP and with clinical data).
    return {
        "disable_xml_declaration": True,
        "js": [],
        "style": chart_style(),
        "width": 640,
        "height": 280,
        "explicit_size": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "show_x_guides": False,
        "truncate_label": 14,
        "margin": 12,
        "print_values": False,
        **overrides,
    }
