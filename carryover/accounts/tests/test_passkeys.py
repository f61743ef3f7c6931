"""Passkeys (issue 11): a clinician's second factor beside the authenticator app, and a password-free sign-in a
client can choose. allauth and fido2 verify every ceremony for real against `SoftPasskey` (passkey_device.py).
"""

from __future__ import annotations

import json

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from carryover.accounts.models import Role
from carryover.conftest import PASSWORD, make_person

from .passkey_device import SoftPasskey, js_data

LOGIN = "/accounts/login/"
AJAX = {"HTTP_ACCEPT": "application/json"}  # how allauth's script asks for the sign-in challenge


def sign_in(client, email: str):
    return client.post(LOGIN, {"login": email, "password": PASSWORD})


def confirm_password(client):
    """allauth asks for the password again before any change to how one signs in."""
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302


def add_passkey(client, device: SoftPasskey, *, passwordless: bool, name: str = "My phone"):
    """The add-passkey page, answered by `device`, as allauth's script posts it."""
    confirm_password(client)
    page = client.get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200, page
    credential = device.create(js_data(page.content)["creation_options"], discoverable=passwordless)
    form = {"name": name, "credential": json.dumps(credential)}
    if passwordless:
        form["passwordless"] = "on"
    return client.post(reverse("mfa_add_webauthn"), form)


def passkey_sign_in(client, device: SoftPasskey):
    options = client.get(reverse("mfa_login_webauthn"), **AJAX).json()["request_options"]
    return client.post(reverse("mfa_login_webauthn"), {"credential": json.dumps(device.get(options))})


def signed_in_as(client):
    return client.get(reverse("profile")).wsgi_request.user


@pytest.fixture
def newcomer(personas):
    """A therapist who has not set up any second factor yet."""
    return make_person(personas.practice, "nina@harbour.test", "Nina Newcomer", Role.THERAPIST, mfa=False)


def test_a_passkey_alone_satisfies_the_clinicians_second_factor(client, personas, newcomer):
    assert sign_in(client, newcomer.email).url == reverse("home")  # no second factor yet: nothing to ask for
    assert client.get(reverse("caseload")).url == reverse("mfa_required")
    page = client.get(reverse("mfa_required"))
    assert reverse("mfa_add_webauthn").encode() in page.content and b"Add a passkey" in page.content

    response = add_passkey(client, SoftPasskey(), passwordless=False)
    assert response.status_code == 302
    assert client.get(reverse("caseload")).status_code == 200
    assert not Authenticator.objects.filter(user=newcomer, type=Authenticator.Type.TOTP).exists()


def test_clinician_signs_in_with_password_then_passkey(client, personas, newcomer):
    device = SoftPasskey()
    sign_in(client, newcomer.email)
    add_passkey(client, device, passwordless=False)
    client.logout()

    response = sign_in(client, newcomer.email)
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("caseload")).status_code == 302  # the password alone opens nothing
    page = client.get(reverse("mfa_authenticate"))
    assert b"Use my passkey" in page.content
    credential = device.get(js_data(page.content)["request_options"])
    response = client.post(reverse("mfa_authenticate"), {"credential": json.dumps(credential)})
    assert response.status_code == 302
    assert client.get(reverse("caseload")).status_code == 200


def test_the_second_step_offers_the_passkey_only_to_those_who_have_one(client, personas):
    sign_in(client, personas.alice.email)  # authenticator app only
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200 and b"Use my passkey" not in page.content
    assert b'name="code"' in page.content


def test_a_passkey_from_another_site_is_refused(client, personas, newcomer):
    """A look-alike site that relays the challenge gets a credential bound to its own origin: fido2 refuses it."""
    sign_in(client, newcomer.email)
    response = add_passkey(client, SoftPasskey(origin="https://carryover.evil.example"), passwordless=False)
    assert response.status_code == 200 and b"Incorrect code" in response.content
    assert not Authenticator.objects.filter(user=newcomer, type=Authenticator.Type.WEBAUTHN).exists()
    assert client.get(reverse("caseload")).url == reverse("mfa_required")


def test_client_chooses_password_free_sign_in(client, personas):
    device = SoftPasskey()
    sign_in(client, personas.bob.email)
    assert add_passkey(client, device, passwordless=True).status_code == 302
    client.logout()

    response = passkey_sign_in(client, device)
    assert response.status_code == 302
    assert signed_in_as(client) == personas.bob
    assert client.get(reverse("client_home")).status_code == 200
    page = client.get(reverse("mfa_index")).content.decode()
    assert "You have 1 passkey." in page and "10 of 10 are unused" in page


