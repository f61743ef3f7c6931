"""The whole support journey through a real browser on phones: Bob invites Jo, chooses what she sees with the
live preview, Jo accepts and sees exactly the preview, sends a kind word that Bob sees on Today, Bob shares an
entry from its own page, Bob pauses and Jo sees "paused". Every page is scanned by axe-core and checked for CSP
violations."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carryover.accounts.models import Role
from carryover.accounts.services import practice_create
from carryover.accounts.tests.test_browser_journey import PHONE, invitation_path
from carryover.conftest import PASSWORD, link, make_person
from carryover.homework import services
from carryover.homework.tests.conftest import assign
from carryover.homework.tests.test_browser_homework import sign_in

from .conftest import CANARY, journal_entry

pytestmark = pytest.mark.browser


def test_client_shares_with_a_support_person_who_sees_exactly_the_preview(live_server, new_page, axe_check):
    services.builtin_sync()  # an earlier live-server test's flush may have emptied the built-in library
    practice = practice_create(name="Riverside Therapy", country="US")
    alice = make_person(practice, "alice@riverside.test", "Alice Moreno", Role.THERAPIST)
    bob = make_person(practice, "bob@riverside.test", "Bob Client", Role.CLIENT)
    link(alice, bob)
    today = timezone.localdate(timezone=bob.zone).isoformat()
    journal = assign(alice, bob, key="journal", title=f"{CANARY} title", start_date=today)
    entry = journal_entry(bob, journal, "Went for a walk")

    # Bob invites Jo and chooses, with the preview, what she sees.
    page = new_page(**PHONE)
    sign_in(page, bob.email)
    page.goto("/me/support/")
    axe_check(page, "sup-01-settings")
    page.get_by_label("Their name").fill("Jo")
    page.get_by_label("Their email address").fill("jo@friends.test")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What Jo sees")
    expect(page.locator("#preview")).to_contain_text("isn't sharing anything")
    page.get_by_label("That I did something each day").check()
    expect(page.locator("#preview")).to_contain_text("Days Bob did something")  # redrawn by htmx, unsaved
    page.get_by_role("checkbox", name="Journal", exact=True).check()
    page.get_by_label("Nudge them by email if I haven't started by").fill("20:00")
    page.get_by_label("Nudge them by email if I haven't started by").blur()
    expect(page.locator("#preview")).to_contain_text("haven't started by 20:00")
    expect(page.locator("#preview")).to_contain_text("Done")
    axe_check(page, "sup-02-scope-preview")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Jo now sees what the preview shows")
    preview = page.locator(".shared-view").inner_text()
    assert CANARY not in preview

    # Jo accepts on her phone and sees exactly what the preview showed.
    jo = new_page(**PHONE)
    jo.goto(invitation_path("jo@friends.test"))
    jo.locator("[name=name]").fill("Jo Friend")
    jo.locator("[name=password]").fill(PASSWORD)
    jo.locator("[name=consent]").check()
    jo.get_by_role("button", name="Create my account").click()
    expect(jo).to_have_url(re.compile(r"/supporting/$"))
    axe_check(jo, "sup-03-support-home")
    jo.get_by_role("link", name="Bob").click()
    expect(jo.get_by_role("heading", level=1)).to_have_text("Bob")
    expect(jo.get_by_role("heading", name="If someone is in danger now")).to_be_visible()
    axe_check(jo, "sup-04-supporting")
    assert jo.locator(".shared-view").inner_text() == preview
    assert CANARY not in jo.content()

    # A kind word, seen on Bob's Today.
    jo.get_by_label("Thinking of you").check()
    jo.get_by_role("button", name="Send").click()
    expect(jo.get_by_role("status")).to_contain_text("Bob will see it on their Today page")
    page.goto("/today/")
    expect(page.get_by_text("“Thinking of you”")).to_be_visible()
    axe_check(page, "sup-05-today-encouragement")

    # From the entry's own page, "Share this with Jo": her next request shows what he wrote.
    page.goto(f"/my/entries/{entry.pk}/")
    page.get_by_role("button", name="Share this with Jo").click()
    expect(page.get_by_role("status")).to_contain_text("Shared with Jo")
    expect(page.get_by_role("button", name="Stop sharing this entry with Jo")).to_be_visible()
    axe_check(page, "sup-05b-entry-shared")
    jo.reload()
    expect(jo.locator(".shared-view")).to_contain_text("Went for a walk")

    # Bob pauses in one tap; Jo's next request shows only that sharing is paused.
    page.goto("/me/support/")
    page.get_by_role("link", name="Choose what they see").click()
    page.get_by_role("button", name="Pause sharing").click()
    expect(page.get_by_role("status")).to_contain_text("paused")
    jo.reload()
    expect(jo.locator(".shared-view")).to_have_text(re.compile(r"^\s*Sharing is paused for now\."))
    expect(jo.get_by_text("Days Bob did something")).to_have_count(0)
    axe_check(jo, "sup-06-paused")
    jo.goto("/supporting/worried/")
    expect(jo.get_by_role("heading", level=1)).to_have_text("Worried about them?")
    assert "therapist" not in jo.locator("main").inner_text().lower()
    axe_check(jo, "sup-07-worried")
