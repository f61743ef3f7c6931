"""The session-prep PDF's first page is the whole story (safety, latest scores with change, what was done, what
got in the way in the client's words, questions for the session), read back with pdftotext; the PDF is tagged
(PDF/UA) for screen readers; a window starting at the last session says so, in the PDF as on the page."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from carryover.measures.tests.helpers import submit
from carryover.review.charts import bar_chart, count_ticks
from carryover.review.services import session_record

# Slow: WeasyPrint PDFs, read back with pdftotext.
pytestmark = [
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is missing"),
    pytest.mark.slow,
]


def pdf_text(pdf: bytes, tmp_path, *pages: int) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(["pdftotext", "-layout", *first_last, path, "-"], capture_output=True, text=True).stdout


def pdf_info(pdf: bytes, tmp_path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def test_page_one_has_safety_scores_adherence_words_and_questions(client, personas, journal_week, tmp_path):
    with time_machine.travel("2026-03-02 10:00 +00:00", tick=False):
        session_record(therapist=personas.alice.membership, client=personas.bob.membership, date=date(2026, 3, 2))
        submit(personas.alice, personas.bob, [2, 2, 1, 1, 1, 1, 1, 1, 1])  # PHQ-9 of 11, question 9 answered 1
    client.force_login(personas.alice)
    with time_machine.travel("2026-03-09 09:00 +00:00", tick=False):
        pdf = client.get(reverse("client_summary_pdf", args=[personas.bob.pk]), {"start": "2026-03-02"}).content
    page_one = " ".join(pdf_text(pdf, tmp_path, 1).split())
    assert "Session prep: Bob Client" in page_one and "since the session on 2 Mar" in page_one
    assert "Safety Safety alert of Mon 2 Mar" in page_one  # the safety box, first
    assert "PHQ-9: 11 (Moderate) on 2 Mar" in page_one and "question 9 answered 1" in page_one
    assert "50% credit of 8 due: 3 done, 1 part, 3 not done, 0 missed, 1 still open." in page_one
    assert "I wasn't sure how (2)" in page_one and "“The kids were ill all week.”" in page_one
    assert "Questions for the session" in page_one and "clarify the instructions?" in page_one
    assert "Latest shared entries" not in page_one  # the detail is on the pages after
    assert "Latest shared entries" in pdf_text(pdf, tmp_path)
    info = pdf_info(pdf, tmp_path)
    assert info["Tagged"] == "yes" and info["Title"] == "Session prep: Bob Client"


def test_page_one_says_so_when_there_is_no_alert(client, personas, journal_week, tmp_path):
    client.force_login(personas.alice)
    with time_machine.travel("2026-03-09 09:00 +00:00", tick=False):
        pdf = client.get(reverse("client_summary_pdf", args=[personas.bob.pk]), {"start": "2026-03-02"}).content
    page_one = " ".join(pdf_text(pdf, tmp_path, 1).split())
    assert "No safety alert was raised or is still open in this window. That does not rule out risk: ask." in page_one
    assert "No questionnaire answered yet." in page_one and ", a chosen range." in page_one


def test_a_count_axis_has_whole_numbers_and_whole_labels():
    """A barrier that came up once is on an axis of 0 and 1, not 0.1, 0.2, …; its name is not cut short."""
    assert count_ticks(1) == [0, 1] and count_ticks(7) == [0, 2, 4, 6, 8] and count_ticks(20)[-1] == 20
    svg = bar_chart("What got in the way", "…", [("I wasn't sure how to start it", 1)]).svg
    texts = set(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert {"0", "1", "I wasn't sure how to start it"} <= texts and not any("." in t for t in texts if t[:1].isdigit())
