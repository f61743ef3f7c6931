"""A client completes a measure on a phone: one question per screen, save and return, scored once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carryover.homework.models import Entry, OccurrenceStatus
from carryover.homework.services import SubmissionError
from carryover.measures import services
from carryover.measures.models import MeasureResult, RiskAlert

from .helpers import answer, assign_measure

pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def phq9(personas):
    assignment = assign_measure(personas.alice, personas.bob)
    return assignment.occurrences.order_by("due_date").first()


def post_step(client, occurrence, step, value=None, go="next"):
    data = {"step": str(step), "go": go}
    if value is not None:
        data[f"f-q{step + 1}"] = str(value)
    return client.post(reverse("measure_do", args=[occurrence.pk]), data)


def test_today_leads_to_the_one_question_per_screen_flow(client, personas, phq9):
    client.force_login(personas.bob)
    page = client.get(reverse("client_home"))
    assert reverse("occurrence_do", args=[phq9.pk]).encode() in page.content
    response = client.get(reverse("occurrence_do", args=[phq9.pk]))
    assert response.url == reverse("measure_do", args=[phq9.pk])
    page = client.get(response.url)
    assert b"Question 1 of 10" in page.content
    assert b"Little interest or pleasure in doing things" in page.content
    assert b"Feeling down" not in page.content  # the next item waits for the next screen


def test_completing_every_item_scores_once_and_thanks_the_client(client, personas, phq9):
    client.force_login(personas.bob)
    for step, value in enumerate([2, 2, 1, 1, 0, 1, 2, 1, 0]):
        response = post_step(client, phq9, step, value)
        assert response.status_code == 302 and response.url.endswith(f"?step={step + 1}")
    response = client.post(
        reverse("measure_do", args=[phq9.pk]), {"step": "9", "f-difficulty": "somewhat", "go": "finish"}
    )
    assert response.url == reverse("client_home")
    result = MeasureResult.objects.get()
    assert (result.measure, result.total, result.band, result.risk_value) == ("phq9", 10, "moderate", 0)
    entry = result.entry
    assert entry.answers["difficulty"] == "somewhat" and entry.outcome == "done" and entry.visibility == "shared"
    phq9.refresh_from_db()
    assert phq9.status == OccurrenceStatus.DONE
    assert not RiskAlert.objects.exists()
    follow = client.get(response.url)
    assert b"were sent to your therapist" in follow.content


def test_the_client_can_stop_and_come_back_where_they_left_off(client, personas, phq9):
    client.force_login(personas.bob)
    for step in range(4):
        post_step(client, phq9, step, 1)
    client.logout()
    client.force_login(personas.bob)
    page = client.get(reverse("measure_do", args=[phq9.pk]))
    assert b"Question 5 of 10" in page.content and b"4 of 10 answered" in page.content


def test_next_without_an_answer_or_with_a_wrong_value_asks_again_and_keeps_the_rest(client, personas, phq9):
    client.force_login(personas.bob)
    post_step(client, phq9, 0, 3)
    page = post_step(client, phq9, 1, None)
    assert page.status_code == 200 and b"Please choose one answer." in page.content
    page = post_step(client, phq9, 1, 7)
    assert page.status_code == 200 and b"Please choose from the options shown." in page.content
    draft = phq9.draft
    draft.refresh_from_db()
    assert draft.raw["f-q1"] == "3" and draft.raw["f-q2"] == "7"  # kept as typed; nothing lost


def test_finishing_with_a_missing_answer_goes_back_to_that_question(client, personas, phq9):
    client.force_login(personas.bob)
    answer(phq9, [1, 1, 1])  # only the first three answered
    response = client.post(reverse("measure_do", args=[phq9.pk]), {"step": "9", "go": "finish"})
    assert response.status_code == 302 and "step=3" in response.url
    assert not MeasureResult.objects.exists() and not Entry.objects.exists()
    page = client.get(response.url)
    assert b"still need an answer" in page.content


def test_a_second_submission_is_refused_and_nothing_is_scored_twice(client, personas, phq9):
    draft = answer(phq9, [1] * 9)
    stale_copy = type(draft).objects.get(pk=draft.pk)
    services.measure_submit(draft=draft)
    with pytest.raises(SubmissionError) as error:
        services.measure_submit(draft=stale_copy)  # a double-click, or a second tab
    assert error.value.errors == {"form": services.ALREADY_SENT}
    assert MeasureResult.objects.count() == 1 and RiskAlert.objects.count() == 1
    client.force_login(personas.bob)
    response = client.post(reverse("measure_do", args=[phq9.pk]), {"step": "9", "go": "finish"})
    assert response.url == reverse("client_home")
    assert MeasureResult.objects.count() == 1


def test_item9_above_zero_shows_the_crisis_screen_with_resources_and_plan(client, personas, phq9):
    services.safety_plan_save(
        client=personas.bob.membership, actor=personas.bob, content={"coping": "Walk round the block with music on"}
    )
    answer(phq9, [0, 0, 0, 0, 0, 0, 0, 0, 1])  # a total of 1: minimal, yet a flag
    client.force_login(personas.bob)
    response = client.post(reverse("measure_do", args=[phq9.pk]), {"step": "9", "go": "finish"})
    assert response.url == reverse("crisis_support")
    page = client.get(response.url).content.decode()
    assert "Your therapist has been told" in page
    # The practice's (GB) lines, one tap away.
    assert 'href="tel:116123"' in page and 'href="sms:85258?&amp;body=SHOUT"' in page
    assert "Walk round the block with music on" in page
    assert RiskAlert.objects.get().source == "phq9_item9"


def test_zero_on_item9_raises_no_alert_and_is_never_called_safe(client, personas, phq9):
    services.measure_submit(draft=answer(phq9, [3, 3, 3, 3, 3, 3, 3, 3, 0]))
    assert not RiskAlert.objects.exists()
    client.force_login(personas.alice)
    for url in (reverse("client_detail", args=[personas.bob.pk]), reverse("client_measures", args=[personas.bob.pk])):
        page = client.get(url).content.decode().lower()
        assert "safe" not in page.replace("safety", "")
    page = client.get(reverse("client_measures", args=[personas.bob.pk])).content
    assert b"An answer of 0 does not rule out risk." in page


def test_skipping_a_measure_records_it_without_a_score(client, personas, phq9):
    client.force_login(personas.bob)
    response = client.get(reverse("occurrence_do", args=[phq9.pk]) + "?skip=1")
    assert response.url.endswith("?skip=1")
    assert b"Not this time?" in client.get(response.url).content
    client.post(reverse("measure_do", args=[phq9.pk]), {"go": "skip", "o-barriers": ["no_time"]})
    phq9.refresh_from_db()
    assert phq9.status == OccurrenceStatus.SKIPPED and not MeasureResult.objects.exists()


def test_an_ordinary_worksheet_is_not_a_measure(client, personas):
    from carryover.homework.tests.conftest import assign

    occurrence = assign(personas.alice, personas.bob, key="journal").occurrences.first()
    client.force_login(personas.bob)
    assert client.get(reverse("measure_do", args=[occurrence.pk])).status_code == 404