def test_an_unnamed_passkey_gets_a_plain_numbered_name(client, personas):
    sign_in(client, personas.bob.email)
    add_passkey(client, SoftPasskey(), passwordless=True, name="")
    assert b'value="Passkey 2"' in client.get(reverse("mfa_add_webauthn")).content
    assert Authenticator.objects.get(user=personas.bob, type=Authenticator.Type.WEBAUTHN).data["name"] == "Passkey 1"


def test_a_clinicians_password_free_passkey_counts_as_both_factors(client, personas, newcomer):
    """A passkey sign-in always has the device verify the person (fingerprint, face or PIN) on top of holding the
    key: two factors, phishing-resistant. So a clinician who chooses it reaches client data without a password."""
    device = SoftPasskey()
    sign_in(client, newcomer.email)
    add_passkey(client, device, passwordless=True)
    client.logout()
    assert passkey_sign_in(client, device).status_code == 302
    assert client.get(reverse("caseload")).status_code == 200


def test_password_free_sign_in_requires_the_device_to_verify_the_person(client, personas):
    """A passkey that only proves possession (no fingerprint, face or PIN) is a second factor at most."""
    device = SoftPasskey(user_verified=False)
    sign_in(client, personas.bob.email)
    assert add_passkey(client, device, passwordless=False).status_code == 302
    client.logout()

    response = passkey_sign_in(client, device)
    assert response.url == reverse("account_login")
    assert not signed_in_as(client).is_authenticated


def test_a_signed_passkey_answer_cannot_be_replayed(client, personas):
    device = SoftPasskey()
    sign_in(client, personas.bob.email)
    add_passkey(client, device, passwordless=True)
    client.logout()
    options = client.get(reverse("mfa_login_webauthn"), **AJAX).json()["request_options"]
    answer = json.dumps(device.get(options))
    assert client.post(reverse("mfa_login_webauthn"), {"credential": answer}).status_code == 302
    assert signed_in_as(client) == personas.bob
    client.logout()

    response = client.post(reverse("mfa_login_webauthn"), {"credential": answer}, follow=True)
    assert not response.wsgi_request.user.is_authenticated
    assert b"Incorrect code" in response.content


def test_a_deactivated_account_cannot_sign_in_with_its_passkey(client, personas):
    device = SoftPasskey()
    sign_in(client, personas.bob.email)
    add_passkey(client, device, passwordless=True)
    client.logout()
    personas.bob.is_active = False
    personas.bob.save(update_fields=["is_active"])

    passkey_sign_in(client, device)
    assert not signed_in_as(client).is_authenticated


def test_removing_the_only_passkey_asks_the_clinician_for_a_second_factor_again(client, personas, newcomer):
    sign_in(client, newcomer.email)
    add_passkey(client, SoftPasskey(), passwordless=False)
    passkey = Authenticator.objects.get(user=newcomer, type=Authenticator.Type.WEBAUTHN)
    listing = client.get(reverse("mfa_list_webauthn"))
    assert listing.status_code == 200 and b"My phone" in listing.content
    assert client.post(reverse("mfa_remove_webauthn", kwargs={"pk": passkey.pk})).status_code == 302
    assert client.get(reverse("caseload")).url == reverse("mfa_required")


def test_nobody_can_rename_or_remove_someone_elses_passkey(client, personas):
    sign_in(client, personas.bob.email)
    add_passkey(client, SoftPasskey(), passwordless=True)
    bobs = Authenticator.objects.get(user=personas.bob, type=Authenticator.Type.WEBAUTHN)
    client.logout()
    sign_in(client, personas.erin.email)
    confirm_password(client)
    for name in ("mfa_remove_webauthn", "mfa_edit_webauthn"):
        url = reverse(name, kwargs={"pk": bobs.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "taken"}).status_code == 404
    assert Authenticator.objects.get(pk=bobs.pk).data["name"] == "My phone"


@pytest.mark.parametrize(
    "credential",
    [
        "",
        "not json",
        "[]",
        "{}",
        "5",
        "null",
        '"text"',
        '{"id": "x", "rawId": "y"}',
        json.dumps({"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": []}),
        json.dumps({"response": {"userHandle": "%%%"}}),
    ],
)
def test_garbage_passkey_answers_get_a_clear_refusal(client, personas, newcomer, credential):
    response = client.post(reverse("mfa_login_webauthn"), {"credential": credential})
    assert response.status_code == 302 and response.url == reverse("account_login")
    assert not signed_in_as(client).is_authenticated

    sign_in(client, personas.alice.email)  # the second step
    client.get(reverse("mfa_authenticate"))
    assert client.post(reverse("mfa_authenticate"), {"credential": credential}).status_code == 200
    assert client.get(reverse("caseload")).status_code == 302
    client.logout()

    sign_in(client, newcomer.email)
    confirm_password(client)
    client.get(reverse("mfa_add_webauthn"))
    response = client.post(reverse("mfa_add_webauthn"), {"name": "x" * 500, "credential": credential})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=newcomer).exists()
