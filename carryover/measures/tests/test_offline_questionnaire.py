"""A questionnaire answered with no signal (issue 17): the phone keeps each question, and what it typed is applied
once when the connection returns — scored as when sent online, its one alert raised on arrival, held on the phone
for a paused questionnaire, never applied twice and never lost."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from carryover.homework import services as homework
from carryover.homework.models import Draft, Entry, OfflineSubmission
from carryover.lib.devicecache import OWNER_HEADER
from carryover.measures import scoring
from carryover.measures.models import MeasureResult, RiskAlert

from .helpers import assign_measure

pytestmark = pytest.mark.usefixtures("monday")
CALM = [1, 2, 0, 1, 0, 1, 2, 0, 0]  # PHQ-9 items 1-9: item 9 "Not at all"
AT_RISK = [1, 2, 0, 1, 0, 1, 2, 0, 2]  # item 9 "More than half the days"


@pytest.fixture
def phq9(personas):
    return assign_measure(personas.alice, personas.bob).occurrences.order_by("due_date").first()


def typed(items: list[int]) -> dict[str, list[str]]:
    """The answers as the phone's form gives them (one question a screen, kept together)."""
    values = {f"f-q{n}": [str(v)] for n, v in enumerate(items, start=1)}
    return {**values, "f-difficulty": ["somewhat"]}


def send(client, occurrence, values, *, key=None, finish=True):
    body = {"key": str(key or uuid.uuid4()), "values": values, "bases": {}, "saved_at": 1772442000000}
    body["finish"] = finish
    url = reverse("measure_offline", args=[occurrence.pk])
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_questionnaire_sent_from_a_phone_is_scored_once_and_every_replay_gets_the_first_result(
    client, personas, phq9
):
    client.force_login(personas.bob)
    key = uuid.uuid4()
    first = send(client, phq9, typed(CALM), key=key)
    assert first.status_code == 200 and first.json()["status"] == "sent", first.content
    for _ in range(2):  # the page and Background Sync both sending, then a retry after a lost reply
        assert send(client, phq9, typed(CALM), key=key).json() == first.json()
    result = MeasureResult.objects.get()
    expected = scoring.score("phq9", {f"q{n}": v for n, v in enumerate(CALM, start=1)})
    assert (result.total, result.band) == (expected.total, expected.band) == (7, expected.band)
    assert result.entry.occurrence == phq9 and result.entry.outcome == "done"
    assert OfflineSubmission.objects.filter(key=key).count() == 1 and not RiskAlert.objects.exists()
    late = send(client, phq9, typed(CALM))  # a new key for a questionnaire already sent: nothing added
    assert late.status_code == 409 and "already sent" in late.json()["message"]
    assert Entry.objects.count() == 1 and MeasureResult.objects.count() == 1


def test_a_risk_answer_typed_offline_raises_one_alert_on_arrival_and_the_phone_goes_to_the_crisis_lines(
    client, personas, phq9
):
    client.force_login(personas.bob)
    # The phone sent what it held the moment item 9 was answered (not finished), then the rest with Send.
    saved = send(client, phq9, typed(AT_RISK), finish=False)
    assert saved.json()["status"] == "crisis" and saved.json()["url"] == reverse("crisis_support")
    alert = RiskAlert.objects.get()
    assert alert.occurrence == phq9 and alert.entry is None and not Entry.objects.exists()
    key = uuid.uuid4()
    sent = send(client, phq9, typed(AT_RISK), key=key)
    assert sent.json()["status"] == "crisis"  # the crisis screen was never seen: shown now
    assert send(client, phq9, typed(AT_RISK), key=key).json() == sent.json()
    alert.refresh_from_db()
    assert RiskAlert.objects.count() == 1 and alert.entry == Entry.objects.get()
    assert MeasureResult.objects.get().risk_value == 2


def test_a_paused_questionnaire_holds_the_answers_on_the_phone_and_takes_them_once_resumed(client, personas, phq9):
    client.force_login(personas.bob)
    client.get(reverse("measure_do", args=[phq9.pk]))  # opened online, so pausing keeps it (started)
    homework.assignment_set_status(assignment=phq9.assignment, actor=personas.alice, status="paused")
    key = uuid.uuid4()
    held = send(client, phq9, typed(AT_RISK), key=key)
    assert held.status_code == 409 and held.json()["status"] == "held"
    assert "paused or finished" in held.json()["message"] and "kept on this phone" in held.json()["message"]
    assert not OfflineSubmission.objects.exists() and not Entry.objects.exists() and not RiskAlert.objects.exists()
    homework.assignment_set_status(assignment=phq9.assignment, actor=personas.alice, status="active")
    assert send(client, phq9, typed(AT_RISK), key=key).json()["status"] == "crisis"
    assert MeasureResult.objects.count() == 1 and RiskAlert.objects.count() == 1


def test_a_questionnaire_finished_with_a_question_unanswered_keeps_every_answer_and_asks_for_a_look(
    client, personas, phq9
):
    client.force_login(personas.bob)
    values = typed(CALM)
    del values["f-q4"]
    response = send(client, phq9, values)
    assert response.json()["status"] == "needs_look"
    assert response.json()["url"] == reverse("measure_do", args=[phq9.pk])
    draft = Draft.objects.get(occurrence=phq9)
    assert draft.raw["f-q1"] == "1" and draft.raw["f-q7"] == "2" and "f-q4" not in draft.raw
    assert not MeasureResult.objects.exists()


def test_the_phone_keeps_each_question_unstarted_and_sends_to_the_questionnaires_own_address(client, personas, phq9):
    client.force_login(personas.bob)
    today = client.get(reverse("client_home"))
    page = reverse("measure_do", args=[phq9.pk])
    assert {page, f"{page}?step=0", f"{page}?step=9"} <= set(today.context["offline_urls"])
    assert f'href="{page}"' in today.content.decode()  # Start opens the page the phone kept, not a redirect
    kept = client.get(f"{page}?step=8", headers={"X-Carryover-Offline": "keep"})
    assert kept.status_code == 200 and kept[OWNER_HEADER] == today[OWNER_HEADER]
    html = kept.content.decode()
    assert f'data-offline-url="{reverse("measure_offline", args=[phq9.pk])}"' in html
    assert 'data-offline-steps="0,1,2,3,4,5,6,7,8,9"' in html and 'data-offline-step="8"' in html
    assert 'data-risk-at-least="1"' in html  # item 9's rule rides on the field, for the phone's own check
    assert not Draft.objects.filter(occurrence=phq9).exists()  # keeping a copy starts nothing


def test_someone_elses_questionnaire_is_not_found_and_a_worksheet_is_not_a_questionnaire(client, personas, phq9):
    from carryover.homework.tests.conftest import assign

    client.force_login(personas.erin)
    assert send(client, phq9, typed(CALM)).status_code == 404
    client.force_login(personas.bob)
    journal = assign(personas.alice, personas.bob, key="journal").occurrences.order_by("due_date").first()
    assert send(client, journal, {"f-entry": ["x"]}).status_code == 404
    assert not Entry.objects.exists() and not OfflineSubmission.objects.exists()
