"""Through a real browser on a phone, in Spanish: a client whose account says Spanish answers a PHQ-9, item 9
above 0 brings the crisis screen in Spanish with the practice's lines one tap away, and the therapist, in English,
sees the alert; she does part of a thought record, and he reads her words as she wrote them. Every page passes
axe (with `lang="es"`) and the strict CSP."""

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
from carryover.homework.tests.conftest import assign
from carryover.homework.tests.test_browser_homework import sign_in
from carryover.measures.tests.helpers import assign_measure

pytestmark = pytest.mark.browser


def alice_and_spanish_rosa():
    """A US practice: Alice, reading English, and her client Rosa, whose account reads Spanish."""
    homework.builtin_sync()
    practice = practice_create(name="Riverside Therapy", country="US")
    alice = make_person(practice, "alice@riverside.test", "Alice Moreno", Role.THERAPIST)
    rosa = make_person(practice, "rosa@riverside.test", "Rosa Cliente", Role.CLIENT)
    rosa.language = "es"
    rosa.save(update_fields=["language"])
    link(alice, rosa)
    return alice, rosa


def test_a_spanish_client_answers_item9_and_reads_the_crisis_screen_in_spanish(live_server, new_page, axe_check):
    alice, rosa = alice_and_spanish_rosa()
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


def test_a_spanish_client_does_part_of_a_thought_record_and_the_therapist_reads_her_words_in_english(
    live_server, new_page, axe_check
):
    """The thought record in Spanish on a phone, done in part with a barrier; the therapist, reading in English,
    finds Rosa's own words on her page and in the session summary, untranslated."""
    alice, rosa = alice_and_spanish_rosa()
    assign(alice, rosa, title="Atrapar el pensamiento", start_date=str(date.today()))

    phone = new_page(**PHONE)
    sign_in(phone, rosa.email)
    expect(phone.get_by_role("heading", name="Hola, Rosa")).to_be_visible()
    phone.get_by_role("link", name="Empezar").first.click()
    expect(phone.get_by_role("heading", name="La situación")).to_be_visible()
    phone.locator("[name='f-situation']").fill("Reunión de equipo; nadie escuchó mi idea.")
    phone.get_by_role("button", name="Siguiente").click()
    phone.locator("[name='f-emotions-0-emotion']").fill("Avergonzada")
    phone.locator("[name='f-emotions-0-intensity']").fill("70")
    phone.get_by_role("button", name="Siguiente").click()
    phone.locator("[name='f-thoughts-0-thought']").fill("Nadie valora lo que digo")
    phone.locator("label.check.mark").first.click()
    axe_check(phone, "es-03-thought-record")
    for _ in range(3):  # the thinking traps, then "Evidence for", which is needed: Next says so
        phone.get_by_role("button", name="Siguiente").click()
    expect(phone.get_by_text("Complete esto, por favor.")).to_be_visible()
    phone.get_by_role("button", name=re.compile("Solo hice una parte")).click()
    expect(phone.get_by_label("Hice una parte")).to_be_checked()
    phone.get_by_label("Más o menos la mitad").check()
    phone.get_by_role("button", name="Siguiente").click()
    phone.get_by_label("No tuve tiempo ni energía").check()
    axe_check(phone, "es-04-barriers")
    phone.get_by_role("button", name="Siguiente").click()
    phone.get_by_role("button", name="Guardar").click()
    expect(phone.get_by_role("status").filter(has_text="Guardado")).to_be_visible()

    therapist = new_page()
    sign_in(therapist, alice.email, code=True)
    therapist.goto(f"/clients/{rosa.pk}/")
    expect(therapist.locator("html")).to_have_attribute("lang", "en-us")
    expect(therapist.get_by_text("Did part of it").first).to_be_visible()
    therapist.goto(f"/clients/{rosa.pk}/summary/")
    expect(therapist.get_by_text("Nadie valora lo que digo").first).to_be_visible()
    expect(therapist.get_by_text("No time or energy").first).to_be_visible()  # the barrier, in her therapist's words
    axe_check(therapist, "es-05-therapist-summary-in-english")
