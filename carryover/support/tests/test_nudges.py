"""Nudges through a real SMTP server (aiosmtpd on loopback): at the client's time in the client's zone, out of
their quiet hours, once a day, never when the client has started or paused sharing, and with nothing clinical in
them (Bob's world has canary text in every field)."""

from __future__ import annotations

from datetime import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carryover.accounts.models import Role
from carryover.conftest import make_person
from carryover.reminders.models import ReminderSettings
from carryover.reminders.tasks import tick
from carryover.reminders.tests.conftest import body_of
from carryover.support.models import Nudge, NudgeStatus
from carryover.support.nudges import nudges_send

from .conftest import CANARY, SHARED_WORDS, linked


def nudge_me_at(world, at: time, **extra) -> None:
    link = world.link
    link.nudge_at, link.share_days = at, True
    for key, value in extra.items():
        setattr(link, key, value)
    link.save()
    link.assignments.set([world.assignment])
    link.entries.set([world.shared_entry])


def test_a_nudge_goes_out_once_at_the_clients_time_with_nothing_clinical(personas, world, monday, smtp):
    nudge_me_at(world, time(20, 0))
    monday.move_to("2026-03-03 19:59 +00:00")  # Tuesday: Bob has done nothing yet today
    tick.call()
    assert smtp.messages == []
    monday.move_to("2026-03-03 20:00 +00:00")
    tick.call()
    tick.call()  # a second worker, or the next minute: still one email
    [message] = smtp.to("sue@harbour.test")
    body = body_of(message)
    assert message["Subject"] == "A nudge for Bob"
    assert "hadn't started by 20:00" in body
    for never in (CANARY, SHARED_WORDS, "Journal", "PHQ", "safety"):
        assert never not in body and never not in message["Subject"]
    assert Nudge.objects.get().status == NudgeStatus.SENT


def test_no_nudge_when_the_client_has_started(personas, world, monday, smtp):
    nudge_me_at(world, time(20, 0))
    monday.move_to("2026-03-02 20:00 +00:00")  # Monday: Bob's journal entry is from this morning
    tick.call()
    assert smtp.messages == []
    assert Nudge.objects.get().status == NudgeStatus.NOT_NEEDED


def test_no_nudge_for_a_paused_share(personas, world, monday, smtp):
    nudge_me_at(world, time(20, 0), state="paused")
    monday.move_to("2026-03-03 20:00 +00:00")
    tick.call()
    assert smtp.messages == []
    assert Nudge.objects.get().status == NudgeStatus.PAUSED


def test_quiet_hours_move_the_nudge_before_they_begin(personas, world, monday, smtp):
    nudge_me_at(world, time(21, 30))
    ReminderSettings.objects.create(client=personas.bob.membership, quiet_start=time(21, 0), quiet_end=time(7, 0))
    monday.move_to("2026-03-03 21:30 +00:00")
    tick.call()
    assert smtp.to("sue@harbour.test") == []  # 21:30 is inside quiet hours: it goes at 20:45, or not at all
    monday.move_to("2026-03-04 20:45 +00:00")  # Wednesday, the moment quiet hours move it to
    tick.call()
    assert len(smtp.to("sue@harbour.test")) == 1


def test_the_nudge_follows_the_clients_time_zone(personas, world, monday, smtp):
    personas.bob.time_zone = "America/New_York"
    personas.bob.save()
    nudge_me_at(world, time(20, 0))
    monday.move_to("2026-03-03 20:00 +00:00")  # 15:00 in New York
    tick.call()
    assert smtp.to("sue@harbour.test") == []
    monday.move_to("2026-03-04 01:00 +00:00")  # 20:00 on Tuesday in New York
    tick.call()
    assert len(smtp.to("sue@harbour.test")) == 1


def test_a_tick_reads_all_links_in_a_few_queries(personas, world, monday, smtp):
    """Per tick: a fixed number of queries for every link with a nudge, then one insert per nudge due; once the
    day's nudges are recorded, a tick costs two queries however many links there are."""
    for n in range(5):
        client = make_person(personas.practice, f"client{n}@harbour.test", f"Client {n}", Role.CLIENT)
        supporter = make_person(personas.practice, f"friend{n}@friends.test", f"Friend {n}", Role.SUPPORT)
        linked(client, supporter, "Friend", nudge_at=time(20, 0))
    monday.move_to("2026-03-03 20:00 +00:00")
    with CaptureQueriesContext(connection) as first:
        assert nudges_send(now=timezone.now()) == 5
    with CaptureQueriesContext(connection) as second:
        assert nudges_send(now=timezone.now()) == 0
    assert len(first) <= 3 + 3 * 5  # links, recorded nudges, who started; then a savepoint'd insert each
    assert len(second) == 2  # links, recorded nudges: nothing left to do
    assert len(smtp.messages) == 5
