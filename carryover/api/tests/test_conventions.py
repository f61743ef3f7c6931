"""One test per convention of docs/api.md: ETag and If-None-Match, If-Match → 412, idempotency keys, cursor
pagination, rate limits with their headers, Last-Modified, RFC 3339 times, and problem+json on every kind of 4xx."""

from __future__ import annotations

import re

from carryover.homework.models import Assignment, Template
from carryover.homework.tests.conftest import assign
from carryover.review.models import Session

from .helpers import call, is_problem, token_for

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _assignment(personas):
    return assign(personas.alice, personas.bob, key="journal")


def test_a_get_has_an_etag_and_a_matching_if_none_match_gets_304(client, personas):
    token, a = token_for(personas.alice), _assignment(personas)
    first = call(client, "get", f"/api/v1/assignments/{a.pk}", token)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    assert first["Last-Modified"].endswith("GMT")
    again = call(client, "get", f"/api/v1/assignments/{a.pk}", token, **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]


def test_a_stale_if_match_gets_412_and_changes_nothing(client, personas):
    token, a = token_for(personas.alice), _assignment(personas)
    url = f"/api/v1/assignments/{a.pk}"
    tag = call(client, "get", url, token)["ETag"]
    saved = call(client, "patch", url, token, {"title": "Three lines a day"}, **{"If-Match": tag})
    assert saved.status_code == 200 and saved.json()["revision"] == 2
    stale = call(client, "patch", url, token, {"title": "Something else"}, **{"If-Match": tag})
    assert is_problem(stale, 412)["errors"][0]["field"] == "If-Match"
    a.refresh_from_db()
    assert (a.title, a.revision) == ("Three lines a day", 2)


def test_a_repeated_idempotency_key_creates_one_object(client, personas):
    token = token_for(personas.alice)
    body = {"template_id": Template.objects.get(key="journal").pk, "title": "A few lines tonight"}
    url = f"/api/v1/clients/{personas.bob.pk}/assignments"
    first = call(client, "post", url, token, body, **{"Idempotency-Key": "k-1"})
    second = call(client, "post", url, token, body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Assignment.objects.filter(client=personas.bob.membership).count() == 1
    other = call(client, "post", url, token, {**body, "title": "Another"}, **{"Idempotency-Key": "k-1"})
    assert is_problem(other, 422)["errors"][0]["field"] == "Idempotency-Key"
    call(client, "post", url, token, body, **{"Idempotency-Key": "k-2"})
    assert Assignment.objects.filter(client=personas.bob.membership).count() == 2


def test_cursor_pagination_walks_every_row_once(client, personas):
    token = token_for(personas.alice)
    made = {
        Session.objects.create(
            client=personas.bob.membership, therapist=personas.alice.membership, date=f"2026-02-{d:02}"
        ).pk
        for d in range(1, 8)
    }
    seen, cursor = [], None
    while True:
        query = f"?limit=3&cursor={cursor}" if cursor else "?limit=3"
        page = call(client, "get", f"/api/v1/clients/{personas.bob.pk}/sessions{query}", token).json()
        seen += [row["id"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(made)
    bad = call(client, "get", f"/api/v1/clients/{personas.bob.pk}/sessions?cursor=nonsense", token)
    assert is_problem(bad, 422)["errors"][0]["field"] == "cursor"


def test_rate_limit_per_token_with_headers(client, personas, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    token, other = token_for(personas.alice), token_for(personas.alice)
    answers = [call(client, "get", "/api/v1/caseload", token) for _ in range(4)]
    assert [r.status_code for r in answers[:3]] == [200, 200, 200]
    assert answers[0]["RateLimit-Policy"] == '"per-token";q=3;w=60'
    assert answers[2]["RateLimit"].startswith('"per-token";r=0;')
    refused = is_problem(answers[3], 429)
    assert refused["type"].endswith("#rate_limited") and int(answers[3]["Retry-After"]) > 0
    assert call(client, "get", "/api/v1/caseload", other).status_code == 200  # each token has its own window


def test_times_are_rfc3339_with_a_zone(client, personas):
    token, a = token_for(personas.alice), _assignment(personas)
    body = call(client, "get", f"/api/v1/assignments/{a.pk}", token).json()
    assert RFC3339.match(body["created_at"]) and RFC3339.match(body["updated_at"]), body["created_at"]


def test_every_kind_of_bad_input_gets_problem_json_with_a_field(client, personas, settings):
    token = token_for(personas.alice)
    url = f"/api/v1/clients/{personas.bob.pk}/assignments"
    template = Template.objects.get(key="journal").pk
    cases = {
        "malformed": ("{not json", 400, "body"),
        "wrong type": ({"template_id": "abc"}, 422, "template_id"),
        "unknown field": ({"template_id": template, "colour": "blue"}, 422, "colour"),
        "form rule": ({"template_id": template, "minutes": 0}, 422, "minutes"),
        "past 64 bits": ({"template_id": 10**30}, 422, "template_id"),
    }
    for name, (body, status, field) in cases.items():
        problem = is_problem(call(client, "post", url, token, body), status)
        assert field in [e["field"] for e in problem["errors"]], (name, problem)
    is_problem(call(client, "get", f"/api/v1/clients/{10**30}", token), 422)
    for unknown in ("/api/v1/", "/api/v1", "/api/v1/no-such-thing", "/api/v1/caseload/x", "/api/v2/caseload"):
        assert is_problem(call(client, "get", unknown, token), 404)["type"].endswith("#not_found"), unknown
    is_problem(call(client, "post", "/api/v1/", token, {}), 404)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    is_problem(call(client, "post", url, token, {"template_id": template, "title": "x" * 2000}), 413)
    assert not Assignment.objects.exists()  # nothing half-made
