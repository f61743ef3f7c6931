"""The summary as a PDF (WeasyPrint), from the same template and charts as the page; any other page the same way."""

from __future__ import annotations

import logging
from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

from .charts import draw_all

# WeasyPrint narrates every step at INFO; a server log needs none of it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


PRINT_CSS = ("carryover/review.css", "carryover/review-print.css")


@cache
def _stylesheets(names: tuple[str, ...] = PRINT_CSS) -> tuple:
    from weasyprint import CSS

    return tuple(CSS(filename=finders.find(name)) for name in names)


def _fetcher():
    # The PDF never fetches anything over the network: charts are data: URLs and the stylesheets are passed in.
    # Allowing only data: keeps a stray URL in client-written text from making the server request it.
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), timeout=1)


PAPER = {"a4": "A4", "letter": "letter"}


LETTER_COUNTRIES = frozenset({"US", "CA"})  # of the countries Carryover serves; the rest use A4


def paper_for(country: str, chosen: str | None) -> str:
    """Letter in the US and Canada, A4 elsewhere, unless the therapist picked one."""
    if chosen in PAPER:
        return chosen
    return "letter" if country in LETTER_COUNTRIES else "a4"


def html_pdf(
    template_name: str, context: dict, *, request: HttpRequest, paper: str = "a4", css: tuple[str, ...] = ()
) -> bytes:
    """A page template rendered as a PDF with the print stylesheets and the page's own `css` (static names)."""
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, context, request=request)
    page = CSS(string=f"@page {{ size: {PAPER[paper]}; }}")
    sheets = [*_stylesheets(), *_stylesheets(css), page]
    # PDF/UA: tagged, with its title and language, so a screen reader reads it in order (headings, lists, tables).
    document = HTML(string=html, url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=sheets, pdf_variant="pdf/ua-1")


def summary_pdf(context: dict, *, request: HttpRequest, paper: str = "a4") -> bytes:
    draw_all(context["summary"].all_charts)  # the cached pictures in one read; only new data is drawn
    return html_pdf("review/summary_pdf.html", context, request=request, paper=paper)
