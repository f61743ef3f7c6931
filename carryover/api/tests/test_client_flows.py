"""The client's journeys through the API end to end, with the same rules as the web pages: a private entry never
reaches the therapist (canary), risk answers raise exactly one alert on the saved answer, "this isn't working"
reaches the caseload, and the therapist's summary counts what was sent."""

from __future__ import annotations

from carryover.homework.tests.conftest import assign
from carryover.measures.models import AlertSource, MeasureResult, RiskAlert
from carryover.measures.tests.helpers import assign_measure

from .helpers import call, is_problem, token_for
from .matrix import OPS

CANARY = "canary-7f3a-private-words"


def _first_occurrence(assignment):
    return assignment.occurrences.order_by("due_date").first()


def test_a_private_entry_never_appears_in_any_therapist_response(client, personas, monday):
    bob = token_for(personas.bob)
    occurrence = _first_occurrence(assign(personas.alice, personas.bob, key="journal"))
    assert occurrence.pk in [o["id"] for o in call(client, "get", "/api/v1/me/today", bob).json()["today"]]
    fields = {"f-entry": CANARY, "a-visibility": "private", "a-minutes": "7"}
    saved = call(client, "patch", f"/api/v1/occurrences/{occurrence.pk}/draft", bob, {"fields": fields})
    assert saved.status_code == 200 and saved.json()["fields"]["f-entry"] == CANARY
    sent = call(client, "post", f"/api/v1/occurrences/{occurrence.pk}/submit", bob, {"outcome": "done"})
    assert sent.status_code == 201, sent.content
    entry_id = sent.json()["entry_id"]
    assert CANARY in call(client, "get", f"/api/v1/entries/{entry_id}", bob).content.decode()  # the canary is real

    alice = token_for(personas.alice)
    ids = {"client_id": personas.bob.pk, "entry_id": entry_id, "assignment_id": occurrence.assignment_id}
    read = 0
    for method, path in OPS:
        if method == "get" and set(re_fields(path)) <= set(ids) and not path.startswith("/me/"):
            response = call(client, "get", "/api/v1" + path.format(**ids), alice)
            assert CANARY not in response.content.decode(), path
            read += response.status_code == 200
    assert read >= 9
    entry = call(client, "get", f"/api/v1/entries/{entry_id}", alice).json()
    assert entry == {**{key: None for key in entry}, "id": entry_id, "client_id": personas.bob.pk, "private": True}
    summary = call(client, "get", f"/api/v1/clients/{personas.bob.pk}/summary", alice).json()
    assert summary["private_entries"] == 1 and entry_id not in summary["shared_entry_ids"]


def re_fields(path: str) -> list[str]:
    import re

    return re.findall(r"{(\w+)}", path)


def test_phq9_item_9_raises_one_alert_on_the_saved_answer_one_answer_per_call(client, personas, monday):
    bob = token_for(personas.bob)
    occurrence = _first_occurrence(assign_measure(personas.alice, personas.bob))
    url = f"/api/v1/occurrences/{occurrence.pk}/draft"
    first = call(client, "patch", url, bob, {"fields": {"f-q9": "1"}})
    assert first.status_code == 200 and first.json()["crisis"] is True
    alert = RiskAlert.objects.get()
    assert (alert.source, alert.occurrence_id) == (AlertSource.PHQ9_ITEM9, occurrence.pk)
    assert call(client, "patch", url, bob, {"fields": {"f-q1": "0"}}).json()["crisis"] is True  # until shown
    lines = call(client, "get", "/api/v1/me/crisis-resources", bob).json()
    assert lines and all(line["name"] for line in lines)
    alert.refresh_from_db()
    assert alert.shown_at is not None  # what the crisis screen showed is on record, as on the web
    for item in range(1, 9):
        assert call(client, "patch", url, bob, {"fields": {f"f-q{item}": "0"}}).json()["crisis"] is False
    sent = call(client, "post", f"/api/v1/occurrences/{occurrence.pk}/submit", bob, {})
    assert sent.status_code == 201 and sent.json()["crisis"] is True
    assert MeasureResult.objects.get().total == 1
    assert RiskAlert.objects.count() == 1 and RiskAlert.objects.get().entry_id == sent.json()["entry_id"]
    again = call(client, "post", f"/api/v1/occurrences/{occurrence.pk}/submit", bob, {})
    is_problem(again, 409)


