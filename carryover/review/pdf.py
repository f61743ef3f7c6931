"""The summary as a PDF (WeasyPrint), from the same template and charts as the page; any other page the same way.

A summary's PDF is built at most once at a time per client (`one_at_a_time`: a claim in the shared cache, so across
processes too; a second request meanwhile gets `Busy`, and the view a "building…" page that retries by itself),
and kept, encrypted, for the state it shows: the same summary asked for again (a second click, the other paper
size aside) is served from the cache, not drawn again. A view of the summary page has the worker build it ahead
(review/tasks.py), so the click on "Download PDF" usually finds it kept.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from django.contrib.staticfiles import finders
from django.core.cache import cache as shared_cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

from carryover.lib.crypto import decrypt_bytes, encrypt_bytes

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
    return _write_pdf(render_to_string(template_name, context, request=request), paper=paper, css=css)


def _write_pdf(html: str, *, paper: str, css: tuple[str, ...] = ()) -> bytes:
    from weasyprint import CSS, HTML

    page = CSS(string=f"@page {{ size: {PAPER[paper]}; }}")
    sheets = [*_stylesheets(), *_stylesheets(css), page]
    # PDF/UA: tagged, with its title and language, so a screen reader reads it in order (headings, lists, tables).
    document = HTML(string=html, url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=sheets, pdf_variant="pdf/ua-1")


BUILD_CLAIM_SECONDS = 120  # a claim left by a process that died lapses after this
KEEP_SECONDS = 24 * 3600
# The footer's "prepared at" moment is the one thing that changes with every request; the kept PDF says when it was
# prepared, which stays true while what it shows is unchanged.
PREPARED_LINE = re.compile(r'<p class="[^"]*pdf-foot[^"]*">.*?</p>', re.DOTALL)


class Busy(Exception):
    """This client's summary PDF is being built by another request right now."""


@contextmanager
def one_at_a_time(name: str) -> Iterator[None]:
    """A claim on `name` in the shared cache (an atomic add): held by one request in any process, or `Busy`."""
    key, token = f"claim:{name}", secrets.token_hex(8)
    if not shared_cache.add(key, token, BUILD_CLAIM_SECONDS):
        raise Busy(name)
    try:
        yield
    finally:
        if shared_cache.get(key) == token:  # not a later claim, after ours had lapsed
            shared_cache.delete(key)


def summary_pdf(context: dict, *, request: HttpRequest, paper: str = "a4") -> bytes:
    """The summary's PDF: the kept one when the summary is unchanged (two cache reads, no claim), else built now,
    by one request per client at a time."""
    draw_all(context["summary"].all_charts)  # the cached pictures in one read; only new data is drawn
    html = render_to_string("review/summary_pdf.html", context, request=request)
    state = PREPARED_LINE.sub("", html) + paper
    key = "summary-pdf:" + salted_hmac("carryover.review.pdf", state, algorithm="sha256").hexdigest()
    if (kept := shared_cache.get(key)) is not None:
        return decrypt_bytes(kept)
    with one_at_a_time(f"summary-pdf:{context['client'].pk}"):
        # Asked again under the claim: whoever held it just before us (the worker building it ahead, another
        # request) may have kept this very PDF between our first look and our claim. Never built twice.
        if (kept := shared_cache.get(key)) is not None:
            return decrypt_bytes(kept)
        pdf = _write_pdf(html, paper=paper)
        shared_cache.set(key, encrypt_bytes(pdf), KEEP_SECONDS)
    return pdf
