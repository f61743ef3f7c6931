"""The client's reminder settings, "remind me later", the Home badge and log; the admin's failures page."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.core.management import call_command
from django.urls import reverse

from carryover.conftest import reading_in
from carryover.reminders.models import Reminder, ReminderSettings, ReminderStatus
from carryover.reminders.planning import plan_clients

from .conftest import assign, run_worker


@pytest.fixture
def bob(client, personas, monday):
    client.force_login(personas.bob)
    return personas.bob


def test_settings_show_the_default_from_the_plan(client, bob, personas):
    assignment = assign(personas.alice, bob, key="journal", if_when="dinner")
    page = client.get(reverse("reminder_settings")).content.decode()
    assert "Empty means 19:30, from your plan “After dinner”." in page
    assert f'name="time_{assignment.pk}"' in page


def test_saving_settings_replans_in_the_clients_zone(client, bob, personas):
    assign(personas.alice, bob, key="journal", if_when="dinner")
    response = client.post(
        reverse("reminder_settings"),
        {"enabled": "on", "mode": "digest", "time": "18:45", "channel_0": "email", "channel_1": "in_app"},
    )
    assert response.status_code == 302
    setting = ReminderSettings.objects.get(client=bob.membership)
    assert (setting.time, setting.channels) == (time(18, 45), ["email", "in_app"])
    assert Reminder.objects.get(local_date="2026-03-02").fire_at == datetime(2026, 3, 2, 18, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"time": "25:99"}, "time", "Please enter a time like 19:30."),
        ({"time": "23:00", "quiet_start": "22:00", "quiet_end": "07:00"}, "time", "inside your quiet hours"),
        ({"quiet_start": "22:00"}, "quiet_end", "both the start and the end"),
        ({"channel_1": "email"}, "channel_1", "Please choose each way only once."),
        ({"channel_0": "fax"}, "channel_0", "Select a valid choice."),
    ],
)
def test_bad_settings_get_a_clear_error_and_keep_what_was_typed(client, bob, personas, changes, field, message):
    data = {"enabled": "on", "mode": "digest", "channel_0": "email", **changes}
    response = client.post(reverse("reminder_settings"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert response.context["form"].errors[field]
    for value in changes.values():
        assert f'value="{value}"' in page or f'value="{value}" selected' in page or value == "fax"
    assert not ReminderSettings.objects.filter(client=bob.membership, channels=["email", "email"]).exists()


def test_remind_me_later_says_when_in_the_clients_language(client, bob, personas, monday):
    assign(personas.alice, bob, key="journal", if_when="dinner")
    plan_clients([bob.membership])
    with reading_in(bob, "es"):
        response = client.post(reverse("reminder_later"), {"when": "hour"}, follow=True)
    assert "Se lo recordaremos de nuevo a las 10:00." in response.content.decode()


def test_remind_me_later_in_an_hour(client, bob, personas, monday):
    assign(personas.alice, bob, key="journal", if_when="dinner")
    plan_clients([bob.membership])
    response = client.post(reverse("reminder_later"), {"when": "hour"}, follow=True)
    assert "We&#x27;ll remind you again at 10:00." in response.content.decode()
    today = dict(Reminder.objects.filter(local_date="2026-03-02").values_list("key", "status"))
    assert today == {"day": ReminderStatus.CANCELLED, "later-1000": ReminderStatus.SCHEDULED}


def test_remind_me_later_offers_this_evening_only_before_it(client, bob, monday):
    assert "This evening" in client.get(reverse("reminder_later")).content.decode()
    monday.move_to("2026-03-02 18:30 +00:00")
    client.force_login(bob)  # hours later: the idle logoff has signed Bob out
    page = client.get(reverse("reminder_later")).content.decode()
    assert "This evening" not in page
    response = client.post(reverse("reminder_later"), {"when": "evening"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_home_shows_the_badge_once_a_reminder_went_out(client, bob, personas, monday, smtp):
    assign(personas.alice, bob, key="journal", if_when="dinner")
    plan_clients([bob.membership])
    assert "Reminder: you have" not in client.get(reverse("client_home")).content.decode()
    monday.move_to("2026-03-02 19:30 +00:00")
    call_command("reminders_clock", once=True)  # the minute's tick finds the reminder due
    run_worker()
    client.force_login(bob)
    home = client.get(reverse("client_home")).content.decode()
    assert "Reminder: you have 1 activity for today." in home
    assert "Remind me later" in home
    assert "Reminder: you have" not in client.get(reverse("client_home")).content.decode()  # seen
    log = client.get(reverse("reminder_settings")).content.decode()
    assert "reminder sent 19:30 by email" in log


def test_strangers_get_404(client, personas):
    for person in (personas.alice, personas.sue, personas.admin):
        client.force_login(person)
        for name in ("reminder_settings", "reminder_later"):
            assert client.get(reverse(name)).status_code == 404
    client.force_login(personas.bob)
    assert client.get(reverse("reminder_failures")).status_code == 404
    assert client.get(reverse("therapist_attention")).status_code == 404


def test_admin_sees_failures_of_their_own_practice_only(client, personas, monday):
    for person in (personas.bob, personas.dana):
        Reminder.objects.create(
            client=person.membership,
            key="day",
            local_date="2026-03-01",
            status=ReminderStatus.FAILED,
            fire_at=datetime(2026, 3, 1, 19, tzinfo=UTC),
            next_attempt_at=datetime(2026, 3, 1, 19, tzinfo=UTC),
            reason="Could not be sent: The mail server said 554",
        )
    client.force_login(personas.admin)
    page = client.get(reverse("reminder_failures")).content.decode()
    assert "bob@harbour.test" in page and "dana@elsewhere.test" not in page


def test_log_and_next_reminder_in_the_clients_own_time(client, bob, personas, monday, smtp):
    bob.time_zone = "America/New_York"
    bob.save(update_fields=["time_zone"])
    assign(personas.alice, bob, key="journal", if_when="dinner")
    plan_clients([bob.membership])
    assert "Next reminder: Mon 19:30." in client.get(reverse("client_home")).content.decode()
    monday.move_to("2026-03-03 00:30 +00:00")  # 19:30 in New York
    call_command("reminders_clock", once=True)
    run_worker()
    client.force_login(bob)
    assert "reminder sent 19:30 by email" in client.get(reverse("reminder_settings")).content.decode()


def test_remind_me_later_respects_quiet_hours(client, bob, personas, monday):
    ReminderSettings.objects.create(client=bob.membership, quiet_start=time(22), quiet_end=time(7))
    monday.move_to("2026-03-02 21:30 +00:00")
    client.force_login(bob)
    response = client.post(reverse("reminder_later"), {"when": "hour"}, follow=True)
    assert "remind you again at 21:45." in response.content.decode()  # not 22:30: just before the quiet hours
    monday.move_to("2026-03-02 21:50 +00:00")
    client.force_login(bob)
    response = client.post(reverse("reminder_later"), {"when": "hour"}, follow=True)
    assert "No more reminders today." in response.content.decode()
    assert list(Reminder.objects.values_list("key", flat=True)) == ["later-2145"]
