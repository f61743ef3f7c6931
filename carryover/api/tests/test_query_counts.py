"""The caseload and summary endpoints run the same number of queries for a small and a bigger caseload with a
shorter and a longer history, as their pages do (review/tests/test_query_counts.py, whose practice this reuses);
their time on a large practice is in `manage.py bench_review` (make bench)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carryover.review.tests.test_query_counts import START, populate

from .helpers import call, token_for

pytestmark = pytest.mark.slow  # builds a small and a large caseload


def counts(client, personas, made, days: int) -> dict[str, int]:
    token = token_for(personas.alice)
    user = made[0][0]
    paths = {
        "caseload": "/api/v1/caseload?limit=100",
        "summary": f"/api/v1/clients/{user.pk}/summary?start={START.isoformat()}",
    }
    result = {}
    with time_machine.travel(f"{(START + timedelta(days=days)).isoformat()} 09:00 +00:00", tick=False):
        for name, path in paths.items():
            call(client, "get", path, token)  # warm: last-used time, per-process caches
            with CaptureQueriesContext(connection) as queries:
                response = call(client, "get", path, token)
            assert response.status_code == 200, response.content
            result[name] = len(queries)
    return result


def test_api_query_counts_do_not_grow_with_caseload_or_history(client, personas):
    small = counts(client, personas, populate(personas, clients=2, days=4), days=4)
    bigger = counts(client, personas, populate(personas, clients=5, days=12), days=12)
    assert small == bigger, (small, bigger)
    assert all(n <= 40 for n in bigger.values()), bigger
