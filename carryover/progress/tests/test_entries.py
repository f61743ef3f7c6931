"""My entries: the client's own list (private ones marked), filters by activity and month, and search over their own
decrypted words, which travel in a POST body and are stored nowhere."""

from __future__ import annotations

import logging

from django.db.models import Max
from django.urls import reverse

from carryover.audit.models import AuditEvent, Outcome

from .conftest import SECRET


def test_my_entries_lists_my_own_newest_first_with_private_ones_marked(client, personas, bob):
    first = bob.journal("first words")
    second = bob.journal("second words", visibility="private")
    client.force_login(personas.bob)
    page = client.get(reverse("my_entries")).content.decode()
    assert page.index("second words") < page.index("first words")
    assert page.count(">Private<") == 1
    assert reverse("my_entry", args=[first.pk]) in page and reverse("my_entry", args=[second.pk]) in page


def test_the_list_filters_by_activity_and_month(client, personas, bob, monday):
    bob.journal("march journal")
    bob.thought_record("They'll think I'm boring")
    client.force_login(personas.bob)
    journal = bob.assignments["journal"]
    page = client.get(reverse("my_entries"), {"activity": journal.pk}).content.decode()
    assert "march journal" in page and "The team meeting" not in page
    assert "March 2026" in page  # the months offered are the ones with entries
    assert "march journal" in client.get(reverse("my_entries"), {"month": "2026-03"}).content.decode()
    page = client.get(reverse("my_entries"), {"activity": "own"}).content.decode()
    assert "march journal" not in page and "Nothing here for that choice" in page


def test_search_finds_an_entry_by_a_word_i_wrote_whatever_the_case_or_accents(client, personas, bob, caplog):
    bob.journal(f"A long walk to the {SECRET.upper()} café")
    bob.journal("Something else entirely")
    client.force_login(personas.bob)
    with caplog.at_level(logging.DEBUG):
        response = client.post(reverse("my_entries"), {"q": f"{SECRET} CAFE"})
    page = response.content.decode()
    assert "1 entry with those words" in page and "Something else" not in page
    assert response["Cache-Control"] == "no-store"
    # What was searched for is kept nowhere: not in the audit log, not in any log line.
    assert not any(SECRET in f"{e.object_type} {e.object_id}" for e in AuditEvent.objects.all())
    assert SECRET not in caplog.text


def test_search_keeps_to_the_chosen_activity(client, personas, bob):
    bob.journal("tea with Sam")
    bob.thought_record("Sam will think I'm boring", situation="tea with Sam")
    client.force_login(personas.bob)
    page = client.post(reverse("my_entries"), {"q": "sam", "activity": bob.assignments["journal"].pk}).content.decode()
    assert "1 entry with those words" in page


def test_a_search_of_5000_characters_is_refused_clearly_and_kept(client, personas, bob):
    bob.journal()
    client.force_login(personas.bob)
    long = "worry " * 833 + "worry"  # 5,003 characters
    page = client.post(reverse("my_entries"), {"q": long}).content.decode()
    assert "Please search for 200 characters at most (this has 5003)" in page
    assert long.strip() in page  # what they typed is still in the box
    assert SECRET in page  # and the list is still there


def test_odd_unicode_in_a_search_is_no_trouble(client, personas, bob):
    bob.journal("Ｆｕｌｌ width and e\u0301clair and 🙂 and עברית")
    client.force_login(personas.bob)
    for query, found in [
        ("full WIDTH", True),
        ("éclair", True),  # a composed é finds the decomposed one
        ("עברית", True),
        ("\u202e\u200b", False),  # only invisible controls: nothing to look for
        ("a\x00b", False),
        ("🙂", False),  # not a word: nothing to look for
        ("zzzz", False),
    ]:
        response = client.post(reverse("my_entries"), {"q": query})
        assert response.status_code == 200
        page = response.content.decode()
        assert ("1 entry with those words" in page) is found, query
        if not found:
            assert "No entries with those words" in page or "Type a word or two" in page or "Null characters" in page


def test_a_filter_for_another_clients_activity_shows_nothing_of_it_and_is_audited(client, personas, bob):
    from carryover.homework.tests.conftest import assign

    bob.journal()
    erins = assign(personas.alice, personas.erin, key="journal", title="Erin's secret title")
    client.force_login(personas.bob)
    for method in ("get", "post"):
        before = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
        data = {"activity": erins.pk, **({"q": "lighthouse"} if method == "post" else {})}
        page = getattr(client, method)(reverse("my_entries"), data).content.decode()
        assert "That isn&#x27;t one of your activities" in page
        assert "Erin&#x27;s secret title" not in page
        assert SECRET in page  # all of Bob's own are shown instead
        denied = AuditEvent.objects.filter(pk__gt=before, outcome=Outcome.DENIED)
        assert [(e.object_type, e.object_id) for e in denied] == [("assignment", str(erins.pk))]
    page = client.get(reverse("my_entries"), {"month": "2019-13"}).content.decode()
    assert "no entries in that month" in page


def test_search_reads_what_got_in_the_way_and_chosen_options_as_written(client, personas, bob):
    from carryover.homework.services import skip_occurrence

    bob.journal()
    journal = bob.assignments["journal"]
    occurrence = journal.occurrences.filter(status="pending").first()
    skip_occurrence(client=bob.client, occurrence=occurrence, barriers=["other"], other="The bus strike again")
    bob.send("relaxation", {"technique": "body_scan", "tension_before": "6", "tension_after": "2"})
    client.force_login(personas.bob)
    assert "1 entry with those words" in client.post(reverse("my_entries"), {"q": "bus strike"}).content.decode()
    # A choice is found by the words on the screen ("Body scan"), not by its stored code.
    page = client.post(reverse("my_entries"), {"q": "body scan"}).content.decode()
    assert "1 entry with those words" in page
    assert "No entries with those words" in client.post(reverse("my_entries"), {"q": "body_scan"}).content.decode()
