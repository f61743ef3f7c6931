"""Through a real browser: the demo therapist opens the caseload, then the session-prep summary of a demo client
(the screenshot shows the charts), the timeline and the sessions page. Each page is screenshotted and scanned by
axe-core; any Content-Security-Policy complaint (e.g. a style inside an SVG) fails the test."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from carryover.devtools.demo import load_demo
from carryover.devtools.tests.browser import chart_image_widths, demo_therapist_on_desktop
from carryover.homework import services

pytestmark = pytest.mark.browser


def test_therapist_prepares_a_session_from_the_demo(live_server, new_page, axe_strict, docs_screenshot):
    services.builtin_sync()  # an earlier live-server test's flush may have emptied the built-in library
    load_demo()
    page = demo_therapist_on_desktop(new_page)
    expect(page).to_have_url(re.compile(r"/caseload/$"))
    axe_strict(page, "review-01-caseload")
    docs_screenshot(page, "caseload.png")

    page.get_by_role("link", name="What works across my clients").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What works across my clients")
    axe_strict(page, "review-01b-insight")
    page.goto("/caseload/")
    page.get_by_role("link", name="Sam Taylor").first.click()
    page.get_by_role("link", name="Session prep summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session prep: Sam Taylor")
    expect(page.get_by_text("since the session on")).to_be_visible()
    charts = page.locator("figure.chart img")
    assert charts.count() >= 3
    # Every chart image decoded: an SVG the browser refused would have no natural width.
    widths = chart_image_widths(page)
    assert all(width > 0 for width in widths), widths
    expect(page.get_by_role("heading", name="Questions for the session")).to_be_visible()
    axe_strict(page, "review-02-summary")

    page.get_by_role("link", name="Timeline").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline: Sam Taylor")
    axe_strict(page, "review-03-timeline")
    page.get_by_role("link", name="Sessions").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions")
    axe_strict(page, "review-04-sessions")
