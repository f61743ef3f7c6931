"""The first journey through a real browser: an admin invites a therapist, the therapist sets up two-factor
sign-in and invites a client, the client joins on a phone, and both land on their home pages.

Every page visited is screenshotted to test-artifacts/screenshots/ and scanned by axe-core (see
carryover/browser_fixtures.py).
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from carryover.accounts.models import Role
from carryover.accounts.services import practice_create
from carryover.conftest import PASSWORD, make_person, totp_code

pytestmark = pytest.mark.browser

INVITE_LINK = re.compile(r"https?://\S+?(/invite/[^/\s]+/)")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def fresh_totp_code(secret: str | None = None) -> str:
    """A code that stays valid until the server checks it: allauth accepts only the current 30-second window,
    so near the end of one we wait (at most a few seconds) for the next."""
    left = 30 - time.time() % 30
    if left < 4:
        time.sleep(left + 0.1)
    return totp_code(secret) if secret else totp_code()


def invitation_path(email: str) -> str:
    """The path of the newest invitation link emailed to `email` (the email's host is the configured
    SITE_URL, not the test server). Runs the task worker first: the email is sent in the background."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    sent = [message for message in mail.outbox if email in message.to]
    assert sent, f"no email to {email}; outbox: {[m.to for m in mail.outbox]}"
    found = INVITE_LINK.search(sent[-1].body)
    assert found, sent[-1].body
    return found.group(1)


def test_admin_invites_therapist_who_invites_client(live_server, new_page, axe_check):
    practice = practice_create(name="Riverside Therapy", country="US")
    make_person(practice, "admin@riverside.test", "Ada Admin", Role.ADMIN)

    # The admin signs in with a password and an authenticator code.
    admin = new_page()
    admin.goto("/accounts/login/")
    axe_check(admin, "01-login")
    admin.get_by_label("Email").fill("admin@riverside.test")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    expect(admin).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    axe_check(admin, "02-two-factor-code")
    admin.locator("[name=code]").fill(fresh_totp_code())
    admin.get_by_role("button", name="Sign in").click()
    expect(admin).to_have_url(re.compile(r"/practice/$"))
    axe_check(admin, "03-admin-practice")

    # ... and invites a therapist.
    admin.goto("/practice/invite/")
    axe_check(admin, "04-admin-invite-therapist")
    admin.locator("[name=name]").fill("Theo Therapist")
    admin.locator("[name=email]").fill("theo@riverside.test")
    admin.locator("[name=role]").select_option("therapist")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin).to_have_url(re.compile(r"/practice/$"))
    expect(admin.get_by_role("status")).to_contain_text("Invitation to theo@riverside.test created")
    axe_check(admin, "05-admin-invitation-sent")
    therapist_link = invitation_path("theo@riverside.test")

    # The therapist accepts in a browser of their own.
    therapist = new_page(timezone_id="America/New_York")
    therapist.goto(therapist_link)
    expect(therapist.get_by_role("heading", level=1)).to_have_text("Welcome to Carryover")
    axe_check(therapist, "06-therapist-accept")
    expect(therapist.locator("[name=name]")).to_have_value("Theo Therapist")
    therapist.locator("[name=password]").fill(PASSWORD)
    therapist.locator("[name=time_zone]").select_option("America/New_York")
    therapist.locator("[name=consent]").check()
    therapist.get_by_role("button", name="Create my account").click()

    # Before any client data: two-factor sign-in.
    expect(therapist).to_have_url(re.compile(r"/account/two-factor-required/$"))
    axe_check(therapist, "07-therapist-two-factor-required")
    therapist.get_by_role("link", name="Set up an authenticator app").click()
    expect(therapist).to_have_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
    if "/reauthenticate/" in therapist.url:
        # Joining signed them in without allauth's own login flow, so allauth asks for the password again.
        axe_check(therapist, "08-therapist-reauthenticate")
        therapist.locator("[name=password]").fill(PASSWORD)
        therapist.locator("[name=password]").press("Enter")
    expect(therapist).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    axe_check(therapist, "09-therapist-activate-totp")
    secret = therapist.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    therapist.locator("[name=code]").fill(fresh_totp_code(secret))
    therapist.get_by_role("button", name="Activate").click()
    expect(therapist).not_to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    if "/recovery-codes/" in therapist.url:
        axe_check(therapist, "10-therapist-recovery-codes")

    # The therapist invites a client from the caseload.
    therapist.goto("/caseload/")
    expect(therapist.get_by_role("heading", level=1)).to_have_text("Caseload")
    axe_check(therapist, "11-therapist-caseload-empty")
    therapist.get_by_role("link", name="Invite a client").click()
    expect(therapist).to_have_url(re.compile(r"/clients/invite/$"))
    axe_check(therapist, "12-therapist-invite-client")
    therapist.locator("[name=name]").fill("Casey Client")
    therapist.locator("[name=email]").fill("casey@example.test")
    therapist.get_by_role("button", name="Send invitation").click()
    expect(therapist).to_have_url(re.compile(r"/caseload/$"))
    expect(therapist.get_by_role("status")).to_contain_text("Invitation to casey@example.test created")
    axe_check(therapist, "13-therapist-client-invited")
    client_link = invitation_path("casey@example.test")

    # The client joins on a phone; the time zone is guessed from the phone's.
    client = new_page(timezone_id="America/Chicago", **PHONE)
    client.goto(client_link)
    expect(client.get_by_role("heading", level=1)).to_have_text("Welcome to Carryover")
    expect(client.locator("[name=time_zone]")).to_have_value("America/Chicago")
    axe_check(client, "14-client-accept-phone")
    client.locator("[name=password]").fill(PASSWORD)
    client.locator("[name=consent]").check()
    client.get_by_role("button", name="Create my account").click()
    expect(client).to_have_url(re.compile(r"/today/$"))
    expect(client.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello\b.*\bCasey\b"))
    axe_check(client, "15-client-home-phone")

    # The therapist sees the new client on the caseload.
    therapist.reload()
    expect(therapist).to_have_url(re.compile(r"/caseload/$"))
    expect(therapist.get_by_role("main").get_by_role("link", name=re.compile(r"^Casey\b"))).to_be_visible()
    axe_check(therapist, "16-therapist-caseload-with-client")
    assert urlsplit(therapist.url).netloc == urlsplit(live_server.url).netloc
