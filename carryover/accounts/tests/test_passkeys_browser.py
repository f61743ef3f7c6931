"""Passkeys in a real browser: Chromium's virtual authenticator (DevTools `WebAuthn` domain) stands in for a phone's
fingerprint reader, and allauth's WebAuthn script runs under the site's Content-Security-Policy.

A clinician adds a passkey and signs in with password + passkey; a client adds a passkey and signs in without a
password. The live server is http://localhost, which browsers (and fido2) accept as a secure origin.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from carryover.accounts.models import Role
from carryover.accounts.services import practice_create
from carryover.conftest import PASSWORD, make_person

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def with_virtual_authenticator(page: Any) -> Any:
    """A platform authenticator that holds passkeys and verifies the person (a fingerprint, say) at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    authenticator_id = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    return cdp, authenticator_id


def sign_in_with_password(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def confirm_password_if_asked(page: Any, axe_check: Any, name: str) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/(reauthenticate|2fa/webauthn/add)/"))
    if "/reauthenticate/" in page.url:
        axe_check(page, name)
        page.locator("[name=password]").fill(PASSWORD)
        page.locator("[name=password]").press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/$"))


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/(login|logout)/"))
    if "/logout/" in page.url:
        page.get_by_role("button", name="Sign out").click()


def test_clinician_adds_a_passkey_and_signs_in_with_password_and_passkey(live_server, new_page, axe_check):
    practice = practice_create(name="Riverside Therapy", country="US")
    theo = make_person(practice, "theo@riverside.test", "Theo Therapist", Role.THERAPIST, mfa=False)
    page = new_page()
    cdp, authenticator_id = with_virtual_authenticator(page)

    sign_in_with_password(page, theo.email)
    page.goto("/caseload/")
    expect(page).to_have_url(re.compile(r"/account/two-factor-required/$"))
    axe_check(page, "passkey-01-clinician-two-factor-required")
    page.get_by_role("link", name="Add a passkey").click()
    confirm_password_if_asked(page, axe_check, "passkey-02-clinician-confirm-password")
    axe_check(page, "passkey-03-clinician-add-passkey")
    page.get_by_label("Name for this passkey").fill("Work laptop")
    page.get_by_role("button", name="Add passkey").click()
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/$"))
    passkey = Authenticator.objects.get(user=theo, type=Authenticator.Type.WEBAUTHN)
    assert passkey.data["name"] == "Work laptop"
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]) == 1

    page.goto("/caseload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    sign_out(page)

    sign_in_with_password(page, theo.email)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    axe_check(page, "passkey-04-clinician-second-step")
    page.get_by_role("button", name="Use my passkey").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.goto("/caseload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None


def test_client_adds_a_passkey_and_signs_in_without_a_password(live_server, new_page, axe_check):
    practice = practice_create(name="Riverside Therapy", country="US")
    casey = make_person(practice, "casey@example.test", "Casey Client", Role.CLIENT)
    page = new_page(**PHONE)
    with_virtual_authenticator(page)

    sign_in_with_password(page, casey.email)
    expect(page).to_have_url(re.compile(r"/today/$"))
    page.goto("/accounts/2fa/webauthn/add/")
    confirm_password_if_asked(page, axe_check, "passkey-05-client-confirm-password")
    page.get_by_label("Also let me sign in with just this passkey").check()
    axe_check(page, "passkey-06-client-add-passkey")
    page.get_by_role("button", name="Add passkey").click()
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/$"))
    assert Authenticator.objects.get(user=casey, type=Authenticator.Type.WEBAUTHN).wrap().is_passwordless
    page.goto("/accounts/2fa/")
    expect(page.get_by_role("main")).to_contain_text("You have 1 passkey.")
    axe_check(page, "passkey-07-client-sign-in-security")
    sign_out(page)

    page.goto("/accounts/login/")
    axe_check(page, "passkey-08-login-with-passkey-button")
    page.get_by_role("button", name="Use a passkey instead of a password").click()
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello\b.*\bCasey\b"))


def test_a_cancelled_passkey_prompt_says_so_on_the_page(live_server, new_page):
    page = new_page()
    cdp, authenticator_id = with_virtual_authenticator(page)
    # The person dismisses the fingerprint prompt: the authenticator refuses to verify them.
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": authenticator_id, "isUserVerified": False})
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Use a passkey instead of a password").click()
    expect(page.get_by_role("alert")).to_contain_text("You can try again, or use your password.")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
