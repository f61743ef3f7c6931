"""How pages look (issue 17): a theme and a text size chosen on the account page, kept on the account and set on
every page's <html>, where app.css picks them up."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from carryover.accounts.models import TextSize, Theme

pytestmark = pytest.mark.django_db


def html_tag(client: Client, path: str = "/profile/") -> str:
    match = re.search(r"<html[^>]*>", client.get(path).content.decode())
    assert match
    return match.group(0)


def test_a_client_chooses_dark_and_larger_text_and_every_page_follows(personas):
    browser = Client()
    browser.force_login(personas.bob)
    assert 'data-theme="system" data-text-size="standard"' in html_tag(browser)  # the defaults

    response = browser.post("/profile/display/", {"theme": "dark", "text_size": "larger"}, follow=True)
    assert "Pages now look the way you chose" in response.content.decode()
    personas.bob.refresh_from_db()
    assert (personas.bob.theme, personas.bob.text_size) == (Theme.DARK, TextSize.LARGER)
    assert 'data-theme="dark" data-text-size="larger"' in html_tag(browser, "/today/")
    page = browser.get("/profile/").content.decode()
    assert re.search(r'<input type="radio" name="theme" value="dark"[^>]* checked', page)


@pytest.mark.parametrize("body", [{"theme": "neon", "text_size": "large"}, {"theme": "dark"}, {}])
def test_a_choice_not_offered_changes_nothing_and_says_so(personas, body):
    browser = Client()
    browser.force_login(personas.erin)
    response = browser.post("/profile/display/", body, follow=True)
    assert response.status_code == 200
    assert "Please choose one of the colours and one of the text sizes shown" in response.content.decode()
    personas.erin.refresh_from_db()
    assert (personas.erin.theme, personas.erin.text_size) == (Theme.SYSTEM, TextSize.STANDARD)


def test_signed_out_pages_follow_the_device():
    assert "data-theme" not in html_tag(Client(), "/help/")
