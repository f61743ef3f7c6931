"""Races around a risk answer, with real threads and the real database (run on SQLite and PostgreSQL): two sends
of the same positive PHQ-9 both get the crisis screen and make one alert and one email; two devices saving
different answers of one draft lose neither; a mail server that is down never holds up the crisis screen."""

from __future__ import annotations

import socket
import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from carryover.homework import services as homework
from carryover.homework.models import Draft, Entry
from carryover.measures.models import AlertEmail, RiskAlert

from .helpers import answer, assign_measure
from .test_alerts import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*calls):
    """Run each call in its own thread, released together; returns their results in order."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    close_old_connections()
    return results


def test_two_sends_of_the_same_positive_phq9_both_get_the_crisis_screen_one_alert_one_email(personas, mailoutbox):
    occurrence = assign_measure(personas.alice, personas.bob).occurrences.order_by("due_date").first()
    answer(occurrence, [1, 1, 1, 1, 1, 1, 1, 1, 2])
    url = reverse("measure_do", args=[occurrence.pk])
    browsers = [Client(), Client()]  # a double-click, or a phone and a laptop
    for browser in browsers:
        browser.force_login(personas.bob)
    responses = at_once(*[lambda b=b: b.post(url, {"step": "9", "go": "finish"}) for b in browsers])
    assert [(r.status_code, r.url) for r in responses] == [(302, reverse("crisis_support"))] * 2
    assert Entry.objects.count() == 1 and RiskAlert.objects.count() == 1
    assert RiskAlert.objects.get().entry == Entry.objects.get()
    run_worker()
    assert [m.to for m in mailoutbox] == [[personas.alice.email]] and AlertEmail.objects.count() == 1


def test_item9_saved_twice_at_once_shows_both_the_lines_and_raises_one_alert(personas, mailoutbox):
    occurrence = assign_measure(personas.alice, personas.bob).occurrences.order_by("due_date").first()
    answer(occurrence, [0] * 8)
    url = reverse("measure_do", args=[occurrence.pk])
    browsers = [Client(), Client()]  # Next pressed twice, or the autosave and Next together
    for browser in browsers:
        browser.force_login(personas.bob)
    data = {"step": "8", "f-q9": "3", "go": "next"}
    responses = at_once(*[lambda b=b: b.post(url, data) for b in browsers])
    assert [(r.status_code, r.url) for r in responses] == [(302, reverse("crisis_support"))] * 2
    assert RiskAlert.objects.count() == 1 and not Entry.objects.exists()
    run_worker()
    assert len(mailoutbox) == 1


def test_two_devices_saving_different_answers_of_one_draft_keep_both(personas):
    occurrence = assign_measure(personas.alice, personas.bob).occurrences.order_by("due_date").first()
    answer(occurrence, [])
    for round_ in range(3):
        # Each device loaded the draft before the other saved: each holds a stale copy.
        phone, laptop = Draft.objects.get(), Draft.objects.get()
        at_once(
            lambda p=phone, r=round_: homework.draft_save(draft=p, updates={"f-q1": str(r)}),
            lambda d=laptop, r=round_: homework.draft_save(draft=d, updates={"f-q2": str(r)}),
        )
        raw = Draft.objects.get().raw
        assert (raw.get("f-q1"), raw.get("f-q2")) == (str(round_), str(round_))


def test_a_mail_server_that_is_down_never_holds_up_the_crisis_screen(personas, settings):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2
    occurrence = assign_measure(personas.alice, personas.bob).occurrences.order_by("due_date").first()
    browser = Client()
    browser.force_login(personas.bob)
    response = browser.post(reverse("measure_do", args=[occurrence.pk]), {"step": "8", "f-q9": "1", "go": "next"})
    assert response.url == reverse("crisis_support")
    assert browser.get(response.url).status_code == 200
    run_worker()  # the email fails; the alert stands and the email is queued to be tried again
    assert AlertEmail.objects.count() == 0 and RiskAlert.objects.get().is_open
    assert DBTaskResult.objects.filter(status="READY", task_path__endswith="alert_notify").exists()
