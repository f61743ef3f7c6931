"""A review left in progress: flagged on the caseload until it is finished or discarded; discarding throws the draft
away and changes nothing else; a new activity added by mistake can be taken out, the week's own steps cannot."""

from __future__ import annotations

from django.urls import reverse

from carryover.homework.models import Assignment
from carryover.review.models import Session
from carryover.together.models import Conversation, Decision, Step, StepKind

from .test_conversation import add_new, decide, finish, start

IN_PROGRESS = "Review in progress"


def test_the_caseload_flags_a_review_left_half_way_until_it_is_finished(client, personas, week, now):
    client.force_login(personas.alice)
    assert IN_PROGRESS not in client.get(reverse("caseload")).content.decode()
    conversation = start(personas, week)
    decide(conversation.steps.first(), personas.alice, Decision.KEEP)
    page = client.get(reverse("caseload")).content.decode()
    assert IN_PROGRESS in page and "Reviews in progress" in page  # the signal, and its filter option
    only_drafts = client.get(reverse("caseload"), {"show": "review"}).content.decode()
    assert IN_PROGRESS in only_drafts and "Sam Taylor" in only_drafts
    finish(conversation, personas.alice)
    assert IN_PROGRESS not in client.get(reverse("caseload")).content.decode()


def test_discarding_a_draft_changes_nothing_for_the_client(client, personas, week, now):
    conversation = start(personas, week)
    breathe = conversation.steps.all()[1]
    decide(breathe, personas.alice, Decision.SMALLER, confidence=8)
    add_new(conversation, personas.alice, confidence=9)
    client.force_login(personas.frank)  # Sam's other therapist
    url = reverse("together_discard", args=[conversation.pk])
    assert "Discard this review?" in client.get(url).content.decode()
    page = client.post(url, follow=True).content.decode()
    assert "The review was discarded. Nothing from it was applied; nothing changed for Sam." in page
    assert not Conversation.objects.exists() and not Step.objects.exists()
    week.breathe.refresh_from_db()
    assert week.breathe.revision == 1 and Assignment.objects.filter(client=week.sam.membership).count() == 3
    assert not Session.objects.exists()
    assert client.post(url).status_code == 404  # already gone: nothing to discard, nothing else touched


def test_a_finished_review_cannot_be_discarded(client, personas, week, now):
    conversation = start(personas, week)
    finish(conversation, personas.alice)
    client.force_login(personas.alice)
    response = client.post(reverse("together_discard", args=[conversation.pk]), follow=True)
    assert "This review was finished, so it can’t be discarded" in response.content.decode()
    assert Conversation.objects.get(pk=conversation.pk).session is not None


def test_a_new_activity_added_by_mistake_can_be_taken_out_but_not_the_weeks(client, personas, week, now):
    conversation = start(personas, week)
    new = add_new(conversation, personas.alice, confidence=9)
    walk = conversation.steps.first()
    client.force_login(personas.alice)
    assert "Take this new activity out" in client.get(reverse("together_change", args=[new.pk])).content.decode()
    refused = client.post(reverse("together_remove", args=[walk.pk]), follow=True).content.decode()
    assert "Only a new activity added in a review still in progress can be taken out" in refused
    assert client.get(reverse("together_remove", args=[new.pk])).url == reverse("together_change", args=[new.pk])
    taken = client.post(reverse("together_remove", args=[new.pk]), follow=True).content.decode()
    assert "“Worry time” was taken out of this review; nothing was created." in taken
    assert list(conversation.steps.values_list("kind", flat=True)) == [StepKind.ASSIGNMENT] * 3 + [StepKind.ENTRY]
    finish(conversation, personas.alice)
    assert "Worry time" not in [a.title for a in Assignment.objects.filter(client=week.sam.membership)]
    assert client.post(reverse("together_remove", args=[new.pk])).status_code == 404
