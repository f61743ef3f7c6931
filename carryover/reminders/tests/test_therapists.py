"""What needs a therapist's attention, in the app and as a daily email at the time they chose."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.urls import reverse

from carryover.homework import services as hw
from carryover.reminders.models import TherapistDigest
from carryover.reminders.therapists import digests_send

from .conftest import CANARY, assign, body_of


def test_attention_page_lists_notices_flags_and_quiet_clients(client, personas, monday):
    assignment = assign(personas.alice, personas.bob, key="journal")
    assign(personas.alice, personas.erin, key="journal")
    assign(personas.charlie, personas.dana, key="journal")
    hw.notice_create(client=personas.bob.membership, assignment=assignment, reason="too_hard", note=CANARY)
    client.force_login(personas.alice)
    page = client.get(reverse("therapist_attention")).content.decode()
    assert "It&#x27;s too hard" in page and "Bob Client" in page
    assert "Erin Client" in page  # nothing recorded for a week
    assert "Dana" not in page and CANARY not in page


def test_digest_email_once_a_day_at_the_chosen_time_without_names(client, personas, monday, smtp):
    assignment = assign(personas.alice, personas.bob, key="journal")
    hw.notice_create(client=personas.bob.membership, assignment=assignment, reason="too_hard", note=CANARY)
    client.force_login(personas.alice)
    response = client.post(reverse("therapist_attention"), {"enabled": "on", "time": "17:15"})
    assert response.status_code == 302
    assert TherapistDigest.objects.get(therapist=personas.alice.membership).time == time(17, 15)
    assert digests_send(now=datetime(2026, 3, 2, 17, 14, tzinfo=UTC)) == 0
    assert digests_send(now=datetime(2026, 3, 2, 17, 15, tzinfo=UTC)) == 1
    assert digests_send(now=datetime(2026, 3, 2, 18, 0, tzinfo=UTC)) == 0  # once a day
    [message] = smtp.to("alice@harbour.test")
    body = body_of(message)
    assert "notices open: 1" in body and "Bob" not in body and CANARY not in body and "/attention/" in body
    assert digests_send(now=datetime(2026, 3, 3, 17, 15, tzinfo=UTC)) == 1  # and again the next day


def test_digest_time_must_be_a_time(client, personas, monday):
    client.force_login(personas.alice)
    response = client.post(reverse("therapist_attention"), {"enabled": "on", "time": "soon"})
    assert response.status_code == 200 and "Please enter a time like 19:30." in response.content.decode()
