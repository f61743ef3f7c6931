"""The support person's API (`/api/v1/supporting…`, api/support.py): the same access helper, builder and service
as their page. Sue (Bob's), Sam (Erin's, same practice) and Pat (Dana's, another practice) each call every
operation: no canary text from a field Bob never shares appears in any answer, and only Sue sees Bob's shares.
Tokens need the "support" area (and writing, to send a kind word)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from carryover.api.models import Area
from carryover.api.tests.helpers import call, is_problem, token_for
from carryover.support.models import Encouragement, SupportLink

from .conftest import CANARY, SHARED_WORDS
from .test_support_matrix import share_everything

API = "/api/v1"


@pytest.mark.parametrize("who", ["sue", "sam", "pat"])
def test_no_canary_in_any_support_answer_and_only_sue_sees_bobs_shares(client, personas, world, who):
    share_everything(world)
    supporter = getattr(world, who)
    token = token_for(supporter)
    own = SupportLink.objects.get(supporter=supporter)
    answers = [call(client, "get", f"{API}/supporting", token)]
    for link in SupportLink.objects.all():
        answers.append(call(client, "get", f"{API}/supporting/{link.pk}", token))
        answers.append(call(client, "post", f"{API}/supporting/{link.pk}/encouragements", token, {"preset": "here"}))
    for response in answers:
        text = response.content.decode()
        assert CANARY not in text
        if SHARED_WORDS in text:
            assert who == "sue" and response.request["PATH_INFO"] == f"{API}/supporting/{world.link.pk}"
        if response.status_code >= 400:
            assert response.status_code == 404 and "/supporting/" in response.request["PATH_INFO"]
    assert [link["id"] for link in answers[0].json()] == [own.pk]
    reached = {r.request["PATH_INFO"] for r in answers[1:] if r.status_code < 400}
    assert reached == {f"{API}/supporting/{own.pk}", f"{API}/supporting/{own.pk}/encouragements"}
    assert set(Encouragement.objects.values_list("link_id", flat=True)) == {own.pk}


def test_sues_json_is_what_her_page_shows(client, personas, world):
    share_everything(world)
    view = call(client, "get", f"{API}/supporting/{world.link.pk}", token_for(world.sue)).json()
    assert view["first_name"] == "Bob" and not view["paused"]
    assert len(view["days"]) == 7 and any(day["active"] for day in view["days"])
    assert [c["name"] for c in view["completions"]] == ["Journal"]
    [entry] = view["entries"]
    assert any(SHARED_WORDS in answer["text"] for answer in entry["answers"])
    assert view["nudge_at"] == "20:00:00" and view["named_as_someone_to_ask"]
    assert view["crisis_resources"] and view["crisis_resources"][0]["name"]
    page = client.get(reverse("supporting", args=[world.link.pk]))  # after the API, as the session
    assert page.status_code == 302  # the API token signed nobody in
    client.force_login(world.sue)
    assert entry["name"] in client.get(reverse("supporting", args=[world.link.pk])).content.decode()


def test_a_kind_word_reaches_today_once_and_bad_words_are_refused_clearly(client, personas, world):
    token, url = token_for(world.sue), f"{API}/supporting/{world.link.pk}/encouragements"
    cases = [
        ({"text": "<b>hi</b>"}, "plain words"),
        ({"text": "x" * 10_000}, "this has 10000"),
        ({}, "Choose a message"),
        ({"preset": "nope"}, "choose one of the messages"),
    ]
    for body, message in cases:
        problem = is_problem(call(client, "post", url, token, body), 422)
        assert any(message in e["message"] for e in problem["errors"]), (body, problem)
    assert is_problem(call(client, "post", url, token, {"text": "hi", "extra": 1}), 422)
    assert not Encouragement.objects.exists()
    first = call(client, "post", url, token, {"text": "Go Bob"}, **{"Idempotency-Key": "k1"})
    again = call(client, "post", url, token, {"text": "Go Bob"}, **{"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Encouragement.objects.count() == 1
    client.force_login(personas.bob)
    assert "Go Bob" in client.get(reverse("client_home")).content.decode()


def test_pause_and_removal_apply_on_the_next_call(client, personas, world):
    token = token_for(world.sue)
    view, send = f"{API}/supporting/{world.link.pk}", f"{API}/supporting/{world.link.pk}/encouragements"
    world.link.share_days = True
    world.link.save()
    client.force_login(personas.bob)
    client.post(reverse("support_pause", args=[world.link.pk]))
    client.logout()
    paused = call(client, "get", view, token).json()
    assert paused["paused"] and paused["days"] == []
    assert is_problem(call(client, "post", send, token, {"preset": "here"}), 409)["type"].endswith("#paused")
    assert not Encouragement.objects.exists()
    client.force_login(personas.bob)
    client.post(reverse("support_remove", args=[world.link.pk]))
    client.logout()
    assert call(client, "get", view, token).status_code == 404
    assert call(client, "get", f"{API}/supporting", token).json() == []


def test_the_token_must_allow_the_support_area_and_writing(client, personas, world):
    url = f"{API}/supporting/{world.link.pk}"
    other_areas = [a for a in Area.values if a != Area.SUPPORT]
    assert is_problem(call(client, "get", url, token_for(world.sue, areas=other_areas)), 403)["type"].endswith("#scope")
    read_only = token_for(world.sue, write=False, areas=[Area.SUPPORT])
    assert call(client, "get", url, read_only).status_code == 200
    assert is_problem(call(client, "post", f"{url}/encouragements", read_only, {"preset": "here"}), 403)
    assert call(client, "get", f"{API}/supporting", token_for(personas.bob)).status_code == 404  # not a supporter


def test_the_client_sees_what_each_person_sees_and_pauses_or_removes_in_one_call(client, personas, world):
    share_everything(world)
    token = token_for(personas.bob)
    [sue] = call(client, "get", f"{API}/me/support-persons", token).json()
    assert sue["name"] == "Sue" and sue["state"] == "on" and sue["accepted"]
    as_sue = call(client, "get", f"{API}/supporting/{world.link.pk}", token_for(world.sue)).json()
    assert sue["sees"] == as_sue  # the preview is exactly what Sue is given
    assert CANARY not in json.dumps(sue)
    paused = call(client, "post", f"{API}/me/support-persons/{world.link.pk}/pause", token, {"paused": True}).json()
    assert paused["state"] == "paused" and paused["sees"]["paused"] and paused["sees"]["entries"] == []
    assert call(client, "get", f"{API}/supporting/{world.link.pk}", token_for(world.sue)).json()["paused"]
    assert call(client, "delete", f"{API}/me/support-persons/{world.link.pk}", token).status_code == 204
    assert call(client, "get", f"{API}/supporting/{world.link.pk}", token_for(world.sue)).status_code == 404
    assert call(client, "get", f"{API}/me/support-persons", token).json() == []
    erin = token_for(personas.erin)  # another client's link is a 404, as on the pages
    sams = SupportLink.objects.get(supporter=world.sam)
    assert call(client, "delete", f"{API}/me/support-persons/{sams.pk}", token).status_code == 404
    assert call(client, "get", f"{API}/me/support-persons", erin).json()[0]["name"] == "Sam"
