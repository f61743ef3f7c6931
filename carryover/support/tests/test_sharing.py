"""What a support person sees: nothing by default, then exactly the scope the client chose, never a canary; the
preview on the client's page is the same HTML as the support person's page; pause and removal apply on the next
request."""

from __future__ import annotations

import re

from django.urls import reverse

from carryover.conftest import reading_in
from carryover.support.models import LinkState

from .conftest import CANARY, SHARED_WORDS


def shared_part(html: bytes) -> str:
    """The support person's view as drawn by support/_shared.html (on either page)."""
    found = re.search(r'<div class="shared-view">.*?</div><!-- end of shared-view -->', html.decode(), re.S)
    assert found, html.decode()[:3000]
    return found.group(0)


def scope_post(world, **overrides):
    data = {
        "share_days": "on",
        "assignments": [world.assignment.pk],
        "entries": [world.shared_entry.pk],
        "nudge_at": "20:00",
        "named_in_safety_plan": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_nothing_is_shared_by_default(client, personas, world):
    client.force_login(world.sue)
    page = client.get(reverse("supporting", args=[world.link.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "isn't sharing anything with you" in text
    assert "Did something" not in text and "Journal" not in text and SHARED_WORDS not in text
    assert CANARY not in text


def test_the_support_person_sees_exactly_the_scope_and_never_a_canary(client, personas, world):
    client.force_login(personas.bob)
    saved = client.post(reverse("support_link", args=[world.link.pk]), scope_post(world))
    assert saved.status_code == 302
    client.force_login(world.sue)
    text = client.get(reverse("supporting", args=[world.link.pk])).content.decode()
    assert "Days Bob did something" in text and text.count("Did something") == 1  # one active day, no streak
    assert "Journal" in text and "Done" in text  # the library name, never the therapist's title
    assert SHARED_WORDS in text
    assert "haven't started by 20:00" in text and "named you as someone they can ask for help" in text
    assert CANARY not in text


def test_saving_the_scope_says_so_in_the_clients_language(client, personas, world):
    client.force_login(personas.bob)
    with reading_in(personas.bob, "es"):
        page = client.post(reverse("support_link", args=[world.link.pk]), scope_post(world), follow=True)
    text = page.content.decode()
    assert f"Guardado. {world.link.name} ve ahora lo que muestra la vista previa." in text
    assert "now sees what the preview shows" not in text


def test_the_preview_is_what_the_support_person_sees(client, personas, world):
    client.force_login(personas.bob)
    preview = client.post(reverse("support_preview", args=[world.link.pk]), scope_post(world))
    assert preview.status_code == 200
    client.post(reverse("support_link", args=[world.link.pk]), scope_post(world))
    own_page = client.get(reverse("support_link", args=[world.link.pk]))
    client.force_login(world.sue)
    theirs = client.get(reverse("supporting", args=[world.link.pk]))
    assert shared_part(preview.content) == shared_part(theirs.content) == shared_part(own_page.content)
    assert CANARY not in preview.content.decode()


def test_pause_shows_a_neutral_page_on_the_next_request_and_resume_restores(client, personas, world):
    client.force_login(personas.bob)
    client.post(reverse("support_link", args=[world.link.pk]), scope_post(world))
    client.post(reverse("support_pause", args=[world.link.pk]))
    client.force_login(world.sue)
    text = client.get(reverse("supporting", args=[world.link.pk])).content.decode()
    assert "Sharing is paused for now" in text
    assert "Journal" not in text and SHARED_WORDS not in text and "Did something" not in text
    client.force_login(personas.bob)
    client.post(reverse("support_pause", args=[world.link.pk]))
    client.force_login(world.sue)
    assert SHARED_WORDS in client.get(reverse("supporting", args=[world.link.pk])).content.decode()


def test_removal_ends_access_at_once(client, personas, world):
    client.force_login(world.sue)
    assert client.get(reverse("supporting", args=[world.link.pk])).status_code == 200
    bob = client.__class__()
    bob.force_login(personas.bob)
    assert bob.post(reverse("support_remove", args=[world.link.pk])).status_code == 302
    world.link.refresh_from_db()
    assert world.link.state == LinkState.REMOVED
    # Sue's very next request: her session is gone, and even signed in again she finds nothing.
    assert client.get(reverse("supporting", args=[world.link.pk])).status_code in (302, 404)
    client.force_login(world.sue)
    assert client.get(reverse("supporting", args=[world.link.pk])).status_code == 404
    assert "Nothing is shared with you right now" in client.get(reverse("support_home")).content.decode()


def test_scope_naming_another_clients_assignment_is_refused_and_saves_nothing(client, personas, world):
    from carryover.homework.tests.conftest import assign

    erins = assign(personas.alice, personas.erin, key="journal")
    client.force_login(personas.bob)
    response = client.post(reverse("support_link", args=[world.link.pk]), scope_post(world, assignments=[erins.pk]))
    assert response.status_code == 200
    assert "one of yours to share" in response.content.decode()
    world.link.refresh_from_db()
    assert not world.link.share_days and not world.link.assignments.exists() and world.link.nudge_at is None


def test_a_private_entry_cannot_be_shared(client, personas, world):
    client.force_login(personas.bob)
    response = client.post(
        reverse("support_link", args=[world.link.pk]), scope_post(world, entries=[world.private_entry.pk])
    )
    assert "one of yours to share" in response.content.decode()
    assert not world.link.entries.exists()


def test_narrowing_the_scope_applies_on_the_next_request(client, personas, world):
    client.force_login(personas.bob)
    client.post(reverse("support_link", args=[world.link.pk]), scope_post(world))
    sue = client.__class__()
    sue.force_login(world.sue)
    assert SHARED_WORDS in sue.get(reverse("supporting", args=[world.link.pk])).content.decode()
    client.post(reverse("support_link", args=[world.link.pk]), scope_post(world, entries=None, assignments=None))
    text = sue.get(reverse("supporting", args=[world.link.pk])).content.decode()
    assert SHARED_WORDS not in text and "Journal" not in text and "Days Bob did something" in text


def test_a_therapists_suggested_scope_is_shown_and_changes_nothing(client, personas, world):
    client.force_login(personas.alice)
    url = reverse("client_support", args=[personas.bob.pk])
    bad = client.post(url, {"form": "suggest", "link": "99999999999999999999999", "days": "on"})
    assert "one of this client" in bad.content.decode()
    client.post(url, {"form": "suggest", "link": world.link.pk, "days": "on", "completion": "on"})
    client.force_login(personas.bob)
    page = client.get(reverse("support_link", args=[world.link.pk])).content.decode()
    assert "Your therapist suggests sharing the days you did something and whether each activity" in page
    client.force_login(world.sue)
    assert "isn't sharing anything" in client.get(reverse("supporting", args=[world.link.pk])).content.decode()
