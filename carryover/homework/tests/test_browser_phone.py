"""Through a real browser, what issue 13 asked for: the demo client's Today on a 390×844 phone shows the first
activity's Start without scrolling; a new client's welcome goes for good; a practised therapist assigns a tailored
7-column thought record from the client's page in at most 8 interactions. Pages are scanned by axe-core at every
impact level with its experimental rules (`axe_strict`)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from carryover.accounts.models import Role
from carryover.accounts.services import practice_create
from carryover.accounts.tests.test_browser_journey import PHONE
from carryover.conftest import link, make_person
from carryover.devtools.tests.browser import demo_client_on_phone
from carryover.homework import services
from carryover.homework.models import Assignment, local_today

from .conftest import assign
from .test_browser_homework import sign_in

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def first_screen_height(page) -> int:
    return page.evaluate("window.innerHeight")


def test_the_demo_clients_today_shows_what_to_do_now_on_the_first_screen(
    live_server, new_page, axe_strict, docs_screenshot
):
    phone = demo_client_on_phone(new_page)
    start = phone.get_by_role("link", name=re.compile(r"^(Start|Continue)$")).first
    expect(start).to_be_visible()
    box = start.bounding_box()
    assert phone.evaluate("window.scrollY") == 0
    assert box["y"] + box["height"] <= first_screen_height(phone), box  # no scroll needed
    height = phone.evaluate("document.documentElement.scrollHeight")
    bottom = box["y"] + box["height"]
    print(f"\nDemo client's Today on a 390x844 phone: {height} px tall, the first Start ends at {bottom:.0f} px")
    axe_strict(phone, "phone-01-today-demo")
    docs_screenshot(phone, "today-phone.png")  # the first screen, as a client sees it


def test_a_new_clients_welcome_then_today(live_server, new_page, axe_strict):
    services.builtin_sync()
    practice = practice_create(name="Riverside Therapy", country="US")
    alice = make_person(practice, "alice@riverside.test", "Alice Moreno", Role.THERAPIST)
    bob = make_person(practice, "bob@riverside.test", "Bob Client", Role.CLIENT)
    link(alice, bob)
    assign(alice, bob, key="journal", title="Evening journal", start_date=local_today(bob).isoformat())
    phone = new_page(**PHONE)
    sign_in(phone, bob.email)
    welcome = phone.get_by_role("region", name="Welcome to Carryover")
    expect(welcome).to_contain_text("Doing part of one counts")
    start = phone.get_by_role("link", name="Start").first
    box = start.bounding_box()
    assert box["y"] + box["height"] <= first_screen_height(phone), box  # the welcome leaves Start on screen
    axe_strict(phone, "phone-02-today-welcome")
    welcome.get_by_role("button", name=re.compile("Got it")).click()
    expect(phone.get_by_role("region", name="Welcome to Carryover")).to_have_count(0)
    phone.reload()
    expect(phone.get_by_text("Welcome to Carryover")).to_have_count(0)


def test_a_practised_therapist_assigns_a_tailored_thought_record_in_eight_interactions(
    live_server, new_page, axe_strict
):
    services.builtin_sync()
    practice = practice_create(name="Riverside Therapy", country="US")
    alice = make_person(practice, "alice@riverside.test", "Alice Moreno", Role.THERAPIST)
    bob = make_person(practice, "bob@riverside.test", "Bob Client", Role.CLIENT)
    erin = make_person(practice, "erin@riverside.test", "Erin Client", Role.CLIENT)
    link(alice, bob)
    link(alice, erin)
    # Practised: Alice has assigned it before, in her own words; the form starts from them.
    today = local_today(erin).isoformat()
    assign(
        alice,
        erin,
        title="Catch the hot thought",
        rationale="Seeing a thought on paper loosens its grip.",
        start_date=today,
    )
    page = new_page(**DESKTOP)
    sign_in(page, alice.email, code=True)
    page.goto(f"/clients/{bob.pk}/")
    axe_strict(page, "assign-01-client-page")

    interactions = 0

    def act(action, *args):
        nonlocal interactions
        interactions += 1
        action(*args)

    started = time.monotonic()
    act(page.get_by_label("Find a worksheet").fill, "7 col")
    pick = page.get_by_role("link", name="Assign Thought record (7 columns) to Bob")
    act(pick.click)
    expect(page.get_by_label("Title the client will see")).to_have_value("Catch the hot thought")
    act(page.get_by_label("When: an existing routine").fill, "get home from work")
    act(page.get_by_label("Then: what they will do").fill, "I'll open the thought record on the bus")
    act(page.get_by_label("Minimum version (short on time?)").fill, "Just the situation and the hot thought.")
    act(page.get_by_role("button", name="Assign").click)
    expect(page.get_by_role("status")).to_contain_text("Assigned “Catch the hot thought” to Bob Client")
    seconds = time.monotonic() - started
    print(
        f"\nAssigning a tailored 7-column thought record: {interactions} interactions, {seconds:.1f} s in the browser"
    )
    assert interactions <= 8
    made = Assignment.objects.get(client=bob.membership)
    assert made.plan == "After I get home from work, I will open the thought record on the bus."
    assert made.c("rationale") == "Seeing a thought on paper loosens its grip."
    axe_strict(page, "assign-02-assigned")


def test_the_calendar_address_has_its_own_page_with_a_working_copy_button(live_server, new_page, axe_strict):
    practice = practice_create(name="Riverside Therapy", country="US")
    bob = make_person(practice, "bob@riverside.test", "Bob Client", Role.CLIENT)
    phone = new_page(**PHONE, permissions=["clipboard-read", "clipboard-write"])
    sign_in(phone, bob.email)
    phone.goto("/reminders/")
    phone.get_by_role("link", name="Add reminders to my calendar").click()
    phone.get_by_role("button", name="Make my calendar address").click()
    address = phone.get_by_label("Your private calendar address").input_value()
    assert re.fullmatch(r"http://[^/]+/reminders/calendar\.ics\?key=[\w-]+", address), address
    subscribe = phone.get_by_role("link", name="Subscribe on this phone")
    assert subscribe.get_attribute("href") == "webcal://" + address.split("://", 1)[1]
    expect(phone.get_by_role("heading", name="iPhone")).to_be_visible()
    axe_strict(phone, "phone-03-calendar-address")
    phone.get_by_role("button", name="Copy").click()
    expect(phone.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    assert phone.evaluate("navigator.clipboard.readText()") == address
    assert phone.request.get(address).text().startswith("BEGIN:VCALENDAR")  # the copied address is the feed
