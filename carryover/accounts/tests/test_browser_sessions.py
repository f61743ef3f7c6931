"""Through a real browser, with Chromium's own cookie rules: another website auto-submits a form into a client's
worksheet and changes nothing; the client sees where he is signed in and signs his other devices out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from carryover.accounts.models import Role
from carryover.accounts.services import practice_create
from carryover.conftest import link, make_person
from carryover.homework import services
from carryover.homework.models import Draft, Occurrence
from carryover.homework.tests.conftest import assign
from carryover.homework.tests.test_browser_homework import sign_in

pytestmark = pytest.mark.browser

OTHER_SITE = "http://elsewhere.example"  # another site than the live server's localhost: SameSite=Lax applies


def session_cookie(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")


def test_a_form_another_website_submits_neither_signs_out_nor_plants_text(live_server, new_page, axe_check):
    services.builtin_sync()  # an earlier live-server test's flush may have emptied the built-in library
    practice = practice_create(name="Riverside Therapy", country="GB")
    alice = make_person(practice, "alice@riverside.test", "Alice Moreno", Role.THERAPIST)
    bob = make_person(practice, "bob@riverside.test", "Bob Client", Role.CLIENT)
    link(alice, bob)
    assignment = assign(alice, bob, start_date=timezone.now().astimezone(bob.zone).date().isoformat())
    worksheet = f"/do/{Occurrence.objects.filter(assignment=assignment).order_by('due_date').first().pk}/"

    phone = new_page()
    sign_in(phone, bob.email)
    phone.goto(worksheet)
    phone.get_by_label("What was happening?").fill("My own words")
    phone.get_by_role("button", name="Next").click()
    expect(phone.locator("[name='f-emotions-0-emotion']")).to_be_visible()
    before = session_cookie(phone)

    # A page elsewhere that posts a form to Carryover as soon as it opens.
    attack = f"""<!doctype html><title>Win a prize</title>
        <form method="post" action="{live_server.url}{worksheet}?step=0">
          <input name="f-situation" value="Text from another website"><input name="go" value="next">
        </form><script>document.forms[0].submit()</script>"""
    phone.context.route(f"{OTHER_SITE}/**", lambda route: route.fulfill(content_type="text/html", body=attack))
    phone.goto(f"{OTHER_SITE}/prize")
    expect(phone.get_by_role("heading", level=1)).to_have_text("This form has expired")

    assert session_cookie(phone) == before  # the client's own session was not replaced
    phone.goto(worksheet + "?step=0")
    expect(phone).to_have_url(re.compile(re.escape(worksheet)))  # still signed in
    expect(phone.get_by_label("What was happening?")).to_have_value("My own words")
    assert "Text from another website" not in str(Draft.objects.get(client=bob.membership).raw)


def test_a_client_signs_out_his_other_devices(live_server, new_page, axe_check):
    practice = practice_create(name="Riverside Therapy", country="GB")
    bob = make_person(practice, "bob@riverside.test", "Bob Client", Role.CLIENT)
    laptop = new_page()
    sign_in(laptop, bob.email)
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(phone, bob.email)

    phone.goto("/profile/")
    devices = phone.get_by_role("region", name="Where you're signed in")
    expect(devices.get_by_role("listitem")).to_have_count(2)
    expect(devices.get_by_role("listitem").filter(has_text="This device")).to_have_count(1)
    axe_check(phone, "sessions-01-devices")
    phone.get_by_role("button", name="Sign out my other devices").click()
    expect(phone.get_by_role("status")).to_contain_text("signed out on your other devices")
    expect(devices.get_by_role("listitem")).to_have_count(1)

    laptop.goto("/today/")
    expect(laptop).to_have_url(re.compile(r"/accounts/login/"))
    phone.goto("/today/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_stay_signed_in_after_the_server_signed_out_shows_the_sign_in_page(live_server, new_page):
    practice = practice_create(name="Riverside Therapy", country="GB")
    bob = make_person(practice, "bob@riverside.test", "Bob Client", Role.CLIENT)
    phone = new_page()
    sign_in(phone, bob.email)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Hello")
    # The server counts activity to the minute, so it may sign out a little before the page's own timer.
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        phone.evaluate("document.getElementById('idle-warning').hidden = false")
        phone.get_by_role("button", name="Stay signed in").click()
        expect(phone).to_have_url(re.compile(r"/accounts/login/"))
        expect(phone.get_by_role("status")).to_contain_text("signed out after 30 minutes")
