"""Through a real browser: a therapist assigns a 7-column thought record; the client fills it in on a phone,
leaves half-way, comes back to the draft, and saves it as "did part of it" with two barriers; the therapist
sees it. Every page is screenshotted and scanned by axe-core (carryover/browser_fixtures.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from carryover.accounts.models import Role
from carryover.accounts.services import practice_create
from carryover.accounts.tests.test_browser_journey import PHONE, fresh_totp_code
from carryover.conftest import PASSWORD, link, make_person
from carryover.homework import services
from carryover.homework.models import Entry

pytestmark = pytest.mark.browser


def sign_in(page, email, *, code=False):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if code:
        page.locator("[name=code]").fill(fresh_totp_code())
        page.get_by_role("button", name="Sign in").click()


def refused_at_evidence_then_part(phone):
    """Thinking traps are optional; "Evidence for" is needed, and Next says so at its own step, with focus on the
    step's heading (not the top of the page). Bob did only part of it."""
    for _ in range(3):
        phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_role("heading", name="Evidence for")).to_be_focused()
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("Please fill this in.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Evidence for")).to_be_focused()
    phone.get_by_role("button", name=re.compile("I only did part of it")).click()


def assert_scale_on_one_row(phone):
    """The 0–10 scale is one row on a 390 px phone, every point at least 24 px wide and 44 px tall."""
    points = phone.locator("fieldset.scale").first.locator(".point span")
    boxes = points.evaluate_all("spans => spans.map(s => s.getBoundingClientRect().toJSON())")
    assert len(boxes) == 11 and len({round(b["top"]) for b in boxes}) == 1, boxes
    assert all(b["width"] >= 24 and b["height"] >= 44 for b in boxes), boxes


def therapist_reads_it(therapist, bob, axe_strict):
    """The therapist sees the partial entry, its barriers and the hot thought on the client's page."""
    therapist.goto(f"/clients/{bob.pk}/")
    expect(therapist.get_by_text("Did part of it").first).to_be_visible()
    expect(therapist.get_by_text("I wasn't sure how").first).to_be_visible()
    therapist.get_by_role("link", name="Catch the hot thought").first.click()
    expect(therapist.get_by_text("Nobody values what I say")).to_be_visible()
    axe_strict(therapist, "hw-12-therapist-reads-entry")


def test_thought_record_assigned_done_in_part_on_a_phone_and_reviewed(live_server, new_page, axe_strict):
    services.builtin_sync()  # an earlier live-server test's flush may have emptied the built-in library
    practice = practice_create(name="Riverside Therapy", country="US")
    alice = make_person(practice, "alice@riverside.test", "Alice Moreno", Role.THERAPIST)
    bob = make_person(practice, "bob@riverside.test", "Bob Client", Role.CLIENT)
    link(alice, bob)

    therapist = new_page()
    sign_in(therapist, alice.email, code=True)
    therapist.goto(f"/clients/{bob.pk}/")
    therapist.get_by_role("link", name="Assign from the library").click()
    axe_strict(therapist, "hw-01-library-for-client")
    card = therapist.locator("li.card", has_text="7 columns")
    card.get_by_role("link", name=re.compile("^Assign .* to Bob")).click()
    axe_strict(therapist, "hw-02-assign-form")
    therapist.get_by_label("Title the client will see").fill("Catch the hot thought")
    therapist.get_by_label("Minimum version").fill("Just write the situation and one thought.")
    therapist.get_by_role("button", name="Assign").click()
    expect(therapist.get_by_role("status")).to_contain_text("Assigned")
    axe_strict(therapist, "hw-03-client-page")

    phone = new_page(**PHONE)
    sign_in(phone, bob.email)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Hello")
    expect(phone.get_by_text("Catch the hot thought").first).to_be_visible()
    axe_strict(phone, "hw-04-today-phone")
    phone.get_by_role("link", name="Start").first.click()
    phone.get_by_label("What was happening?").fill("Team meeting; my idea was ignored.")
    axe_strict(phone, "hw-05-step-situation")
    phone.get_by_role("button", name="Next").click()
    phone.locator("[name='f-emotions-0-emotion']").fill("Embarrassed")
    phone.locator("[name='f-emotions-0-intensity']").fill("70")
    axe_strict(phone, "hw-06-step-moods")
    phone.get_by_role("button", name="Next").click()
    phone.locator("[name='f-thoughts-0-thought']").fill("Nobody values what I say")
    phone.locator("label.check.mark").first.click()
    phone.get_by_role("button", name="Next").click()
    expect(phone.locator("aside.hot")).to_contain_text("Nobody values what I say")  # kept in view
    axe_strict(phone, "hw-07-hot-thought-kept-visible")

    # Leave half-way, come back later: the draft resumes where it was, with everything typed.
    phone.goto("/today/")
    phone.get_by_role("link", name="Continue").first.click()
    expect(phone.locator("aside.hot")).to_contain_text("Nobody values what I say")
    phone.get_by_role("button", name="Back").click()
    phone.get_by_role("button", name="Back").click()
    expect(phone.locator("[name='f-emotions-0-emotion']")).to_have_value("Embarrassed")
    refused_at_evidence_then_part(phone)
    axe_strict(phone, "hw-08-outcome")
    expect(phone.get_by_label("Did part of it")).to_be_checked()
    phone.get_by_label("About half").check()
    phone.get_by_role("button", name="Next").click()
    phone.get_by_label("No time or energy").check()
    phone.get_by_label("I wasn't sure how").check()
    axe_strict(phone, "hw-09-barriers")
    phone.get_by_role("button", name="Next").click()
    axe_strict(phone, "hw-10-afterwards")
    assert_scale_on_one_row(phone)
    phone.get_by_role("button", name="Save").click()
    # Today may also ask how sure the client is about the new activity (another status card): find the thank-you.
    expect(phone.get_by_role("status").filter(has_text="Saved")).to_contain_text("Part of it still counts")
    axe_strict(phone, "hw-11-saved")

    entry = Entry.objects.get()
    assert (entry.outcome, str(entry.fraction), entry.barriers) == ("partial", "0.50", ["no_time", "unsure_how"])

    therapist_reads_it(therapist, bob, axe_strict)
