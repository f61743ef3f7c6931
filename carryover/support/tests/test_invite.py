"""Inviting a support person with accounts' own invitation rules (hashed single-use link, 7 days, resend,
revoke), a therapist's suggestion, and a guardian for a minor, whom the client is told about and whose minimum the
client cannot go below."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from carryover.accounts.models import Invitation, InvitationStatus, Role
from carryover.reminders.tests.conftest import run_worker
from carryover.support.models import LinkState, SupportLink, SupportPolicy

from .conftest import CANARY

LINK = re.compile(r"https?://\S+?(/invite/[^/\s]+/)")


def emailed_link(address: str) -> str:
    run_worker()  # the invitation email is sent by the task worker
    [message] = [m for m in mail.outbox if address in m.to][-1:]
    assert CANARY not in message.body
    return LINK.search(message.body).group(1)


def accept(client, path: str, name: str = "Jo Friend"):
    data = {"name": name, "password": "a long and friendly passphrase", "time_zone": "Europe/London", "consent": "on"}
    return client.post(path, data)


def test_client_invites_and_the_person_accepts_into_an_empty_scope(client, personas, world):
    client.force_login(personas.bob)
    response = client.post(reverse("support_settings"), {"name": "Jo", "email": "Jo@Friends.test"})
    assert response.status_code == 302
    link = SupportLink.objects.get(email="jo@friends.test")
    assert link.invitation.role == Role.SUPPORT and link.invitation.token_hash  # accounts' hashed token
    path = emailed_link("jo@friends.test")
    assert "support person" in mail.outbox[-1].body
    client.logout()
    assert accept(client, path).status_code == 302
    link.refresh_from_db()
    assert link.supporter.email == "jo@friends.test" and link.supporter.role == Role.SUPPORT
    home = client.get(reverse("home"), follow=True)
    assert home.redirect_chain[-1][0] == reverse("support_home")
    page = client.get(reverse("supporting", args=[link.pk])).content.decode()
    assert "isn't sharing anything with you" in page  # nothing by default
    assert accept(client.__class__(), path).status_code == 410  # single use


def test_resend_replaces_the_link_and_remove_revokes_a_waiting_invitation(client, personas, world):
    client.force_login(personas.bob)
    client.post(reverse("support_settings"), {"name": "Jo", "email": "jo@friends.test"})
    link = SupportLink.objects.get(email="jo@friends.test")
    first = emailed_link("jo@friends.test")
    client.post(reverse("support_send_invitation", args=[link.pk]))
    second = emailed_link("jo@friends.test")
    assert first != second
    client.post(reverse("support_remove", args=[link.pk]))
    assert Invitation.objects.get(pk=link.invitation_id).status() == InvitationStatus.REVOKED
    assert accept(client.__class__(), second).status_code == 410


def test_bad_addresses_get_a_clear_message_and_invite_nobody(client, personas, world):
    client.force_login(personas.bob)
    before = Invitation.objects.count()
    cases = {
        "bob@harbour.test": "your own address",
        "ALICE@harbour.test": "someone at your practice",
        "admin@harbour.test": "someone at your practice",
        "not-an-email": "valid email address",
    }
    for email, message in cases.items():
        response = client.post(reverse("support_settings"), {"name": "X", "email": email})
        assert response.status_code == 200 and message in response.content.decode(), email
    client.post(reverse("support_settings"), {"name": "Jo", "email": "jo@friends.test"})
    again = client.post(reverse("support_settings"), {"name": "Jo", "email": "jo@friends.test"})
    assert "already added that person" in again.content.decode()
    assert Invitation.objects.count() == before + 1


def test_a_therapists_suggestion_sends_nothing_until_the_client_invites(client, personas, world):
    client.force_login(personas.alice)
    data = {"form": "invite", "name": "Gran", "email": "gran@family.test"}
    client.post(reverse("client_support", args=[personas.bob.pk]), data)
    link = SupportLink.objects.get(email="gran@family.test")
    assert link.state == LinkState.SUGGESTED and link.invitation is None
    client.force_login(personas.bob)
    assert "Suggested by your therapist" in client.get(reverse("support_settings")).content.decode()
    client.post(reverse("support_send_invitation", args=[link.pk]))
    link.refresh_from_db()
    assert link.state == LinkState.ON and link.invitation.invited_by == personas.bob
    assert emailed_link("gran@family.test")


def test_guardian_of_a_minor_is_invited_by_the_therapist_the_client_is_told_and_the_minimum_holds(
    client, personas, world
):
    client.force_login(personas.alice)
    url = reverse("client_support", args=[personas.bob.pk])
    refused = client.post(url, {"form": "invite", "name": "Mum", "email": "mum@family.test", "guardian": "on"})
    assert "Mark the client as a minor first" in refused.content.decode()
    client.post(url, {"form": "policy", "is_minor": "on", "min_days": "on", "min_completion": "on"})
    client.post(url, {"form": "invite", "name": "Mum", "email": "mum@family.test", "guardian": "on"})
    link = SupportLink.objects.get(email="mum@family.test")
    assert link.is_guardian and link.state == LinkState.ON
    path = emailed_link("mum@family.test")
    # Bob is told on Today, and on his support page what his therapist set.
    client.force_login(personas.bob)
    today = client.get(reverse("client_home")).content.decode()
    assert "Your therapist invited <strong>Mum</strong>" in today
    settings_page = client.get(reverse("support_settings")).content.decode()
    assert "always sees the days you did something and whether each activity was done today" in settings_page
    assert "Your therapist invited" not in client.get(reverse("client_home")).content.decode()  # told once
    # The guardian accepts and sees the minimum though Bob chose nothing, even while paused.
    guardian = client.__class__()
    accept(guardian, path, name="Mum")
    client.post(reverse("support_pause", args=[link.pk]))
    page = guardian.get(reverse("supporting", args=[link.pk])).content.decode()
    assert "Sharing is paused" in page and "Days Bob did something" in page and "Journal" in page
    assert CANARY not in page
    # Bob cannot remove her below the minimum; his therapist can lift it.
    response = client.post(reverse("support_remove", args=[link.pk]), follow=True)
    assert "talk to your therapist" in response.content.decode()
    assert SupportLink.objects.get(pk=link.pk).state == LinkState.PAUSED
    assert SupportPolicy.objects.get(client=personas.bob.membership).has_minimum


def test_the_therapist_sees_who_and_the_scope_but_not_encouragements(client, personas, world):
    world.link.share_days, world.link.nudge_at = True, "20:00"
    world.link.save()
    world.link.assignments.set([world.assignment])
    world.link.encouragements.create(text="ENCOURAGEMENT-words")
    client.force_login(personas.alice)
    page = client.get(reverse("client_detail", args=[personas.bob.pk])).content.decode()
    assert "Support persons" in page and "Sue" in page
    assert "days with any activity" in page and "Journal (done today or not)" in page and "20:00" in page
    assert "ENCOURAGEMENT-words" not in page
    assert "ENCOURAGEMENT-words" not in client.get(reverse("client_support", args=[personas.bob.pk])).content.decode()


def test_a_support_person_with_an_account_accepts_on_their_home_page(client, personas, world):
    """Sue already supports Bob; Erin invites her too. accounts emails her "sign in" (an account is one practice's),
    and her home page offers Erin's invitation, which she accepts without a new account."""
    client.force_login(personas.erin)
    client.post(reverse("support_settings"), {"name": "Sue", "email": "sue@harbour.test"})
    run_worker()
    [message] = [m for m in mail.outbox if "sue@harbour.test" in m.to]
    assert "already has a Carryover account" in message.body and "/invite/" not in message.body
    link = SupportLink.objects.get(client=personas.erin.membership, email="sue@harbour.test")
    client.force_login(world.sam)  # another support person cannot take it
    assert client.post(reverse("support_accept", args=[link.pk])).status_code == 404
    client.force_login(world.sue)
    assert "Erin would like you as a support person" in client.get(reverse("support_home")).content.decode()
    assert client.post(reverse("support_accept", args=[link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.supporter == world.sue and link.invitation.status() == InvitationStatus.ACCEPTED
    assert client.get(reverse("supporting", args=[link.pk])).status_code == 200
    assert client.post(reverse("support_accept", args=[link.pk])).status_code == 404  # used up
    home = client.get(reverse("support_home")).content.decode()
    assert "Bob</a>" in home and "Erin</a>" in home
