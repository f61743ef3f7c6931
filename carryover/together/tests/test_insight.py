"""The insight page's confidence and agreed-in-session tables on hand-built data, cross-checked against the rules
module's `adherence_of`, and the page's query count the same for a small and a bigger caseload."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carryover.accounts.models import Role
from carryover.conftest import link, make_person
from carryover.homework import services as homework
from carryover.homework.models import adherence_of
from carryover.homework.tests.conftest import assign
from carryover.review.tests.conftest import answer
from carryover.together import agreed, services
from carryover.together.models import ConfidenceCheck

from .conftest import NOW


def rows_of(html: str) -> dict[str, str]:
    return {r.split("</th>")[0]: r for r in html.split('<th scope="row">')[1:]}


def caseload(personas, clients: int):
    """Per client: a walk rated 9 and done 5 of 7 days; a journal rated 4, agreed in a review, done 1 of 7 (and
    once in part, half)."""
    made = []
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        for n in range(clients):
            user = make_person(personas.practice, f"c{clients}-{n}@harbour.test", f"C{clients} {n}", Role.CLIENT)
            link(personas.alice, user)
            walk = assign(personas.alice, user, key="journal", title="Walk")
            journal = assign(personas.alice, user, key="journal", title="Journal", minimum="One line")
            services.confidence_record(assignment=walk, rating=9)
            made.append((user, walk, journal))
        clock.move_to(NOW)
        for user, walk, journal in made:
            homework.occurrences_refresh(client=user.membership)
            for k, occurrence in enumerate(walk.occurrences.filter(due_date__lt="2026-03-09")):
                answer(occurrence, "done" if k < 5 else "skipped")
            journal_days = list(journal.occurrences.filter(due_date__lt="2026-03-09"))
            answer(journal_days[0], "done")
            answer(journal_days[1], "partial", fraction="0.50")
            conversation = services.conversation_start(
                therapist=personas.alice.membership, client=user.membership, today=journal_days[-1].due_date
            )
            step = conversation.steps.get(assignment=journal)
            services.step_save(
                step=step,
                actor=personas.alice,
                version=0,
                data=services.StepInput("smaller", confidence=4, adjustment="keep"),
            )
    return made


def test_completion_by_confidence_and_by_agreed_in_session(client, personas):
    made = caseload(personas, 2)
    with time_machine.travel(NOW, tick=False):
        for user, _, _ in made:  # finished the next morning: the journal becomes its smaller version, agreed
            conversation = user.membership.conversations.get()
            services.conversation_finish(
                conversation=conversation, actor=personas.alice, day=conversation.since, next_date=None
            )
        client.force_login(personas.alice)
        rows = rows_of(client.get(reverse("caseload_insight")).content.decode())
    assert {c.rating for c in ConfidenceCheck.objects.all()} == {9, 4}
    high, low = adherence_of(Decimal(5 * 2), 7 * 2), adherence_of(Decimal("1.5") * 2, 7 * 2)
    assert (high, low) == (Decimal("0.71"), Decimal("0.21"))  # the one rule, by hand
    assert f"<td>2</td><td>14</td><td>10</td><td>0</td><td>{int(high * 100)}%</td>" in rows["Confidence 7–10"]
    assert f"<td>2</td><td>14</td><td>2</td><td>2</td><td>{int(low * 100)}%</td>" in rows["Confidence 4–6"]
    assert f"<td>{int(low * 100)}%</td>" in rows[agreed.AGREED] and f"<td>{int(high * 100)}%</td>" in rows[agreed.SENT]
    assert "<td>2</td><td>28</td>" in rows["“Why this helps” written for this client"]  # both tailored


@pytest.mark.slow  # builds two caseloads
def test_the_insight_page_costs_the_same_for_a_small_and_a_bigger_caseload(client, personas):
    counts = []
    for size in (2, 6):
        caseload(personas, size)
        with time_machine.travel(NOW, tick=False):
            client.force_login(personas.alice)
            client.get(reverse("caseload_insight"))  # the session's first request saves it: not the page's cost
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("caseload_insight")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
