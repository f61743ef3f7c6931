"""Through a real browser, the issue's scenario: on a laptop, Alice opens "Review with Sam" from the caseload, goes
through three activities (keep, make smaller, stop), adds a new one whose confidence of 5 is adjusted to 8, and
finishes. On a phone, Sam's Today shows "What we agreed" with exactly those four lines, and the smaller activity
says it was agreed in session. And, on a phone, Sam says 4 about an activity sent between sessions and moves it to
the morning himself. Each page is scanned by axe-core; any CSP complaint fails the test."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from carryover.accounts.models import Role
from carryover.accounts.services import practice_create
from carryover.accounts.tests.test_browser_journey import PHONE
from carryover.conftest import link, make_person
from carryover.homework import services
from carryover.homework.models import AssignmentRevision, local_today
from carryover.homework.tests.conftest import assign
from carryover.homework.tests.test_browser_homework import sign_in

pytestmark = pytest.mark.browser


def riverside():
    """Alice and her client Sam, with the built-in library (an earlier live-server test's flush may have emptied it)."""
    services.builtin_sync()
    practice = practice_create(name="Riverside Therapy", country="GB")
    alice = make_person(practice, "alice@riverside.test", "Alice Moreno", Role.THERAPIST)
    sam = make_person(practice, "sam@riverside.test", "Sam Taylor", Role.CLIENT, mfa=False)
    link(alice, sam)
    return alice, sam


def test_review_with_sam_on_a_laptop_and_what_we_agreed_on_his_phone(live_server, new_page, axe_check):
    alice, sam = riverside()
    start = (local_today(sam) - timedelta(days=7)).isoformat()
    for title, extra in [("Evening walk", {}), ("Breathing", {"minimum": "Three slow breaths"}), ("Journal", {})]:
        assign(alice, sam, key="journal", title=title, start_date=start, **extra)

    therapist = new_page(viewport={"width": 1280, "height": 900})
    sign_in(therapist, "alice@riverside.test", code=True)
    therapist.goto("/caseload/")
    therapist.get_by_role("link", name="Review with Sam").click()
    expect(therapist.get_by_role("heading", level=1)).to_have_text("Review with Sam Taylor")
    therapist.get_by_role("button", name="Start the review").click()
    for title, decision, confidence in [
        ("Evening walk", "Keep it as it is", None),
        ("Breathing", "Make it smaller (the minimum version becomes the task)", "8"),
        ("Journal", "Stop it", None),
    ]:
        expect(therapist.get_by_role("heading", level=1)).to_have_text(title)
        if title == "Evening walk":
            axe_check(therapist, "together-01-step")
        therapist.get_by_label(decision).check()
        therapist.get_by_label("What we learned, and why this decision").fill(f"Why for {title.lower()}")
        if confidence:
            therapist.get_by_label("How sure is the client they'll do this? (0–10)").fill(confidence)
        therapist.get_by_role("button", name="Save and go on").click()

    expect(therapist.get_by_role("heading", level=1)).to_have_text("Review with Sam Taylor")
    therapist.get_by_role("link", name="Add a new activity from the library").click()
    therapist.get_by_role("link", name="Journal", exact=True).click()
    therapist.get_by_label("Title the client will see").fill("Worry time")
    therapist.get_by_label("What we learned, and why this decision").fill("Worry gets its own time")
    therapist.get_by_label("How sure is the client they'll do this? (0–10)").fill("5")
    therapist.get_by_role("button", name="Save").click()
    expect(therapist.get_by_text("Sam said 5 out of 10.")).to_be_visible()
    axe_check(therapist, "together-02-low-confidence")
    therapist.get_by_label("About how many minutes").fill("5")
    therapist.get_by_label("Make it smaller", exact=True).check()
    therapist.get_by_label("How sure is the client they'll do this? (0–10)").fill("8")
    therapist.get_by_role("button", name="Save").click()
    expect(therapist.get_by_text("confidence 8/10 (was 5)")).to_be_visible()
    therapist.get_by_role("link", name="Finish and record the session").click()
    axe_check(therapist, "together-03-finish")
    therapist.get_by_role("button", name="Finish and record the session").click()
    expect(therapist.get_by_text("Review finished and the session recorded.")).to_be_visible()

    phone = new_page(**PHONE)
    sign_in(phone, "sam@riverside.test")
    expect(phone).to_have_url(re.compile(r"/today/$"))
    card = phone.locator("section.agreed")
    expect(card.get_by_role("heading")).to_contain_text("What we agreed on")
    lines = card.locator("li")
    expect(lines).to_have_count(4)
    expect(lines.nth(0)).to_contain_text("Evening walk: We kept it as it is.")
    expect(lines.nth(1)).to_contain_text("Breathing: We made it smaller: Three slow breaths")
    expect(lines.nth(2)).to_contain_text("Journal: We stopped it.")
    expect(lines.nth(3)).to_contain_text("Worry time: New:")
    expect(lines.nth(3)).to_contain_text("Why: Worry gets its own time")
    axe_check(phone, "together-04-what-we-agreed")
    phone.get_by_role("link", name="Breathing").first.click()
    expect(phone.get_by_text("Agreed in session")).to_be_visible()


def test_sam_says_4_and_moves_an_activity_sent_between_sessions_to_the_morning(live_server, new_page, axe_check):
    alice, sam = riverside()
    assign(alice, sam, key="journal", title="Evening walk", start_date=local_today(sam).isoformat())
    phone = new_page(**PHONE)
    sign_in(phone, "sam@riverside.test")
    phone.get_by_role("link", name="Say how sure").click()
    phone.get_by_label("4", exact=True).check()
    phone.get_by_role("button", name="Send").click()
    phone.get_by_label("Another time or anchor").check()
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Make it fit your day")
    axe_check(phone, "together-05-make-it-fit")
    phone.get_by_label("After I… (something you already do every day)").fill("After my morning coffee")
    phone.get_by_role("button", name="Save my change").click()
    expect(phone.get_by_text("Your therapist will see that you changed it, and what.")).to_be_visible()
    revision = AssignmentRevision.objects.get(number=2)
    assert revision.created_by == sam and revision.changed == ["When (after I…)"]
