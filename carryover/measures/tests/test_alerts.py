"""Risk alerts: exactly one per submission (also with two workers racing), an email with no clinical content sent by
the real task worker, escalation after the practice's time, the lifecycle, and visibility to the care team only."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from carryover.homework import services as homework
from carryover.homework.services import SubmissionError
from carryover.measures import services
from carryover.measures.models import AlertEmail, AlertStatus, MeasureResult, RiskAlert

from .helpers import answer, assign_measure, submit

NINE_WITH_RISK = [2, 3, 2, 2, 1, 3, 2, 1, 2]


def run_worker():
    """The real `manage.py db_worker`, until nothing is ready to run."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def assert_no_clinical_content(message, personas):
    text = (message.subject + message.body).lower()
    for word in ("phq", "item", "suicid", "harm", "dead", "score", "bob", "client", "mood", "answer"):
        assert word not in text.replace("clients", ""), word
    assert personas.bob.email not in text


@pytest.mark.django_db(transaction=True)
def test_item9_raises_one_alert_and_the_worker_emails_the_care_team_without_clinical_content(personas, mailoutbox):
    homework.builtin_sync()
    result = submit(personas.alice, personas.bob, NINE_WITH_RISK)
    alert = RiskAlert.objects.get()
    assert (alert.client_id, alert.entry_id, alert.status) == (personas.bob.membership.pk, result.entry_id, "open")
    run_worker()
    assert [m.to for m in mailoutbox] == [[personas.alice.email]]  # Bob's one therapist; not Frank, not Charlie
    assert_no_clinical_content(mailoutbox[0], personas)
    assert "/alerts/" in mailoutbox[0].body
    run_worker()  # nothing left to do, and a re-run of the task would find its AlertEmail row
    from carryover.measures.tasks import alert_notify

    assert alert_notify.call(alert.pk) == 0
    assert len(mailoutbox) == 1 and AlertEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_submission_leaves_no_alert_and_sends_nothing(personas, mailoutbox):
    assignment = assign_measure(personas.alice, personas.bob)
    draft = answer(assignment.occurrences.order_by("due_date").first(), NINE_WITH_RISK)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.measure_submit(draft=draft)
        raise RuntimeError("something later in the same request failed")
    assert not RiskAlert.objects.exists() and not MeasureResult.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_submitting_the_same_measure_at_once_make_exactly_one_alert(personas):
    assignment = assign_measure(personas.alice, personas.bob)
    occurrence = assignment.occurrences.order_by("due_date").first()
    draft_pk = answer(occurrence, NINE_WITH_RISK).pk
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def worker():
        try:
            from carryover.homework.models import Draft

            draft = Draft.objects.select_related("template_version__template", "client__user").get(pk=draft_pk)
            start.wait()
            services.measure_submit(draft=draft)
            outcomes.append("scored")
        except SubmissionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    close_old_connections()
    assert sorted(outcomes) == ["refused", "scored"]
    assert MeasureResult.objects.count() == 1 and RiskAlert.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_unacknowledged_alert_escalates_to_the_designated_contact_after_the_set_time(personas, mailoutbox):
    settings = services.safety_settings(personas.practice)
    settings.designated_contact, settings.escalation_minutes = personas.frank, 30
    settings.save()
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        submit(personas.alice, personas.bob, NINE_WITH_RISK)
        clock.shift(timedelta(minutes=29))
        run_worker()
        assert [m.to for m in mailoutbox] == [[personas.alice.email]]
        assert RiskAlert.objects.get().escalated_at is None
        clock.shift(timedelta(minutes=2))
        run_worker()
    alert = RiskAlert.objects.get()
    assert alert.escalated_to == personas.frank and alert.status == AlertStatus.OPEN
    assert [m.to for m in mailoutbox] == [[personas.alice.email], [personas.frank.email]]
    assert_no_clinical_content(mailoutbox[1], personas)
    assert "Alice Therapist" in mailoutbox[1].body  # who to chase, not who it is about


@pytest.mark.django_db(transaction=True)
def test_an_acknowledged_alert_does_not_escalate(personas, mailoutbox):
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        submit(personas.alice, personas.bob, NINE_WITH_RISK)
        assert services.alert_acknowledge(alert=RiskAlert.objects.get(), actor=personas.alice)
        clock.shift(timedelta(hours=3))
        run_worker()  # the notify task sees it already acknowledged; the escalation finds it no longer open
    assert mailoutbox == []
    assert RiskAlert.objects.get().escalated_at is None


