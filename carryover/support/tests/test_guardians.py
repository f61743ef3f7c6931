"""The therapist manages a minor's guardian as accounts manages any invitation: send it again (a new link for 7
days, the old one dead), withdraw it, or remove a guardian who accepted. Each is audited, the client is told, and
a therapist reaches no other link (a support person the client chose is the client's alone)."""

from __future__ import annotations

import time_machine
from django.urls import reverse
from django.utils import timezone

from carryover.accounts.models import Invitation, InvitationStatus
from carryover.audit.models import Action, AuditEvent, Outcome
from carryover.support.models import LinkState, SupportLink

from .test_invite import accept, emailed_link


def invite_guardian(client, personas) -> tuple[SupportLink, str]:
    client.force_login(personas.alice)
    url = reverse("client_support", args=[personas.bob.pk])
    client.post(url, {"form": "policy", "is_minor": "on"})
    client.post(url, {"form": "invite", "name": "Mum", "email": "mum@family.test", "guardian": "on"})
    return SupportLink.objects.get(email="mum@family.test"), emailed_link("mum@family.test")


def audited(link: SupportLink, action: str) -> bool:
    events = AuditEvent.objects.filter(object_type="support_link", object_id=str(link.pk), action=action)
    return events.filter(outcome=Outcome.ALLOWED).exists()


def test_the_therapist_resends_a_guardians_invitation_and_the_old_link_dies(client, personas, world):
    link, first = invite_guardian(client, personas)
    page = client.get(reverse("client_support", args=[personas.bob.pk])).content.decode()
    assert "Send the invitation again" in page and "Withdraw the invitation" in page
    with time_machine.travel(timezone.now() + timezone.timedelta(days=8)):  # expired: resending renews it
        assert Invitation.objects.get(pk=link.invitation_id).status() == InvitationStatus.EXPIRED
        client.force_login(personas.alice)  # a week on, her session has ended
        response = client.post(reverse("guardian_resend", args=[link.pk]), follow=True)
        assert "the earlier link no longer works" in response.content.decode()
        second = emailed_link("mum@family.test")
        assert second != first and audited(link, Action.UPDATE)
        assert accept(client.__class__(), first).status_code == 404  # its token is no longer known at all
        assert accept(client.__class__(), second, name="Mum").status_code == 302
    link.refresh_from_db()
    assert link.accepted and link.state == LinkState.ON


def test_withdrawing_a_guardians_invitation_revokes_it_and_the_client_is_told(client, personas, world):
    link, path = invite_guardian(client, personas)
    response = client.post(reverse("guardian_remove", args=[link.pk]), follow=True)
    assert "The invitation to Mum was withdrawn. The client is told" in response.content.decode()
    assert Invitation.objects.get(pk=link.invitation_id).status() == InvitationStatus.REVOKED
    assert SupportLink.objects.get(pk=link.pk).state == LinkState.REMOVED and audited(link, Action.DELETE)
    assert accept(client.__class__(), path).status_code == 410
    assert client.post(reverse("guardian_resend", args=[link.pk])).status_code == 404  # ended: nothing to resend
    client.force_login(personas.bob)
    assert "withdrew the invitation to <strong>Mum</strong>" in client.get(reverse("client_home")).content.decode()
    assert "withdrew the invitation to Mum" in client.get(reverse("support_settings")).content.decode()
    assert "withdrew" not in client.get(reverse("client_home")).content.decode()  # told once, then seen


def test_removing_an_accepted_guardian_ends_their_access_at_once(client, personas, world):
    link, path = invite_guardian(client, personas)
    guardian = client.__class__()
    accept(guardian, path, name="Mum")
    assert guardian.get(reverse("supporting", args=[link.pk])).status_code == 200
    client.force_login(personas.alice)
    assert "Remove Mum" in client.get(reverse("client_support", args=[personas.bob.pk])).content.decode()
    client.post(reverse("guardian_remove", args=[link.pk]))
    assert guardian.get(reverse("supporting", args=[link.pk])).status_code in (302, 404)  # signed out, or 404
    client.force_login(personas.bob)
    assert "removed <strong>Mum</strong>" in client.get(reverse("client_home")).content.decode()


def test_a_therapist_reaches_only_guardians_of_their_own_clients(client, personas, world):
    link, _ = invite_guardian(client, personas)
    for other in (personas.frank, personas.charlie):  # same practice without a care link; another practice
        client.force_login(other)
        for name in ("guardian_resend", "guardian_remove"):
            assert client.post(reverse(name, args=[link.pk])).status_code == 404
    client.force_login(personas.alice)  # Sue is Bob's own choice: not the therapist's to resend or remove
    for name in ("guardian_resend", "guardian_remove"):
        assert client.post(reverse(name, args=[world.link.pk])).status_code == 404
    assert SupportLink.objects.get(pk=world.link.pk).state == LinkState.ON
    assert SupportLink.objects.get(pk=link.pk).state == LinkState.ON
