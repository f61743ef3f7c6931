"""Changing one's mind about an entry: share a private one afterwards, take a shared one back only while no one in
the care team has opened it, "talk about this next session"; each change audited, and private words shown to the
client here appear nowhere else."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from carryover.audit.models import AuditEvent
from carryover.homework.models import Entry, Visibility
from carryover.homework.services import comment_add

from .conftest import SECRET


def changes(entry: Entry) -> list[str]:
    kinds = ("entry_shared", "entry_made_private", "entry_talk_set", "entry_talk_cleared")
    return list(
        AuditEvent.objects.filter(object_type__in=kinds, object_id=str(entry.pk))
        .order_by("id")
        .values_list("object_type", flat=True)
    )


def test_a_private_entry_can_be_shared_afterwards_once(client, personas, bob):
    entry = bob.journal(visibility="private")
    client.force_login(personas.bob)
    url = reverse("my_entry_visibility", args=[entry.pk])
    page = client.post(url, {"visibility": "shared"}, follow=True).content.decode()
    assert "Shared. Your therapist can now read this entry." in page
    entry.refresh_from_db()
    assert entry.visibility == Visibility.SHARED
    # Sharing twice: said clearly, nothing changes, nothing more recorded.
    page = client.post(url, {"visibility": "shared"}, follow=True).content.decode()
    assert "already shared with your therapist, so nothing changed" in page
    assert changes(entry) == ["entry_shared"]
    client.force_login(personas.alice)
    assert SECRET in client.get(reverse("entry_detail", args=[entry.pk])).content.decode()


def test_a_shared_entry_can_be_made_private_until_the_therapist_opens_it(client, personas, bob):
    entry = bob.journal()
    client.force_login(personas.bob)
    page = client.get(reverse("my_entry", args=[entry.pk])).content.decode()
    assert "They haven't opened it yet, so you can still make it private." in page
    client.post(reverse("my_entry_visibility", args=[entry.pk]), {"visibility": "private"})
    entry.refresh_from_db()
    assert entry.is_private and changes(entry) == ["entry_made_private"]
    client.post(reverse("my_entry_visibility", args=[entry.pk]), {"visibility": "shared"})

    client.force_login(personas.alice)
    assert SECRET in client.get(reverse("entry_detail", args=[entry.pk])).content.decode()  # she opens it now

    client.force_login(personas.bob)
    page = client.get(reverse("my_entry", args=[entry.pk])).content.decode()
    assert "who has already opened it. Because they've read it, it stays shared." in page
    assert "Make it private" not in page
    page = client.post(reverse("my_entry_visibility", args=[entry.pk]), {"visibility": "private"}, follow=True)
    assert "Your therapist has already opened this entry, so it stays shared." in page.content.decode()
    entry.refresh_from_db()
    assert entry.visibility == Visibility.SHARED
    assert changes(entry) == ["entry_made_private", "entry_shared"]


def test_a_comment_or_a_summary_read_since_it_was_sent_counts_as_opened(client, personas, bob, monday):
    commented, summarised = bob.journal("one"), bob.journal("two")
    comment_add(entry=commented, author=personas.alice, text="Thank you")
    client.force_login(personas.alice)
    assert client.get(reverse("client_summary", args=[personas.bob.pk])).status_code == 200
    client.force_login(personas.bob)
    for entry in (commented, summarised):
        client.post(reverse("my_entry_visibility", args=[entry.pk]), {"visibility": "private"})
        entry.refresh_from_db()
        assert entry.visibility == Visibility.SHARED
    monday.shift(timedelta(minutes=5))
    later = bob.journal("three")  # sent after the summary was read: not seen yet
    client.post(reverse("my_entry_visibility", args=[later.pk]), {"visibility": "private"})
    later.refresh_from_db()
    assert later.is_private


def test_talk_about_this_next_session_can_be_set_and_cleared(client, personas, bob):
    entry = bob.journal()
    client.force_login(personas.bob)
    url = reverse("my_entry_talk", args=[entry.pk])
    client.post(url, {"talk": "yes"})
    client.post(url, {"talk": "yes"})  # pressed twice: no second change
    entry.refresh_from_db()
    assert entry.talk_next_session
    client.force_login(personas.alice)
    assert "Wants to talk about this" in client.get(reverse("entry_detail", args=[entry.pk])).content.decode()
    client.force_login(personas.bob)
    page = client.post(url, {"talk": "no"}, follow=True).content.decode()
    assert "Cleared" in page
    entry.refresh_from_db()
    assert not entry.talk_next_session
    assert changes(entry) == ["entry_talk_set", "entry_talk_cleared"]
    page = client.post(url, {"talk": "maybe"}, follow=True).content.decode()
    assert "Please choose whether you want to talk about this next session." in page


def test_an_entry_opens_as_written_with_its_drawing_and_the_therapists_comments(client, personas, bob):
    from carryover.homework.attachments import attachment_store
    from carryover.homework.services import draft_for
    from carryover.homework.tests.media_samples import image

    entry = bob.journal(visibility="private")
    journal = bob.assignments["journal"]
    occurrence = journal.occurrences.filter(status="pending").first()
    draft = draft_for(client=entry.client, occurrence=occurrence, version=journal.template_version)
    attachment = attachment_store(draft=draft, field_key="drawing", field_type="drawing", data=image("PNG"))
    Entry.objects.filter(pk=entry.pk).update(
        content={**entry.content, "answers": {**entry.answers, "drawing": attachment.pk}}
    )
    attachment.entry, attachment.draft = entry, None
    attachment.save()
    shared = bob.journal("shared words")
    comment_add(entry=shared, author=personas.alice, text="Lovely detail here.")
    client.force_login(personas.bob)
    page = client.get(reverse("my_entry", args=[entry.pk])).content.decode()
    assert SECRET in page and reverse("attachment_view", args=[attachment.pk]) in page
    assert client.get(reverse("attachment_view", args=[attachment.pk])).status_code == 200
    assert "Lovely detail here." in client.get(reverse("my_entry", args=[shared.pk])).content.decode()


def test_private_words_shown_to_the_client_appear_nowhere_else(client, personas, bob):
    entry = bob.journal(visibility="private")
    bob.journal("Plain shared words")
    client.force_login(personas.bob)
    assert SECRET in client.get(reverse("my_entry", args=[entry.pk])).content.decode()
    assert SECRET in client.post(reverse("my_entries"), {"q": SECRET}).content.decode()
    client.force_login(personas.alice)
    pages = [
        reverse("entry_detail", args=[entry.pk]),
        reverse("client_detail", args=[personas.bob.pk]),
        reverse("client_summary", args=[personas.bob.pk]),
        reverse("client_timeline", args=[personas.bob.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200 and SECRET not in response.content.decode(), url
    for person in (personas.alice, personas.erin, personas.sue):
        client.force_login(person)
        assert client.get(reverse("my_entry", args=[entry.pk])).status_code == 404
        response = client.post(reverse("my_entries"), {"q": SECRET})
        assert response.status_code == 404 or "No entries with those words" in response.content.decode()
