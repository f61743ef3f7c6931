"""Text kept after a time-out or an expired form belongs to whoever typed it (lib/recovery.py, lib/sessions.py).

Issue 11: item 2 (a shared browser), item 3 (a form posted from another website), item 4 (the session table),
item 15 (cookies).
"""

from datetime import timedelta

import time_machine
from django.contrib.sessions.backends.db import SessionStore as PlainDjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carryover.conftest import PASSWORD, totp_code
from carryover.homework.models import Draft, Occurrence
from carryover.homework.tests.conftest import assign

SAME_ORIGIN = {"Origin": "http://testserver"}
OTHER_SITE = {"Origin": "https://evil.example"}


def sign_in(client, user, url="/accounts/login/"):
    response = client.post(url, {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    return response


def time_out_while_typing(client, clock, user, typed: dict):
    """`user` is signed out for inactivity and sends the profile form: what they typed is kept for them."""
    sign_in(client, user)
    client.get(reverse("profile"))
    clock.shift(timedelta(minutes=31))
    response = client.post(reverse("profile"), typed, headers=SAME_ORIGIN)
    assert b"What you typed has been kept" in client.get(response.url).content
    return response.url  # the sign-in page, back to the profile afterwards


def test_the_next_person_to_sign_in_on_a_shared_browser_never_sees_what_was_kept(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        login_url = time_out_while_typing(client, clock, personas.bob, {"name": "Words Bob typed"})
        left_behind = client.session.session_key
        response = sign_in(client, personas.erin, login_url)
        assert response.url == reverse("profile")  # Erin is sent on to the page Bob was on
        assert client.session.session_key != left_behind and "recovered_form" not in client.session  # flushed
        page = client.get(response.url).content.decode()
        assert "Words Bob typed" not in page and 'value="Erin Client"' in page
        client.post(reverse("profile"), {"name": "Erin Client", "time_zone": "Europe/London"})
    personas.erin.refresh_from_db()
    assert personas.erin.name == "Erin Client"


def test_a_clinician_signing_in_with_a_code_after_another_gets_a_clean_session(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post("/accounts/login/", {"login": personas.alice.email, "password": PASSWORD})
        client.post(reverse("mfa_authenticate"), {"code": totp_code()})
        client.get(reverse("invite_client"))
        clock.shift(timedelta(minutes=16))
        typed = {"email": "alices.client@example.test", "name": "Alice's words"}
        login_url = client.post(reverse("invite_client"), typed, headers=SAME_ORIGIN).url
        # Frank, her colleague, signs in on the same computer: the flush must not lose his two-step sign-in.
        response = client.post(login_url, {"login": personas.frank.email, "password": PASSWORD})
        clock.shift(timedelta(seconds=31))  # a fresh code window
        response = client.post(response.url, {"code": totp_code()})
        assert response.url == reverse("invite_client") and client.session["_auth_user_id"] == str(personas.frank.pk)
        page = client.get(response.url).content.decode()
        assert "alices.client@example.test" not in page and "Alice" not in page


def test_kept_text_is_dropped_for_someone_signed_in_by_another_way(client, personas):
    # Accepting an invitation signs the new person in without allauth's sign-in: the text is still only Bob's.
    with time_machine.travel(timezone.now(), tick=False) as clock:
        time_out_while_typing(client, clock, personas.bob, {"name": "Words Bob typed"})
        client.force_login(personas.erin)
        assert "Words Bob typed" not in client.get(reverse("profile")).content.decode()
        sign_in(client, personas.bob)  # and it is gone, not waiting for Bob on this browser
        assert "Words Bob typed" not in client.get(reverse("profile")).content.decode()


def test_kept_text_comes_back_to_its_writer_only_within_two_hours(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        time_out_while_typing(client, clock, personas.bob, {"name": "Within the hour"})
        sign_in(client, personas.bob)
        assert 'value="Within the hour"' in client.get(reverse("profile")).content.decode()

    client.logout()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        time_out_while_typing(client, clock, personas.bob, {"name": "Left too long"})
        clock.shift(timedelta(hours=2, minutes=1))
        sign_in(client, personas.bob)
        assert "Left too long" not in client.get(reverse("profile")).content.decode()


@time_machine.travel("2026-03-02 09:00 +00:00", tick=False)  # a Monday: Bob's first thought record is due
def test_a_form_from_another_website_neither_signs_the_client_out_nor_plants_text(personas):
    assignment = assign(personas.alice, personas.bob)
    url = reverse("occurrence_do", args=[Occurrence.objects.filter(assignment=assignment).first().pk])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.bob)
    assert browser.get(url).status_code == 200
    sessions = Session.objects.count()

    # The other site's auto-submitted form: under SameSite=Lax the browser sends none of our cookies with it.
    planted = {"f-situation": "Text from another website", "go": "next"}
    response = Client(enforce_csrf_checks=True).post(f"{url}?step=0", planted, headers=OTHER_SITE)
    assert response.status_code == 403 and b"This form has expired" in response.content
    assert not response.cookies  # no new session to replace the client's, no message cookie
    browser.cookies.update(response.cookies)  # (the browser would store whatever the answer set)

    # A browser that did send the session cookie along, still from the other site: nothing is kept either.
    response = browser.post(f"{url}?step=0", planted, headers=OTHER_SITE)
    assert response.status_code == 403 and "sessionid" not in response.cookies

    assert Session.objects.count() == sessions
    assert browser.get(url).status_code == 200  # still signed in
    assert "Text from another website" not in str(Draft.objects.get(occurrence__assignment=assignment).raw)
    assert "recovered_form" not in browser.session


def test_an_expired_form_without_a_session_keeps_nothing_and_starts_no_session(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("account_login"), {"login": "someone@example.test"}, headers=SAME_ORIGIN)
    assert response.status_code == 403 and not response.cookies
    assert Session.objects.count() == 0


def raw_session_rows() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_data FROM django_session")
        return [row[0] for row in cursor.fetchall()]


def test_the_session_table_holds_no_readable_text(client, personas):
    canary = "Canary words 4711"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        time_out_while_typing(client, clock, personas.bob, {"name": canary})
        rows = raw_session_rows()
        assert rows and all(canary not in row for row in rows)
        # Django's own reader opens a signed session with SECRET_KEY alone; these need FIELD_ENCRYPTION_KEYS.
        assert all(PlainDjangoStore().decode(row) == {} for row in rows)
        assert any(canary in str(client.session.decode(row)) for row in rows)  # the app itself reads them


def test_messages_that_name_people_are_not_put_in_cookies(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("invite_client"), {"email": "new.person@example.test", "name": "New Person"})
    assert response.status_code == 302 and "messages" not in response.cookies
    assert b"new.person@example.test created" in client.get(response.url).content


def test_the_csrf_cookie_is_not_readable_by_scripts(client, db):
    response = client.get(reverse("account_login"))
    assert response.cookies["csrftoken"]["httponly"] is True
    assert b'<meta name="csrf-token" content="' in response.content  # where htmx and app.js take it from