def test_i_need_help_now_raises_one_alert_and_shows_the_crisis_screen(client, personas):
    client.force_login(personas.bob)
    response = client.post(reverse("help_request"))
    assert response.url == reverse("crisis_support")
    client.post(reverse("help_request"))  # a double tap while the first is still open
    alert = RiskAlert.objects.get()
    assert alert.source == "help_now"
    page = client.get(reverse("crisis_support")).content
    assert b"Your therapist has been told" in page and b'href="tel:999"' in page
    services.alert_acknowledge(alert=alert, actor=personas.alice)
    client.post(reverse("help_request"))  # once it has been seen, asking again is a new alert
    assert RiskAlert.objects.count() == 2


def test_the_help_page_offers_the_button_and_the_safety_plan_to_signed_in_clients(client, personas):
    page = client.get(reverse("help")).content
    assert b"I need help now" not in page
    client.force_login(personas.bob)
    page = client.get(reverse("help")).content
    assert b"I need help now" in page and reverse("safety_plan").encode() in page


def test_lifecycle_open_acknowledged_resolved_with_a_note(client, personas):
    submit(personas.alice, personas.bob, NINE_WITH_RISK)
    alert = RiskAlert.objects.get()
    client.force_login(personas.alice)
    caseload = client.get(reverse("caseload")).content.decode()
    assert "Safety alerts" in caseload and reverse("alert_detail", args=[alert.pk]) in caseload
    assert caseload.index("Safety alerts") < caseload.index("Your clients")
    client.post(reverse("alert_acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == personas.alice and alert.acknowledged_at
    page = client.post(reverse("alert_resolve", args=[alert.pk]), {"note": "  "})
    assert page.status_code == 200 and b"This field is required." in page.content
    client.post(reverse("alert_resolve", args=[alert.pk]), {"note": "Called Bob; reviewed his safety plan."})
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution_note == "Called Bob; reviewed his safety plan."
    assert "Safety alerts" not in client.get(reverse("caseload")).content.decode()
    with connection.cursor() as cursor:  # the note is clinical: encrypted at rest
        cursor.execute("SELECT resolution_note FROM measures_riskalert WHERE id = %s", [alert.pk])
        assert "Called Bob" not in str(cursor.fetchone()[0])


def test_alerts_are_visible_only_to_the_clients_care_team(client, personas):
    submit(personas.alice, personas.bob, NINE_WITH_RISK)
    alert = RiskAlert.objects.get()
    for stranger in (personas.frank, personas.charlie, personas.erin, personas.admin):
        client.force_login(stranger)
        assert client.get(reverse("alert_detail", args=[alert.pk])).status_code == 404
        assert client.post(reverse("alert_acknowledge", args=[alert.pk])).status_code == 404
    client.force_login(personas.frank)
    assert b"Bob" not in client.get(reverse("alerts")).content
    assert b"Safety alerts" not in client.get(reverse("caseload")).content
    alert.refresh_from_db()
    assert alert.status == "open"


@pytest.mark.django_db(transaction=True)
def test_the_designated_contact_can_open_and_acknowledge_an_alert_escalated_to_them(client, personas):
    safety = services.safety_settings(personas.practice)
    safety.designated_contact, safety.escalation_minutes = personas.admin, 30
    safety.save()
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        submit(personas.alice, personas.bob, NINE_WITH_RISK)
        alert = RiskAlert.objects.get()
        client.force_login(personas.admin)
        assert client.get(reverse("alert_detail", args=[alert.pk])).status_code == 404  # not escalated yet
        clock.shift(timedelta(minutes=31))
        run_worker()
        client.force_login(personas.admin)  # the clinician idle time-out passed meanwhile
        page = client.get(reverse("alert_detail", args=[alert.pk])).content.decode()
        assert "designated contact" in page and "Bob Client" in page
        assert "PHQ-9 total" not in page and reverse("client_detail", args=[personas.bob.pk]) not in page  # no answers
        client.post(reverse("alert_acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == personas.admin
    client.force_login(personas.sue)  # anyone else in the practice still gets a 404
    assert client.get(reverse("alert_detail", args=[alert.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_failed_alert_email_is_tried_again_later_and_sent_once(personas, mailoutbox, settings):
    with socket.socket() as s:  # a loopback port nobody listens on: the mail server is "down"
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        submit(personas.alice, personas.bob, NINE_WITH_RISK)
        run_worker()
        assert AlertEmail.objects.count() == 0
        retry = DBTaskResult.objects.filter(status="READY").get(task_path__endswith="alert_notify")
        assert retry.run_after is not None and retry.args_kwargs["kwargs"] == {"attempt": 2}
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
        run_worker()
        assert mailoutbox == []  # not before its time
        clock.shift(timedelta(minutes=2))
        run_worker()
        run_worker()
    assert [m.to for m in mailoutbox] == [[personas.alice.email]] and AlertEmail.objects.count() == 1
