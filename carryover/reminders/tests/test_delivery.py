"""Sending reminders through a real SMTP server on loopback: on time, once, stopped when not needed, retried,
falling back to the next channel, skipped when too late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from carryover.homework import services as hw
from carryover.homework.models import AssignmentStatus
from carryover.reminders.models import Delivery, DeliveryStatus, Reminder, ReminderSettings, ReminderStatus
from carryover.reminders.services import SettingsData, reminder_settings_save

from .conftest import assign, body_of, free_port, run_worker


def plan_now() -> None:
    call_command("reminders_clock", once=True)  # queues the tick, as the clock process does every minute
    run_worker()


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


@pytest.fixture
def dinner(personas, monday):
    return assign(personas.alice, personas.bob, key="journal", if_when="dinner")


def test_reminder_goes_out_once_at_the_chosen_time(personas, monday, smtp, dinner):
    plan_now()
    reminder = Reminder.objects.get(client=personas.bob.membership, local_date="2026-03-02")
    assert reminder.fire_at == at("2026-03-02 19:30")  # "after dinner" → 19:30 London (GMT in March)
    run_worker()
    assert smtp.messages == []  # not yet

    monday.move_to("2026-03-02 19:30:01 +00:00")
    run_worker()
    plan_now()
    run_worker()
    [message] = smtp.to("bob@harbour.test")
    assert message["Subject"] == "Carryover reminder: 1 activity for today"
    assert "You have 1 activity for today." in body_of(message)
    assert "/reminders/later/" in body_of(message)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.sent_channel) == (ReminderStatus.SENT, "email")
    [delivery] = reminder.deliveries.all()
    assert (delivery.status, delivery.attempts, delivery.provider_response) == (
        "sent",
        1,
        "accepted by the mail server",
    )
    assert message["X-Carryover-Delivery"] == delivery.idempotency_key.hex


def test_no_reminder_for_what_is_done_paused_or_archived(personas, monday, smtp):
    done = assign(personas.alice, personas.bob, key="journal", if_when="dinner")
    paused = assign(personas.alice, personas.erin, key="journal", if_when="dinner")
    plan_now()
    todays = Reminder.objects.filter(local_date="2026-03-02")
    assert todays.filter(status=ReminderStatus.SCHEDULED).count() == 2
    hw.skip_occurrence(
        client=personas.bob.membership, occurrence=done.occurrences.get(due_date="2026-03-02"), barriers=["forgot"]
    )
    hw.assignment_set_status(assignment=paused, actor=personas.alice, status=AssignmentStatus.PAUSED)
    monday.move_to("2026-03-02 19:31 +00:00")
    run_worker()
    assert smtp.messages == []
    assert set(todays.values_list("status", "reason")) == {("cancelled", "Nothing left to do that day")}
    # Bob's tomorrow is still planned; Erin's paused activity has nothing tomorrow either.
    assert set(Reminder.objects.filter(local_date="2026-03-03").values_list("client", "status")) == {
        (personas.bob.membership.pk, "scheduled"),
        (personas.erin.membership.pk, "scheduled"),
    }


def test_smtp_down_retries_with_backoff_then_falls_back(personas, monday, smtp, settings, dinner, client):
    plan_now()
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    monday.move_to("2026-03-02 19:30 +00:00")
    run_worker()
    reminder = Reminder.objects.get(client=personas.bob.membership, local_date="2026-03-02")
    assert reminder.status == ReminderStatus.SCHEDULED
    assert reminder.next_attempt_at == at("2026-03-02 19:31")  # first retry a minute later
    monday.move_to("2026-03-02 19:31 +00:00")
    run_worker()
    assert Reminder.objects.get(local_date="2026-03-02").next_attempt_at == at("2026-03-02 19:35")  # then four minutes
    monday.move_to("2026-03-02 19:35 +00:00")
    run_worker()  # the third try fails too: on to the next channel, in-app
    reminder.refresh_from_db()
    assert (reminder.status, reminder.sent_channel) == (ReminderStatus.SENT, "in_app")
    email, in_app = reminder.deliveries.order_by("id")
    assert (email.channel, email.status, email.attempts) == ("email", DeliveryStatus.FAILED, 3)
    assert "Could not reach the mail server" in email.error
    assert (in_app.channel, in_app.status) == ("in_app", DeliveryStatus.SENT)

    client.force_login(personas.bob)
    home = client.get(reverse("client_home")).content.decode()
    assert "Reminder: you have 1 activity for today." in home
    log = client.get(reverse("reminder_settings")).content.decode()
    assert "reminder sent 19:35 by only in carryover" in log.lower()
    assert "Could not reach the mail server" in log


def test_refused_address_fails_visibly_when_no_channel_is_left(personas, monday, smtp, dinner, client):
    settings_row = ReminderSettings.objects.create(client=personas.bob.membership, channels=["email"])
    smtp.refuse["bob@harbour.test"] = "550 5.1.1 No such user"
    plan_now()
    monday.move_to("2026-03-02 19:30 +00:00")
    run_worker()
    reminder = Reminder.objects.get(client=settings_row.client, local_date="2026-03-02")
    assert reminder.status == ReminderStatus.FAILED  # permanent: no pointless retries
    assert Delivery.objects.get().attempts == 1
    assert "refused the address (SMTP 550)" in reminder.reason
    client.force_login(personas.admin)
    page = client.get(reverse("reminder_failures")).content.decode()
    assert "bob@harbour.test" in page and "SMTP 550" in page
    client.force_login(personas.bob)
    assert "Could not be sent" in client.get(reverse("reminder_settings")).content.decode()


def test_other_reminders_go_out_while_one_address_is_refused(personas, monday, smtp):
    assign(personas.alice, personas.bob, key="journal", if_when="dinner")
    assign(personas.alice, personas.erin, key="journal", if_when="dinner")
    smtp.refuse["bob@harbour.test"] = "550 No such user"
    plan_now()
    monday.move_to("2026-03-02 19:30 +00:00")
    run_worker()
    assert len(smtp.to("erin@harbour.test")) == 1


def test_reminder_too_late_is_skipped_not_sent(personas, monday, smtp, dinner):
    plan_now()
    DBTaskResult.objects.all().delete()  # the workers were down all evening
    monday.move_to("2026-03-02 21:00 +00:00")
    plan_now()
    assert smtp.messages == []
    reminder = Reminder.objects.get(local_date="2026-03-02")
    assert reminder.status == ReminderStatus.SKIPPED
    assert reminder.reason == "Too late to be useful (90 min late)"


def test_a_rolled_back_change_plans_and_enqueues_nothing(personas, monday, dinner):
    DBTaskResult.objects.all().delete()
    data = SettingsData(
        enabled=True,
        mode="digest",
        time=None,
        quiet_start=None,
        quiet_end=None,
        channels=["email"],
        assignment_times={},
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        reminder_settings_save(client=personas.bob.membership, data=data)
        assert Reminder.objects.count() == 2 and DBTaskResult.objects.count() == 2  # today and tomorrow
        raise RuntimeError("the request failed after saving")
    assert Reminder.objects.count() == 0 and DBTaskResult.objects.count() == 0


def test_saving_settings_queues_a_worker_for_the_reminder_time(personas, monday, smtp, dinner):
    DBTaskResult.objects.all().delete()
    data = SettingsData(
        enabled=True,
        mode="digest",
        time=None,
        quiet_start=None,
        quiet_end=None,
        channels=["email"],
        assignment_times={},
    )
    reminder_settings_save(client=personas.bob.membership, data=data)
    tasks = DBTaskResult.objects.order_by("run_after")
    assert [(t.task_name, t.run_after) for t in tasks] == [
        ("deliver_due", at("2026-03-02 19:30")),
        ("deliver_due", at("2026-03-03 19:30")),
    ]
    monday.move_to("2026-03-02 19:30 +00:00")
    assert run_worker() == 1
    assert len(smtp.messages) == 1


def test_a_crashed_workers_reminders_are_taken_over_by_the_next_tick(personas, monday, smtp, dinner, settings):
    plan_now()
    DBTaskResult.objects.all().delete()  # the task that claimed it died with its worker: nothing is queued
    monday.move_to("2026-03-02 19:30 +00:00")
    Reminder.objects.filter(local_date="2026-03-02").update(
        status=ReminderStatus.SENDING, lease_until=at("2026-03-02 19:30") + timedelta(seconds=30)
    )
    plan_now()
    assert smtp.messages == []  # still held by the dead worker
    monday.move_to("2026-03-02 19:31 +00:00")
    plan_now()
    assert len(smtp.messages) == 1
    assert Reminder.objects.get(local_date="2026-03-02").status == ReminderStatus.SENT


def test_postponed_until_tomorrow_stays_postponed_when_planning_runs_again(personas, monday, dinner):
    from carryover.reminders.services import reminder_later

    plan_now()
    assert reminder_later(client=personas.bob.membership, choice="tomorrow").startswith("No more reminders today")
    monday.move_to("2026-03-02 14:00 +00:00")  # hours later the plan is refreshed
    plan_now()
    assert Reminder.objects.get(local_date="2026-03-02").status == ReminderStatus.CANCELLED
    assert Reminder.objects.get(local_date="2026-03-03").status == ReminderStatus.SCHEDULED


def test_a_broken_reminder_does_not_hold_up_the_others(personas, monday, smtp, monkeypatch, caplog):
    from carryover.reminders import channels

    assign(personas.alice, personas.bob, key="journal", if_when="dinner")
    assign(personas.alice, personas.erin, key="journal", if_when="dinner")
    real = channels.send_email
    message = "a bug quoting " + "CANARY-title"  # an error's message may quote what it was handling

    def broken_for_bob(reminder, *args, **kwargs):
        if reminder.client.user.email == "bob@harbour.test":
            raise ValueError(message)
        return real(reminder, *args, **kwargs)

    monkeypatch.setattr(channels, "send_email", broken_for_bob)
    plan_now()
    monday.move_to("2026-03-02 19:30 +00:00")
    run_worker()
    assert len(smtp.to("erin@harbour.test")) == 1
    bob = Reminder.objects.get(client=personas.bob.membership, local_date="2026-03-02")
    assert bob.status == ReminderStatus.SCHEDULED and bob.reason == "Unexpected error (ValueError)"  # retried
    assert "unexpected ValueError while sending" in caplog.text and "CANARY" not in caplog.text


def test_an_unknown_time_zone_falls_back_to_utc_instead_of_failing(personas, monday):
    from carryover.reminders.planning import plan_clients

    personas.bob.time_zone = "Mars/Olympus_Mons"
    personas.bob.save(update_fields=["time_zone"])
    assign(personas.alice, personas.bob, key="journal", if_when="dinner")
    plan_clients([personas.bob.membership])
    assert Reminder.objects.get(local_date="2026-03-02").fire_at == at("2026-03-02 19:30")


def test_the_clock_queues_one_tick_at_a_time_and_old_results_are_pruned(personas, monday):
    call_command("reminders_clock", once=True)
    call_command("reminders_clock", once=True)
    assert DBTaskResult.objects.filter(task_path="carryover.reminders.tasks.tick").count() == 1
    run_worker()
    monday.move_to("2026-03-03 09:01 +00:00")
    call_command("reminders_clock", once=True)
    run_worker()
    assert DBTaskResult.objects.filter(task_path="carryover.reminders.tasks.tick").count() == 1  # yesterday's gone


def test_each_activitys_reminder_is_about_that_activity_alone(personas, monday, smtp):
    """In "each" mode a reminder counts only its own activity, and stops when that one is done, whatever else is
    still open that day."""
    done = assign(personas.alice, personas.bob, key="journal", if_when="dinner")
    still_open = assign(personas.alice, personas.bob, key="journal", if_when="supper")
    ReminderSettings.objects.create(client=personas.bob.membership, mode="each")
    plan_now()
    hw.skip_occurrence(
        client=personas.bob.membership, occurrence=done.occurrences.get(due_date="2026-03-02"), barriers=["forgot"]
    )
    monday.move_to("2026-03-02 19:31 +00:00")
    run_worker()
    todays = Reminder.objects.filter(local_date="2026-03-02")
    assert dict(todays.values_list("assignment", "reason")) == {
        done.pk: "Nothing left to do that day",
        still_open.pk: "",
    }
    [message] = smtp.to("bob@harbour.test")
    assert "You have 1 activity for today." in body_of(message)
