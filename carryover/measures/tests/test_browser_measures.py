"""Through a real browser on a phone: a client answers a PHQ-9 one question per screen, answers item 9 above 0 and
sees the crisis screen at once, before sending; the therapist sees the alert (still one after the send) and the
chart. Every page passes axe and the strict CSP."""

from __future__ import annotations

import contextlib
import re
from datetime import date

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from carryover.accounts.models import Role
from carryover.accounts.services import practice_create
from carryover.accounts.tests.test_browser_journey import PHONE
from carryover.conftest import link, make_person
from carryover.homework import services as homework
from carryover.homework.tests.test_browser_homework import sign_in
from carryover.measures.models import RiskAlert

from .helpers import assign_measure

pytestmark = pytest.mark.browser


def test_phq9_on_a_phone_with_item9_reaches_the_crisis_screen_and_the_therapist(live_server, new_page, axe_check):
    homework.builtin_sync()
    practice = practice_create(name="Riverside Therapy", country="US")
    alice = make_person(practice, "alice@riverside.test", "Alice Moreno", Role.THERAPIST)
    bob = make_person(practice, "bob@riverside.test", "Bob Client", Role.CLIENT)
    link(alice, bob)
    assign_measure(alice, bob, schedule_kind="daily", start_date=str(date.today()))

    phone = new_page(**PHONE)
    sign_in(phone, bob.email)
    phone.get_by_role("link", name="Start").first.click()
    expect(phone.get_by_text("Question 1 of 10")).to_be_visible()
    axe_check(phone, "me-01-question-one")
    for number in range(1, 9):
        phone.get_by_label("Not at all").check()
        phone.get_by_role("button", name="Next").click()
        expect(phone.get_by_text(f"Question {number + 1} of 10")).to_be_visible()
    phone.get_by_label("Several days").check()
    with contextlib.suppress(PlaywrightTimeoutError):  # the answer's autosave may have gone to the crisis screen
        phone.get_by_role("button", name="Next").click(timeout=5000)
    # At once: the lines, without ever pressing Send; the alert is already on the caseload.
    expect(phone.get_by_role("heading", name="If you need someone now")).to_be_visible()
    expect(phone.get_by_role("link", name="Call 988")).to_have_attribute("href", "tel:988")
    expect(phone.get_by_role("heading", name="Your therapist will see this")).to_be_visible()
    axe_check(phone, "me-02-crisis-screen")
    assert list(RiskAlert.objects.values_list("status", "entry")) == [("open", None)]

    therapist = new_page()
    sign_in(therapist, alice.email, code=True)
    therapist.goto("/caseload/")
    expect(therapist.get_by_role("heading", name="Safety alerts")).to_be_visible()
    expect(therapist.get_by_role("link", name="Bob Client: PHQ-9 item 9 answered above 0")).to_be_visible()

    phone.get_by_role("link", name="Back to Today").click()
    expect(phone.get_by_text("Your therapist has been told about an answer here")).to_be_visible()
    phone.get_by_role("link", name="Continue").first.click()
    expect(phone.get_by_role("progressbar", name=re.compile(r"^Question (9|10) of 10$"))).to_be_visible()
    if phone.get_by_role("progressbar", name="Question 9 of 10").count():  # autosave went to the lines before Next
        phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("Question 10 of 10")).to_be_visible()
    phone.get_by_role("button", name="Send to my therapist").click()
    expect(phone.get_by_role("heading", name="If you need someone now")).to_be_visible()
    assert RiskAlert.objects.count() == 1 and RiskAlert.objects.get().entry is not None

    therapist.reload()
    expect(therapist.get_by_role("heading", name="Safety alerts")).to_be_visible()
    axe_check(therapist, "me-03-caseload-alert")
    therapist.goto(f"/clients/{bob.pk}/measures/")
    expect(therapist.get_by_role("img", name="PHQ-9 scores over time")).to_be_visible()
    axe_check(therapist, "me-04-client-measures")
