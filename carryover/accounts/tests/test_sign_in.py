import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from carryover.accounts.models import User
from carryover.conftest import PASSWORD, totp_code, without_csrf

LOGIN = "/accounts/login/"


def sign_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def test_client_signs_in_with_password_and_lands_home(client, personas):
    response = sign_in(client, personas.bob.email)
    assert response.status_code == 302
    assert client.get(response.url, follow=True).request["PATH_INFO"] == reverse("client_home")


def test_therapist_needs_totp_code_to_finish_signing_in(client, personas):
    response = sign_in(client, personas.alice.email)
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("caseload")).status_code == 302  # not signed in yet
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200 and b"Incorrect code" in response.content
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.get(reverse("caseload")).status_code == 200


def test_totp_code_cannot_be_replayed(client, personas):
    code = totp_code()
    sign_in(client, personas.alice.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.logout()
    sign_in(client, personas.alice.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200 and b"Incorrect code" in response.content


def test_therapist_without_two_factor_sees_no_client_data(client, personas):
    personas.alice.authenticator_set.all().delete()
    client.force_login(personas.alice)
    for url in (reverse("caseload"), reverse("client_detail", args=[personas.bob.pk]), reverse("library")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("mfa_required")
    response = client.get(reverse("mfa_required"))
    assert b"two-factor" in response.content and reverse("mfa_activate_totp").encode() in response.content


def test_admin_without_two_factor_is_sent_to_set_it_up(client, personas):
    personas.admin.authenticator_set.all().delete()
    client.force_login(personas.admin)
    assert client.get(reverse("audit_log")).url == reverse("mfa_required")


def test_lockout_after_five_failures_with_a_clear_message(client, personas):
    for _ in range(5):
        response = sign_in(client, personas.bob.email, "wrong password here")
        assert b"not correct" in response.content
    response = sign_in(client, personas.bob.email)  # even the right password is refused while locked
    assert response.status_code == 200
    assert b"signing in is paused" in response.content
    assert "_auth_user_id" not in client.session


def test_unknown_and_known_emails_get_the_same_answers(client, personas):
    known = sign_in(client, personas.bob.email, "wrong password here")
    unknown = sign_in(client, "nobody@harbour.test", "wrong password here")
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known.content).replace(b"bob@harbour.test", b"X") == without_csrf(unknown.content).replace(
        b"nobody@harbour.test", b"X"
    )
    for _ in range(5):
        sign_in(client, "nobody@harbour.test", "wrong password here")
    assert b"signing in is paused" in sign_in(client, "nobody@harbour.test", "x").content


@pytest.mark.parametrize(
    "password, ok",
    [
        ("short", False),
        ("password123", False),  # common
        ("Seven!7", False),
        ("eight ch", True),
        ("correct horse battery staple " * 4, True),  # long passphrases welcome (>64)
    ],
)
def test_password_policy(client, personas, password, ok):
    client.force_login(personas.bob)
    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": password, "password2": password}
    )
    assert (response.status_code == 302) is ok


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2(db):  # only its own user: each persona would cost an argon2 hash too
    user = User.objects.create_user(email="hash@example.test", password="a fine passphrase")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.password.startswith("argon2$argon2id$")


def test_signup_is_closed(client, db):
    """Accounts come only from invitations: the sign-up page says it is closed and offers no form to fill."""
    data = {"email": "x@example.test", "password1": PASSWORD, "password2": PASSWORD}
    for response in (client.get(reverse("account_signup")), client.post(reverse("account_signup"), data)):
        assertTemplateUsed(response, "account/signup_closed.html")
        assertContains(response, "<h1>Sign Up Closed</h1>", html=True)
        assertNotContains(response, 'name="password1"')
    assert not User.objects.filter(email="x@example.test").exists()


def test_email_change_requires_verifying_the_new_address(client, personas, mailoutbox):
    client.force_login(personas.bob)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "bob.new@harbour.test"})
    assert response.status_code == 302
    assert mailoutbox and mailoutbox[-1].to == ["bob.new@harbour.test"]
    personas.bob.refresh_from_db()
    assert personas.bob.email == "bob@harbour.test"  # unchanged until confirmed
