"""The operations added for goals, the fear ladder, comments, the next session, chart sharing, custom worksheets
and invitations: each keeps the web page's rules (its form, formset or builder), service and audit."""

from __future__ import annotations

from carryover.accounts.models import Invitation
from carryover.audit.models import Action, AuditEvent
from carryover.homework import services as hw
from carryover.homework.models import Assignment, Comment, Entry, LadderItem, Template, Visibility
from carryover.homework.tests.conftest import assign
from carryover.measures.services import charts_shared
from carryover.review.services import session_record

from .helpers import call, is_problem, token_for
from .matrix import worksheet


def test_goals_and_the_ladder_follow_the_page_rules(client, personas, monday):
    alice, bob, url = token_for(personas.alice), token_for(personas.bob), f"/api/v1/clients/{personas.bob.pk}"
    made = call(client, "post", f"{url}/goals", alice, {"text": "Sleep by midnight", "steps": ["Phone away", " "]})
    assert made.status_code == 201 and made.json()["steps"] == ["Phone away"]
    assert is_problem(call(client, "post", f"{url}/goals", alice, {"text": ""}), 422)["errors"][0]["field"] == "text"
    assert [g["text"] for g in call(client, "get", f"{url}/goals", alice).json()] == ["Sleep by midnight"]
    rungs = [{"description": "Bus, two stops", "suds": 60}, {"description": "Bus, one stop", "suds": 40}]
    ladder = call(client, "put", f"{url}/ladder", alice, {"items": rungs}).json()["items"]
    assert [r["suds"] for r in ladder] == [60, 40]  # in the order given, as the page keeps it
    kept = {**ladder[1], "description": "Bus, one stop, with a friend"}
    mine = call(client, "put", "/api/v1/me/ladder", bob, {"items": [kept]}).json()["items"]
    assert mine == [kept]  # the client's own ladder is the same one: the other rung archived, not deleted
    assert LadderItem.objects.filter(client=personas.bob.membership, archived=True).count() == 1
    assert call(client, "get", f"{url}/ladder", alice).json()["items"] == [kept]
    bad = call(client, "put", "/api/v1/me/ladder", bob, {"items": [{"description": "x", "suds": 101}]})
    assert is_problem(bad, 422)["errors"][0]["field"] == "items.0.suds"


def test_comments_on_shared_entries_only(client, personas, monday):
    alice, bob = token_for(personas.alice), token_for(personas.bob)
    occurrences = list(assign(personas.alice, personas.bob, key="journal").occurrences.order_by("due_date"))
    entry = hw.skip_occurrence(client=personas.bob.membership, occurrence=occurrences[0], barriers=["forgot"])
    url = f"/api/v1/entries/{entry.pk}/comments"
    made = call(client, "post", url, alice, {"text": "  Forgetting is common.  "})
    assert made.status_code == 201 and made.json()["text"] == "Forgetting is common."
    assert [c["text"] for c in call(client, "get", url, bob).json()] == ["Forgetting is common."]
    assert is_problem(call(client, "post", url, alice, {"text": ""}), 422)["errors"][0]["field"] == "text"
    assert is_problem(call(client, "post", url, bob, {"text": "Me too"}), 404)  # clients read, not write, them
    Entry.objects.filter(pk=entry.pk).update(visibility=Visibility.PRIVATE)
    assert is_problem(call(client, "post", url, alice, {"text": "Hello"}), 409)["type"].endswith("#private_entry")
    assert call(client, "get", url, alice).json() == []  # a private entry shows its therapist nothing
    assert Comment.objects.count() == 1


def test_next_session_and_chart_sharing(client, personas, monday):
    alice, url = token_for(personas.alice), f"/api/v1/clients/{personas.bob.pk}"
    none_yet = is_problem(call(client, "put", f"{url}/next-session", alice, {"next_date": "2026-03-16"}), 422)
    assert "Record a session first" in none_yet["errors"][0]["message"]
    session_record(therapist=personas.alice.membership, client=personas.bob.membership, date="2026-03-02")
    moved = call(client, "put", f"{url}/next-session", alice, {"next_date": "2026-03-16"})
    assert moved.json()["next_session"] == "2026-03-16"
    past = call(client, "put", f"{url}/next-session", alice, {"next_date": "2026-02-01"})
    assert is_problem(past, 422)["errors"][0]["field"] == "next_date"
    assert call(client, "put", f"{url}/next-session", alice, {"next_date": None}).json()["next_session"] is None
    assert call(client, "get", f"{url}/chart-sharing", alice).json()["shared"] is False
    assert call(client, "put", f"{url}/chart-sharing", alice, {"shared": True}).json()["shared"] is True
    assert charts_shared(personas.bob.membership)


