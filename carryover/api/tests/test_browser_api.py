"""Through a real browser: the API docs page (Swagger UI from local files) renders under the site's CSP, and a
client creates a token on the account page, sees it once, and it works. Any CSP complaint fails the test."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from carryover.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_docs_page_renders_from_local_files_under_the_csp(live_server, new_page):
    page = new_page(viewport={"width": 1280, "height": 900})
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None)
    page.goto("/api/v1/docs")
    expect(page.get_by_text("Carryover API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/caseload").first).to_be_visible()
    assert outside == []  # no CDN, nothing fetched from elsewhere


def test_a_client_creates_a_token_shown_once(live_server, new_page, personas, axe_check):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(personas.bob.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/profile/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("What is it for?").fill("My phone app")
    page.get_by_label(
        "Activities: assignments, worksheets, occurrences, drafts, entries, comments, goals, fear ladder"
    ).check()
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("code.secret").inner_text()
    assert secret.startswith("co_")
    axe_check(page, "api-01-token-created")
    answer = page.request.get("/api/v1/me/today", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200
    page.reload()
    expect(page.locator("code.secret")).to_have_count(0)
    expect(page.get_by_text("My phone app")).to_be_visible()


def test_an_admin_adds_a_webhook_and_reads_its_log(live_server, new_page, personas, axe_check):
    """The webhooks page at a laptop's width: add an endpoint, copy its secret once, open its log, turn it off."""
    from carryover.homework.tests.test_browser_homework import sign_in

    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, personas.admin.email, code=True)
    page.goto("/practice/")
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_label("Receiver address").fill("http://127.0.0.1:9/hooks")
    page.get_by_label("alert.raised").check()
    page.get_by_role("button", name="Add endpoint").click()
    assert page.locator("code.secret").inner_text().startswith("whsec_")
    axe_check(page, "api-02-webhook-added")
    page.get_by_role("link", name="Delivery log").click()
    expect(page.get_by_text("Nothing has been sent to this endpoint yet.")).to_be_visible()
    axe_check(page, "api-03-webhook-log")
    page.get_by_role("link", name="All endpoints").click()
    page.get_by_role("button", name="Turn off").click()
    expect(page.get_by_text("No endpoints yet.")).to_be_visible()
