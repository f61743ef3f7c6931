"""The calendar address on a page of its own: shown once, with a subscribe link and how to add it."""

from __future__ import annotations

from django.urls import reverse


def test_the_address_is_shown_once_with_a_subscribe_link(client, personas):
    client.force_login(personas.bob)
    page = client.post(reverse("reminder_feed_token"), {"action": "create"}, follow=True).content.decode()
    address = page.split('id="feed-url" class="text" readonly value="')[1].split('"')[0]
    assert address.startswith("http://testserver/reminders/calendar.ics?key=")
    assert f'href="webcal://{address.removeprefix("http://")}"' in page
    assert "iPhone" in page and "Google Calendar" in page and "data-copy-from" in page
    again = client.get(reverse("calendar_page")).content.decode()
    assert address not in again and "Make a new address" in again  # only its hash is kept
    assert client.get(address.removeprefix("http://testserver")).status_code == 200
    client.post(reverse("reminder_feed_token"), {"action": "revoke"})
    assert "Make my calendar address" in client.get(reverse("calendar_page")).content.decode()
