"""The review pages as the therapist and client use them: the client's words with private entries only as
"a private entry", a stranger's 404, a confidence of 11 refused with a clear message, the client's own confidence
check below 7, and "What we agreed" on the client's Today."""

from __future__ import annotations

from django.urls import reverse

from carryover.together.models import Adjustment, CheckOrigin, ConfidenceCheck, Conversation

from .conftest import PRIVATE_WORDS


def test_each_step_shows_the_week_with_private_entries_only_as_such(client, personas, week, now):
    client.force_login(personas.alice)
    response = client.post(reverse("together_start", args=[week.sam.pk]))
    conversation = Conversation.objects.get(client=week.sam.membership)
    steps = list(conversation.steps.all())
    assert response.url == reverse("together_step", args=[steps[0].pk])
    walk = client.get(response.url).content.decode()
    assert "Due 8 · done 1 · part of it 0 · not done 1 · missed 5 · still open 1" in walk and "“Work ran late”" in walk
    journal = client.get(reverse("together_step", args=[steps[2].pk])).content.decode()
    assert "a private entry" in journal and PRIVATE_WORDS not in journal
    flagged = client.get(reverse("together_step", args=[steps[3].pk])).content.decode()
    assert "I noticed the worry peak at night" in flagged
    assert client.get(reverse("together_change", args=[steps[3].pk])).status_code == 302  # an entry: no edit
    for step in steps:
        assert PRIVATE_WORDS not in client.get(reverse("together_step", args=[step.pk])).content.decode()


def test_strangers_get_404_on_every_review_page(client, personas, week, now):
    client.force_login(personas.alice)
    client.post(reverse("together_start", args=[week.sam.pk]))
    conversation = Conversation.objects.get(client=week.sam.membership)
    step = conversation.steps.first()
    urls = [
        reverse("together_start", args=[week.sam.pk]),
        reverse("together_step", args=[step.pk]),
        reverse("together_change", args=[step.pk]),
        reverse("together_new", args=[conversation.pk]),
        reverse("together_finish", args=[conversation.pk]),
        reverse("together_remove", args=[step.pk]),
        reverse("together_discard", args=[conversation.pk]),
    ]
    client.force_login(personas.charlie)
    assert [client.get(url).status_code for url in urls] == [404] * 7
    assert [client.post(url).status_code for url in urls] == [404] * 7
    assert Conversation.objects.filter(pk=conversation.pk).exists()
    client.force_login(personas.bob)  # another client of Alice's, not Sam
    assert client.get(reverse("together_sure", args=[week.walk.pk])).status_code == 404


def test_a_confidence_of_11_is_refused_clearly_and_the_note_kept(client, personas, week, now):
    client.force_login(personas.alice)
    client.post(reverse("together_start", args=[week.sam.pk]))
    breathe = Conversation.objects.get(client=week.sam.membership).steps.all()[1]
    data = {"decision": "smaller", "learned": "Too long on work days", "confidence": "11", "version": "0"}
    page = client.post(reverse("together_step", args=[breathe.pk]), data).content.decode()
    assert "Confidence is a number from 0 to 10." in page and "Too long on work days" in page
    breathe.refresh_from_db()
    assert breathe.decision == ""


def test_the_client_says_how_sure_they_are_and_what_would_help(client, personas, week, now):
    client.force_login(week.sam)
    assert "How sure are you that you'll do it?" in client.get(reverse("client_home")).content.decode()
    url = reverse("together_sure", args=[week.walk.pk])
    low = client.post(url, {"rating": "4"}).content.decode()
    assert "Would one of these make it easier?" in low and not ConfidenceCheck.objects.exists()
    client.post(url, {"rating": "4", "adjustment": "time", "note": "Mornings are better"})
    check = ConfidenceCheck.objects.get()
    assert (check.origin, check.rating, check.adjustment, check.note) == (
        CheckOrigin.CLIENT,
        4,
        Adjustment.TIME,
        "Mornings are better",
    )
    assert client.post(url, {"rating": "12"}).status_code == 200  # refused, clearly, on the page
    client.force_login(personas.alice)
    summary = client.get(reverse("client_summary", args=[week.sam.pk])).content.decode()
    assert "“Evening walk”: confidence 4/10 (by the client, on first opening it" in summary
    assert "asked for: another time or anchor" in summary