def test_a_worksheet_is_made_and_versioned_through_the_builders_checks(client, personas, monday):
    alice = token_for(personas.alice)
    made = call(client, "post", "/api/v1/templates", alice, worksheet())
    assert made.status_code == 201 and (made.json()["name"], made.json()["version"]) == ("Evening check", 1)
    url = f"/api/v1/templates/{made.json()['id']}"
    tag = call(client, "get", url, alice)["ETag"]
    choice = {"type": "single_choice", "label": "How was it?", "choices": ["Fine", "Hard"]}
    changed = {**worksheet(), "fields": [*worksheet()["fields"], choice]}
    assert call(client, "put", url, alice, changed, **{"If-Match": tag}).json()["version"] == 2
    assert call(client, "put", url, alice, changed).json()["version"] == 2  # nothing changed: no new version
    assert is_problem(call(client, "put", url, alice, worksheet(), **{"If-Match": tag}), 412)
    one_choice = {**worksheet(), "fields": [{**choice, "choices": ["Fine"]}]}
    assert is_problem(call(client, "put", url, alice, one_choice), 422)["errors"][0]["field"] == "fields.0.choices"
    empty = is_problem(call(client, "post", "/api/v1/templates", alice, {**worksheet(), "fields": []}), 422)
    assert empty["errors"][0]["field"] == "fields"
    no_why = is_problem(call(client, "post", "/api/v1/templates", alice, {**worksheet(), "rationale": ""}), 422)
    assert no_why["errors"][0]["field"] == "rationale"
    assert is_problem(call(client, "put", url, token_for(personas.frank), changed), 404)
    assert Template.objects.filter(owner=personas.alice).count() == 1


def test_invitations_created_resent_and_revoked_with_the_pages_rules(client, personas):
    alice, admin = token_for(personas.alice), token_for(personas.admin)
    before = AuditEvent.objects.count()
    made = call(client, "post", "/api/v1/invitations", alice, {"email": "New.Client@Example.test", "name": "Ann"})
    assert made.status_code == 201 and (made.json()["email"], made.json()["role"]) == (
        "new.client@example.test",
        "client",
    )
    assert [(e.action, e.object_type) for e in AuditEvent.objects.order_by("id")[before:]] == [
        (Action.CREATE, "invitation")
    ]
    again = is_problem(call(client, "post", "/api/v1/invitations", alice, {"email": "new.client@example.test"}), 409)
    assert again["errors"][0]["field"] == "email"
    bad = is_problem(call(client, "post", "/api/v1/invitations", alice, {"email": "not an address"}), 422)
    assert bad["errors"][0]["field"] == "email"
    url = f"/api/v1/invitations/{made.json()['id']}"
    assert call(client, "post", f"{url}/resend", alice).json()["status"] == "pending"
    assert call(client, "post", f"{url}/revoke", admin).json()["status"] == "revoked"
    assert is_problem(call(client, "post", f"{url}/resend", alice), 409)["type"].endswith("#invitation")
    staff = call(client, "post", "/api/v1/practice/invitations", admin, {"email": "t@example.test", "role": "admin"})
    assert staff.status_code == 201 and staff.json()["role"] == "admin"
    client_role = {"email": "c@example.test", "role": "client"}
    assert is_problem(call(client, "post", "/api/v1/practice/invitations", admin, client_role), 422)
    assert Invitation.objects.count() == 2


def test_an_old_assignment_cannot_be_moved_decades_back(client, personas, monday):
    """AssignmentForm's bound on the start date (homework/tests/test_assigning.py), through the API's edit."""
    old = assign(personas.alice, personas.bob, key="journal", start_date="2024-06-03")
    Assignment.objects.filter(pk=old.pk).update(assigned_on=None)
    url = f"/api/v1/assignments/{old.pk}"
    refused = call(client, "patch", url, token_for(personas.alice), {"start_date": "1990-01-01"})
    assert is_problem(refused, 422)["errors"] == [
        {"field": "start_date", "message": "Choose a start date no earlier than 2 Mar 2025 (a year back)."}
    ]
    assert call(client, "patch", url, token_for(personas.alice), {"title": "Three lines"}).status_code == 200
