"""An imported client's first sign-in: the import emails them an invitation (accounts' rules) whose link sets the
password of the account that holds their history, rather than making a new one; nobody else can claim that account
(another practice's invitation to the same address gets no link)."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from carryover.accounts.models import Invitation, User
from carryover.conftest import PASSWORD
from carryover.measures.models import MeasureResult
from carryover.measures.tests.helpers import submit
from carryover.records.fhir import fhir_bundle_for
from carryover.records.importer import client_import

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


@pytest.fixture
def imported(personas):
    submit(personas.alice, personas.bob, [2, 2, 1, 1, 1, 1, 1, 1, 0])
    data = json.dumps(fhir_bundle_for(personas.bob.membership)).encode()
    mail.outbox.clear()
    return client_import(therapist=personas.charlie.membership, data=data, email="bob@elsewhere.test")


def test_the_imported_client_sets_a_password_and_finds_their_history(client, personas, imported):
    assert not imported.user.has_usable_password()
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["bob@elsewhere.test"]
    token = re.search(r"/invite/([\w-]+)/", message.body).group(1)
    data = {"name": "Bob Client", "password": PASSWORD, "time_zone": "Europe/London", "consent": "on"}
    response = client.post(reverse("invitation_accept", args=[token]), data)
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == imported.user_id  # signed in to the account with the history
    user = User.objects.get(email="bob@elsewhere.test")  # still one account
    assert user.has_usable_password() and user.membership.consented_at is not None
    assert user.membership.client_links.filter(ended_at__isnull=True).count() == 1  # no second care link
    assert MeasureResult.objects.filter(client=user.membership).count() == 1
    client.logout()
    assert client.login(email="bob@elsewhere.test", password=PASSWORD)


def test_another_practice_cannot_claim_an_imported_account(client, personas, imported):
    run_worker()
    mail.outbox.clear()
    client.force_login(personas.alice)  # Harbour Practice, not the practice that imported Bob
    assert client.post(reverse("invite_client"), {"email": "bob@elsewhere.test", "name": "Bob"}).status_code == 302
    run_worker()
    (message,) = mail.outbox
    assert "/invite/" not in message.body  # the "you already have an account" email, with no link
    assert Invitation.objects.filter(email="bob@elsewhere.test").count() == 2
