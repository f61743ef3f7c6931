"""Through a real browser on a phone, in Spanish: a client whose account says Spanish answers a PHQ-9, item 9
above 0 brings the crisis screen in Spanish with the practice's lines one tap away, and the therapist, in English,
sees the alert. Every page passes axe (with `lang="es"`) and the strict CSP."""

from __future__ import annotations

import contextlib
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
from carryover.measures.tests.helpers import assign_measure

pytestmark = pytest.mark.browser


def test_a_spanish_client_answers_item9_and_reads_the_crisis_screen_in_spanish(live_server, new_page, axe_check):
    homework.builtin_sync()
    practice = practice_create(name="Riverside Therapy", country="US")
    alice = make_person(practice, "alice@riverside.test", "Alice Moreno", Role.THERAPIST)
    rosa = make_person(practice, "rosa@riverside.test", "Rosa Cliente", Role.CLIENT)
    rosa.language = "es"
    rosa.save(update_fields=["language"])
    link(alice, rosa)
    assign_measure(alice, rosa, schedule_kind="daily", start_date=str(date.today()))

    phone = new_page(**PHONE)
    sign_in(phone, rosa.email)  # the sign-in page follows the browser (English); the account then says Spanish
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.get_by_role("heading", name="Hola, Rosa")).to_be_visible()
    phone.get_by_role("link", name="Empezar").first.click()
    expect(phone.get_by_text("Pregunta 1 de 10")).to_be_visible()
    axe_check(phone, "es-01-question-one")
    # The answers' wording is the instrument's (its own translation): choose by position, first = 0.
    for number in range(1, 9):
        phone.locator("input[type=radio]").first.check()
        phone.get_by_role("button", name="Siguiente").click()
        expect(phone.get_by_text(f"Pregunta {number + 1} de 10")).to_be_visible()
    phone.locator("input[type=radio]").nth(1).check()  # item 9: above 0
    with contextlib.suppress(PlaywrightTimeoutError):  # the answer's autosave may have gone to the crisis screen
        phone.get_by_role("button", name="Siguiente").click(timeout=5000)
    expect(phone.get_by_role("heading", name="Si necesita a alguien ahora")).to_be_visible()
    expect(phone.get_by_role("link", name="Llamar al 988")).to_have_attribute("href", "tel:988")
    expect(phone.get_by_role("heading", name="Su terapeuta verá esto")).to_be_visible()
    axe_check(phone, "es-02-crisis-screen")

    therapist = new_page()
    sign_in(therapist, alice.email, code=True)
    therapist.goto("/caseload/")
    expect(therapist.locator("html")).to_have_attribute("lang", "en-us")
    expect(therapist.get_by_role("link", name="Rosa Cliente: PHQ-9 item 9 answered above 0")).to_be_visible()
