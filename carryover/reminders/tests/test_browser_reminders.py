"""Through a real browser on a phone: a client sets a reminder time and quiet hours, makes a calendar address,
and asks to be reminded later from Today; the therapist's attention page. Every page is scanned by axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from carryover.accounts.models import Role
from carryover.accounts.services import practice_create
from carryover.accounts.tests.test_browser_journey import PHONE
from carryover.conftest import link, make_person
from carryover.homework import services
from carryover.homework.tests.test_browser_homework import sign_in
from carryover.reminders.models import ReminderSettings

from .conftest import assign

pytestmark = pytest.mark.browser


def test_client_sets_reminders_and_asks_for_later(live_server, new_page, axe_strict):
    services.builtin_sync()  # an earlier live-server test's flush may have emptied the built-in library
    practice = practice_create(name="Riverside Therapy", country="US")
    alice = make_person(practice, "alice@riverside.test", "Alice Moreno", Role.THERAPIST)
    bob = make_person(practice, "bob@riverside.test", "Bob Client", Role.CLIENT)
    link(alice, bob)
    assign(alice, bob, key="journal", if_when="dinner", start_date="2026-01-01")

    page = new_page(**PHONE)
    sign_in(page, bob.email)
    page.goto("/reminders/")
    axe_strict(page, "rem-01-settings")
    page.get_by_label("Time for the daily reminder").fill("18:30")
    page.get_by_label("Quiet hours from").fill("22:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Please give both the start and the end")).to_be_visible()
    axe_strict(page, "rem-02-settings-error")
    page.get_by_label("Quiet hours until").fill("07:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Reminder settings saved.")).to_be_visible()
    assert ReminderSettings.objects.get(client=bob.membership).quiet_start is not None
    page.get_by_role("link", name="Add reminders to my calendar").click()
    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.get_by_label("Your private calendar address")).to_be_visible()
    axe_strict(page, "rem-03-calendar-address")

    page.goto("/today/")
    axe_strict(page, "rem-04-today-with-reminders")
    page.get_by_label("Remind me later").select_option("tomorrow")
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_text("No more reminders today.")).to_be_visible()
    page.goto("/reminders/later/")
    axe_strict(page, "rem-05-later")

    therapist = new_page()
    sign_in(therapist, alice.email, code=True)
    therapist.goto("/attention/")
    axe_strict(therapist, "rem-06-attention")
