"""What the invitation pages tell about an address: nothing. Whether it has an account (in any practice) or a
waiting invitation is looked up by the worker and told by email to the person it concerns; the pages answer the
same, through the same queries, and "ask for a new link" cannot flood an inviter."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carryover.accounts.models import Invitation, InvitationEmail
from carryover.conftest import without_csrf

from .test_invitation_emails import invitations_row
from .test_invitations import run_worker
from .test_password_reset import query_shapes

pytestmark = pytest.mark.django_db(transaction=True)

NEW = "new.client@example.test"


def invite(client, inviter, email):
    client.force_login(inviter)
    return client.post(reverse("invite_client"), {"email": email, "name": "Someone"}, follow=True)


def ask_for_new_link(email: str, ip: str = "127.0.0.1"):
    return Client().post(reverse("invitation_request_link"), {"email": email}, REMOTE_ADDR=ip)


# --- Item 9: the invite form ---------------------------------------------------------------------------------


def test_inviting_an_address_with_an_account_anywhere_answers_like_a_new_one(client, personas):
    for email in (personas.dana.email, NEW):
        page = invite(client, personas.alice, email)
        assert page.redirect_chain == [(reverse("caseload"), 302)]
        assert f"Invitation to {email} created; the email is on its way." in page.content.decode()
        assert b"already has" not in page.content

    run_worker()
    to = {m.to[0]: m.body for m in mail.outbox}
    assert "/invite/" in to[NEW]
    # Dana (a client of another practice) is told, by email, that she already has an account and what to do.
    assert "already has a Carryover account" in to[personas.dana.email] and "/invite/" not in to[personas.dana.email]
    assert "Harbour Practice" in to[personas.dana.email] and "/accounts/password/reset/" in to[personas.dana.email]
    client.force_login(personas.alice)
    for email in (personas.dana.email, NEW):  # the inviter's list cannot tell them apart either
        invitation = Invitation.objects.get(email=email)
        assert invitation.email_status == InvitationEmail.SENT
        assert "emailed" in invitations_row(client, invitation)


def test_an_account_made_after_the_invitation_but_before_the_worker_gets_no_link(client, personas):
    invite(client, personas.alice, personas.erin.email.upper())  # Erin has an account (any case of the address)
    run_worker()
    [message] = mail.outbox
    assert "already has a Carryover account" in message.body and not re.search(r"/invite/[\w-]{20,}", message.body)


# --- Item 8: "ask for a new link" ----------------------------------------------------------------------------


def test_known_and_unknown_addresses_take_the_same_path(client, personas):
    invite(client, personas.alice, NEW)
    run_worker()
    mail.outbox.clear()
    shapes, pages = [], []
    for email, ip in ((NEW, "127.0.0.2"), ("nobody@example.test", "127.0.0.3")):
        with CaptureQueriesContext(connection) as queries:
            pages.append(ask_for_new_link(email, ip))
        shapes.append(query_shapes(queries.captured_queries))
    assert shapes[0] == shapes[1]
    assert without_csrf(pages[0].content) == without_csrf(pages[1].content)
    assert mail.outbox == []  # looked up and emailed by the worker
    run_worker()
    assert [m.to for m in mail.outbox] == [[personas.alice.email]]


def test_forty_requests_tell_the_inviter_once_a_day(client, personas):
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        invite(client, personas.alice, NEW)
        run_worker()
        mail.outbox.clear()
        for i in range(40):  # from many addresses, so the per-IP limit does not stop them first
            assert ask_for_new_link(NEW.upper() if i % 2 else NEW, ip=f"127.0.1.{i}").status_code in (200, 429)
        run_worker()
        assert [m.to for m in mail.outbox] == [[personas.alice.email]]
        clock.shift(timedelta(hours=23))
        ask_for_new_link(NEW, ip="127.0.2.1")
        run_worker()
        assert len(mail.outbox) == 1
        clock.shift(timedelta(hours=1, minutes=1))
        ask_for_new_link(NEW, ip="127.0.2.2")
        run_worker()
        assert len(mail.outbox) == 2  # a day later the inviter hears again


def test_asking_too_often_gets_its_own_clear_answer_whatever_the_address(personas):
    for email in ("nobody@example.test", NEW):
        answers = [ask_for_new_link(email, ip="127.0.3.1" if email == NEW else "127.0.3.2") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]  # three an hour per address
        assert b"Too many requests for a new link" in answers[-1].content
    answers = [ask_for_new_link(f"person{i}@example.test", ip="127.0.4.1") for i in range(11)]
    assert [a.status_code for a in answers] == [200] * 10 + [429]  # ten an hour from one client address
