"""What the worker does when things go wrong or change, run by the real worker: a failing export build is tried again
after 1, 5 and 15 minutes, then marked failed with an email and a word on the page (nothing of the record in
either); a build that fails once and then works emails its link as usual; a closure is emailed to the client's
therapists with a link and no detail."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from carryover.records import services
from carryover.records.models import ExportRequest, ExportStatus

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def _crashing(monkeypatch, times: int) -> list[int]:
    """The PDF renderer crashes the first `times` builds (as WeasyPrint might), then works."""
    crashes: list[int] = []
    real = services.booklet_pdf

    def booklet_pdf(*args, **kwargs):
        if len(crashes) < times:
            crashes.append(1)
            raise RuntimeError("renderer crashed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "booklet_pdf", booklet_pdf)
    return crashes


def _ask_and_run(client, personas, minutes: tuple[int, ...]) -> None:
    client.force_login(personas.bob)
    assert client.post(reverse("my_data_export")).status_code == 302
    start = timezone.now()
    mail.outbox.clear()
    for minute in minutes:
        with time_machine.travel(start + timedelta(minutes=minute, seconds=10)):
            run_worker()


def test_a_failing_build_is_tried_four_times_then_reported(client, personas, monkeypatch):
    crashes = _crashing(monkeypatch, times=99)
    _ask_and_run(client, personas, minutes=(0, 0, 2, 3, 8, 20, 25))
    assert len(crashes) == 4  # at once, then after 1, 5 and 15 minutes; never before its time
    assert ExportRequest.objects.get().status == ExportStatus.FAILED
    (message,) = mail.outbox
    assert message.to == [personas.bob.email] and "could not be prepared" in message.subject
    assert reverse("my_data") in message.body and "Bob" not in message.body
    page = client.get(reverse("my_data")).content.decode()
    assert "Could not be prepared" in page and "we tried several times; please ask again" in page


def test_a_build_that_fails_once_then_works_sends_its_link(client, personas, monkeypatch):
    crashes = _crashing(monkeypatch, times=1)
    _ask_and_run(client, personas, minutes=(0, 2))
    assert len(crashes) == 1
    assert ExportRequest.objects.get().status == ExportStatus.READY
    (message,) = mail.outbox
    assert message.subject == "Your Carryover download is ready"


def test_the_therapists_are_told_of_a_closure_with_no_detail(client, personas):
    client.force_login(personas.bob)
    mail.outbox.clear()
    assert client.post(reverse("my_data_close"), {"confirm": "close"}).status_code == 302
    assert mail.outbox == []  # sent by the worker, not in the request
    run_worker()
    (message,) = mail.outbox
    assert message.to == [personas.alice.email]  # Bob's therapist; Frank, not linked, is not told
    assert reverse("client_records", kwargs={"client_id": personas.bob.pk}) in message.body
    assert "Bob" not in message.body and "bob@" not in message.body
