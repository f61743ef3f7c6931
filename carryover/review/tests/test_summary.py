from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carryover.audit.models import Action, AuditEvent
from carryover.review.forms import WindowForm
from carryover.review.models import Session
from carryover.review.services import session_record
from carryover.review.summary import build_summary
from carryover.review.windows import window_for

from .conftest import PRIVATE_BARRIER_WORDS, PRIVATE_WORDS
from .test_pdf_print import pdf_objects


def summary_for(personas, start="2026-03-02", end="2026-03-09"):
    bob = personas.bob.membership
    chosen = WindowForm({"start": start, "end": end}).chosen()
    window = window_for(today=date(2026, 3, 9), last_session=None, chosen=chosen)
    return build_summary(bob, window, [], today=date(2026, 3, 9))


def test_adherence_and_barrier_arithmetic_on_hand_built_data(personas, journal_week):
    summary = summary_for(personas)
    [row] = summary.assignments
    assert (row.due, row.done, row.partial, row.skipped, row.missed, row.pending) == (8, 3, 1, 3, 0, 1)
    # Credit over the seven closed days: 1 + 0.5 + 0 + 0 + 1 + 0 + 1 = 3.5.
    assert row.credit == Decimal("3.50") and row.adherence == Decimal("0.50")
    # The same number the client page computes with the homework app's one definition of adherence.
    assert journal_week.occurrences.due_between(summary.window.start, summary.window.end).adherence() == row.adherence
    # Barriers and ratings come from shared entries only; the private one's "forgot", 99 min and 0/10 are not here.
    assert summary.barrier_counts == [("I wasn't sure how", 2), ("No time or energy", 1), ("Something else", 1)]
    assert [w["text"] for w in summary.barrier_words] == ["The kids were ill all week."]
    assert row.minutes == [30, 40] and row.mean_minutes == 35 and row.mean_helpful == 3.5
    assert summary.private_count == 2
    assert [e.done_on.day for e in summary.flagged] == [6]
    assert summary.suggestions == [
        "1 entry flagged “talk about this”: start with it?",
        "“Evening journal” wasn't done twice with “I wasn't sure how”: clarify the instructions?",
        "“Evening journal”: estimated 15 min, took 35 on average: shorten it?",
        "“Evening journal” was rated 3.5/10 for helpfulness: does it fit what they need?",
    ]
    days = {day.day.day: day for week in summary.calendar for day in week if day.in_window}
    assert [days[d].percent for d in range(2, 10)] == [100, 50, 0, 0, 100, 0, 100, None]
    assert days[2].level == "full" and days[3].level == "most" and days[4].level == "zero" and days[9].level == "none"


