"""Support persons in the access matrix: Sue (Bob's), Sam (Erin's, same practice) and Pat (Dana's, another
practice) each open every URL the project serves. Each sees only their own client's shared view, and the canary
text in every field of Bob's that is never shareable appears on no page any of them can open, even with Bob
sharing everything a scope can hold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carryover.accounts.tests.test_access_matrix import LOGIN, MATRIX, homework_state
from carryover.support.models import SupportLink

from .conftest import CANARY, SHARED_WORDS

SUPPORT_PAGES = {"support_home", "support_worried", "supporting"}
LINK_URLS = {
    "support_link",
    "support_preview",
    "support_pause",
    "support_remove",
    "support_send_invitation",
    "support_share_entry",
    "supporting",
}
SUE_SEES = {"supporting", "api-v1:supporting_view"}  # her page, and the same view as JSON
ALWAYS_OPEN = {name for name, row in MATRIX.items() if row.expect["support"] not in (404, LOGIN)}


def share_everything(world) -> None:
    link = world.link
    link.share_days, link.nudge_at, link.named_in_safety_plan = True, "20:00", True
    link.save()
    link.assignments.set([world.assignment])
    link.entries.set([world.shared_entry])


@pytest.mark.parametrize("who", ["sue", "sam", "pat"])
def test_each_support_person_sees_only_their_clients_shares_and_no_canary(client, personas, world, who):
    share_everything(world)
    state = homework_state(personas)
    supporter = getattr(world, who)
    client.force_login(supporter)
    opened = set()
    for name, row in MATRIX.items():
        if name.startswith(("account_", "mfa_")) or name == "sign_out_other_devices":
            continue
        if name in LINK_URLS:
            kwargs = {"pk": world.link.pk}  # Bob's link to Sue
        else:
            kwargs = row.kwargs(personas, state) if callable(row.kwargs) else row.kwargs
        response = getattr(client, row.method)(reverse(name, kwargs=kwargs), follow=row.method == "get")
        content = response.content.decode()
        assert CANARY not in content, f"{who} saw a canary on {name}"
        if response.status_code == 200 and row.method == "get":
            opened.add(name)
        if SHARED_WORDS in content:
            assert who == "sue" and name in SUE_SEES, f"{who} saw Bob's shared entry on {name}"
    mine = SUE_SEES if who == "sue" else set()
    assert opened & SUPPORT_PAGES == {"support_home", "support_worried"} | (mine & SUPPORT_PAGES)
    assert opened - ALWAYS_OPEN - {"home"} <= mine  # nothing beyond what the matrix gives every support person


def test_sue_sees_bobs_shares_on_her_page(client, world):
    share_everything(world)
    client.force_login(world.sue)
    text = client.get(reverse("supporting", args=[world.link.pk])).content.decode()
    assert SHARED_WORDS in text and "Journal" in text and "Days Bob did something" in text
    assert CANARY not in text


@pytest.mark.parametrize("who", ["sam", "pat"])
def test_other_support_persons_get_404_for_bobs_link_and_see_their_own(client, world, who):
    supporter = getattr(world, who)
    client.force_login(supporter)
    assert client.get(reverse("supporting", args=[world.link.pk])).status_code == 404
    own = SupportLink.objects.get(supporter=supporter)
    text = client.get(reverse("supporting", args=[own.pk])).content.decode()
    assert "did something" in text and CANARY not in text
