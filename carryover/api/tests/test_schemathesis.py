"""schemathesis against the live OpenAPI document (`/api/v1/openapi.json`, fetched from the app itself): every
operation, as a therapist, a client and an admin, with generated inputs, each sent once with the generated ids
and once with real ones (so the checks reach past the 404 into the endpoints). Checks: no server error, status
codes and content types the document declares, and responses that match their schema.

A few examples per operation keep it to about a minute; marked `slow`. Run on SQLite and PostgreSQL (CI does).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from carryover.accounts.tests.test_access_matrix import homework_state

from .helpers import token_for

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.phases.update(phases=["examples", "fuzzing"])  # not "coverage": every boundary of every field is minutes
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_keeps_the_test_database():
    """The WSGI handler closes the database connection after each request; Django's test client stops it doing
    that to the test's own connection, and so does this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(personas, wsgi_keeps_the_test_database) -> dict:
    state = homework_state(personas)
    real = {
        "client_id": personas.bob.pk,
        "assignment_id": state["assignment"].pk,
        "occurrence_id": state["occurrence"].pk,
        "entry_id": state["entry"].pk,
        "template_id": state["template"].pk,
        "invitation_id": state["invitation"].pk,
    }
    tokens = {
        who: token_for(user)
        for who, user in (("therapist", personas.alice), ("client", personas.bob), ("admin", personas.admin))
    }
    return {"tokens": tokens, "real": real}


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_the_api_keeps_its_own_document(case, callers, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000  # the generator's pace is not a client's
    for token in callers["tokens"].values():
        headers = {"Authorization": f"Bearer {token}"}
        case.call_and_validate(headers=headers, checks=CHECKS)
        if case.path_parameters:
            real = {name: callers["real"].get(name, value) for name, value in case.path_parameters.items()}
            original, case.path_parameters = case.path_parameters, real
            case.call_and_validate(headers=headers, checks=CHECKS)
            case.path_parameters = original


def test_every_operation_is_generated():
    from .test_api_matrix import operations

    found = [result.ok() for result in schema.get_all_operations()]
    generated = {(op.method.lower(), op.path.removeprefix("/api/v1")) for op in found}
    assert generated == operations()
