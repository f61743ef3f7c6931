"""The summary's PDF built ahead by the worker while the therapist reads the summary page: the click on "Download
PDF" then finds it kept (nothing drawn on the click), one build is queued per summary a minute, and nothing is
built twice for one state whichever of the worker and the click comes first."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from carryover.review import pdf
from carryover.review.tasks import build_summary_pdf

NOW = "2026-03-09 09:00 +00:00"
TASK = "carryover.review.tasks.build_summary_pdf"


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """Each PDF drawn (the real drawing, counted)."""
    drawn: list[str] = []
    real = pdf._write_pdf

    def counting(html: str, **kwargs) -> bytes:
        drawn.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf, "_write_pdf", counting)
    return drawn


def run_queued() -> None:
    """The queued build, run as the worker runs it (with the arguments the view queued), in the test's transaction:
    the real worker's loop closes the connection, which a rolled-back test cannot have."""
    for row in DBTaskResult.objects.filter(task_path=TASK):
        assert build_summary_pdf.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]) is not None


def view_summary(client, personas) -> str:
    client.force_login(personas.alice)
    response = client.get(reverse("client_summary", args=[personas.bob.pk]))
    assert response.status_code == 200
    return response.content.decode()


def pdf_link(html: str) -> str:
    return re.search(r'<a class="button" href="([^"]+)"[^>]*>Download PDF</a>', html)[1].replace("&amp;", "&")


def queued() -> int:
    return DBTaskResult.objects.filter(task_path=TASK).count()


def test_a_summary_view_queues_its_pdf_once_a_minute(client, personas, journal_week):
    with time_machine.travel(NOW, tick=False) as clock:
        view_summary(client, personas)
        view_summary(client, personas)
        assert queued() == 1
        clock.shift(61)
        view_summary(client, personas)
        assert queued() == 2


@pytest.mark.slow  # draws a PDF
def test_the_click_after_the_worker_finds_the_pdf_kept(client, personas, journal_week, builds):
    with time_machine.travel(NOW, tick=False):
        link = pdf_link(view_summary(client, personas))
        assert not builds
        run_queued()
        assert len(builds) == 1
        response = client.get(link)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert len(builds) == 1  # the click drew nothing: the worker's PDF is the one for this state


@pytest.mark.slow  # draws a PDF
def test_the_worker_after_the_click_builds_nothing(client, personas, journal_week, builds):
    with time_machine.travel(NOW, tick=False):
        link = pdf_link(view_summary(client, personas))
        assert client.get(link).status_code == 200 and len(builds) == 1
        run_queued()
    assert len(builds) == 1


def test_the_worker_gives_way_to_a_build_under_way(personas, journal_week, builds):
    args = (personas.bob.membership.pk, personas.alice.pk, "2026-03-02", "2026-03-09", "a4")
    with time_machine.travel(NOW, tick=False), pdf.one_at_a_time(f"summary-pdf:{personas.bob.membership.pk}"):
        assert build_summary_pdf.call(*args) is False
    assert not builds
