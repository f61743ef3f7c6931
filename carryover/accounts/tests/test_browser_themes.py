"""Every theme keeps WCAG 2.2 AA (issue 17): the demo client chooses a theme and a text size on the account page
(or keeps "system" on a phone set to dark), then axe-core scans Today, an activity's form and the crisis screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from carryover.accounts.tests.test_browser_journey import PHONE
from carryover.devtools.tests.browser import demo_client_on_phone

pytestmark = pytest.mark.browser

# (theme, text size, the phone's own light/dark setting, the page background app.css gives that theme)
THEMES = [
    ("system", "Standard", "dark", "rgb(17, 24, 29)"),
    ("dark", "Large", "light", "rgb(17, 24, 29)"),
    ("contrast", "Larger", "light", "rgb(255, 255, 255)"),
]
LABELS = {
    "system": "Same as my phone or computer (light or dark)",
    "dark": "Dark",
    "contrast": "High contrast (black on white)",
}
ROOT_SIZE = {"Standard": "18px", "Large": "21px", "Larger": "24px"}


@pytest.mark.parametrize(("theme", "size", "device", "background"), THEMES)
def test_each_theme_passes_axe_on_today_an_activity_and_the_crisis_screen(
    live_server, new_page, axe_check, theme, size, device, background
):
    phone = demo_client_on_phone(new_page)
    phone.emulate_media(color_scheme=device)
    phone.goto("/profile/")
    phone.get_by_role("radio", name=LABELS[theme], exact=True).check()
    phone.get_by_role("radio", name=size, exact=True).check()
    phone.get_by_role("button", name="Save how pages look").click()
    expect(phone.get_by_text("Pages now look the way you chose")).to_be_visible()
    assert phone.evaluate("getComputedStyle(document.body).backgroundColor") == background
    assert phone.evaluate("getComputedStyle(document.documentElement).fontSize") == ROOT_SIZE[size]

    phone.goto("/today/")
    check(phone, axe_check, f"theme-{theme}-today")
    phone.get_by_role("link", name="Start").first.click()
    expect(phone.get_by_role("button", name="Next")).to_be_visible()
    check(phone, axe_check, f"theme-{theme}-activity")
    phone.goto("/support/")
    check(phone, axe_check, f"theme-{theme}-crisis")


def check(page, axe_check, name: str) -> None:
    """axe-core's scan, and nothing wider than the phone (larger text reflows instead: WCAG 1.4.10)."""
    axe_check(page, name)
    width = page.evaluate("document.documentElement.scrollWidth")  # a phone widens its layout to fit the page
    assert width <= PHONE["viewport"]["width"], f"{name}: {width} px wide, scrolls sideways"
