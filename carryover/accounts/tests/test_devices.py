"""The account page's list of signed-in devices and "Sign out my other devices" (accounts/devices.py)."""

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carryover.accounts.devices import device_label
from carryover.conftest import PASSWORD

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)


def device(user, user_agent: str) -> Client:
    """A browser of its own, signed in through the real sign-in form."""
    browser = Client(headers={"User-Agent": user_agent})
    browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert browser.get(reverse("profile")).status_code == 200
    return browser


def test_the_account_page_lists_each_device_and_marks_this_one(personas):
    phone, laptop = device(personas.bob, PHONE), device(personas.bob, LAPTOP)
    device(personas.erin, IPHONE)  # someone else's device is not Bob's business
    page = phone.get(reverse("profile")).content.decode()
    assert "Chrome on Android" in page and "Firefox on Windows" in page and "Safari on iPhone" not in page
    assert page.count("This device") == 1
    assert page.index("Chrome on Android") < page.index("This device") < page.index("Firefox on Windows")
    page = laptop.get(reverse("profile")).content.decode()
    assert page.index("Firefox on Windows") < page.index("This device") < page.index("Chrome on Android")


def test_signing_out_other_devices_ends_them_and_keeps_this_one(personas):
    phone, laptop, tablet = device(personas.bob, PHONE), device(personas.bob, LAPTOP), device(personas.bob, IPHONE)
    erins = device(personas.erin, PHONE)
    response = phone.post(reverse("sign_out_other_devices"), follow=True)
    assert b"signed out on your other devices" in response.content
    for other in (laptop, tablet):
        response = other.get(reverse("client_home"))  # their next request finds itself signed out
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert phone.get(reverse("client_home")).status_code == 200
    assert erins.get(reverse("client_home")).status_code == 200
    page = phone.get(reverse("profile")).content.decode()
    assert "Firefox on Windows" not in page and "Safari on iPhone" not in page
    assert b"signed in on any other device" in phone.post(reverse("sign_out_other_devices"), follow=True).content


def test_nobody_can_end_someone_elses_sessions(personas):
    bobs = device(personas.bob, PHONE)
    for stranger in (personas.erin, personas.alice, personas.charlie, personas.admin):
        browser = Client()
        browser.force_login(stranger)
        assert browser.post(reverse("sign_out_other_devices")).status_code == 302
    anonymous = Client()
    assert anonymous.post(reverse("sign_out_other_devices")).url.startswith(reverse("account_login"))
    # allauth's own page for this is not served: it sends people to the account page and ends nothing.
    assert anonymous.post("/accounts/sessions/").url == reverse("profile")
    assert bobs.get(reverse("client_home")).status_code == 200


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]


def test_activity_is_written_at_most_once_a_minute(personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        phone = device(personas.bob, PHONE)
        seen = UserSession.objects.get(user=personas.bob).last_seen_at
        for _ in range(3):
            clock.shift(timedelta(seconds=19))
            with CaptureQueriesContext(connection) as queries:
                assert phone.get(reverse("profile")).status_code == 200
            assert writes(queries) == []  # neither the session row nor the device row
        clock.shift(timedelta(seconds=4))  # a minute since the last write
        with CaptureQueriesContext(connection) as queries:
            phone.get(reverse("profile"))
        assert any("django_session" in sql for sql in writes(queries))
        assert UserSession.objects.get(user=personas.bob).last_seen_at == seen + timedelta(seconds=61)


def test_a_device_idle_past_its_limit_is_no_longer_listed(personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        phone = device(personas.bob, PHONE)
        laptop = device(personas.bob, LAPTOP)
        clock.shift(timedelta(minutes=20))
        page = phone.get(reverse("profile")).content.decode()
        assert "Firefox on Windows" in page and "last active 20\xa0minutes ago" in page
        clock.shift(timedelta(minutes=12))  # the laptop's next request would sign it out: it is not "signed in"
        assert "Firefox on Windows" not in phone.get(reverse("profile")).content.decode()
        assert laptop.get(reverse("client_home")).url.startswith(reverse("account_login"))


def test_the_device_list_costs_the_same_queries_for_one_device_or_many(personas, django_assert_max_num_queries):
    phone = device(personas.bob, PHONE)
    with CaptureQueriesContext(connection) as one:
        phone.get(reverse("profile"))
    budget = len(one)  # now: the next request clears the query log
    for user_agent in (LAPTOP, IPHONE, PHONE, LAPTOP):
        device(personas.bob, user_agent)
    with django_assert_max_num_queries(budget):
        assert phone.get(reverse("profile")).content.decode().count("last active") == 5


@pytest.mark.parametrize(
    "user_agent, label",
    [
        (PHONE, "Chrome on Android"),
        (LAPTOP, "Firefox on Windows"),
        (IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge on Mac",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) SamsungBrowser/26.0 Chrome/122.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_devices_are_named_as_people_know_them(user_agent, label):
    assert device_label(user_agent) == label


def test_changing_the_password_ends_the_other_devices_and_lists_only_this_one(personas):
    phone, laptop = device(personas.bob, PHONE), device(personas.bob, LAPTOP)
    new_password = "another long and friendly passphrase"
    response = phone.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    assert laptop.get(reverse("client_home")).url.startswith(reverse("account_login"))
    page = phone.get(reverse("profile")).content.decode()
    assert "Chrome on Android" in page and "Firefox on Windows" not in page
    assert list(UserSession.objects.filter(user=personas.bob).values_list("user_agent", flat=True)) == [PHONE]
