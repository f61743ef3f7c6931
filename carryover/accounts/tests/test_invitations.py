import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from carryover.accounts.models import CareLink, Invitation, Role, User
from carryover.conftest import PASSWORD, without_csrf

# The worker (run in this process) closes the database connection, which a test wrapped in a transaction can't survive.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    """The real `manage.py db_worker`, until nothing is ready to run."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def emailed_token(message) -> str:
    return re.search(r"/invite/([\w-]+)/", message.body).group(1)


def invite(client, therapist, email="new.client@example.test", name="New Client"):
    client.force_login(therapist)
    response = client.post(reverse("invite_client"), {"email": email, "name": name})
    assert response.status_code == 302, response.content
    client.logout()
    run_worker()
    return emailed_token(mail.outbox[-1])


def accept(client, token, **overrides):
    data = {"name": "New Client", "password": PASSWORD, "time_zone": "America/Chicago", "consent": "on"}
    data.update(overrides)
    return client.post(reverse("invitation_accept", args=[token]), data)


def test_therapist_invites_client_who_accepts_and_lands_on_home(client, personas):
    token = invite(client, personas.alice)
    assert mail.outbox[-1].to == ["new.client@example.test"]
    invitation = Invitation.objects.get(email="new.client@example.test")
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64  # stored hashed

    response = accept(client, token)
    assert response.status_code == 302
    response = client.get(response.url, follow=True)
    assert response.request["PATH_INFO"] == reverse("client_home")
    user = User.objects.get(email="new.client@example.test")
    assert user.time_zone == "America/Chicago"
    assert user.membership.role == Role.CLIENT
    assert user.membership.consented_terms_version == personas.practice.terms_version
    assert CareLink.objects.filter(therapist=personas.alice.membership, client=user.membership).exists()


def test_invitation_link_is_single_use(client, personas):
    token = invite(client, personas.alice)
    accept(client, token)
    client.logout()
    response = client.get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 410
    assert b"already been used" in response.content
    response = accept(client, token, name="Someone else")
    assert response.status_code == 410
    assert User.objects.filter(email="new.client@example.test").count() == 1


def test_invitation_expires_after_seven_days(client, personas):
    token = invite(client, personas.alice)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.get(reverse("invitation_accept", args=[token]))
        assert response.status_code == 410
        assert b"expired" in response.content
        assert b"Ask for a new link" in response.content
        assert accept(client, token).status_code == 410
    assert not User.objects.filter(email="new.client@example.test").exists()


def test_tampered_token_gets_friendly_page(client, personas):
    token = invite(client, personas.alice)
    response = client.get(reverse("invitation_accept", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    assert b"couldn't find that invitation" in response.content
    assert b"Ask for a new link" in response.content


def test_asking_for_new_link_tells_inviter_without_revealing_anything(client, personas):
    invite(client, personas.alice)
    mail.outbox.clear()
    known = client.post(reverse("invitation_request_link"), {"email": "new.client@example.test"})
    unknown = client.post(reverse("invitation_request_link"), {"email": "nobody@example.test"})
    run_worker()
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known.content) == without_csrf(unknown.content)
    assert b"passed it on" in known.content
    assert [m.to for m in mail.outbox] == [[personas.alice.email]]


def test_resend_replaces_the_link_and_revoke_kills_it(client, personas):
    old = invite(client, personas.alice)
    invitation = Invitation.objects.get(email="new.client@example.test")
    client.force_login(personas.alice)
    client.post(reverse("invitation_resend", args=[invitation.pk]))
    run_worker()
    new = emailed_token(mail.outbox[-1])
    assert new != old
    assert client.get(reverse("invitation_accept", args=[old])).status_code in (302, 404, 410)
    client.post(reverse("invitation_revoke", args=[invitation.pk]))
    client.logout()
    assert client.get(reverse("invitation_accept", args=[old])).status_code == 404
    response = client.get(reverse("invitation_accept", args=[new]))
    assert response.status_code == 410 and b"no longer active" in response.content


def test_accept_form_keeps_input_and_explains_errors(client, personas):
    token = invite(client, personas.alice)
    response = accept(client, token, password="password", consent="")
    assert response.status_code == 200
    content = response.content.decode()
    assert "too common" in content
    assert "Please agree to the practice" in content
    assert 'value="New Client"' in content  # the name survives
    assert "password" not in re.findall(r'name="password"[^>]*value="([^"]*)"', content)  # password not echoed
    assert '<option value="America/Chicago" selected>' in content


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "x" * 300 + "@example.test"])
def test_invite_rejects_bad_emails_with_a_message(client, personas, email):
    client.force_login(personas.alice)
    response = client.post(reverse("invite_client"), {"email": email, "name": "Keep me"})
    assert response.status_code == 200
    assert b"Keep me" in response.content
    assert b'class="error"' in response.content
    assert not Invitation.objects.exists()


def test_invite_refuses_a_duplicate_waiting_invitation_in_the_same_practice(client, personas):
    client.force_login(personas.alice)
    client.post(reverse("invite_client"), {"email": "twice@example.test"})
    response = client.post(reverse("invite_client"), {"email": "twice@example.test"})
    assert b"already a waiting invitation" in response.content


def test_admin_invites_therapist_who_must_set_up_two_factor(client, personas):
    client.force_login(personas.admin)
    client.post(reverse("invite_staff"), {"email": "new.therapist@example.test", "role": "therapist"})
    run_worker()
    token = emailed_token(mail.outbox[-1])
    client.logout()
    accept(client, token, name="New Therapist")
    response = client.get(reverse("caseload"))
    assert response.status_code == 302 and response.url == reverse("mfa_required")


def test_therapist_cannot_invite_staff_and_client_cannot_invite(client, personas):
    client.force_login(personas.alice)
    assert client.post(reverse("invite_staff"), {"email": "x@example.test", "role": "admin"}).status_code == 404
    client.force_login(personas.bob)
    assert client.post(reverse("invite_client"), {"email": "x@example.test"}).status_code == 404
    assert not Invitation.objects.exists()


def test_strangers_cannot_resend_or_revoke(client, personas):
    invite(client, personas.alice)
    invitation = Invitation.objects.get()
    for stranger in (personas.frank, personas.charlie, personas.bob):
        client.force_login(stranger)
        assert client.post(reverse("invitation_revoke", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
