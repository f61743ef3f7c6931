"""Through a real browser on a 390×844 phone: the demo client's menu (Home, Reminders, Support, Account, Sign out)
is one row, every item whole and visible without scrolling sideways, each still a 44 px touch target; a
therapist's longer menu is one row too (it scrolls sideways rather than wrapping)."""

from __future__ import annotations

import pytest

from carryover.devtools.tests.browser import demo_client_on_phone

pytestmark = pytest.mark.browser

ITEMS = "Array.from(document.querySelectorAll('nav.nav li')).map(li => li.getBoundingClientRect().toJSON())"


def test_the_phone_menu_is_one_row(live_server, new_page):
    phone = demo_client_on_phone(new_page)
    boxes = phone.evaluate(ITEMS)
    assert len(boxes) == 5, boxes
    assert len({round(box["top"]) for box in boxes}) == 1, boxes  # one row: "Sign out" no longer wraps
    assert all(box["height"] >= 44 for box in boxes), boxes
    assert boxes[-1]["right"] <= 390, boxes  # "Sign out" whole on the screen, no sideways scroll needed
    menu = phone.locator("nav.nav ul")
    assert menu.evaluate("ul => ul.scrollWidth <= ul.clientWidth")
    assert phone.get_by_role("button", name="Sign out").is_visible()
    print(f"\nPhone menu at 390 px: items end at {boxes[-1]['right']:.0f} px, {boxes[0]['height']:.0f} px tall")
