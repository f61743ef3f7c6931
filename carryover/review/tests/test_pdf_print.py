"""The session-prep PDF on paper: the demo client's summary fits in five pages (it had grown to seven with one chart
a row), its charts two a row with legends and axis labels that neither overlap nor run off the picture; and what
can be checked of PDF/UA-1 without an outside validator is checked here (poppler's `pdfinfo -struct` for the tag
tree, the document's own objects for the rest). See /work notes for what a validator would add."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from carryover.accounts.models import User
from carryover.devtools.demo import load_demo
from carryover.homework import services
from carryover.lib.charts import SVG_NS
from carryover.review.charts import MAX_X_LABELS, bar_chart, line_chart

from .test_pdf_first_page import pdf_info

pytestmark = pytest.mark.skipif(not shutil.which("pdfinfo"), reason="pdfinfo (poppler-utils) is missing")
CHAR_WIDTH = 0.62  # DejaVu Sans's mean advance, in ems: an upper bound for digits, spaces and lower-case letters


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated, to read its dictionaries.

    A stream is cut out by the text around it, so a stream whose last byte is a carriage return loses that byte (it
    reads as the line ending before `endstream`). That byte is part of the Adler-32 checksum after the deflated data,
    so a decompressor object, which does not insist on the checksum, still reads every byte of the content;
    `zlib.decompress` refused it, about one stream in 256 (seen once in CI)."""
    inflated = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            inflated.append(zlib.decompressobj().decompress(stream.group(1)))
        except zlib.error:
            continue  # an image or font stream that is not Flate: nothing of the structure is in it
    return b"\n".join(inflated)


def structure(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "tags.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", "-struct", path], capture_output=True, text=True, check=True).stdout
    return [line.strip().split(" ")[0].rstrip(":") for line in out.splitlines() if line.strip()]


@pytest.mark.slow  # end to end: the whole demo loaded, its summary drawn as a PDF and read back by poppler
def test_the_demo_summary_fits_five_pages_and_is_tagged_for_screen_readers(client, db, tmp_path):
    services.builtin_sync()
    load_demo()
    sam = User.objects.get(email="client@example.org")
    client.force_login(User.objects.get(email="therapist@example.org"))
    page = client.get(reverse("client_summary", args=[sam.pk])).content.decode()
    charts = len(re.findall(r'<figure class="chart">', page))
    assert charts >= 6  # the demo has exposures, thought records, relaxation, mood and what got in the way
    pdf = client.get(reverse("client_summary_pdf", args=[sam.pk])).content
    info = pdf_info(pdf, tmp_path)
    assert int(info["Pages"]) <= 5, info["Pages"]
    assert info["Tagged"] == "yes" and info["Title"] == "Session prep: Sam Taylor"
    # The tag tree (poppler): one document, headings in order, every chart a Figure with its caption.
    tags = structure(pdf, tmp_path)
    assert tags[0] == "Document" and tags.count("H1") == 1 and tags.index("H1") < tags.index("H2")
    assert tags.count("Figure") == charts and tags.count("Caption") >= charts
    assert {"Table", "TH", "TD", "L", "LI"} <= set(tags)
    # PDF/UA-1's other requirements (ISO 14289-1 7.1, 7.2, 7.3): the identification, marked content, the title
    # shown rather than the file name, the language, and a text alternative on every figure.
    objects = pdf_objects(pdf)
    assert b'pdfuaid:part="1"' in objects and b"/Marked true" in objects and b"/DisplayDocTitle true" in objects
    assert re.search(rb"/Lang \((en|<feff0065006e>)", objects) or b"/Lang (en)" in objects
    figures = [figure.split(b"/S /", 1)[0] for figure in re.findall(rb"/S /Figure(.{0,300})", objects, re.DOTALL)]
    assert len(figures) == charts and all(b"/Alt" in figure for figure in figures)


def _absolute_x(svg: str) -> tuple[float, list[tuple[float, str, float]]]:
    """The picture's width and each x-axis label: (centre x in the picture, text, font size)."""
    root = ElementTree.fromstring(svg)  # noqa: S314  (our own drawing)
    parents = {child: parent for parent in root.iter() for child in parent}

    def offset(element) -> float:
        x = 0.0
        while element is not None:
            moved = re.match(r"translate\(([-\d.]+)", element.get("transform", ""))
            x += float(moved.group(1)) if moved else 0.0
            element = parents.get(element)
        return x

    axis = next(g for g in root.iter(f"{{{SVG_NS}}}g") if g.get("class") == "axis x")
    labels = [
        (float(text.get("x")) + offset(parents[text]), text.text or "", float(text.get("font-size", "12px")[:-2]))
        for text in axis.iter(f"{{{SVG_NS}}}text")
    ]
    return float(root.get("width")), labels


@pytest.mark.parametrize("points", [2, 5, 12, 40])
def test_line_chart_labels_are_few_whole_and_apart(points):
    labels = [f"{n}: {n % 28 + 1} Nov" for n in range(1, points + 1)]
    series = {"Before": [50] * points, "Peak": [70] * points, "After re-rating": [30] * points}
    svg = line_chart("Exposure: Ask a store clerk where something is", "…", labels, series, high=100).svg
    width, drawn = _absolute_x(svg)
    assert 2 <= len(drawn) <= MAX_X_LABELS and drawn[0][1] == labels[0] and drawn[-1][1] == labels[-1]
    boxes = [(x - len(text) * CHAR_WIDTH * size / 2, x + len(text) * CHAR_WIDTH * size / 2) for x, text, size in drawn]
    assert all(left >= 0 and right <= width for left, right in boxes), (width, boxes)  # none cut at the edge
    assert all(a[1] + 4 <= b[0] for a, b in zip(boxes, boxes[1:], strict=False)), boxes  # none overlapping
    legend = re.findall(r"<text[^>]*>([^<]*)</text>", svg[svg.index('class="legends"') :])
    assert {"Before", "Peak", "After re-rating"} <= set(legend)  # whole names, not "After re-…"
    ticks = [t for t in re.findall(r">(\d+)</text>", svg[svg.index('class="axis y') : svg.index('class="axis x')])]
    assert ticks == ["0", "20", "40", "60", "80", "100"]  # six round steps, not eleven


def test_bar_chart_still_has_whole_counts():
    svg = bar_chart("What got in the way", "…", [("I wasn't sure how to start it", 1)]).svg
    assert "I wasn't sure how to start it" in svg and "<style" not in svg


def test_a_drawn_chart_is_plain_svg_whatever_else_registered_xml_prefixes():
    """ElementTree's prefix registry is process-wide (WeasyPrint and others use it): a chart drawn after someone
    registered the default prefix for another namespace is still <svg xmlns=…>, not <ns0:svg>."""
    ElementTree.register_namespace("", "http://www.w3.org/1999/xhtml")
    svg = line_chart("Mood", "…", ["Mon", "Tue"], {"Mood": [3, 5]}).svg
    assert svg.startswith(f'<svg xmlns="{SVG_NS}"') and "ns0:" not in svg
