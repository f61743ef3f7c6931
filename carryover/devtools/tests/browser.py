"""Shared steps of the browser tests that start from the demo: the demo client, signed in on a phone."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from carryover.accounts.tests.test_browser_journey import PHONE
from carryover.devtools.demo import DEMO_PASSWORD, load_demo
from carryover.homework import services


def demo_client_on_phone(new_page: Any) -> Any:
    """Load the demo and sign its client (Sam) in on a 390×844 phone; returns the page, on Today."""
    services.builtin_sync()  # an earlier live-server test's flush may have emptied the built-in library
    load_demo()
    phone = new_page(**PHONE)
    phone.goto("/accounts/login/")
    phone.get_by_label("Email").fill("client@example.org")
    phone.get_by_label("Password").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Hello")
    return phone


def demo_therapist_on_desktop(new_page: Any) -> Any:
    """Sign the demo's therapist (Alex, with two-factor sign-in) in on a 1280×900 desktop; returns the page."""
    from carryover.accounts.tests.test_browser_journey import fresh_totp_code

    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("therapist@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("[name=code]").fill(fresh_totp_code())
    page.get_by_role("button", name="Sign in").click()
    return page


def chart_image_widths(page) -> list[int]:
    """The natural width of every chart image on the page, once each has loaded (charts are images at their own
    URLs, drawn on their first fetch, so they arrive after the text): 0 for one the browser could not decode."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.chart img')].every(i => i.complete)", timeout=20_000
    )
    return page.locator("figure.chart img").evaluate_all("images => images.map(i => i.naturalWidth)")
