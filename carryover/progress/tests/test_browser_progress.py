"""Through a real browser on a phone (390×844): the demo client Sam opens My entries from Today, finds a thought
record by a word he wrote, opens it, shares a private entry, and sees on My progress that the peak came down on his
first ladder step. Each page is screenshotted and scanned by axe-core; any CSP complaint fails the test."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from carryover.devtools.tests.browser import chart_image_widths, demo_client_on_phone
from carryover.homework.models import Entry

pytestmark = pytest.mark.browser


def test_the_demo_client_looks_back_at_their_own_work_on_a_phone(live_server, new_page, axe_check):
    phone = demo_client_on_phone(new_page)

    phone.get_by_role("link", name="My entries").click()  # one tap from Today
    expect(phone.get_by_role("heading", level=1)).to_have_text("My entries")
    expect(phone.locator(".chip", has_text="Private").first).to_be_visible()
    axe_check(phone, "progress-01-my-entries")

    phone.get_by_label("Words you wrote").fill("Pharmacist")
    phone.get_by_role("button", name="Search").click()
    expect(phone.get_by_role("heading", name=re.compile(r"entr(y|ies) with those words"))).to_be_visible()
    assert "Pharmacist" not in phone.url and "pharmacist" not in phone.url  # the words never go into an address
    axe_check(phone, "progress-02-search")
    phone.locator("li.entry-row h3 a").first.click()
    expect(phone.get_by_text(re.compile("the pharmacist sighed"))).to_be_visible()
    expect(phone.get_by_text("Hot thought").first).to_be_visible()
    axe_check(phone, "progress-03-entry")

    phone.get_by_role("link", name="← My entries").click()
    private = phone.locator("li.entry-row", has=phone.locator(".chip", has_text="Private")).first
    private.get_by_role("link").click()
    expect(phone.get_by_text("Only you. It still counts as practice.")).to_be_visible()
    entry_id = int(re.search(r"/my/entries/(\d+)/", phone.url).group(1))
    phone.get_by_role("button", name="Share with my therapist").click()
    expect(phone.get_by_role("status")).to_contain_text("Shared. Your therapist can now read this entry.")
    expect(phone.get_by_text("They haven't opened it yet, so you can still make it private.")).to_be_visible()
    assert not Entry.objects.get(pk=entry_id).is_private
    axe_check(phone, "progress-04-shared")

    phone.goto("/today/")
    phone.get_by_role("link", name="My progress").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("My progress")
    step = "“Say good morning to a neighbour and make eye contact”"
    came_down = re.compile(re.escape(step) + r", \d+ practices: the peak came down from \d+ to \d+\.")
    expect(phone.get_by_text(came_down)).to_be_visible()
    expect(phone.get_by_text(re.compile(r"You practised on \d+ days?")).first).to_be_visible()
    widths = chart_image_widths(phone)
    assert widths and all(width > 0 for width in widths), widths
    # Nothing on the page is wider than the phone: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(phone, "progress-05-patterns")
