"""A client who closes their account stops sharing at once: every support person's link ends (a waiting
invitation is revoked), on the pages and the API alike. When the record is erased after the retention period, the
invitations sent to support persons lose their name and address too (records/erasure.py calls the support app)."""

from __future__ import annotations

import time_machine
from django.urls import reverse
from django.utils import timezone

from carryover.accounts.models import Invitation, InvitationStatus
from carryover.api.tests.helpers import call, token_for
from carryover.records.erasure import erasures_due
from carryover.records.tests.test_erasure import LATER, close, database_text
from carryover.support.models import LinkState, SupportLink

NAME, ADDRESS = "Jo Q7001Z", "q7002z@friends.test"


def test_closing_ends_every_link_and_erasure_forgets_the_invitations(client, personas, world):
    world.link.share_days = True
    world.link.save()
    client.force_login(personas.bob)
    client.post(reverse("support_settings"), {"name": NAME, "email": ADDRESS})
    waiting = SupportLink.objects.get(email=ADDRESS)
    token = token_for(world.sue)
    assert call(client, "get", f"/api/v1/supporting/{world.link.pk}", token).status_code == 200
    close(client, personas)
    assert set(SupportLink.objects.filter(client=personas.bob.membership).values_list("state", flat=True)) == {
        LinkState.REMOVED
    }
    assert Invitation.objects.get(pk=waiting.invitation_id).status() == InvitationStatus.REVOKED
    assert call(client, "get", f"/api/v1/supporting/{world.link.pk}", token).status_code == 404
    client.force_login(world.sue)
    assert client.get(reverse("supporting", args=[world.link.pk])).status_code == 404
    assert NAME in database_text() and ADDRESS in database_text()  # kept for the retention period
    with time_machine.travel(timezone.now() + LATER):
        assert erasures_due() == 1
    text = database_text()
    assert NAME not in text and ADDRESS not in text
    assert world.sam.supporting.get().state == LinkState.ON  # other clients' links are untouched
