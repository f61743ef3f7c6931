"""The small things issue 13 found: "0 minutes ago", a "---------" goal, the code field a phone can't fill well,
allauth's small default buttons, help-text ids that point at nothing, bold paragraphs used as headings."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from carryover.accounts.tests.test_sign_in import sign_in
from carryover.homework.tests.conftest import assign, version_of
from carryover.lib.templatetags.carryover import ago


def test_a_moment_ago_reads_just_now():
    now = timezone.now()
    assert ago(now - timedelta(seconds=20)) == "just now"
    assert ago(now - timedelta(minutes=3, seconds=5)) == "3\xa0minutes ago"
    assert ago(now - timedelta(days=2, hours=5)) == "2\xa0days ago" and ago(None) == ""


def test_the_goal_choice_says_no_goal(client, personas):
    client.force_login(personas.alice)
    page = client.get(reverse("assign", args=[personas.bob.pk, version_of("journal").template_id])).content.decode()
    assert '<option value="" selected>No particular goal</option>' in page and "---------" not in page


def test_the_code_field_brings_up_the_number_pad_and_the_app_code(client, personas):
    sign_in(client, personas.alice.email)
    page = client.get(reverse("mfa_authenticate")).content.decode()
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", page).group(0)
    assert 'inputmode="numeric"' in field and 'autocomplete="one-time-code"' in field


def test_allauths_own_pages_use_the_apps_buttons(client, db):
    page = client.get(reverse("account_reset_password")).content.decode()
    buttons = re.findall(r"<button[^>]*>", page)
    assert buttons and all('class="button' in b or 'class="link"' in b for b in buttons), buttons


def described_by_missing(page: str) -> set[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    wanted = {i for value in re.findall(r'aria-describedby="([^"]+)"', page) for i in value.split()}
    return wanted - ids


def test_every_described_by_on_the_reminders_page_points_at_something(client, personas):
    assign(personas.alice, personas.bob, key="journal", if_when="dinner")
    client.force_login(personas.bob)
    page = client.get(reverse("reminder_settings")).content.decode()
    assert "aria-describedby" in page and described_by_missing(page) == set()


def test_timeline_events_are_headings_not_bold_paragraphs(client, personas):
    assign(personas.alice, personas.bob, key="journal")
    client.force_login(personas.alice)
    with time_machine.travel("2026-03-05 09:00 +00:00", tick=False):
        client.force_login(personas.alice)
        page = client.get(reverse("client_timeline", args=[personas.bob.pk])).content.decode()
    assert '<h3 class="title">' in page and '<p class="title">' not in page
