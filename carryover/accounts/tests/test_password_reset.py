""" "Forgot password" goes through the task worker like every other email: the request only enqueues the address
typed, so a known and an unknown address take the same path (same queries, same answer); the worker looks it up,
mints the key and emails it, and tries again with a fresh key when the mail server is down."""

# ruff: noqa: F811 (pytest fixtures imported from other test modules are named as test arguments)
from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from carryover.accounts.tasks import password_reset_send
from carryover.conftest import totp_code
from carryover.reminders.tests.conftest import smtp  # noqa: F401 (a fixture: a real SMTP server on loopback)

from .test_invitation_emails import mail_server_down  # noqa: F401 (a fixture)
from .test_invitations import run_worker
from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

UNKNOWN = "nobody@harbour.test"


def ask_for_reset(email: str, ip: str = "127.0.0.1"):
    return Client().post(reverse("account_reset_password"), {"email": email}, REMOTE_ADDR=ip)


def query_shapes(queries) -> list[str]:
    """The SQL run, with values blanked: what a known and an unknown address must have in common."""
    return [re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", query["sql"]) for query in queries]


def reset_link(body: str) -> str:
    return re.search(r"http://\S+/accounts/password/reset/key/\S+/", body).group(0)


def test_known_and_unknown_addresses_take_the_same_path_and_nothing_is_sent_in_the_request(personas, smtp):
    shapes, answers = [], []
    for email, ip in ((personas.bob.email, "127.0.0.2"), (UNKNOWN, "127.0.0.3")):  # each its own rate-limit row
        with CaptureQueriesContext(connection) as queries:
            response = ask_for_reset(email, ip)
        shapes.append(query_shapes(queries.captured_queries))
        answers.append((response.status_code, response.url))
    assert shapes[0] == shapes[1] and answers[0] == answers[1] == (302, reverse("account_reset_password_done"))
    assert smtp.messages == []  # nothing sent inside a request
    rows = DBTaskResult.objects.order_by("enqueued_at")
    assert [row.args_kwargs["args"] for row in rows] == [[personas.bob.email], [UNKNOWN]]

    run_worker()
    to = {message["To"]: message for message in smtp.messages}
    assert sorted(to) == sorted([personas.bob.email, UNKNOWN])
    assert "/password/reset/key/" in to[personas.bob.email].get_payload()
    unknown = to[UNKNOWN].get_payload()
    assert "no Carryover account with this address" in unknown and "/password/reset/key/" not in unknown
    stored = json.dumps(list(DBTaskResult.objects.values()), default=str)
    assert "/password/reset/key/" not in stored  # the key never waits in the task table


def test_the_emailed_link_resets_the_password_and_still_asks_for_the_second_factor(client, personas, smtp):
    ask_for_reset(personas.alice.email)
    run_worker()
    [message] = smtp.messages
    response = client.get(reset_link(message.get_payload()), follow=True)
    new = "another long passphrase for alice"
    response = client.post(response.request["PATH_INFO"], {"password1": new, "password2": new})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session  # not signed in by the reset
    assert sign_in(client, personas.alice.email, new).url == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302


def test_a_deactivated_account_gets_no_link(personas, smtp):
    personas.bob.is_active = False
    personas.bob.save(update_fields=["is_active"])
    ask_for_reset(personas.bob.email)
    run_worker()
    assert "/password/reset/key/" not in smtp.messages[0].get_payload()


def test_mail_server_down_is_retried_with_a_fresh_key_and_sent_once(personas, mail_server_down, caplog):
    caplog.set_level(logging.CRITICAL, logger="carryover.accounts.tasks")
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        assert ask_for_reset(personas.bob.email).status_code == 302  # the page works with the mail server down
        run_worker()
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.run_after.isoformat() == "2026-03-02T09:01:00+00:00"
        assert retry.args_kwargs == {"args": [personas.bob.email], "kwargs": {"attempt": 2}}
        mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        clock.shift(timedelta(minutes=2))
        run_worker()
    assert [m.to for m in mail.outbox] == [[personas.bob.email]] and "/password/reset/key/" in mail.outbox[0].body
    assert password_reset_send.call(UNKNOWN, attempt=5) is True  # the last attempt still sends when it can


def test_unknown_addresses_get_no_email_when_the_site_says_so(personas, settings):
    settings.ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
    assert password_reset_send.call(UNKNOWN) is False and mail.outbox == []
