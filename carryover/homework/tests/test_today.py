"""The client's Today: today's activities as compact cards, later days one line each, a first-run welcome that
never comes back once dismissed."""

from __future__ import annotations

from django.urls import reverse

from carryover.audit.models import AuditEvent
from carryover.homework.models import Welcome

from .conftest import assign


def test_today_shows_todays_cards_and_one_line_per_later_day(client, personas, monday):
    assign(personas.alice, personas.bob, title="Catch a hot thought")
    journal = {"key": "journal", "title": "Evening journal", "schedule_kind": "weekdays", "weekdays": [2, 4]}
    assign(personas.alice, personas.bob, **journal)
    client.force_login(personas.bob)
    page = client.get(reverse("client_home")).content.decode()
    today_part, later_part = page.split('id="later-heading"')
    # Today (Monday): only the daily one is due, with one Start and "why" on demand.
    assert today_part.count(">Start<") == 1 and today_part.count("Why this helps") == 1
    assert "Catch a hot thought" in today_part and "Evening journal" not in today_part
    # The six later days are one line each, not six more cards.
    assert later_part.count("<li>") == 6 and ">Start<" not in later_part and "Why this helps" not in later_part
    wednesday = later_part.split("<li>")[2]
    assert "Wednesday" in wednesday and "Catch a hot thought" in wednesday and "Evening journal" in wednesday


def test_the_welcome_goes_for_good_once_dismissed(client, personas, monday):
    client.force_login(personas.bob)
    page = client.get(reverse("client_home")).content.decode()
    assert "Welcome to Carryover" in page and "Doing part of one counts" in page
    assert reverse("reminder_settings") in page and reverse("help") in page
    response = client.post(reverse("welcome_dismiss"))
    assert response.status_code == 302 and response.url == reverse("client_home")
    assert client.post(reverse("welcome_dismiss")).status_code == 302  # twice (another tab): no harm
    assert Welcome.objects.filter(client=personas.bob.membership).count() == 1
    assert AuditEvent.objects.filter(object_type="welcome", actor_id=personas.bob.pk).exists()
    assert "Welcome to Carryover" not in client.get(reverse("client_home")).content.decode()
    client.force_login(personas.erin)  # someone else's welcome is their own
    assert "Welcome to Carryover" in client.get(reverse("client_home")).content.decode()
