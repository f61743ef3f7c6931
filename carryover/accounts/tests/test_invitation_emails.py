"""Invitation emails go out from the task worker: enqueued with the change that causes them, the link minted by
the worker (never stored in the task table), retried when the mail server is down, and nothing sent for an
invitation that was revoked or expired before the worker got to it."""

from __future__ import annotations

import json
import logging
import re
import socket
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from carryover.accounts import services
from carryover.accounts.models import Invitation, InvitationEmail, hash_token
from carryover.accounts.tasks import invitation_send
from carryover.lib.tasks import EMAIL_RETRY_DELAYS as RETRY_DELAYS
from carryover.reminders.tests.conftest import Sink, free_port

from .test_invitations import accept, emailed_token, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "new.client@example.test"


def invite(client, inviter, email=EMAIL):
    client.force_login(inviter)
    response = client.post(reverse("invite_client"), {"email": email, "name": "New Client"})
    assert response.status_code == 302, response.content
    return Invitation.objects.get(email=email)


def invitations_row(client, invitation) -> str:
    page = client.get(reverse("caseload")).content.decode()
    row = re.search(rf"<tr>\s*<td>{re.escape(invitation.email)}.*?</tr>", page, re.S)
    assert row, page
    return row.group(0)


@pytest.fixture
def mail_server_down(settings):
    """The smtp backend pointed at a loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return settings


def test_the_page_answers_before_the_email_and_the_list_says_so(client, personas):
    invitation = invite(client, personas.alice)
    assert mail.outbox == []  # nothing sent in the request
    assert "sending" in invitations_row(client, invitation)
    run_worker()
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    invitation.refresh_from_db()
    assert invitation.email_status == InvitationEmail.SENT and invitation.sent_at is not None
    assert "emailed" in invitations_row(client, invitation)
    assert invitation_send.call(invitation.pk) is False  # a second run of the same task sends nothing more
    assert len(mail.outbox) == 1


def test_a_rolled_back_invitation_sends_nothing(client, personas):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.invitation_create(inviter=personas.alice, email=EMAIL, role="client")
        raise RuntimeError("something later in the same change failed")
    assert not Invitation.objects.exists() and not DBTaskResult.objects.exists()
    run_worker()
    assert mail.outbox == []


def test_the_emailed_token_is_never_in_the_task_table(client, personas):
    invitation = invite(client, personas.alice)
    run_worker()
    client.post(reverse("invitation_resend", args=[invitation.pk]))
    client.post(reverse("invitation_request_link"), {"email": EMAIL})
    run_worker()
    tokens = [emailed_token(m) for m in mail.outbox if "/invite/" in m.body]
    assert len(tokens) == 2 and len(set(tokens)) == 2
    rows = list(DBTaskResult.objects.values())
    assert len(rows) == 4 and all(row["status"] == "SUCCESSFUL" for row in rows)
    stored = json.dumps(rows, default=str)
    for token in tokens:
        assert token not in stored and hash_token(token) not in stored
    assert [row["args_kwargs"] for row in rows if row["task_path"].endswith("invitation_send")] == [
        {"args": [invitation.pk], "kwargs": {}}
    ] * 2
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_token(tokens[-1])  # only the last link works
    client.logout()
    assert accept(client, tokens[0]).status_code == 404
    assert accept(client, tokens[-1]).status_code == 302


def test_mail_server_down_is_retried_and_the_invitation_sent_once(client, personas, mail_server_down, caplog):
    caplog.set_level(logging.CRITICAL, logger="carryover.accounts.tasks")
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        invitation = invite(client, personas.alice)  # the page works with the mail server down
        run_worker()
        invitation.refresh_from_db()
        assert (invitation.email_status, invitation.email_attempts) == (InvitationEmail.QUEUED, 1)
        assert "email delayed, trying again" in invitations_row(client, invitation)
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.run_after.isoformat() == "2026-03-02T09:01:00+00:00" and retry.args_kwargs["args"] == [
            invitation.pk
        ]

        sink = Sink()  # the mail server comes back
        controller = Controller(sink, hostname="127.0.0.1", port=free_port())
        controller.start()
        try:
            mail_server_down.EMAIL_PORT = controller.port
            run_worker()
            assert sink.messages == []  # not before its time
            clock.shift(timedelta(minutes=2))
            run_worker()
            clock.shift(timedelta(hours=2))
            run_worker()
        finally:
            controller.stop()
        assert [m["To"] for m in sink.messages] == [EMAIL]
        token = re.search(r"/invite/([\w-]+)/", sink.messages[0].get_payload()).group(1)
        invitation.refresh_from_db()
        assert invitation.email_status == InvitationEmail.SENT and invitation.token_hash == hash_token(token)
        client.logout()
        assert accept(client, token).status_code == 302


def test_after_the_last_retry_the_inviter_sees_not_emailed_and_can_resend(client, personas, mail_server_down, caplog):
    caplog.set_level(logging.CRITICAL, logger="carryover.accounts.tasks")
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        invitation = invite(client, personas.alice)
        for delay in (timedelta(0), *RETRY_DELAYS):
            clock.shift(delay)
            run_worker()
        invitation.refresh_from_db()
        assert invitation.email_status == InvitationEmail.FAILED
        assert invitation.email_attempts == len(RETRY_DELAYS) + 1
        assert not DBTaskResult.objects.filter(status="READY").exists()  # bounded: no more tries
        client.force_login(personas.alice)  # the clinician idle time-out passed meanwhile
        assert "<strong>not emailed</strong>" in invitations_row(client, invitation)
        mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        client.post(reverse("invitation_resend", args=[invitation.pk]))
        run_worker()
        assert [m.to for m in mail.outbox] == [[EMAIL]]
        assert "emailed" in invitations_row(client, invitation)


def test_revoked_before_the_worker_runs_sends_nothing(client, personas):
    invitation = invite(client, personas.alice)
    client.post(reverse("invitation_revoke", args=[invitation.pk]))
    run_worker()
    assert mail.outbox == []
    assert DBTaskResult.objects.get().return_value is False


def test_expired_before_the_worker_runs_sends_nothing_and_shows_not_emailed(client, personas):
    invitation = invite(client, personas.alice)
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
        run_worker()
        assert mail.outbox == []
        client.force_login(personas.alice)
        assert "<strong>not emailed</strong>" in invitations_row(client, invitation)


def test_two_resends_before_the_worker_runs_send_one_email(client, personas):
    invitation = invite(client, personas.alice)
    run_worker()
    for _ in range(2):
        client.post(reverse("invitation_resend", args=[invitation.pk]))
    run_worker()
    assert len(mail.outbox) == 2  # the first invitation and one resend
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_token(emailed_token(mail.outbox[-1]))
