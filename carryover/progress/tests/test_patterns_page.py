"""My progress: the weeks (effort counted kindly, no streaks) and each pattern in plain words, on the page and in the
PDF; the words on the client's pages never include "streak", "failed" or "missed"."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse

from carryover.homework.models import Entry


def test_patterns_say_what_my_own_entries_show(client, personas, bob, monday):
    step = bob.ladder()
    for before, peak, after in [(60, 80, 50), (50, 60, 35), (40, 45, 20)]:
        bob.exposure(step, before, peak, after)
    for _ in range(2):
        bob.thought_record("They'll think I'm boring")
    bob.send("activity_log", {"activity": "Walk by the river", "status": "done", "mastery": "6", "pleasure": "9"})
    bob.send("relaxation", {"technique": "breathing", "tension_before": "7", "tension_after": "3"})
    bob.send(
        "sleep_diary",
        {"bed_time": "23:00", "lights_out": "23:30", "fall_asleep": "30", "awake_minutes": "30", "final_wake": "06:30"}
        | {"out_of_bed": "07:00", "quality": "fair"},
    )
    bob.send(
        "sleep_diary",
        {"bed_time": "late", "lights_out": "23:30", "fall_asleep": "30", "final_wake": "06:30", "out_of_bed": "7"}
        | {"quality": "poor"},
    )
    bob.journal(outcome="skipped", visibility="shared")  # no barrier chosen: fine
    client.force_login(personas.bob)
    page = client.get(reverse("my_patterns")).content.decode()
    assert "“Say hello to a neighbour”, 3 practices: the peak came down from 80 to 45." in page
    assert "“They&#x27;ll think I&#x27;m boring” — 2 times; believed 90% at first, 50% by the end" in page
    assert "“Walk by the river” brought you the most, on average 7.5 out of 10." in page
    assert "your tension was 7 out of 10 before and 3 after; it eased in 1 of them" in page
    assert "you slept on average 6.0 hours, 75% of your time in bed (your sleep efficiency)" in page
    assert "1 diary had times that don&#x27;t add up to a night, so it is left out here" in page
    assert "You practised on 1 day this week." in page
    assert len(re.findall(r'<figure class="chart">', page)) >= 5

    pdf = client.get(reverse("my_patterns_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="my-patterns-2026-03-02.pdf"'
    assert pdf["Cache-Control"] == "no-store"


def test_a_week_counts_part_of_it_and_an_empty_week_gets_a_gentle_line(client, personas, bob, monday):
    bob.journal(outcome="partial")
    monday.shift(timedelta(days=14))
    client.force_login(personas.bob)
    page = client.get(reverse("my_patterns")).content.decode()
    assert "Nothing sent yet this week. Any practice counts, even part of it." in page
    assert "Weeks like this happen — your therapist will want to hear what got in the way." in page  # last week
    assert "You practised on 1 day. You did part of it, and part of it counts." in page  # two weeks ago


def test_an_empty_history_says_where_patterns_will_come_from(client, personas, bob):
    client.force_login(personas.bob)
    page = client.get(reverse("my_patterns"), {"period": "nonsense"}).content.decode()
    assert "Your patterns will appear here as you send activities." in page


WORDS_WE_NEVER_USE = re.compile(r"streak|fail|missed", re.IGNORECASE)


def test_client_pages_never_speak_of_streaks_failure_or_missing(client, personas, bob, monday):
    step = bob.ladder()
    bob.exposure(step, 60, 80, 50)
    bob.exposure(step, 60, 90, 50)  # a peak that went up: said kindly
    bob.journal(outcome="skipped")
    bob.journal(outcome="partial", visibility="private")
    entry = bob.thought_record("I always get it wrong")
    monday.shift(timedelta(days=9))  # last week had practice; a week with none is behind it too
    client.force_login(personas.bob)
    pages = [
        client.get(reverse("my_patterns")),
        client.get(reverse("my_patterns"), {"period": "all"}),
        client.get(reverse("my_entries")),
        client.post(reverse("my_entries"), {"q": "wrong"}),
        client.post(reverse("my_entries"), {"q": "nothing-matches-this"}),
        client.get(reverse("my_entry", args=[entry.pk])),
        *(client.get(reverse("my_entry", args=[e.pk])) for e in Entry.objects.filter(client=bob.client)),
    ]
    for response in pages:
        assert response.status_code == 200
        words = WORDS_WE_NEVER_USE.findall(response.content.decode())
        assert not words, f"{response.request['PATH_INFO']}: {words}"


def test_questionnaires_keep_their_own_pages_and_are_not_practice(client, personas, bob):
    from carryover.measures.tests.helpers import submit

    result = submit(personas.alice, personas.bob, [1, 1, 1, 1, 1, 1, 1, 1, 0])
    client.force_login(personas.bob)
    page = client.get(reverse("my_patterns")).content.decode()
    assert "Nothing sent yet this week." in page  # answering a questionnaire is not doing an activity
    page = client.get(reverse("my_entries")).content.decode()
    assert reverse("my_entry", args=[result.entry.pk]) not in page and "PHQ-9" not in page
    assert client.get(reverse("my_entry", args=[result.entry.pk])).status_code == 404
    response = client.post(reverse("my_entry_visibility", args=[result.entry.pk]), {"visibility": "private"})
    assert response.status_code == 404


def test_patterns_of_one_activity_and_a_choice_that_isnt_mine(client, personas, bob):
    from carryover.audit.models import AuditEvent, Outcome
    from carryover.homework.tests.conftest import assign

    step = bob.ladder()
    bob.exposure(step, 60, 80, 50)
    bob.exposure(step, 50, 60, 30)
    bob.thought_record("They'll think I'm boring")
    erins = assign(personas.alice, personas.erin, key="journal", title="Erin's own")
    client.force_login(personas.bob)
    page = client.get(reverse("my_patterns"), {"activity": bob.assignments["exposure_practice"].pk}).content.decode()
    assert "the peak came down from 80 to 60" in page and "Thought records" not in page
    pdf = client.get(reverse("my_patterns_pdf"), {"activity": bob.assignments["exposure_practice"].pk})
    assert pdf.content.startswith(b"%PDF")
    page = client.get(reverse("my_patterns"), {"activity": erins.pk, "period": "zzz"}).content.decode()
    assert "That isn't one of your activities" in page.replace("&#x27;", "'") and "Erin" not in page
    assert "Please choose how far back to look; the last 12 weeks are shown." in page
    assert "Thought records" in page  # everything of Bob's own is shown instead
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, object_type="assignment", object_id=str(erins.pk)).exists()


def test_a_rating_of_nought_is_shown_as_nought(client, personas, bob):
    bob.send("activity_log", {"activity": "Tax return", "status": "done", "mastery": "5", "pleasure": "0"})
    client.force_login(personas.bob)
    page = client.get(reverse("my_patterns")).content.decode()
    assert "Enjoyment (pleasure) 0" in page
