"""Sign-in limits behind a proxy: each person is counted at their own address (the proxy's X-Forwarded-For hop is
trusted in production), the network limit says so, and nobody's failures elsewhere lock a clinician out of the
browser she has signed in on before (docs/security.md, "Sign-in limits")."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from carryover.accounts.adapter import DEVICE_COOKIE
from carryover.conftest import PASSWORD, totp_code
from carryover.lib.tests.test_platform import SOUND, run_python
from carryover.reminders.tests.conftest import run_worker

PROXY = "10.0.0.5"  # every request reaches the app from the TLS proxy
LOCKED_EMAIL = b"signing in is paused for 15 minutes"
LOCKED_NETWORK = b"Too many unsuccessful sign-in attempts from your network"


@pytest.fixture
def behind_a_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # what production sets by default (see the config test below)


def browser(ip: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ip)


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def sign_out(client: Client) -> None:
    # As a person does: the session ends, the browser keeps its other cookies (Client.logout() would drop them all).
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def sign_in_fully(client: Client, user) -> None:
    response = sign_in(client, user.email)
    if response.url == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.slow  # five Python processes
def test_production_trusts_one_proxy_hop_unless_told_otherwise():
    env = dict(SOUND, CARRYOVER_ENV="production")
    show = "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    code = "import django; django.setup(); from django.conf import settings as s; " + show
    assert run_python(code, **env).stdout.split() == ["1", "None"]
    assert run_python(code, **env, TRUSTED_PROXY_COUNT="2").stdout.split() == ["2", "None"]
    assert run_python(code, **env, TRUSTED_CLIENT_IP_HEADER="X-Real-IP").stdout.split() == ["1", "X-Real-IP"]
    assert run_python(code).stdout.split() == ["0", "None"]  # no proxy in dev
    refused = run_python(code, TRUSTED_PROXY_COUNT="one")
    assert refused.returncode != 0 and "TRUSTED_PROXY_COUNT must be a whole number" in refused.stderr


def test_one_address_guessing_does_not_lock_out_everyone_behind_the_proxy(client, personas, behind_a_proxy):
    attacker = browser("203.0.113.7")
    for i in range(10):
        assert b"not correct" in sign_in(attacker, f"random{i}@example.test", "wrong password here").content
    answer = sign_in(attacker, personas.bob.email)
    assert LOCKED_NETWORK in answer.content and LOCKED_EMAIL not in answer.content  # says which limit, truly
    assert "_auth_user_id" not in attacker.session
    bob = browser("198.51.100.9")  # someone else, through the same proxy
    assert sign_in(bob, personas.bob.email).status_code == 302 and "_auth_user_id" in bob.session


def test_the_network_limit_lasts_a_minute(client, personas, behind_a_proxy, time_machine):
    time_machine.move_to("2026-03-02 09:00 +00:00", tick=False)
    attacker = browser("203.0.113.7")
    for i in range(10):
        sign_in(attacker, f"random{i}@example.test", "wrong password here")
    assert LOCKED_NETWORK in sign_in(attacker, personas.bob.email).content
    time_machine.shift(61)
    assert sign_in(attacker, personas.bob.email).status_code == 302


def test_strangers_failures_never_lock_a_clinician_out_of_her_own_browser(personas, behind_a_proxy, time_machine):
    time_machine.move_to("2026-03-02 09:00 +00:00", tick=False)
    alice = browser("198.51.100.20")
    sign_in_fully(alice, personas.alice)
    assert alice.cookies[DEVICE_COOKIE]["httponly"]
    sign_out(alice)  # her session ends (or times out); the device cookie stays

    for attacker_ip in ("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5"):
        sign_in(browser(attacker_ip), personas.alice.email, "wrong password here")
    new_device = browser("198.51.100.21")
    assert LOCKED_EMAIL in sign_in(new_device, personas.alice.email).content  # the address is locked elsewhere…

    time_machine.shift(31)  # (a TOTP code cannot be used twice)
    sign_in_fully(alice, personas.alice)  # …but not on the browser she has signed in on: password, then TOTP
    assert alice.get(reverse("caseload")).status_code == 200


def test_a_trusted_browser_still_counts_its_own_failures(personas, behind_a_proxy):
    alice = browser("198.51.100.20")
    sign_in_fully(alice, personas.alice)
    sign_out(alice)
    for _ in range(5):
        assert b"not correct" in sign_in(alice, personas.alice.email, "wrong password here").content
    assert LOCKED_EMAIL in sign_in(alice, personas.alice.email).content
    assert sign_in(browser("198.51.100.21"), personas.alice.email).status_code == 302  # not a lock for everyone


def test_a_device_cookie_for_one_address_or_forged_counts_for_nothing(personas, behind_a_proxy):
    bob = browser("198.51.100.30")
    sign_in_fully(bob, personas.bob)
    sign_out(bob)
    for _ in range(5):
        sign_in(browser("203.0.113.9"), personas.alice.email, "wrong password here")
    assert LOCKED_EMAIL in sign_in(bob, personas.alice.email).content  # vouches for Bob's address only
    forged = browser("198.51.100.31")
    forged.cookies[DEVICE_COOKIE] = re.sub(r":[^:]+:", ":forged:", bob.cookies[DEVICE_COOKIE].value, count=1)
    assert LOCKED_EMAIL in sign_in(forged, personas.alice.email).content


def test_a_password_reset_lifts_the_lock_everywhere(personas, behind_a_proxy, mailoutbox):
    alice = browser("198.51.100.20")
    sign_in_fully(alice, personas.alice)
    sign_out(alice)
    for _ in range(5):
        sign_in(browser("203.0.113.9"), personas.alice.email, "wrong password here")
    alice.post(reverse("account_reset_password"), {"email": personas.alice.email})
    run_worker()
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", mailoutbox[-1].body).group(0)
    form = alice.get(link, follow=True).request["PATH_INFO"]
    new = "a brand new passphrase for alice"
    assert alice.post(form, {"password1": new, "password2": new}).status_code == 302
    assert sign_in(browser("198.51.100.21"), personas.alice.email, new).url == reverse("mfa_authenticate")