def test_summary_page_shows_the_numbers_and_no_private_content(client, personas, journal_week):
    client.force_login(personas.alice)
    with time_machine.travel("2026-03-09 09:00 +00:00", tick=False):
        page = client.get(reverse("client_summary", args=[personas.bob.pk]), {"start": "2026-03-02"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<td>8</td><td>3</td><td>1</td><td>3</td><td>0</td><td>1</td>" in html.replace("\n    ", "")
    assert "50%" in html and "The kids were ill all week." in html and "Shared words about Friday." in html
    assert PRIVATE_WORDS not in html and PRIVATE_BARRIER_WORDS not in html
    assert "2 private entries count towards credit" in html
    # Charts are images at their own URLs (test_chart_images.py): CSP-safe, and no base64 SVG in the page.
    assert f'src="/clients/{personas.bob.pk}/charts/' in html and "<svg" not in html and "base64" not in html
    assert "Chart: What got in the way." in html


@pytest.mark.slow  # WeasyPrint draws the PDF
def test_summary_and_pdf_are_audited_as_exports(client, personas, journal_week):
    client.force_login(personas.alice)
    for name in ("client_summary", "client_summary_pdf"):
        before = AuditEvent.objects.count()
        response = client.get(reverse(name, args=[personas.bob.pk]))
        assert response.status_code == 200
        [event] = AuditEvent.objects.order_by("id")[before:]
        assert (event.action, event.object_type, event.client_id) == (Action.EXPORT, "session_summary", personas.bob.pk)


@pytest.mark.slow  # WeasyPrint draws the PDF
def test_pdf_has_the_charts_and_no_private_content(client, personas, journal_week, monkeypatch):
    import weasyprint

    seen = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        seen.append(kwargs["string"])
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    client.force_login(personas.alice)
    with time_machine.travel("2026-03-09 09:00 +00:00", tick=False):
        response = client.get(reverse("client_summary_pdf", args=[personas.bob.pk]), {"start": "2026-03-02"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="session-summary-2026-03-02-to-2026-03-09.pdf"'
    [html] = seen
    assert "data:image/svg+xml;base64," in html and "Evening journal" in html
    assert "Activities: what was due and what happened" in html  # the practice's word, as on the page
    assert PRIVATE_WORDS not in html and PRIVATE_BARRIER_WORDS not in html


def test_window_follows_the_clients_day_not_the_therapists(client, personas, journal_week):
    bob = personas.bob
    bob.time_zone = "America/New_York"
    bob.save()  # Alice stays in London
    session_record(therapist=personas.alice.membership, client=bob.membership, date=date(2026, 3, 2))
    url = reverse("client_summary", args=[bob.pk])
    # 03:00 in London on the 10th is still 23:00 on the 9th in New York: the window ends on Bob's 9th.
    with time_machine.travel("2026-03-10 03:00 +00:00", tick=False):
        client.force_login(personas.alice)
        html = client.get(url).content.decode()
    assert "Mon 2 Mar 2026 – Mon 9 Mar 2026 (8 days), since the session on 2 Mar" in html
    with time_machine.travel("2026-03-10 05:00 +00:00", tick=False):  # midnight in New York
        client.force_login(personas.alice)
        html = client.get(url).content.decode()
    assert "Mon 2 Mar 2026 – Tue 10 Mar 2026 (9 days)" in html


def test_window_starts_on_the_last_session_day_inclusive(personas, journal_week):
    import datetime

    session = session_record(
        therapist=personas.alice.membership,
        client=personas.bob.membership,
        date=datetime.date(2026, 3, 6),
        next_date=datetime.date(2026, 3, 13),
    )
    window = window_for(today=datetime.date(2026, 3, 9), last_session=session)
    summary = build_summary(personas.bob.membership, window, [session], today=datetime.date(2026, 3, 9))
    [row] = summary.assignments
    assert (window.start, window.end, row.due) == (datetime.date(2026, 3, 6), datetime.date(2026, 3, 9), 4)
    assert summary.next_session == datetime.date(2026, 3, 13)


@pytest.mark.parametrize(
    ("start", "end", "expected", "note"),
    [
        ("2026-03-09", "2026-03-02", ("2026-03-02", "2026-03-09"), "swapped"),
        ("yesterday", "", ("2026-02-24", "2026-03-09"), "wasn't a date"),
        ("2024-01-01", "2026-03-09", ("2025-03-09", "2026-03-09"), "at most 366 days"),
        ("", "2026-03-05", ("2026-02-20", "2026-03-05"), None),
        ("", "0001-01-01", ("2026-02-24", "2026-03-09"), "Dates go from 1900 to 2999"),  # a day before: overflow
        ("9999-12-31", "", ("2026-02-24", "2026-03-09"), "Dates go from 1900 to 2999"),
    ],
)
def test_window_corrects_bad_input_and_says_so(start, end, expected, note):
    import datetime

    chosen = WindowForm({"start": start, "end": end}).chosen()
    window = window_for(today=datetime.date(2026, 3, 9), last_session=None, chosen=chosen)
    assert (window.start.isoformat(), window.end.isoformat()) == expected
    assert (note is None and not window.notes) or any(note in n for n in window.notes)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"start": "2026-03-09", "end": "2026-01-01"},
        {"start": "nonsense"},
        {"start": "2030-01-01", "end": "2030-02-01"},
        {"end": "0001-01-01"},
        {"start": "9999-12-31"},
    ],
)
def test_empty_windows_and_bad_ranges_are_a_clear_page(client, personas, query):
    client.force_login(personas.alice)
    with time_machine.travel("2026-03-09 09:00 +00:00", tick=False):
        response = client.get(reverse("client_summary", args=[personas.erin.pk]), query)
        pdf = client.get(reverse("client_summary_pdf", args=[personas.erin.pk]), query)
    assert response.status_code == 200 and pdf.status_code == 200
    assert "Nothing in this window yet" in response.content.decode()


@pytest.mark.parametrize("name", ["client_summary", "client_summary_pdf", "client_sessions", "client_timeline"])
def test_strangers_get_404(client, personas, name):
    for stranger in (personas.frank, personas.charlie, personas.bob, personas.sue):
        client.force_login(stranger)
        assert client.get(reverse(name, args=[personas.bob.pk])).status_code == 404
    client.force_login(personas.alice)
    assert client.get(reverse(name, args=[999999])).status_code == 404  # unknown client


def test_recording_sessions(client, personas):
    client.force_login(personas.alice)
    url = reverse("client_sessions", args=[personas.bob.pk])
    with time_machine.travel("2026-03-09 09:00 +00:00", tick=False):
        bad = client.post(url, {"date": "2026-03-20", "note": "reviewed exposure", "next_date": ""})
        assert "A session is recorded once it has happened" in bad.content.decode()
        assert 'value="reviewed exposure"' in bad.content.decode()  # what was typed survives
        bad = client.post(url, {"date": "2026-03-09", "note": "", "next_date": "2026-03-01"})
        assert "The next session has to be after this one." in bad.content.decode()
        bad = client.post(url, {"date": "not a date", "note": "x" * 300})
        assert bad.status_code == 200 and not Session.objects.exists()
        good = client.post(url, {"date": "2026-03-09", "note": "reviewed exposure", "next_date": "2026-03-16"})
        assert good.status_code == 302
        session = Session.objects.get()
        assert (session.client, session.therapist, session.note) == (
            personas.bob.membership,
            personas.alice.membership,
            "reviewed exposure",
        )
        page = client.get(reverse("client_summary", args=[personas.bob.pk])).content.decode()
    assert "since the session on 9 Mar" in page and "Next session: Mon 16 Mar 2026" in page


@pytest.mark.slow  # WeasyPrint draws the PDF
def test_pdf_paper_follows_the_practice_country_unless_chosen(client, personas, journal_week):
    """The practice is in the UK: A4 (595 × 842 points) by default, US Letter (612 × 792) on request."""
    client.force_login(personas.alice)
    url = reverse("client_summary_pdf", args=[personas.bob.pk])
    a4 = client.get(url).content
    letter = client.get(url, {"paper": "letter"}).content
    assert b"/MediaBox [0 0 595" in pdf_objects(a4) and b"/MediaBox [0 0 612 792]" in pdf_objects(letter)
    assert client.get(url, {"paper": "A0 please"}).status_code == 200  # unknown paper: the default


def test_removing_a_session_recorded_by_mistake(client, personas):
    client.force_login(personas.alice)
    with time_machine.travel("2026-03-09 09:00 +00:00", tick=False):
        client.force_login(personas.alice)
        client.post(reverse("client_sessions", args=[personas.bob.pk]), {"date": "2026-03-02"})
        client.post(reverse("client_sessions", args=[personas.bob.pk]), {"date": "2026-03-08"})  # meant the 9th
        wrong = Session.objects.get(date=date(2026, 3, 8))
        client.force_login(personas.frank)
        assert client.post(reverse("session_delete", args=[wrong.pk])).status_code == 404
        client.force_login(personas.alice)
        response = client.post(reverse("session_delete", args=[wrong.pk]), follow=True)
        assert "The session on 8 Mar 2026 was removed." in response.content.decode()
        page = client.get(reverse("client_summary", args=[personas.bob.pk])).content.decode()
    assert "since the session on 2 Mar" in page
    assert AuditEvent.objects.filter(action=Action.DELETE, object_type="session", object_id=str(wrong.pk)).exists()


def test_window_form_gives_the_view_dates_or_a_note_never_an_error():
    from carryover.review.windows import ChosenDates

    assert WindowForm({"start": " 2026-03-02 ", "end": ""}).chosen() == ChosenDates(date(2026, 3, 2), None)
    assert WindowForm({}).chosen() == ChosenDates()
    unreadable, far = WindowForm({"start": "2026-03-02", "end": "2026-13-01"}), WindowForm({"end": "1899-12-31"})
    assert (unreadable.chosen().start, unreadable.chosen().end) == (None, None)
    assert "wasn't a date we could read" in unreadable.chosen().note
    assert far.chosen() == ChosenDates(note="Dates go from 1900 to 2999, so the default range is shown.")
