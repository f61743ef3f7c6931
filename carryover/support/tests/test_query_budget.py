"""The support person's page and the client's preview run a fixed number of queries, however much is shared:
ten shared activities and ten shared entries cost what one of each does."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carryover.homework.tests.conftest import assign

from .conftest import journal_entry


def queries(client, url, method="get", data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return len(captured)


def share(world, assignments, entries):
    world.link.share_days, world.link.nudge_at = True, "20:00"
    world.link.save()
    world.link.assignments.set(assignments)
    world.link.entries.set(entries)


def test_pages_cost_the_same_however_much_is_shared(client, personas, world):
    share(world, [world.assignment], [world.shared_entry])
    page, preview = reverse("supporting", args=[world.link.pk]), reverse("support_preview", args=[world.link.pk])
    client.force_login(world.sue)
    small = queries(client, page)
    client.force_login(personas.bob)
    small_preview = queries(client, preview, "post", {"share_days": "on", "assignments": [world.assignment.pk]})

    more = [assign(personas.alice, personas.bob, key="journal", title=f"Journal {n}") for n in range(9)]
    entries = [journal_entry(personas.bob, a, f"entry {n}") for n, a in enumerate(more)]
    share(world, [world.assignment, *more], [world.shared_entry, *entries])
    client.force_login(world.sue)
    assert queries(client, page) == small
    client.force_login(personas.bob)
    data = {"share_days": "on", "assignments": [a.pk for a in [world.assignment, *more]]}
    assert queries(client, preview, "post", data) == small_preview
    print(f"support page: {small} queries; preview: {small_preview} queries (1 or 10 shared)")
