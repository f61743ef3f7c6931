"""The one pygal setup for every chart (review summaries, the timeline, measures): the same look on the page and in
the PDF, and the same safety settings.

Every chart is an SVG document of its own (an <img>, or a data: URL in the PDF), so it runs no script and the page
keeps its strict Content-Security-Policy. DejaVu Sans comes first because WeasyPrint has it (.ci/run installs it),
so the PDF's charts look like the page's.

pygal writes its stylesheet (about 8 KB of rules, prefixed by a chart id) into every SVG, and WeasyPrint parsed and
matched it again for each chart of a PDF. `inline_styles` applies those rules once, when a chart is drawn (and then
cached), as SVG presentation attributes, and drops the stylesheet: the picture looks the same to a browser and to
WeasyPrint, is about a third smaller, and costs the PDF no CSS work.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any
from xml.etree import ElementTree

import cssselect2
import tinycss2
from django.utils.dateformat import format as date_format
from pygal.style import Style

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# The CSS properties an SVG element also takes as an attribute (SVG 1.1 presentation attributes) that pygal's
# stylesheet sets; the rest (transitions, cursors, user-select) mean nothing in a still picture.
PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-dasharray",
        "stroke-linecap",
        "stroke-linejoin",
        "opacity",
        "font-family",
        "font-size",
        "font-weight",
        "text-anchor",
        "dominant-baseline",
        "display",
        "visibility",
    }
)

PALETTE = ("#1f6f5c", "#9b3d12", "#3b5ba5", "#7a5c00", "#6b3fa0", "#4f5f6b")


def day_label(day: Any) -> str:
    """A chart's day label ("9 Mar"; the month in the reader's language), for every chart that has days."""
    return date_format(day, "j M")


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
        guide_stroke_color="#d5dbd8",
        major_guide_stroke_color="#d5dbd8",
        guide_stroke_dasharray="none",
        major_guide_stroke_dasharray="none",
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
        "width": 480,
        "height": 270,
        "explicit_size": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "show_x_guides": False,
        "truncate_label": 14,
        "margin": 12,
        "margin_right": 34,  # half of the last x label hangs past the plot: room for it, not cut off
        "print_values": False,
        # The stylesheet without the chart's random id before every rule: the same text for every chart of one
        # style, so `inline_styles` compiles it once. (Each SVG is its own document: nothing else to tell apart.)
        "no_prefix": True,
        **overrides,
    }


# The stylesheet, once applied; the script in which pygal repeats the chart's configuration (its title and labels)
# and the <desc> under every point (half the elements), both for tooltips that never show: an <img> runs no script
# and has no hover, and a PDF neither.
DROPPED = frozenset({f"{{{SVG_NS}}}style", f"{{{SVG_NS}}}script", f"{{{SVG_NS}}}desc"})


@lru_cache(maxsize=32)
def _rules(css: str) -> tuple[cssselect2.Matcher, cssselect2.Matcher]:
    """Two matchers, as in CSS: the normal declarations and the `!important` ones that override them. Compiled once
    per stylesheet: with `no_prefix` pygal writes the same one into every chart of one style (see `chart_config`)."""
    normal, important = cssselect2.Matcher(), cssselect2.Matcher()
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue  # no @media or @font-face in pygal's sheet that a still picture needs
        declarations = [
            (d.important, d.lower_name, tinycss2.serialize(d.value).strip())
            for d in tinycss2.parse_blocks_contents(rule.content)
            if d.type == "declaration" and d.lower_name in PRESENTATION
        ]
        try:
            selectors = cssselect2.compile_selector_list(rule.prelude)
        except cssselect2.SelectorError:  # :hover and the like: nothing to hover over on paper or in an <img>
            continue
        for selector in selectors:
            if selector.pseudo_element is not None or selector.never_matches:
                continue
            for matcher, chosen in ((normal, False), (important, True)):
                found = [(name, value) for flag, name, value in declarations if flag == chosen]
                if found:
                    matcher.add_selector(selector, found)
    return normal, important


def _shape(element: ElementTree.Element) -> tuple:
    return (element.tag, element.get("id"), element.get("class"), "transform" in element.attrib)


def inline_styles(svg: str) -> str:
    """The SVG with its <style> rules applied as presentation attributes and the <style> removed. An element's own
    `style` attribute still wins over them, as it did over the stylesheet."""
    root = ElementTree.fromstring(svg)  # noqa: S314  (pygal's own output, its text escaped; no DTD or entities)
    found = [(parent, child) for parent in root.iter() for child in parent if child.tag in DROPPED]
    styles = [child.text or "" for _, child in found if child.tag == f"{{{SVG_NS}}}style"]
    matchers = _rules("\n".join(styles))
    shapes_of: dict[int, tuple] = {}  # id of an element -> its shape, its parent's shape, and so on up
    for parent, child in found:
        parent.remove(child)
    # pygal's selectors look only at tags, ids, classes, ancestors and whether an element has a `transform`: two
    # elements alike in those get the same declarations, so each distinct shape is matched once (a chart has a few
    # dozen shapes for hundreds of elements).
    shapes: dict[tuple, dict[str, str]] = {}
    for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        element = wrapper.etree_element
        parent = wrapper.parent
        shape = (_shape(element), shapes_of[id(parent.etree_element)] if parent is not None else None)
        shapes_of[id(element)] = shape
        if shape not in shapes:
            values: dict[str, str] = {}
            for matcher in matchers:  # in cascade order: the later one wins
                for _, _, _, declarations in sorted(matcher.match(wrapper), key=lambda match: (match[0], match[1])):
                    values.update(declarations)
            shapes[shape] = values
        for name, value in shapes[shape].items():
            element.set(name, value)
    # Registered again each time: ElementTree's prefix registry is process-wide, and another library registering ""
    # for its own namespace would otherwise turn every element into <ns0:…>.
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", XLINK_NS)
    return ElementTree.tostring(root, encoding="unicode")
