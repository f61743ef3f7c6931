"""Every API operation × every persona, with tokens (api/tests/matrix.py): the expected status, exactly one audit
row (denied for a 404, allowed for a read or write of client data), a stranger's 404 indistinguishable from a
missing id's, and no operation missing from the matrix."""

from __future__ import annotations

import pytest

from carryover.accounts.tests.test_access_matrix import who
from carryover.api.v1 import api
from carryover.audit.models import AuditEvent, Outcome

from .helpers import call, token_for
from .matrix import OPS, PERSONAS

PREFIX = "/api/v1"


def operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method, path.removeprefix(PREFIX)) for path, ops in schema["paths"].items() for method in ops}


def test_every_operation_is_in_the_matrix():
    assert operations() - OPS.keys() == set(), "add these operations to api/tests/matrix.py"
    assert OPS.keys() - operations() == set(), "these matrix rows name operations that no longer exist"


def new_events(before: int) -> list[str]:
    return [e.outcome for e in AuditEvent.objects.order_by("id")[before:]]


@pytest.mark.parametrize("key", sorted(OPS), ids=lambda k: f"{k[0]} {k[1]}")
def test_api_matrix(client, matrix_world, key):
    method, path = key
    op = OPS[key]
    personas, state = matrix_world.personas, matrix_world.state
    url = PREFIX + path.format(**op.path(personas, state))
    body = op.body(personas, state) if callable(op.body) else op.body
    got = {}
    for persona in PERSONAS:
        token = token_for(who(personas, persona))
        before = AuditEvent.objects.count()
        response = call(client, method, url, token, body)
        got[persona] = response.status_code
        events = new_events(before)
        if response.status_code == 404:
            assert events == [Outcome.DENIED], f"{persona}: refused, but audited as {events}"
            assert response["Content-Type"] == "application/problem+json"
        elif op.audited:
            assert events == [Outcome.ALLOWED], f"{persona}: allowed, but audited as {events}"
    assert got == op.expect


@pytest.mark.parametrize("key", sorted(k for k in OPS if "{" in k[1]), ids=lambda k: f"{k[0]} {k[1]}")
def test_a_missing_id_looks_like_a_strangers(client, matrix_world, key):
    """The same 404 body for an id that does not exist as for one that is someone else's."""
    method, path = key
    op = OPS[key]
    personas, state = matrix_world.personas, matrix_world.state
    body = op.body(personas, state) if callable(op.body) else op.body
    params = op.path(personas, state)
    missing = {name: 9_000_000 for name in params}
    allowed = next(p for p, status in op.expect.items() if status < 400)
    stranger = next(p for p, status in op.expect.items() if status == 404)
    one = call(client, method, PREFIX + path.format(**missing), token_for(who(personas, allowed)), body)
    other = call(client, method, PREFIX + path.format(**params), token_for(who(personas, stranger)), body)
    assert one.status_code == other.status_code == 404
    strip = lambda r: {k: v for k, v in r.json().items() if k != "instance"}  # noqa: E731
    assert strip(one) == strip(other)
