"""Answers a phone kept while offline (homework/offline.py): applied once by their key however often the phone
sends them, held (kept on the phone) for a paused activity, merged with the server's draft by field with neither
side dropped; what the phone may keep; and sign-out telling the browser to wipe it."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from carryover.homework import services
from carryover.homework.models import Draft, Entry, OfflineSubmission
from carryover.lib.devicecache import OWNER_HEADER

from .conftest import assign

FINISHED = {"f-entry": ["Wrote this on the train."], "o-outcome": ["done"], "a-visibility": ["shared"]}


@pytest.fixture
def journal(personas, monday):
    assignment = assign(personas.alice, personas.bob, key="journal")
    return assignment.occurrences.order_by("due_date").first()


def send(client, occurrence, *, key=None, values=None, bases=None, finish=True, saved_at=None):
    body = {
        "key": str(key or uuid.uuid4()),
        "values": FINISHED if values is None else values,
        "bases": bases or {},
        "saved_at": saved_at if saved_at is not None else 1772442000000,  # 2 March 2026 09:00 UTC, in ms
        "finish": finish,
    }
    url = reverse("occurrence_offline", args=[occurrence.pk])
    return client.post(url, json.dumps(body), content_type="application/json")


def test_offline_answers_are_sent_once_and_every_replay_gets_the_first_result(client, personas, journal):
    client.force_login(personas.bob)
    key = uuid.uuid4()
    first = send(client, journal, key=key)
    assert first.status_code == 200 and first.json()["status"] == "sent", first.content
    assert first.json()["url"] == reverse("client_home")
    for _ in range(2):  # the page and Background Sync both sending, then a retry after a lost reply
        again = send(client, journal, key=key)
        assert again.status_code == 200 and again.json() == first.json()
    entry = Entry.objects.get(occurrence=journal)
    assert entry.answers["entry"] == "Wrote this on the train." and entry.outcome == "done"
    assert OfflineSubmission.objects.filter(key=key).count() == 1
    # A new key for an activity already sent: nothing is added, and the phone keeps what it has.
    late = send(client, journal)
    assert late.status_code == 409 and "already sent" in late.json()["message"]
    assert Entry.objects.filter(occurrence=journal).count() == 1


def test_a_submission_for_a_paused_activity_is_held_on_the_phone_and_goes_once_resumed(client, personas, journal):
    client.force_login(personas.bob)
    client.get(reverse("occurrence_do", args=[journal.pk]))  # opened online, so pausing keeps it (started)
    services.assignment_set_status(assignment=journal.assignment, actor=personas.alice, status="paused")
    key = uuid.uuid4()
    held = send(client, journal, key=key)
    assert held.status_code == 409 and held.json() == {"status": "held", "message": held.json()["message"]}
    assert "paused or finished" in held.json()["message"] and "kept on this phone" in held.json()["message"]
    assert not Entry.objects.exists() and not OfflineSubmission.objects.exists()
    services.assignment_set_status(assignment=journal.assignment, actor=personas.alice, status="active")
    assert send(client, journal, key=key).json()["status"] == "sent"
    assert Entry.objects.filter(occurrence=journal).count() == 1


def test_an_answer_changed_on_both_sides_keeps_both_and_waits_for_the_client(client, personas, journal, monday):
    client.force_login(personas.bob)
    client.get(reverse("occurrence_do", args=[journal.pk]))
    draft = Draft.objects.get(occurrence=journal)
    services.draft_save(draft=draft, updates={"f-entry": "Typed at home.", "a-minutes": "5"})
    # The phone saw an empty answer, typed its own an hour before the server's (its clock): the server's stays.
    older = 1772442000000 - 3_600_000
    response = send(client, journal, bases={"f-entry": [""], "o-outcome": [""]}, saved_at=older)
    assert response.json()["status"] == "conflict" and response.json()["conflicts"] == ["f-entry"]
    draft.refresh_from_db()
    assert draft.raw["f-entry"] == "Typed at home." and draft.raw["_other"] == {"f-entry": "Wrote this on the train."}
    assert draft.raw["o-outcome"] == "done" and draft.raw["a-minutes"] == "5"  # each side's other answers kept
    assert not Entry.objects.exists()  # sent only once the client has seen both
    page = client.get(reverse("occurrence_do", args=[journal.pk]) + "?step=0").content.decode()
    assert "Also written on another device" in page and "Wrote this on the train." in page

    # Newer on the phone: the phone's answer is the value and the server's is kept aside.
    monday.shift(60)
    newer = send(
        client,
        journal,
        values={"f-entry": ["Train, later."]},
        bases={"f-entry": [""]},
        finish=False,
        saved_at=1772442000000 + 3_600_000,
    )
    assert newer.json()["status"] == "conflict"
    draft.refresh_from_db()
    assert draft.raw["f-entry"] == "Train, later." and draft.raw["_other"]["f-entry"] == "Typed at home."


def test_an_answer_only_the_phone_changed_is_taken_without_a_conflict(client, personas, journal):
    client.force_login(personas.bob)
    client.get(reverse("occurrence_do", args=[journal.pk]))
    draft = Draft.objects.get(occurrence=journal)
    services.draft_save(draft=draft, updates={"f-entry": "Started at home."})
    values = {"f-entry": ["Started at home. Finished on the bus."], "a-visibility": ["private"]}
    # "shared" is what the page showed by default, never saved on the server: not a change made there.
    bases = {"f-entry": ["Started at home."], "a-visibility": ["shared"]}
    response = send(client, journal, values=values, bases=bases, finish=False)
    assert response.json()["status"] == "saved"
    draft.refresh_from_db()
    assert draft.raw["f-entry"] == "Started at home. Finished on the bus." and "_other" not in draft.raw
    assert draft.raw["a-visibility"] == "private"


def test_a_risk_answer_typed_offline_is_sent_and_the_phone_goes_to_the_crisis_lines(client, personas, monday):
    from carryover.measures.models import RiskAlert

    occurrence = assign(personas.alice, personas.bob, key="dbt_diary_card").occurrences.order_by("due_date").first()
    client.force_login(personas.bob)
    values = {"f-urge_self_harm": ["5"], "f-urge_use": ["0"], "f-acted_on": ["yes"], "o-outcome": ["partial"]}
    values["o-fraction"] = ["0.50"]
    response = send(client, occurrence, values=values)
    assert response.json()["status"] == "crisis" and response.json()["url"] == reverse("crisis_support")
    assert Entry.objects.filter(occurrence=occurrence).count() == 1  # sent, as Save would online
    assert RiskAlert.objects.get().source == "dbt_urge"


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"key": "x", "values": {}, "saved_at": 1}',
        json.dumps({"key": str(uuid.uuid4()), "values": {"csrfmiddlewaretoken": "1"}, "saved_at": 1}),
    ],
)
def test_a_submission_that_cannot_be_read_is_refused_clearly(client, personas, journal, body):
    client.force_login(personas.bob)
    response = client.post(reverse("occurrence_offline", args=[journal.pk]), body, content_type="application/json")
    assert response.status_code == 400 and "kept on the phone" in response.json()["message"]


def test_another_clients_key_or_activity_is_not_theirs(client, personas, journal):
    client.force_login(personas.bob)
    key = uuid.uuid4()
    send(client, journal, key=key, finish=False)
    client.force_login(personas.erin)
    assert send(client, journal, key=key).status_code == 404
    erins = assign(personas.alice, personas.erin, key="journal").occurrences.order_by("due_date").first()
    assert send(client, erins, key=key).status_code == 400  # Bob's key: never Bob's result
    assert not Entry.objects.exists()


def test_the_phone_keeps_todays_activities_unstarted_and_pages_say_whose_they_are(client, personas, journal):
    client.force_login(personas.bob)
    today = client.get(reverse("client_home"))
    urls = today.context["offline_urls"]
    page = reverse("occurrence_do", args=[journal.pk])
    assert {reverse("help"), reverse("safety_plan"), page, f"{page}?step=0", f"{page}?step=after"} <= set(urls)
    owner = today[OWNER_HEADER]
    assert len(owner) == 24 and owner != str(personas.bob.pk)  # opaque: no id on the device
    kept = client.get(f"{page}?step=outcome", headers={"X-Carryover-Offline": "keep"})
    assert kept.status_code == 200 and kept[OWNER_HEADER] == owner
    assert 'data-offline-steps="0,outcome,barriers,after"' in kept.content.decode()
    assert not Draft.objects.filter(occurrence=journal).exists()  # keeping a copy starts nothing
    client.get(page)  # started: the kept "what got in the way" is that step, though "how it went" isn't answered
    barriers = client.get(f"{page}?step=barriers", headers={"X-Carryover-Offline": "keep"}).content.decode()
    assert "What got in the way?" in barriers and "/autosave/" in barriers
    assert client.get(reverse("help"))[OWNER_HEADER] == owner
    assert client.get(reverse("service_worker"))[OWNER_HEADER] == owner  # the page's check on reconnecting
    client.force_login(personas.erin)
    assert client.get(reverse("client_home"))[OWNER_HEADER] != owner
    client.logout()
    assert client.get(reverse("service_worker"))[OWNER_HEADER] == ""  # signed out: the phone wipes its copy


def test_signing_out_tells_the_browser_to_wipe_this_sites_copies_and_kept_answers(client, personas):
    client.force_login(personas.bob)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302 and response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


def test_keys_are_forgotten_after_a_month_and_a_late_replay_still_adds_nothing(client, personas, journal):
    from datetime import timedelta

    from django.utils import timezone

    from carryover.reminders.tasks import tick

    client.force_login(personas.bob)
    key = uuid.uuid4()
    assert send(client, journal, key=key).json()["status"] == "sent"
    tomorrow = journal.assignment.occurrences.order_by("due_date")[1]
    assert send(client, tomorrow, finish=False).json()["status"] == "saved"  # a key from this week
    OfflineSubmission.objects.filter(key=key).update(received_at=timezone.now() - timedelta(days=31))
    tick.call()  # the reminders clock, every minute
    assert not OfflineSubmission.objects.filter(key=key).exists() and OfflineSubmission.objects.count() == 1
    replay = send(client, journal, key=key)  # a phone that never heard back, a month and more later
    assert replay.status_code == 409 and Entry.objects.filter(occurrence=journal).count() == 1
