from __future__ import annotations

import re

import time_machine
from django.urls import reverse

from carryover.homework import services
from carryover.homework.models import Entry
from carryover.review.services import session_record

from .conftest import PRIVATE_BARRIER_WORDS, PRIVATE_WORDS

NOW = "2026-03-09 09:00 +00:00"


def kinds_in(html: str) -> list[str]:
    return re.findall(r'<span class="kind">([^<]+)</span>', html)


def test_timeline_shows_everything_in_order_and_private_entries_only_as_such(client, personas, journal_week):
    from datetime import date

    bob = personas.bob.membership
    shared = Entry.objects.get(client=bob, done_on=date(2026, 3, 6))
    with time_machine.travel(NOW, tick=False):
        services.comment_add(entry=shared, author=personas.alice, text="Good to see this.")
        services.notice_create(client=bob, assignment=journal_week, reason="unclear", note="Which notebook?")
        session_record(therapist=personas.alice.membership, client=bob, date=date(2026, 3, 5), note="reviewed journal")
        client.force_login(personas.alice)
        url = reverse("client_timeline", args=[personas.bob.pk])
        html = client.get(url).content.decode()
        assert PRIVATE_WORDS not in html and PRIVATE_BARRIER_WORDS not in html
        assert html.count("private entry") == 2
        assert "The kids were ill all week." in html and "Which notebook?" in html and "Good to see this." in html
        assert set(kinds_in(html)) == {"Entries", "Comments", "Not working", "Sessions", "Assignment changes"}
        days = re.findall(r'<h2 class="small">([^<]+)</h2>', html)
        assert days[0] == "Monday 9 March 2026" and days[-1] == "Monday 2 March 2026"  # newest first
        only_notices = client.get(url, {"kind": "notice"}).content.decode()
        assert kinds_in(only_notices) == ["Not working"]
        wrong = client.get(url, {"assignment": "999999", "kind": "bogus"}).content.decode()
        assert "one we know, so every type is shown" in wrong and "so all are shown" in wrong
        filtered = client.get(url, {"assignment": journal_week.pk, "kind": "entry"}).content.decode()
        assert set(kinds_in(filtered)) == {"Entries"}
        empty = client.get(url, {"start": "2020-01-01", "end": "2020-01-31"}).content.decode()
        assert "Nothing happened between these dates" in empty


def test_missed_occurrences_appear_on_the_timeline(client, personas, monday):
    from carryover.homework.tests.conftest import assign

    assign(personas.alice, personas.erin, key="journal", title="Morning pages")
    with time_machine.travel("2026-03-05 09:00 +00:00", tick=False):
        services.occurrences_refresh(client=personas.erin.membership)
        client.force_login(personas.alice)
        html = client.get(reverse("client_timeline", args=[personas.erin.pk]), {"kind": "missed"}).content.decode()
    assert kinds_in(html) == ["Missed"] * 3 and "Passed without an answer" in html
