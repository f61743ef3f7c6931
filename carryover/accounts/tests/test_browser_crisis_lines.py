"""Lines first, measured in a real browser on a 390×844 phone: on every crisis surface, for every country's defaults,
every call and text button is on the first screen, above anything else of substance, with its last-checked date."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from carryover.accounts import crisis
from carryover.accounts.models import Role
from carryover.accounts.services import practice_create
from carryover.accounts.tests.test_browser_journey import PHONE
from carryover.conftest import link, make_person
from carryover.homework.tests.test_browser_homework import sign_in

pytestmark = pytest.mark.browser

VIEWPORT_HEIGHT = PHONE["viewport"]["height"]

# Where each call/text button sits, and where the first thing that is not the lines starts (a paragraph, a form,
# another card, a list of links), in CSS pixels from the top of the page.
MEASURE = """() => {
  const main = document.querySelector('main');
  const linesCard = main.querySelector('.crisis').closest('.card') || main.querySelector('.crisis');
  const buttons = [...linesCard.querySelectorAll('a.button')].map(b => {
    const box = b.getBoundingClientRect();
    return {text: b.textContent.trim(), top: box.top + window.scrollY, bottom: box.bottom + window.scrollY};
  });
  const others = [...main.querySelectorAll('p, form, section, nav, dl, ul')]
    .filter(el => !linesCard.contains(el) && !el.contains(linesCard))
    .filter(el => el.getClientRects().length > 0)  // on screen: the hidden offline status box is not
    .map(el => el.getBoundingClientRect().top + window.scrollY);
  const checked = [...linesCard.querySelectorAll('.crisis > li')].map(li => li.textContent.includes('Last checked'));
  return {buttons, firstOther: Math.min(...others), checked};
}"""


def buttons_of(country: str) -> list[str]:
    labels = []
    for line in crisis.DEFAULTS[country].lines:
        if line.get("phone"):
            labels.append(f"Call {line['phone']}")
        if line.get("sms"):
            keyword = line.get("sms_body")
            labels.append(f"Text {keyword} to {line['sms']}" if keyword else f"Text {line['sms']}")
    return labels


def assert_lines_first(page, country: str, surface: str, figures: list[str]) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    found = page.evaluate(MEASURE)
    where = f"{surface} ({country})"
    assert [b["text"] for b in found["buttons"]] == buttons_of(country), where
    lowest = max(b["bottom"] for b in found["buttons"])
    assert lowest <= VIEWPORT_HEIGHT, f"{where}: a button ends at {lowest:.0f} px, below the first screen"
    assert lowest <= found["firstOther"], f"{where}: something else starts at {found['firstOther']:.0f} px"
    assert all(found["checked"]), f"{where}: a line without its last-checked date"
    figures.append(f"{where}: first button at {found['buttons'][0]['top']:.0f} px, last ends at {lowest:.0f} px")


def test_every_crisis_surface_puts_the_lines_first_on_a_phone(live_server, new_page, axe_check):
    figures: list[str] = []
    visitor = new_page(**PHONE)
    for country in crisis.DEFAULTS:
        visitor.goto(f"/help/?country={country}")
        assert_lines_first(visitor, country, "signed-out help page", figures)

        practice = practice_create(name=f"Practice {country}", country=country)
        therapist = make_person(practice, f"t-{country.lower()}@example.test", "Thea Therapist", Role.THERAPIST)
        client = make_person(practice, f"c-{country.lower()}@example.test", "Cal Client", Role.CLIENT)
        link(therapist, client)
        phone = new_page(**PHONE)
        sign_in(phone, client.email)
        phone.wait_for_url("**/today/")
        phone.goto("/help/")
        expect(phone.get_by_role("button", name="I need help now")).to_be_visible()  # signed in, below the lines
        assert_lines_first(phone, country, "signed-in help page", figures)
        phone.goto("/support/")
        assert_lines_first(phone, country, "crisis screen", figures)
        phone.goto("/safety-plan/")
        assert_lines_first(phone, country, "safety-plan page", figures)
        if country == "GB":  # the longest lists; one accessibility pass per surface is enough
            axe_check(phone, "crisis-lines-safety-plan")
            phone.goto("/help/")
            axe_check(phone, "crisis-lines-help-signed-in")
        phone.context.close()
    print("\n".join(figures))


def test_an_admin_changes_the_country_through_the_confirmation_page(live_server, new_page, axe_check):
    practice = practice_create(name="Harbour Practice", country="GB")
    admin = make_person(practice, "ada@harbour.test", "Ada Admin", Role.ADMIN)
    client = make_person(practice, "cal@harbour.test", "Cal Client", Role.CLIENT)
    page = new_page()
    sign_in(page, admin.email, code=True)
    page.goto("/practice/settings/")
    page.get_by_label("Country").select_option("CA")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Change the country to Canada?")).to_be_visible()
    expect(page.get_by_text("Samaritans: 116 123")).to_be_visible()
    axe_check(page, "crisis-lines-country-confirmation")
    page.get_by_role("button", name="Change to Canada and replace the crisis lines").click()
    expect(page.get_by_text("Clients now see the crisis lines for Canada.")).to_be_visible()

    phone = new_page(**PHONE)
    sign_in(phone, client.email)
    phone.wait_for_url("**/today/")
    phone.goto("/help/")
    expect(phone.get_by_role("heading", name="Call or text now: Canada")).to_be_visible()
    expect(phone.get_by_role("link", name="Call 988")).to_have_attribute("href", "tel:988")
    expect(phone.get_by_text("Samaritans")).to_have_count(0)
