"""The client changes when or how they do an activity themselves after saying below 7 ("Collaboration recorded"):
a revision made by the client, linked to their confidence check, shown to the therapist; only those fields, only
once per check, and nothing for a stranger."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carryover.homework import services as homework
from carryover.together import services
from carryover.together.models import ConfidenceCheck

MORNING = "After my morning coffee"


def said(week, rating: int, adjustment: str = "time"):
    return services.confidence_record(assignment=week.walk, rating=rating, adjustment=adjustment)


def test_below_7_the_client_moves_it_to_the_morning_and_the_therapist_sees_it(client, personas, week, now):
    client.force_login(week.sam)
    sure = reverse("together_sure", args=[week.walk.pk])
    response = client.post(sure, {"rating": "4", "adjustment": "time", "note": "Evenings are chaos"})
    my_way = reverse("together_my_way", args=[week.walk.pk])
    assert response.url == my_way
    assert "Make it fit your day" in client.get(my_way).content.decode()
    response = client.post(my_way, {"if_when": MORNING, "if_then": "I’ll walk to the park", "formats": ["write"]})
    assert response.url == reverse("assignment_detail", args=[week.walk.pk])
    week.walk.refresh_from_db()
    assert week.walk.revision == 2 and week.walk.c("if_when") == MORNING
    revision = week.walk.revisions.get(number=2)
    assert revision.created_by == week.sam and revision.changed == ["I will…", "When (after I…)"]
    assert ConfidenceCheck.objects.get().revision == revision
    assert not homework.revisions_unseen(week.sam.membership).exists()  # they made it: no "updated" card
    again = client.get(my_way, follow=True).content.decode()  # one change per "below 7"
    assert "Your therapist set this activity with you." in again
    client.force_login(personas.alice)
    summary = client.get(reverse("client_summary", args=[week.sam.pk])).content.decode()
    assert "confidence 4/10" in summary and "the client changed it: i will…, when (after i…)" in summary


def test_no_change_without_a_low_check_and_nothing_for_strangers(client, personas, week, now):
    my_way = reverse("together_my_way", args=[week.walk.pk])
    client.force_login(week.sam)
    said(week, 8)
    page = client.get(my_way, follow=True).content.decode()
    assert "Your therapist set this activity with you." in page and "Make it fit your day" not in page
    said(week, 3)
    client.force_login(personas.bob)  # another client of Alice's
    assert client.get(my_way).status_code == 404 and client.post(my_way, {"if_when": "x"}).status_code == 404
    client.force_login(personas.alice)  # the therapist edits it on its own page, not here
    assert client.get(my_way).status_code == 404
    week.walk.refresh_from_db()
    assert week.walk.revision == 1


def test_bad_input_is_refused_and_only_when_and_how_change(client, personas, week, now):
    said(week, 2, "format")
    client.force_login(week.sam)
    my_way = reverse("together_my_way", args=[week.walk.pk])
    page = client.post(my_way, {"if_when": "x" * 201, "formats": ["write"]}).content.decode()
    assert "Ensure this value has at most 200 characters" in page
    page = client.post(my_way, {"if_when": MORNING, "formats": ["zzz"]}).content.decode()
    assert "Please choose from the ways listed." in page
    unchanged = client.post(my_way, {"if_when": "", "if_then": "", "formats": ["write"]}, follow=True)
    assert "Nothing was changed: it stays as it was." in unchanged.content.decode()
    with pytest.raises(ValueError):
        services.client_change(assignment=week.walk, actor=week.sam, changes={"minutes": 1})
    week.walk.refresh_from_db()
    assert week.walk.revision == 1 and week.walk.minutes == 20