def test_skipped_with_barriers_and_not_working_reach_the_therapist(client, personas, monday):
    bob, alice = token_for(personas.bob), token_for(personas.alice)
    assignment = assign(personas.alice, personas.bob, key="journal")
    occurrence = _first_occurrence(assignment)
    body = {"outcome": "skipped", "fields": {"o-barriers": ["forgot", "no_time"]}}
    sent = call(client, "post", f"/api/v1/occurrences/{occurrence.pk}/submit", bob, body)
    assert sent.status_code == 201 and sent.json()["outcome"] == "skipped"
    entry = call(client, "get", f"/api/v1/entries/{sent.json()['entry_id']}", alice).json()
    assert entry["barriers"] == ["forgot", "no_time"] and entry["barrier_labels"][0]
    notice = call(client, "post", f"/api/v1/assignments/{assignment.pk}/not-working", bob, {"reason": "too_long"})
    assert notice.status_code == 201
    row = call(client, "get", "/api/v1/caseload", alice).json()["items"][0]
    assert row["client_id"] == personas.bob.pk and "notice" in [s["kind"] for s in row["signals"]]
    unknown = call(client, "patch", f"/api/v1/occurrences/{occurrence.pk}/draft", bob, {"fields": {"f-nope": "x"}})
    is_problem(unknown, 409)  # already answered


def test_a_draft_field_that_the_worksheet_does_not_have_is_named(client, personas, monday):
    bob = token_for(personas.bob)
    occurrence = _first_occurrence(assign(personas.alice, personas.bob, key="journal"))
    response = call(client, "patch", f"/api/v1/occurrences/{occurrence.pk}/draft", bob, {"fields": {"f-nope": "x"}})
    assert is_problem(response, 422)["errors"] == [
        {"field": "fields.f-nope", "message": "Not a field of this worksheet (docs/api.md, “Field names”)."}
    ]
    body = {"outcome": "partial", "fields": {"o-fraction": "7"}}
    odd_fraction = call(client, "post", f"/api/v1/occurrences/{occurrence.pk}/submit", bob, body)
    assert "fields.o-fraction" in [e["field"] for e in is_problem(odd_fraction, 422)["errors"]]
    assert not occurrence.client.entries.exists()


def test_reminder_settings_follow_the_settings_page_rules(client, personas, monday):
    bob = token_for(personas.bob)
    assignment = assign(personas.alice, personas.bob, key="journal")
    url = "/api/v1/me/reminder-settings"
    before = call(client, "get", url, bob)
    assert before.json()["assignment_times"] == {str(assignment.pk): None}
    body = {
        "enabled": True,
        "mode": "each",
        "channels": ["email", "in_app"],
        "quiet_start": "22:00",
        "quiet_end": "07:00",
    }
    inside_quiet = {**body, "assignment_times": {str(assignment.pk): "23:00"}}
    problem = is_problem(call(client, "put", url, bob, inside_quiet, **{"If-Match": before["ETag"]}), 422)
    assert problem["errors"][0]["field"] == f"assignment_times.{assignment.pk}"
    twice = is_problem(call(client, "put", url, bob, {**body, "channels": ["email", "email"]}), 422)
    assert twice["errors"][0]["field"] == "channel_1"
    saved = call(client, "put", url, bob, {**body, "assignment_times": {str(assignment.pk): "20:15"}})
    assert saved.status_code == 200 and saved.json()["assignment_times"] == {str(assignment.pk): "20:15:00"}
    stale = call(client, "put", url, bob, body, **{"If-Match": before["ETag"]})
    is_problem(stale, 412)


def test_the_safety_plan_is_saved_with_the_pages_rules(client, personas):
    bob = token_for(personas.bob)
    url = "/api/v1/me/safety-plan"
    tag = call(client, "get", url, bob)["ETag"]
    saved = call(client, "put", url, bob, {"sections": {"reasons": "My sister"}}, **{"If-Match": tag})
    assert saved.status_code == 200 and saved.json()["sections"]["reasons"] == "My sister"
    is_problem(call(client, "put", url, bob, {"sections": {"reasons": "x"}}, **{"If-Match": tag}), 412)
    unknown = is_problem(call(client, "put", url, bob, {"sections": {"nope": "x"}}), 422)
    assert unknown["errors"][0]["field"] == "sections.nope"
    alice = token_for(personas.alice)
    assert "My sister" not in call(client, "get", f"/api/v1/clients/{personas.bob.pk}/summary", alice).content.decode()
