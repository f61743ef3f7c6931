"""Assigning in under a minute: search and shelves, favourites and recently assigned, from the client's page; the
form starts from how this therapist last assigned the worksheet; past dates need a yes and never count as missed;
questionnaires have their own short form; nothing pasted is cut silently."""

from __future__ import annotations

from datetime import date

import time_machine
from django.urls import reverse

from carryover.homework.models import Assignment, Favourite, Occurrence
from carryover.homework.picker import library_picker

from .conftest import assign, version_of

HTMX = {"HX-Request": "true"}


def test_search_and_shelves_narrow_the_library(client, personas):
    alice = personas.alice.membership
    names = lambda picker: [v.name for versions in picker.shelves.values() for v in versions]  # noqa: E731
    assert names(library_picker(alice, query="7 col")) == ["Thought record (7 columns)"]
    assert names(library_picker(alice, query="THOUGHT rec")) == [
        "Thought record (3 columns)",
        "Thought record (7 columns)",
    ]
    questionnaires = library_picker(alice, shelf="Measures")
    assert set(questionnaires.shelves) == {"Measures"} and len(names(questionnaires)) == 3
    assert names(library_picker(alice, query="zebra")) == []
    client.force_login(personas.alice)
    found = client.get(reverse("library"), {"q": "7 col", "for": personas.bob.pk}, headers=HTMX).content.decode()
    assert "<html" not in found and "1 found" in found  # the results only, for htmx
    compact = {"q": "journal", "for": personas.bob.pk, "compact": "1"}
    on_client_page = client.get(reverse("library"), compact, headers=HTMX).content.decode()
    assert '<h3 class="shelf">' in on_client_page  # under the client page's "Assign to Bob" heading
    assert reverse("assign", args=[personas.bob.pk, version_of("thought_record_7").template_id]) in found


def test_the_client_page_offers_favourites_and_recently_assigned(client, personas, monday):
    client.force_login(personas.alice)
    page = client.get(reverse("client_detail", args=[personas.bob.pk])).content.decode()
    assert "Find a worksheet" in page and "Star the ones you use most" in page
    journal = version_of("journal").template
    response = client.post(reverse("favourite_toggle", args=[journal.pk]), {"for": personas.bob.pk, "back": "client"})
    assert response.url == reverse("client_detail", args=[personas.bob.pk])
    assign(personas.alice, personas.erin, key="behavioural_experiment", title="Test it out")
    page = client.get(reverse("client_detail", args=[personas.bob.pk])).content.decode()
    favourites, recent = page.split("Favourites</h3>")[1].split("Recently assigned</h3>")
    assert "Journal" in favourites and 'aria-pressed="true"' in favourites
    assert "Behavioural experiment" in recent.split("</ul>")[0]
    client.post(reverse("favourite_toggle", args=[journal.pk]))  # a second press takes the star off
    assert not Favourite.objects.exists()
    client.force_login(personas.frank)  # favourites and recent are each therapist's own
    assert "Favourites</h2>" not in client.get(reverse("library")).content.decode()


def test_the_form_starts_from_how_this_therapist_last_assigned_it(client, personas, monday):
    assign(
        personas.alice,
        personas.bob,
        title="Catch the hot thought",
        rationale="Seeing the thought on paper takes its sting out.",
        minutes=20,
        schedule_kind="weekdays",
        weekdays=[0, 3],
        if_when="After I get home",
        end_date="2026-03-30",
    )
    client.force_login(personas.alice)
    form = client.get(reverse("assign", args=[personas.erin.pk, version_of("thought_record_7").template_id]))
    initial = form.context["form"].initial
    assert initial["title"] == "Catch the hot thought" and initial["minutes"] == 20
    assert initial["rationale"] == "Seeing the thought on paper takes its sting out."
    assert (initial["schedule_kind"], initial["weekdays"]) == ("weekdays", [0, 3])
    assert initial["start_date"] == date(2026, 3, 2) and initial["end_date"] == date(2026, 3, 30)
    assert "if_when" not in initial  # Bob's plan is Bob's
    assert "Filled in as you last assigned it" in form.content.decode()
    client.force_login(personas.frank)  # another therapist starts from the worksheet's own defaults
    form = client.get(reverse("assign", args=[personas.erin.pk, version_of("thought_record_7").template_id]))
    assert form.status_code == 404  # Erin is not Frank's client: nothing to prefill, nothing shown


