from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carryover.conftest import PASSWORD, totp_code

SAME_ORIGIN = {"Origin": "http://testserver"}  # what a browser sends with a form posted from one of our pages


def signed_in_client(client, user):
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    return client


def test_client_is_signed_out_after_30_idle_minutes(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        signed_in_client(client, personas.bob)
        clock.shift(timedelta(minutes=29))
        assert client.get(reverse("client_home")).status_code == 200  # activity resets the clock
        clock.shift(timedelta(minutes=29, seconds=59))
        assert client.get(reverse("client_home")).status_code == 200
        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get(reverse("client_home"))
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
        assert "next=%2Ftoday%2F" in response.url
        page = client.get(response.url)
        assert b"signed out after 30 minutes without activity" in page.content
        assert "_auth_user_id" not in client.session


def test_clinicians_are_signed_out_after_15_idle_minutes(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(personas.alice)
        assert client.get(reverse("caseload")).status_code == 200
        clock.shift(timedelta(minutes=14, seconds=59))
        assert client.get(reverse("caseload")).status_code == 200
        clock.shift(timedelta(minutes=15, seconds=1))
        response = client.get(reverse("caseload"))
        assert response.url.startswith(reverse("account_login"))


def test_sessions_end_after_12_hours_even_when_active(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(personas.bob)
        for _ in range(12 * 4 + 1):  # one more step passes the 12-hour mark
            clock.shift(timedelta(minutes=15))
            response = client.get(reverse("client_home"))
        assert response.status_code == 302
        assert b"after 12 hours" in client.get(response.url).content


def test_idle_warning_is_configured_on_every_signed_in_page(client, personas):
    client.force_login(personas.alice)
    page = client.get(reverse("caseload")).content
    assert b'data-idle-seconds="900"' in page and b'data-idle-warning-seconds="120"' in page
    client.force_login(personas.bob)
    assert b'data-idle-seconds="1800"' in client.get(reverse("client_home")).content


def test_stay_signed_in_ping_keeps_the_session(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(personas.alice)
        client.get(reverse("caseload"))
        clock.shift(timedelta(minutes=14))
        assert client.post(reverse("session_ping")).status_code == 204
        clock.shift(timedelta(minutes=14))
        assert client.get(reverse("caseload")).status_code == 200


def test_htmx_requests_after_timeout_redirect_the_whole_page(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(personas.bob)
        client.get(reverse("client_home"))
        clock.shift(timedelta(minutes=31))
        response = client.get(reverse("client_home"), headers={"HX-Request": "true"})
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith(reverse("account_login"))


def test_logout_invalidates_the_session_server_side(client, personas):
    client.force_login(personas.bob)
    cookie = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))
    client.cookies["sessionid"] = cookie  # replay the old cookie
    assert client.get(reverse("client_home")).status_code == 302


def test_signed_in_pages_are_not_cached(client, personas):
    client.force_login(personas.bob)
    assert client.get(reverse("client_home"))["Cache-Control"] == "no-store"


def test_form_sent_after_idle_timeout_keeps_what_was_typed(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post("/accounts/login/", {"login": personas.alice.email, "password": PASSWORD})
        client.post(reverse("mfa_authenticate"), {"code": totp_code()})
        assert client.get(reverse("invite_client")).status_code == 200
        clock.shift(timedelta(minutes=16))
        typed = {"email": "typed@example.test", "name": "Typed Name"}
        response = client.post(reverse("invite_client"), typed, headers=SAME_ORIGIN)
        assert response.url == reverse("account_login") + "?next=%2Fclients%2Finvite%2F"
        assert b"What you typed has been kept" in client.get(response.url).content
        response = client.post(response.url, {"login": personas.alice.email, "password": PASSWORD})
        clock.shift(timedelta(seconds=31))
        response = client.post(response.url, {"code": totp_code()}, follow=True)
        assert response.request["PATH_INFO"] == reverse("invite_client")
        assert b'value="typed@example.test"' in response.content and b'value="Typed Name"' in response.content
        assert b"typed@example.test" not in client.get(reverse("invite_client")).content  # used once


def test_expired_csrf_token_keeps_what_was_typed(personas):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.bob)
    typed = {"name": "Robert", "time_zone": "Asia/Tokyo", "password": "x"}
    response = browser.post(reverse("profile"), typed, headers=SAME_ORIGIN)
    assert response.status_code == 302 and response.url == reverse("profile")
    page = browser.get(reverse("profile")).content.decode()
    assert "that form had expired" in page
    assert 'value="Robert"' in page and '<option value="Asia/Tokyo" selected>' in page


def test_the_phone_refreshing_its_offline_copies_is_not_activity_and_spends_no_message(client, personas):
    """The service worker fetches pages to keep for offline use (`X-Carryover-Offline: keep`) in the background:
    that must not hold off the idle sign-out, and once the session is idle it is refused without signing out, so
    the person's own next page signs them out and tells them why (the message was once spent on a background fetch
    nobody read, caught by a browser test)."""
    keep = {"HTTP_X_CARRYOVER_OFFLINE": "keep"}
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(personas.bob)
        assert client.get(reverse("client_home")).status_code == 200
        clock.shift(timedelta(minutes=20))
        assert client.get(reverse("client_home"), **keep).status_code == 200  # kept, but not activity
        clock.shift(timedelta(minutes=11))  # 31 minutes since Bob's own last page
        assert client.get(reverse("help"), **keep).status_code == 401
        assert client.get("/sw.js", HTTP_SERVICE_WORKER="script").status_code == 401  # the browser's update check
        assert "_auth_user_id" in client.session  # nothing signed out, no message spent
        assert client.post(reverse("session_ping")).status_code == 302  # "Stay signed in", too late: signed out
        assert "_auth_user_id" not in client.session
        # The worker's refreshes still under way are refused, not sent to the sign-in page, which would spend its
        # message (a browser test caught this one in CI too).
        assert client.get(reverse("client_home"), **keep).status_code == 401
        assert client.get("/sw.js", HTTP_SERVICE_WORKER="script").status_code == 200  # renders no message
        page = client.get(reverse("client_home"), follow=True)
    assert b"signed out after 30 minutes without activity" in page.content


def test_a_background_request_on_the_ended_sessions_cookie_leaves_the_new_one(client, personas):
    """The worker's request may still carry the cookie of the session "Stay signed in" just ended: Django would
    answer it by deleting the cookie, and that could reach the browser after the new session's cookie, losing the
    sign-in page's message (a browser test caught it). Background requests leave the session cookie alone."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(personas.bob)
        assert client.get(reverse("client_home")).status_code == 200
        ended = client.cookies["sessionid"].value
        clock.shift(timedelta(minutes=31))
        assert client.post(reverse("session_ping")).status_code == 302  # signed out, the reason kept for the page
        assert client.cookies["sessionid"].value != ended
        worker = Client()
        worker.cookies["sessionid"] = ended
        for url, headers in [("/sw.js", {"Service-Worker": "script"}), ("/today/", {"X-Carryover-Offline": "keep"})]:
            assert "sessionid" not in worker.get(url, headers=headers).cookies, url
        page = client.get(reverse("client_home"), follow=True)
    assert b"signed out after 30 minutes without activity" in page.content


def test_a_page_kept_by_the_worker_leaves_the_flash_message_for_the_persons_next_page(client, personas):
    """The worker refreshing its copies while a message waits (a setting just saved) must not spend it: the copy
    shows no message, and the person's own next page does."""
    client.force_login(personas.bob)
    saved = client.post(reverse("profile_display"), {"theme": "dark", "text_size": "larger"})
    assert saved.status_code == 302
    kept = client.get(reverse("client_home"), headers={"X-Carryover-Offline": "keep"})
    assert kept.status_code == 200 and b"Pages now look the way you chose" not in kept.content
    assert b"Pages now look the way you chose" in client.get(saved.url).content


def test_a_spanish_client_is_told_in_spanish_why_they_were_signed_out(client, personas):
    from carryover.conftest import reading_in

    with reading_in(personas.bob, "es"), time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(personas.bob)
        assert client.get(reverse("client_home")).status_code == 200
        clock.shift(timedelta(minutes=31))
        page = client.get(reverse("client_home"), follow=True, HTTP_ACCEPT_LANGUAGE="es")
    assert "cerramos su sesión después de 30 minutos sin actividad".encode() in page.content
