"""Support test helpers: Bob's world with canary text in every field a support person must never see, and support
persons of the same client (Sue, Bob's), of another client (Sam, Erin's) and of another practice (Pat, Dana's)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import time_machine

from carryover.accounts.models import Role, User
from carryover.conftest import make_person
from carryover.homework import services as hw
from carryover.homework.models import Assignment, Entry
from carryover.homework.tests.conftest import assign
from carryover.support.models import SupportLink

CANARY = "CANARY-kept-from-supporters"
SHARED_WORDS = "SHARED-words-Bob-chose"


def linked(client: User, supporter: User, name: str, **scope) -> SupportLink:
    """A link as an accepted invitation leaves it (the invitation itself is tested in test_invite.py)."""
    return SupportLink.objects.create(
        client=client.membership, name=name, email=supporter.email, supporter=supporter, **scope
    )


def journal_entry(client: User, assignment: Assignment, text: str, *, private: bool = False) -> Entry:
    occurrence = assignment.occurrences.filter(status="pending").order_by("due_date").first()
    draft = hw.draft_for(client=client.membership, occurrence=occurrence, version=assignment.template_version)
    updates = {"o-outcome": "done", "f-entry": text, "a-visibility": "private" if private else "shared"}
    hw.draft_save(draft=draft, updates=updates)
    return hw.entry_submit(draft=draft)


@dataclass
class World:
    sue: User  # Bob's support person
    sam: User  # Erin's support person, same practice
    pat: User  # Dana's support person, another practice
    link: SupportLink  # Bob → Sue, sharing nothing yet
    assignment: Assignment  # Bob's journal, its therapist-written words are canaries
    shared_entry: Entry  # an entry Bob may choose to share
    private_entry: Entry


@pytest.fixture
def monday():
    """Monday 2 March 2026, 09:00 in London (the personas' zone); the clock moves on from there."""
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        yield clock


@pytest.fixture
def world(personas, monday) -> World:
    from carryover.measures.services import safety_plan_save
    from carryover.measures.tests.helpers import submit

    journal = assign(
        personas.alice,
        personas.bob,
        key="journal",
        title=f"{CANARY} title",
        instructions=f"{CANARY} instructions",
        rationale=f"{CANARY} why",
        minimum=f"{CANARY} minimum",
    )
    occurrences = list(journal.occurrences.order_by("due_date"))
    shared = journal_entry(personas.bob, journal, SHARED_WORDS)
    private = journal_entry(personas.bob, journal, f"{CANARY} private entry", private=True)
    hw.skip_occurrence(
        client=personas.bob.membership, occurrence=occurrences[2], barriers=["other"], other=f"{CANARY} barrier"
    )
    submit(personas.alice, personas.bob, [3] * 9)  # a PHQ-9 with item 9 answered: a score and an alert
    safety_plan_save(
        client=personas.bob.membership, actor=personas.bob, content={"warning_signs": f"{CANARY} safety plan"}
    )
    sam = make_person(personas.practice, "sam@harbour.test", "Sam Support", Role.SUPPORT)
    pat = make_person(personas.other_practice, "pat@elsewhere.test", "Pat Support", Role.SUPPORT)
    link = linked(personas.bob, personas.sue, "Sue")
    linked(personas.erin, sam, "Sam", share_days=True)
    linked(personas.dana, pat, "Pat", share_days=True)
    return World(personas.sue, sam, pat, link, journal, shared, private)


# The reminders' real SMTP server on loopback, shared rather than copied.
from carryover.reminders.tests.conftest import smtp  # noqa: E402, F401
