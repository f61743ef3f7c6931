"""The "before each session" schedule: a questionnaire due in the 2 days before the client's next booked session,
following the booking when it is made, rebooked or cancelled. Sessions are recorded and rebooked through the
therapist's pages; the client's Today page (which refreshes the schedule) shows what is due."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from carryover.homework import services as homework
from carryover.homework.models import Occurrence, OccurrenceStatus
from carryover.homework.tests.conftest import assign
from carryover.measures.services import measures_sync
from carryover.reminders.planning import open_work
from carryover.review.models import Session

pytestmark = pytest.mark.django_db


def before_session(personas, client_user):
    measures_sync()
    data = {"title": "Anxiety questionnaire", "minutes": "2", "schedule_kind": "session", "start_date": "2026-03-02"}
    return assign(personas.alice, client_user, key="gad7", **data)


def book(client, personas, *, held="2026-03-02", next_date="2026-03-12"):
    client.force_login(personas.alice)
    response = client.post(reverse("client_sessions", args=[personas.bob.pk]), {"date": held, "next_date": next_date})
    assert response.status_code == 302


def today_page(client, personas) -> str:
    client.force_login(personas.bob)
    return client.get(reverse("client_home")).content.decode()


def due_dates(assignment) -> list[tuple[str, str]]:
    return [(o.due_date.isoformat(), o.status) for o in assignment.occurrences.order_by("due_date")]


def test_nothing_is_due_without_a_booked_session_and_the_assign_page_says_so(client, personas, monday):
    measures_sync()
    gad7 = homework.Template.objects.get(key="gad7", practice__isnull=True)
    client.force_login(personas.alice)
    page = client.get(reverse("assign", args=[personas.bob.pk, gad7.pk])).content.decode()
    assert "Before each session (in the 2 days before it)" in page
    assert "no next session is booked for this client, so nothing will be due until one is" in page
    assignment = before_session(personas, personas.bob)
    assert due_dates(assignment) == []
    assert "Anxiety questionnaire" not in today_page(client, personas)
    assert assignment.schedule_text() == "Before each session (the 2 days before)"


def test_due_in_the_two_days_before_the_booked_session_and_missed_after_it(client, personas, monday):
    book(client, personas, next_date="2026-03-12")  # Thursday
    assignment = before_session(personas, personas.bob)
    client.force_login(personas.alice)
    gad7 = assignment.template_version.template
    page = client.get(reverse("assign", args=[personas.bob.pk, gad7.pk])).content.decode()
    assert "the next one is booked for Thu 12 Mar, so it will be open Tue 10 to Wed 11 Mar" in page

    for day in ("2026-03-02", "2026-03-09"):  # a week ahead, and the day before the window: nothing yet
        with time_machine.travel(f"{day} 09:00 +00:00", tick=False):
            assert "Anxiety questionnaire" not in today_page(client, personas)
            assert due_dates(assignment) == []
    with time_machine.travel("2026-03-10 09:00 +00:00", tick=False):  # Tuesday: the window opens
        page = today_page(client, personas)
        assert "Anxiety questionnaire" in page and "Before your next session: by Wednesday 11 Mar" in page
        assert due_dates(assignment) == [("2026-03-11", OccurrenceStatus.PENDING)]
    with time_machine.travel("2026-03-11 09:00 +00:00", tick=False):
        assert "Anxiety questionnaire" in today_page(client, personas)
    with time_machine.travel("2026-03-12 09:00 +00:00", tick=False):  # the session day: too late
        assert "Anxiety questionnaire" not in today_page(client, personas)
        assert due_dates(assignment) == [("2026-03-11", OccurrenceStatus.MISSED)]


def test_rebooking_moves_a_not_yet_started_occurrence_with_the_session(client, personas, monday):
    book(client, personas, next_date="2026-03-12")
    assignment = before_session(personas, personas.bob)
    with time_machine.travel("2026-03-10 09:00 +00:00", tick=False):
        today_page(client, personas)
        assert due_dates(assignment) == [("2026-03-11", OccurrenceStatus.PENDING)]
        client.force_login(personas.alice)
        url = reverse("client_next_session", args=[personas.bob.pk])
        response = client.post(url, {"action": "rebook", "next_date": "2026-03-16"}, follow=True)
        assert "Next session moved to Mon 16 Mar" in response.content.decode()
        assert Session.objects.next_booked(personas.bob.membership) == date(2026, 3, 16)
        assert due_dates(assignment) == []  # its window (Sat 14–Sun 15) has not opened yet
        assert "Anxiety questionnaire" not in today_page(client, personas)
    with time_machine.travel("2026-03-14 09:00 +00:00", tick=False):
        assert "Anxiety questionnaire" in today_page(client, personas)
        assert due_dates(assignment) == [("2026-03-15", OccurrenceStatus.PENDING)]
        # Brought forward to tomorrow: due today, at once, without the client opening anything.
        client.force_login(personas.alice)
        client.post(reverse("client_next_session", args=[personas.bob.pk]), {"next_date": "2026-03-15"})
        assert due_dates(assignment) == [("2026-03-14", OccurrenceStatus.PENDING)]


def test_cancelling_removes_a_not_yet_started_one_and_keeps_one_the_client_started(client, personas, monday):
    book(client, personas, next_date="2026-03-12")
    assignment = before_session(personas, personas.bob)
    with time_machine.travel("2026-03-10 09:00 +00:00", tick=False):
        today_page(client, personas)
        client.force_login(personas.alice)
        response = client.post(reverse("client_next_session", args=[personas.bob.pk]), {"action": "cancel"})
        assert response.status_code == 302
        assert Session.objects.next_booked(personas.bob.membership) is None
        assert due_dates(assignment) == []
        assert "Anxiety questionnaire" not in today_page(client, personas)

        # Booked again; this time Bob starts answering before it is cancelled: his answers stay, still to send.
        client.force_login(personas.alice)
        client.post(reverse("client_next_session", args=[personas.bob.pk]), {"next_date": "2026-03-11"})
        occurrence = assignment.occurrences.get()
        draft = homework.draft_for(client=occurrence.client, occurrence=occurrence, version=assignment.template_version)
        homework.draft_save(draft=draft, updates={"f-q1": "2"})
        client.post(reverse("client_next_session", args=[personas.bob.pk]), {"action": "cancel"})
        kept = Occurrence.objects.get(pk=occurrence.pk)
        assert kept.status == OccurrenceStatus.PENDING and kept.draft.raw["f-q1"] == "2"
        assert "Continue" in today_page(client, personas)


def test_recording_the_session_books_the_next_window(client, personas, monday):
    book(client, personas, next_date="2026-03-12")
    assignment = before_session(personas, personas.bob)
    with time_machine.travel("2026-03-12 10:00 +00:00", tick=False):
        book(client, personas, held="2026-03-12", next_date="2026-03-19")
    with time_machine.travel("2026-03-17 09:00 +00:00", tick=False):
        assert "Anxiety questionnaire" in today_page(client, personas)
        assert due_dates(assignment) == [("2026-03-18", OccurrenceStatus.PENDING)]
        # The session recorded by mistake goes: the booking made before it (12 Mar, already past) applies.
        client.force_login(personas.alice)
        latest = Session.objects.latest_for(personas.bob.membership)
        client.post(reverse("session_delete", args=[latest.pk]))
        assert due_dates(assignment) == []


def test_reminders_are_planned_on_both_days_of_the_window(client, personas, monday):
    book(client, personas, next_date="2026-03-12")
    assignment = before_session(personas, personas.bob)
    with time_machine.travel("2026-03-10 09:00 +00:00", tick=False):
        today_page(client, personas)
        work = open_work([personas.bob.membership.pk], date(2026, 3, 9), date(2026, 3, 12))
    bob = personas.bob.membership.pk
    assert [day.day for (_, day) in sorted(work) if assignment.pk in work[(bob, day)]] == [10, 11]


def test_rebooking_refuses_bad_dates_and_a_client_without_sessions_with_a_clear_message(client, personas, monday):
    client.force_login(personas.alice)
    url = reverse("client_next_session", args=[personas.bob.pk])
    page = client.post(url, {"next_date": "2026-03-20"}).content.decode()
    assert "Record a session first: the next one is booked with it." in page
    book(client, personas, next_date="2026-03-12")
    for data, message in [
        ({"next_date": "2026-03-01"}, "The next session has to be after the last one, and not in the past."),
        ({"next_date": ""}, "Please choose the new date, or cancel the next session."),
        ({"next_date": "2026-13-45"}, "Enter a valid date."),
        ({"action": "zzz", "next_date": "2026-03-20"}, "Please choose to rebook or to cancel the next session."),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200 and message in response.content.decode(), data
    assert Session.objects.next_booked(personas.bob.membership) == date(2026, 3, 12)
    client.force_login(personas.charlie)  # another practice's therapist
    assert client.post(url, {"action": "cancel"}).status_code == 404
    assert Session.objects.next_booked(personas.bob.membership) == date(2026, 3, 12)
