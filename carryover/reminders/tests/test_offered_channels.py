"""Only the channels this server can deliver are offered, and the page says why one is missing: push chosen on a
server without push keys would be saved and fail silently at reminder time."""

from __future__ import annotations

from django.urls import reverse

from carryover.reminders.models import ReminderSettings


def _options(page: str, name: str) -> str:
    return page.split(f'name="{name}"')[1].split("</select>")[0]


def test_push_is_not_offered_without_push_keys_and_the_page_says_why(client, personas, settings):
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = ""
    client.force_login(personas.bob)
    page = client.get(reverse("reminder_settings")).content.decode()
    assert 'value="push"' not in _options(page, "channel_0") and 'value="email"' in _options(page, "channel_0")
    assert "this server isn&#x27;t set up to send them yet" in page
    data = {"enabled": "on", "mode": "digest", "channel_0": "push"}
    response = client.post(reverse("reminder_settings"), data)
    assert response.status_code == 200 and "Select a valid choice." in response.content.decode()
    saved = ReminderSettings.objects.filter(client=personas.bob.membership).values_list("channels", flat=True)
    assert all("push" not in channels for channels in saved)


def test_push_is_offered_once_the_server_can_send_it(client, personas, push):
    client.force_login(personas.bob)
    page = client.get(reverse("reminder_settings")).content.decode()
    assert 'value="push"' in _options(page, "channel_0") and "isn&#x27;t set up" not in page


def test_a_saved_push_choice_is_not_shown_as_chosen_when_push_is_gone(client, personas, push, settings):
    client.force_login(personas.bob)
    data = {"enabled": "on", "mode": "digest", "channel_0": "push", "channel_1": "email"}
    assert client.post(reverse("reminder_settings"), data).status_code == 302
    settings.VAPID_PRIVATE_KEY = ""
    form = client.get(reverse("reminder_settings")).context["form"]
    assert form.initial["channel_0"] == "email" and "channel_1" not in form.initial
