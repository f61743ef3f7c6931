"""The calendar feed read back by an independent parser, web push against a fake push service on loopback, and
no clinical text in any reminder (canary text in every field a therapist writes)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from icalendar import Calendar

from carryover.accounts.models import hash_token
from carryover.conftest import without_csrf
from carryover.reminders.channels import Message, push_payload, render_email
from carryover.reminders.feed import calendar_for
from carryover.reminders.models import PushSubscription, Reminder, ReminderSettings, ReminderStatus
from carryover.reminders.planning import plan_clients
from carryover.reminders.times import local_instant

from .conftest import CANARY, Device, assign, b64, body_of, run_worker

CANARY_FIELDS = dict(
    title=f"{CANARY} title",
    instructions=f"{CANARY} instructions",
    rationale=f"{CANARY} why",
    if_when=f"dinner {CANARY}",
    if_then=f"{CANARY} then",
    minimum=f"{CANARY} minimum",
    coping=f"{CANARY} coping",
)


# --- Calendar feed -----------------------------------------------------------------------------------------------


def new_feed_path(client) -> str:
    page = client.post(reverse("reminder_feed_token"), {"action": "create"}, follow=True).content.decode()
    url = page.split('id="feed-url" class="text" readonly value="')[1].split('"')[0]
    return url.removeprefix("http://testserver")


def test_calendar_feed_read_back_event_by_event(client, personas, monday):
    assign(personas.alice, personas.bob, key="journal", **CANARY_FIELDS)
    personas.bob.time_zone = "America/New_York"  # DST starts on Sunday 8 March 2026
    personas.bob.save(update_fields=["time_zone"])
    ReminderSettings.objects.create(client=personas.bob.membership, time=time(2, 30))
    client.force_login(personas.bob)
    path = new_feed_path(client)
    token = path.split("?key=")[1]
    assert len(base64.urlsafe_b64decode(token + "==")) * 8 >= 128
    assert ReminderSettings.objects.get(client=personas.bob.membership).feed_token_hash == hash_token(token)
    client.logout()  # a calendar app has no session

    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert CANARY.encode() not in response.content
    calendar = Calendar.from_ical(response.content)
    events = recurring_ical_events.of(calendar).between(
        datetime(2026, 2, 20, tzinfo=UTC), datetime(2026, 3, 20, tzinfo=UTC)
    )
    zone = ZoneInfo("America/New_York")
    days = [date(2026, 3, d) for d in range(2, 10)]  # from its start on 2 March to a week ahead
    got = {event["DTSTART"].dt.astimezone(zone).date(): event for event in events}
    assert sorted(got) == days
    for day, event in got.items():
        assert event["DTSTART"].dt == local_instant(day, time(2, 30), zone)
        assert str(event["SUMMARY"]) == "Carryover: 1 activity"
        assert "/today/" in str(event["DESCRIPTION"])
        [alarm] = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
    assert got[date(2026, 3, 8)]["DTSTART"].dt == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 02:30 does not exist
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_revoked_or_wrong_feed_address_is_a_plain_404(client, personas, monday):
    assign(personas.alice, personas.bob, key="journal")
    client.force_login(personas.bob)
    path = new_feed_path(client)
    client.post(reverse("reminder_feed_token"), {"action": "revoke"})
    client.logout()
    revoked = client.get(path)
    wrong = client.get(reverse("calendar_feed"), {"key": "x" * 43})
    assert revoked.status_code == wrong.status_code == 404
    assert without_csrf(revoked.content) == without_csrf(wrong.content)


def test_the_feed_of_a_deactivated_account_is_a_plain_404_and_comes_back_with_it(client, personas, monday):
    assign(personas.alice, personas.bob, key="journal")
    client.force_login(personas.bob)
    path = new_feed_path(client)
    client.logout()
    assert client.get(path).status_code == 200
    personas.bob.is_active = False
    personas.bob.save(update_fields=["is_active"])
    gone = client.get(path)
    wrong = client.get(reverse("calendar_feed"), {"key": "x" * 43})
    assert gone.status_code == 404 and without_csrf(gone.content) == without_csrf(wrong.content)
    personas.bob.is_active = True  # reactivated: the same address works again, nothing to set up anew
    personas.bob.save(update_fields=["is_active"])
    assert client.get(path).status_code == 200


def test_a_new_feed_address_replaces_the_old_one(client, personas, monday):
    client.force_login(personas.bob)
    first, second = new_feed_path(client), new_feed_path(client)
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200


# --- Web push ---------------------------------------------------------------------------------------------------


def subscribe(personas, push, path="/p/1", show_titles=False) -> Device:
    device = Device()
    PushSubscription.objects.create(
        client=personas.bob.membership,
        endpoint=push.url + path,
        p256dh=device.p256dh,
        auth=b64(device.auth),
        show_titles=show_titles,
    )
    return device


def due_now(personas, monday, channels):
    ReminderSettings.objects.create(client=personas.bob.membership, channels=channels)
    plan_clients([personas.bob.membership])
    monday.move_to("2026-03-02 19:30 +00:00")
    call_command("reminders_clock", once=True)
    run_worker()


def test_push_reaches_the_device_with_an_idempotency_topic(personas, monday, push):
    assign(personas.alice, personas.bob, key="journal", **CANARY_FIELDS)
    device = subscribe(personas, push)
    due_now(personas, monday, ["push", "email"])
    [request] = push.requests
    reminder = Reminder.objects.get(local_date="2026-03-02")
    [delivery] = reminder.deliveries.all()
    assert request["headers"]["topic"] == delivery.idempotency_key.hex
    assert request["headers"]["authorization"].startswith("vapid t=")
    payload = device.read(request["body"])
    assert payload["body"] == "You have 1 activity for today." and CANARY not in json.dumps(payload)
    assert (reminder.status, reminder.sent_channel) == (ReminderStatus.SENT, "push")


def test_titles_only_on_a_device_that_opted_in(personas, monday, push):
    assign(personas.alice, personas.bob, key="journal", title="Walk after dinner", if_when="dinner")
    plain, opted = subscribe(personas, push, "/p/plain"), subscribe(personas, push, "/p/opted", show_titles=True)
    due_now(personas, monday, ["push"])
    bodies = {r["path"]: r["body"] for r in push.requests}
    assert plain.read(bodies["/p/plain"])["body"] == "You have 1 activity for today."
    assert opted.read(bodies["/p/opted"])["body"] == "For today: Walk after dinner"


def test_expired_subscription_is_removed_and_email_takes_over(personas, monday, push, smtp):
    assign(personas.alice, personas.bob, key="journal", if_when="dinner")
    subscribe(personas, push, "/p/gone")
    due_now(personas, monday, ["push", "email"])
    assert not PushSubscription.objects.exists()
    reminder = Reminder.objects.get(local_date="2026-03-02")
    assert (reminder.status, reminder.sent_channel) == (ReminderStatus.SENT, "email")
    assert "subscription gone (410)" in reminder.deliveries.get(channel="push").error
    assert len(smtp.to("bob@harbour.test")) == 1


@pytest.mark.parametrize(
    "body,message",
    [
        (b"not json", "could not read"),
        (
            json.dumps(
                {"subscription": {"endpoint": "http://push.example/1", "keys": {"p256dh": "a" * 87, "auth": "x"}}}
            ),
            "not a secure web address",
        ),
        (b'{"subscription": {"endpoint": "https://push.example/1", "keys": {"auth": "x"}}}', "incomplete"),
        (b'{"subscription": "nonsense"}', "could not read"),
    ],
)
def test_malformed_push_subscriptions_are_refused_clearly(client, personas, body, message):
    client.force_login(personas.bob)
    response = client.post(reverse("push_subscribe"), body, content_type="application/json")
    assert response.status_code == 400 and message in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_push_subscription_saved(client, personas):
    client.force_login(personas.bob)
    data = {
        "subscription": {"endpoint": "https://push.example/abc", "keys": {"p256dh": "B" * 87, "auth": "A" * 22}},
        "show_titles": True,
    }
    assert client.post(reverse("push_subscribe"), data, content_type="application/json").status_code == 200
    assert PushSubscription.objects.get().show_titles is True


@pytest.mark.parametrize(
    "body",
    [b"[1, 2]", b'"text"', b"\xff\xfe", b'{"subscription": {"endpoint": 5, "keys": {}}}', b'{"subscription": null}'],
)
def test_push_bodies_of_the_wrong_shape_get_a_message_not_a_500(client, personas, body):
    client.force_login(personas.bob)
    response = client.post(reverse("push_subscribe"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] in (
        "We could not read that subscription.",
        "This browser sent a subscription we could not read.",
    )
    assert not PushSubscription.objects.exists()


def test_subscribing_the_same_browser_again_updates_its_one_row(client, personas):
    client.force_login(personas.bob)
    keys = {"p256dh": "B" * 87, "auth": "A" * 150}
    for show_titles in (True, False):
        data = {"subscription": {"endpoint": "https://push.example/abc", "keys": keys}, "show_titles": show_titles}
        assert client.post(reverse("push_subscribe"), data, content_type="application/json").status_code == 200
    saved = PushSubscription.objects.get()
    assert (saved.client, saved.show_titles, saved.auth) == (personas.bob.membership, False, "A" * 100)


def test_installable_manifest_and_service_worker_at_the_root(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert json.loads(manifest.content)["scope"] == "/" and json.loads(manifest.content)["display"] == "standalone"
    worker = client.get("/sw.js")
    assert worker["Content-Type"].startswith("text/javascript") and b"showNotification" in worker.content
    assert b'rel="manifest" href="/manifest.webmanifest"' in client.get(reverse("help")).content


# --- No clinical content anywhere ---------------------------------------------------------------------------------


def test_no_reminder_template_carries_clinical_text(personas, monday, smtp, push):
    assign(personas.alice, personas.bob, key="journal", **CANARY_FIELDS)
    assign(personas.alice, personas.bob, key="thought_record_7", **CANARY_FIELDS)
    device = subscribe(personas, push)
    due_now(personas, monday, ["email"])
    ReminderSettings.objects.filter(client=personas.bob.membership).update(channels=["push"])
    Reminder.objects.create(
        client=personas.bob.membership,
        key="later-1930",
        local_date="2026-03-02",
        fire_at=datetime(2026, 3, 2, 19, 30, tzinfo=UTC),
        next_attempt_at=datetime(2026, 3, 2, 19, 30, tzinfo=UTC),
    )
    call_command("reminders_clock", once=True)
    run_worker()
    reminder = Reminder.objects.get(key="day", local_date="2026-03-02")
    message = Message.build(reminder, 2)
    rendered = [
        *render_email(message),
        push_payload(message, None),
        calendar_for(personas.bob.membership).decode(),
        render_to_string("reminders/_badge.html", {"reminder_badge": 2, "work_plural": "activities"}),
        render_to_string("reminders/digest_subject.txt", {"notices": 1, "flagged": 1, "inactive": 1}),
        render_to_string("reminders/digest_body.txt", {"notices": 1, "flagged": 1, "inactive": 1, "url": "/"}),
    ]
    [sent] = smtp.messages
    rendered += [sent["Subject"], body_of(sent), json.dumps(device.read(push.requests[0]["body"]))]
    assert "You have 2 activities for today." in rendered[1]
    assert [text for text in rendered if CANARY in text or "dinner" in text] == []
