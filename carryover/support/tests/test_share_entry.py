""" "Share this with Sue" on the client's own entry page (progress's My entry), and "stop sharing": the same rule as
the scope page (`shared.shareable_entries`), so never a private entry, and the live preview shows it at once."""

from __future__ import annotations

from html import unescape

from django.urls import reverse

from carryover.support.models import SupportLink

from .conftest import CANARY, SHARED_WORDS, journal_entry


def share(client, link: SupportLink, entry_id, yes: bool = True):
    data = {"entry": entry_id, "share": "yes" if yes else "no"}
    response = client.post(reverse("support_share_entry", args=[link.pk]), data, follow=True)
    response.text = unescape(response.content.decode())
    return response


def test_share_this_with_sue_and_stop_from_the_entry_page(client, personas, world):
    client.force_login(personas.bob)
    page = client.get(reverse("my_entry", args=[world.shared_entry.pk])).content.decode()
    assert "Share this with Sue" in page
    response = share(client, world.link, world.shared_entry.pk)
    assert "Shared with Sue" in response.content.decode() and "Sees this entry" in response.content.decode()
    assert list(world.link.entries.all()) == [world.shared_entry]
    preview = client.get(reverse("support_link", args=[world.link.pk])).content.decode()
    assert SHARED_WORDS in preview  # the live preview is what Sue sees
    client.force_login(world.sue)
    assert SHARED_WORDS in client.get(reverse("supporting", args=[world.link.pk])).content.decode()
    client.force_login(personas.bob)
    response = share(client, world.link, world.shared_entry.pk, yes=False)
    assert "Sue no longer sees this entry" in response.content.decode()
    client.force_login(world.sue)
    assert SHARED_WORDS not in client.get(reverse("supporting", args=[world.link.pk])).content.decode()


def test_a_private_entry_offers_no_button_and_cannot_be_shared_by_hand(client, personas, world):
    client.force_login(personas.bob)
    page = client.get(reverse("my_entry", args=[world.private_entry.pk])).content.decode()
    assert "Share this with" not in page and "can't be shared with a support person" in page
    for bad in (world.private_entry.pk, "abc", "", "99999999999999999999999", -1):
        response = share(client, world.link, bad)
        assert response.status_code == 200 and "can't be shared with a support person" in response.text
    assert not world.link.entries.exists()
    client.force_login(world.sue)
    assert CANARY not in client.get(reverse("supporting", args=[world.link.pk])).content.decode()


def test_another_clients_entry_or_link_is_refused(client, personas, world):
    erins = journal_entry(personas.erin, _assignment_of(personas), "Erin's words")
    client.force_login(personas.bob)
    assert "can't be shared" in share(client, world.link, erins.pk).text
    assert not world.link.entries.exists()
    erin_link = SupportLink.objects.get(client=personas.erin.membership)
    assert client.post(reverse("support_share_entry", args=[erin_link.pk]), {"entry": erins.pk}).status_code == 404
    assert not erin_link.entries.exists()


def test_no_panel_without_anyone_to_share_with(client, personas, world):
    SupportLink.objects.filter(client=personas.bob.membership).delete()
    client.force_login(personas.bob)
    page = client.get(reverse("my_entry", args=[world.shared_entry.pk])).content.decode()
    assert "People who support me" not in page


def _assignment_of(personas):
    from carryover.homework.tests.conftest import assign

    return assign(personas.alice, personas.erin, key="journal")
