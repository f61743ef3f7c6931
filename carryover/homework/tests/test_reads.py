"""Page views read; they do not write (issue "Fast at scale"): a client's occurrences are made concrete when a
schedule changes and once per local day (services.occurrences_ensure), so a later view of Today or the client page
that day writes nothing but its audit row."""

from __future__ import annotations

import re

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carryover.homework.models import Occurrence, OccurrenceStatus

from .conftest import assign

# The table each write statement touches ("INSERT OR IGNORE INTO", "ON CONFLICT" and all).
WRITE = re.compile(r"^\s*(?:INSERT\b.*?\bINTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE | re.DOTALL)


def written_tables(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [m[1] for q in queries.captured_queries if (m := WRITE.match(q["sql"]))]


def test_a_second_view_of_today_writes_only_its_audit_row(client, personas):
    with time_machine.travel("2026-03-04 09:00Z", tick=False):
        assign(personas.alice, personas.bob)
        client.force_login(personas.bob)
        written_tables(client, reverse("client_home"))  # the first view of the day may mark seen, start the session
        assert written_tables(client, reverse("client_home")) == ["audit_auditevent"]


def test_a_second_view_of_the_client_page_writes_only_its_audit_row(client, personas):
    with time_machine.travel("2026-03-04 09:00Z", tick=False):
        assign(personas.alice, personas.bob)
        client.force_login(personas.alice)
        url = reverse("client_detail", kwargs={"client_id": personas.bob.pk})
        written_tables(client, url)
        assert written_tables(client, url) == ["audit_auditevent"]


def test_when_the_clients_day_rolls_over_the_first_view_makes_the_new_week(client, personas):
    with time_machine.travel("2026-03-04 09:00Z", tick=False):
        assignment = assign(personas.alice, personas.bob, start_date="2026-03-02")
        client.force_login(personas.bob)
        client.get(reverse("client_home"))
    assert max(assignment.occurrences.values_list("due_date", flat=True)).isoformat() == "2026-03-11"
    # Two days later (00:30 in London), nothing refreshed in between: the first view makes up for it.
    with time_machine.travel("2026-03-06 00:30Z", tick=False):
        client.force_login(personas.bob)  # a new sign-in: sessions end after 12 hours
        assert client.get(reverse("client_home")).status_code == 200
    dates = sorted(assignment.occurrences.values_list("due_date", "status"))
    assert dates[-1][0].isoformat() == "2026-03-13"
    missed = [d.isoformat() for d, status in dates if status == OccurrenceStatus.MISSED]
    assert missed == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
    assert Occurrence.objects.filter(client=personas.bob.membership, due_date="2026-03-06").count() == 1


def test_a_schedule_change_shows_on_the_same_days_next_view(client, personas):
    with time_machine.travel("2026-03-04 09:00Z", tick=False):
        assignment = assign(personas.alice, personas.bob, schedule_kind="weekdays", weekdays=["4"])
        client.force_login(personas.bob)
        client.get(reverse("client_home"))
        before = set(assignment.occurrences.values_list("due_date", flat=True))
        other = assign(personas.alice, personas.bob, key="journal", start_date="2026-03-04")
        page = client.get(reverse("client_home")).content.decode()
    assert before and other.occurrences.filter(due_date="2026-03-04").exists()
    assert other.title in page
