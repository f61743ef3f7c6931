"""Sam's week for the review together: three active activities assigned by Alice a week ago, and how it went."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import time_machine

from carryover.accounts.models import Role
from carryover.conftest import link, make_person
from carryover.homework import services as homework
from carryover.homework.models import Assignment
from carryover.homework.tests.conftest import assign
from carryover.review.tests.conftest import answer

PRIVATE_WORDS = "private-canary-7719"
NOW = "2026-03-09 09:00 +00:00"  # Monday 9 March, 09:00 in London


@dataclass
class Week:
    sam: object
    walk: Assignment
    breathe: Assignment
    journal: Assignment


@pytest.fixture
def week(personas) -> Week:
    """Walk (done twice, missed the rest), breathing (daily, with a minimum version), journal (a private entry,
    and a shared one flagged "talk about this")."""
    sam = make_person(personas.practice, "sam@harbour.test", "Sam Taylor", Role.CLIENT)
    link(personas.alice, sam)
    link(personas.frank, sam)  # Frank covers for Alice: both are Sam's therapists
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        walk = assign(personas.alice, sam, key="journal", title="Evening walk", minutes=20)
        breathe = assign(
            personas.alice, sam, key="journal", title="Breathing", minutes=10, minimum="Three slow breaths"
        )
        journal = assign(personas.alice, sam, key="journal", title="Journal", minutes=15)
        clock.move_to(NOW)
        homework.occurrences_refresh(client=sam.membership)
        walks = list(walk.occurrences.order_by("due_date"))
        answer(walks[0], "done", minutes=20, helpful=7)
        answer(walks[1], "skipped", barriers=["no_time", "other"], other="Work ran late")
        journals = list(journal.occurrences.order_by("due_date"))
        answer(journals[0], "done", words=PRIVATE_WORDS, visibility="private")
        answer(journals[1], "done", words="I noticed the worry peak at night", talk="on")
    return Week(sam, walk, breathe, journal)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock
