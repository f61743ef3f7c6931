"""Through a real browser with the network cut (issue 17, "Works with no signal"): the client opens Today and an
activity, fills it in offline, is told it is saved on the phone and will go when online; the crisis lines and the
safety plan open offline; back online, the entry arrives exactly once; someone else signing in on the phone finds
nothing of the last person's, and signing out leaves nothing at all.
The service worker needs a secure context: the live server is on localhost, which counts."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from carryover.accounts.models import Role
from carryover.accounts.services import practice_create
from carryover.accounts.tests.test_browser_journey import PHONE
from carryover.conftest import link, make_person
from carryover.homework import services
from carryover.homework.models import Entry, OfflineSubmission, local_today

from .conftest import assign
from .test_browser_homework import sign_in

pytestmark = pytest.mark.browser
KEPT_PAGES = """async () => {
  const names = (await caches.keys()).filter((name) => name.startsWith("carryover-pages-"));
  if (!names.length || !navigator.serviceWorker.controller) return 0;
  return (await (await caches.open(names[0])).keys()).length;
}"""
SAVED_HERE = "Saved on this phone — will send when you’re online."


OWNER = "document.getElementById('offline').dataset.owner"
KEPT_FOR = "(owner) => CarryoverStore.waiting(owner).then((records) => records.length)"


def someone_else_on_the_same_phone(phone, erin):
    """Bob's session ends without a sign-out (idle, or closed on the server) with answers still on the phone: the
    sign-in page leaves no page of his; his answers stay, sealed, until Erin signs in, and then they go too."""
    bob = phone.evaluate(OWNER)
    phone.evaluate(f"CarryoverStore.keep('/do/0/offline/', {OWNER}, '', {{'f-entry': ['Bob only']}}, {{}}, false)")
    phone.context.clear_cookies()
    phone.goto("/today/")
    expect(phone.get_by_label("Email")).to_be_visible()
    wait_for(lambda: not [n for n in phone.evaluate("caches.keys()") if n.startswith("carryover-pages-")])
    assert phone.evaluate(KEPT_FOR, bob) == 1
    sign_in(phone, erin.email)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Hello, Erin")
    wait_for(lambda: phone.evaluate(KEPT_FOR, bob) == 0)
    assert phone.evaluate(OWNER) != bob


def wait_for(check, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def phone_with_pages_kept(new_page, therapist, client, *, key: str, title: str, pages: int):
    """The client's phone after they opened Today with `title` (the built-in `key`) due today: its worker has kept
    at least `pages` pages, ready for the network to be cut."""
    assign(therapist, client, key=key, title=title, start_date=local_today(client).isoformat())
    phone = new_page(**PHONE)
    sign_in(phone, client.email)
    expect(phone.get_by_text(title).first).to_be_visible()
    wait_for(lambda: phone.evaluate(KEPT_PAGES) >= pages, seconds=15)
    return phone


def test_an_activity_filled_in_offline_arrives_once_and_the_crisis_lines_open_offline(live_server, new_page, axe_check):
    services.builtin_sync()  # an earlier live-server test's flush may have emptied the built-in library
    practice = practice_create(name="Northside Therapy", country="US")
    alice = make_person(practice, "alice@northside.test", "Alice Moreno", Role.THERAPIST)
    bob = make_person(practice, "bob@northside.test", "Bob Client", Role.CLIENT)
    erin = make_person(practice, "erin@northside.test", "Erin Client", Role.CLIENT)
    link(alice, bob)
    link(alice, erin)
    # Today, the journal's four steps (and its first page), the crisis lines and the safety plan: 8 pages kept.
    phone = phone_with_pages_kept(new_page, alice, bob, key="journal", title="Journal on the bus", pages=8)

    phone.context.set_offline(True)
    phone.goto("/today/")
    phone.get_by_role("link", name="Start").first.click()
    phone.get_by_label("What's on your mind?").fill("Wrote this with no signal.")
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_role("status").filter(has_text=SAVED_HERE)).to_be_visible()
    phone.locator("input[name=o-outcome][value=done]").check()
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_role("heading", name="A few quick questions")).to_be_visible()  # "what got in the way" skipped
    phone.get_by_role("button", name="Save").click()
    expect(phone).to_have_url(f"{live_server.url}/today/")
    expect(phone.get_by_role("status").filter(has_text=SAVED_HERE)).to_be_visible()
    expect(phone.get_by_text("Answers saved on this phone").first).to_be_visible()  # on the activity's card
    axe_check(phone, "offline-01-today-saved-on-phone")
    assert not Entry.objects.exists()

    phone.goto("/help/")
    expect(phone.get_by_role("heading", name="Need help now?")).to_be_visible()
    expect(phone.get_by_text("988").first).to_be_visible()
    phone.goto("/safety-plan/")
    expect(phone.get_by_role("heading", name="My safety plan")).to_be_visible()

    phone.context.set_offline(False)
    wait_for(lambda: Entry.objects.exists())
    expect(phone.get_by_role("status").filter(has_text="Sent.")).to_be_visible()
    phone.goto("/today/")  # a second open with nothing left to send: nothing goes twice
    phone.wait_for_load_state("networkidle")
    entry = Entry.objects.get()
    assert entry.answers["entry"] == "Wrote this with no signal." and entry.outcome == "done"
    assert OfflineSubmission.objects.count() == 1

    someone_else_on_the_same_phone(phone, erin)
    # Signing out on a shared phone leaves nothing: no kept pages, no worker, no stored answers.
    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_label("Email")).to_be_visible()
    assert phone.evaluate("caches.keys()") == []
    assert phone.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    assert "carryover-offline" not in phone.evaluate("indexedDB.databases().then((d) => d.map((x) => x.name))")


def test_a_risk_answer_typed_offline_brings_the_crisis_lines_at_once_and_the_alert_on_reconnecting(
    live_server, new_page
):
    """With no signal nobody can be told, and the page must not let the client think otherwise: the crisis lines
    kept on the phone come first the moment the answer is typed, with "saved on this phone"; back online, the
    answers are sent, exactly one alert is raised, and the phone shows the crisis screen."""
    from carryover.measures.models import RiskAlert

    services.builtin_sync()
    practice = practice_create(name="Northside Therapy", country="US")
    alice = make_person(practice, "alice@northside.test", "Alice Moreno", Role.THERAPIST)
    bob = make_person(practice, "bob@northside.test", "Bob Client", Role.CLIENT)
    link(alice, bob)
    phone = phone_with_pages_kept(new_page, alice, bob, key="dbt_diary_card", title="Diary card", pages=5)

    phone.context.set_offline(True)
    phone.goto("/today/")
    phone.get_by_role("link", name="Start").first.click()
    # A click, not check(): the answer takes the page to the crisis lines at once, so there is no radio left for
    # check() to confirm (it then waited out its timeout whenever the page left first).
    phone.locator("input[name=f-urge_self_harm][value='5']").click()
    expect(phone).to_have_url(f"{live_server.url}/help/")
    expect(phone.get_by_role("heading", name="Need help now?")).to_be_visible()
    expect(phone.get_by_role("link", name="Call 988")).to_be_visible()
    expect(phone.get_by_role("status").filter(has_text=SAVED_HERE)).to_be_visible()  # not "your therapist knows"
    assert not RiskAlert.objects.exists()

    phone.context.set_offline(False)
    wait_for(lambda: RiskAlert.objects.exists())
    expect(phone).to_have_url(f"{live_server.url}/support/", timeout=10_000)
    assert RiskAlert.objects.count() == 1 and RiskAlert.objects.get().source == "dbt_urge"


def test_a_questionnaire_answered_offline_brings_the_crisis_lines_at_item_9_and_arrives_once_with_one_alert(
    live_server, new_page
):
    """The PHQ-9 with no signal, one question a screen from the phone's copies: item 9 answered above "Not at all"
    brings the crisis lines kept on the phone at once, saying it is only saved here; finished offline and back
    online, it is scored once, with one alert, and the phone shows the crisis screen."""
    from carryover.measures.models import MeasureResult, RiskAlert
    from carryover.measures.services import measures_sync

    measures_sync()
    practice = practice_create(name="Northside Therapy", country="US")
    alice = make_person(practice, "alice@northside.test", "Alice Moreno", Role.THERAPIST)
    bob = make_person(practice, "bob@northside.test", "Bob Client", Role.CLIENT)
    link(alice, bob)
    # Today, the crisis lines, the safety plan, the questionnaire's page and its ten questions: 14 pages kept.
    phone = phone_with_pages_kept(new_page, alice, bob, key="phq9", title="Mood check", pages=14)

    phone.context.set_offline(True)
    phone.goto("/today/")
    phone.get_by_role("link", name="Start").first.click()
    for item in range(1, 9):
        expect(phone.get_by_text(f"Question {item} of 10")).to_be_visible()
        phone.locator(f"input[name=f-q{item}][value='1']").check()
        phone.get_by_role("button", name="Next").click()
    questionnaire = phone.url.split("?")[0]
    # "Several days". A click, not check(): the page leaves at once, before a check could be confirmed.
    phone.locator("input[name=f-q9][value='1']").click()
    expect(phone).to_have_url(f"{live_server.url}/help/")
    expect(phone.get_by_role("link", name="Call 988")).to_be_visible()
    expect(phone.get_by_role("status").filter(has_text=SAVED_HERE)).to_be_visible()  # not "your therapist knows"
    assert not RiskAlert.objects.exists()

    phone.goto(f"{questionnaire}?step=8")  # back to finish it, still offline: item 9 as it was left
    expect(phone.locator("input[name=f-q9][value='1']")).to_be_checked()
    phone.get_by_role("button", name="Next").click()
    phone.locator("input[name=f-difficulty][value=somewhat]").check()
    phone.get_by_role("button", name="Send to my therapist").click()
    expect(phone).to_have_url(f"{live_server.url}/today/")
    expect(phone.get_by_role("status").filter(has_text=SAVED_HERE)).to_be_visible()
    expect(phone.get_by_text("Answers saved on this phone").first).to_be_visible()  # on the questionnaire's card
    assert not Entry.objects.exists()

    phone.context.set_offline(False)
    wait_for(lambda: MeasureResult.objects.exists())
    expect(phone).to_have_url(f"{live_server.url}/support/", timeout=10_000)
    phone.goto("/today/")  # a second open with nothing left to send: nothing goes twice
    phone.wait_for_load_state("networkidle")
    result = MeasureResult.objects.get()
    assert result.total == 9 and result.risk_value == 1
    assert RiskAlert.objects.count() == 1 and RiskAlert.objects.get().entry == result.entry
    assert Entry.objects.count() == 1