def _post(client, personas, key="journal", **data):
    url = reverse("assign", args=[personas.bob.pk, version_of(key).template_id])
    fields = {"title": "Journal", "instructions": "Write.", "rationale": "It helps.", "minutes": "10"}
    return client.post(url, {**fields, "schedule_kind": "daily", "formats": ["write"], **data})


def test_a_past_start_needs_a_yes_and_days_before_assigning_are_never_missed(client, personas):
    client.force_login(personas.alice)
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        refused = _post(client, personas, start_date="2026-01-19")
        assert refused.status_code == 200 and "This is before today (2 Mar)." in refused.content.decode()
        assert "Yes, start it on this past date" in refused.content.decode()
        assert not Assignment.objects.exists()
        assert _post(client, personas, start_date="2026-01-19", confirm_past="on").status_code == 302
        assignment = Assignment.objects.get()
        assert assignment.assigned_on == date(2026, 3, 2)
        assert not Occurrence.objects.filter(due_date__lt=date(2026, 3, 2)).exists()
        clock.move_to("2026-03-05 09:00 +00:00")
        client.force_login(personas.alice)  # three days idle: signed out meanwhile
        page = client.get(reverse("client_detail", args=[personas.bob.pk])).content.decode()
        assert "Missed: Journal (4 Mar), Journal (3 Mar), Journal (2 Mar)" in page  # from the day it was set only
        once = _post(client, personas, schedule_kind="once", start_date="2026-03-05", end_date="2026-03-01")
        assert "This date has passed, so nothing would be due." in once.content.decode()


def test_a_start_date_more_than_a_year_back_is_refused_when_editing_an_old_assignment(client, personas, monday):
    """An assignment saved before `assigned_on` existed (NULL) has nothing else bounding its start: moved decades
    back, every day since would fall due. The bound holds for new assignments and edits (the API's:
    api/tests/test_therapist_ops.py); the start date already saved stays allowed."""
    old = assign(personas.alice, personas.bob, key="journal", start_date="2024-06-03")
    Assignment.objects.filter(pk=old.pk).update(assigned_on=None)
    occurrences = Occurrence.objects.count()
    client.force_login(personas.alice)
    edit = reverse("assignment_edit", args=[old.pk])
    data = {k: v for k, v in client.get(edit).context["form"].initial.items() if v is not None}
    refused = client.post(edit, {**data, "start_date": "1990-01-01", "formats": ["write"]})
    assert refused.status_code == 200
    assert "Choose a start date no earlier than 2 Mar 2025 (a year back)." in refused.content.decode()
    old.refresh_from_db()
    assert (old.start_date, old.revision, Occurrence.objects.count()) == (date(2024, 6, 3), 1, occurrences)
    unchanged = client.post(edit, {**data, "title": "Three lines", "formats": ["write"]})
    assert unchanged.status_code == 302  # its own old start date is kept
    assert "no earlier than" in _post(client, personas, start_date="2020-01-01", confirm_past="on").content.decode()


def test_a_questionnaire_has_its_own_short_form(client, personas, monday):
    client.force_login(personas.alice)
    url = reverse("assign", args=[personas.bob.pk, version_of("phq9").template_id])
    form = client.get(url).context["form"]
    assert form.initial["schedule_kind"] == "fortnight"
    assert [value for value, _ in form.fields["schedule_kind"].choices] == ["fortnight", "session", "once"]
    assert not {"if_when", "if_then", "minimum", "formats", "instructions", "weekdays"} & set(form.fields)
    response = client.post(url, {"title": "PHQ-9", "rationale": "To see change.", "schedule_kind": "daily"})
    assert "Select a valid choice" in response.content.decode()
    response = client.post(url, {"title": "PHQ-9", "rationale": "To see change.", "schedule_kind": "fortnight",
                                 "start_date": "2026-03-02"})  # fmt: off
    assert response.status_code == 302
    phq9 = Assignment.objects.get()
    assert phq9.schedule_kind == "fortnight" and phq9.c("instructions") == version_of("phq9").instructions


def test_text_over_the_limit_is_refused_with_its_length_never_cut(client, personas, monday):
    client.force_login(personas.alice)
    page = client.get(reverse("assign", args=[personas.bob.pk, version_of("journal").template_id])).content.decode()
    assert 'data-limit="5000"' in page and 'maxlength="5000"' not in page
    response = _post(client, personas, start_date="2026-03-02", instructions="x" * 6200)
    assert "This is 6200 characters; the most is 5000. Nothing was cut: please shorten it." in response.content.decode()
    assert response.context["form"]["instructions"].value() == "x" * 6200  # all of it still in the box
