"""Encouragement: a preset or 280 characters of the support person's own, shown on the client's Today; markup,
10,000 characters, an empty message or a paused share get a clear message and nothing is sent."""

from __future__ import annotations

import html

from django.urls import reverse

from carryover.support.models import Encouragement


def send(client, world, **data):
    client.force_login(world.sue)
    return client.post(reverse("supporting", args=[world.link.pk]), data)


def test_a_preset_and_own_words_reach_the_clients_today(client, personas, world):
    assert send(client, world, preset="thinking").status_code == 302
    assert send(client, world, text="  You've got this, Bob  ").status_code == 302
    client.force_login(personas.bob)
    today = html.unescape(client.get(reverse("client_home")).content.decode())
    assert "“Thinking of you”" in today and "“You've got this, Bob”" in today and "From Sue" in today
    assert Encouragement.objects.filter(seen_at__isnull=False).count() == 2


def test_bad_encouragements_are_refused_clearly_and_send_nothing(client, personas, world):
    cases = {
        "<b>hi</b>": "plain words",
        "<script>alert(1)</script>": "plain words",
        "[click](https://evil.example)": "plain words",
        "x" * 10_000: "keep it to 280 characters (this has 10000)",
        "": "Choose a message or write a few words",
        "a\x00b": "Null characters are not allowed",
    }
    for text, message in cases.items():
        response = send(client, world, text=text)
        assert response.status_code == 200 and message in html.unescape(response.content.decode()), text[:20]
    assert "Please choose one of the messages" in send(client, world, preset="zzz").content.decode()
    assert not Encouragement.objects.exists()


def test_no_encouragement_while_sharing_is_paused(client, personas, world):
    world.link.state = "paused"
    world.link.save()
    page = send(client, world, preset="proud")
    assert "Sharing is paused" in page.content.decode()
    assert not Encouragement.objects.exists()
