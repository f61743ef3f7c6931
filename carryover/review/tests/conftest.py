"""Hand-built review data: a week of Bob's journal with every kind of outcome, and helpers to answer."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from carryover.homework import services
from carryover.homework.models import Entry, Occurrence
from carryover.homework.tests.conftest import assign, monday  # noqa: F401  (fixtures)

PRIVATE_WORDS = "private-canary-5521"
PRIVATE_BARRIER_WORDS = "private-barrier-words-8812"


def answer(occurrence: Occurrence, outcome: str, *, day: date | None = None, **fields) -> Entry:
    """Answer an occurrence the way the client's phone does, then date it to the day it happened."""
    raw = {"o-outcome": outcome}
    if outcome != "skipped":
        raw["f-entry"] = fields.pop("words", "Wrote about the day.")
    mapping = {
        "fraction": "o-fraction",
        "barriers": "o-barriers",
        "other": "o-barrier_other",
        "minutes": "a-minutes",
        "helpful": "a-helpful",
        "hard": "a-hard",
        "visibility": "a-visibility",
        "talk": "a-talk",
        "mood_before": "a-mood_before",
        "mood_after": "a-mood_after",
    }
    for key, value in fields.items():
        raw[mapping[key]] = value if isinstance(value, list) else str(value)
    version = occurrence.assignment.template_version
    draft = services.draft_for(client=occurrence.client, occurrence=occurrence, version=version)
    services.draft_save(draft=draft, updates=raw)
    entry = services.entry_submit(draft=draft)
    Entry.objects.filter(pk=entry.pk).update(done_on=day or occurrence.due_date)
    entry.refresh_from_db()
    return entry


@pytest.fixture
def journal_week(personas):
    """Bob's daily journal from Monday 2 March 2026; it is now Monday 9 March, 09:00 in London.

    2 done (30 min, helpful 3) · 3 part, half (no time) · 4 not done (unsure how) · 5 not done (unsure how, other)
    · 6 done (40 min, helpful 4, flagged) · 7 not done, private (forgot + words) · 8 done, private · 9 still open.
    """
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        journal = assign(personas.alice, personas.bob, key="journal", title="Evening journal")
        clock.move_to("2026-03-09 09:00 +00:00")
        services.occurrences_refresh(client=personas.bob.membership)
        days = {o.due_date.day: o for o in journal.occurrences.all()}
        answer(days[2], "done", minutes=30, helpful=3, hard=4, mood_before=4, mood_after=6)
        answer(days[3], "partial", fraction="0.50", barriers=["no_time"], minutes=10)
        answer(days[4], "skipped", barriers=["unsure_how"])
        answer(days[5], "skipped", barriers=["unsure_how", "other"], other="The kids were ill all week.")
        answer(days[6], "done", minutes=40, helpful=4, talk="on", words="Shared words about Friday.")
        answer(days[7], "skipped", barriers=["forgot", "other"], other=PRIVATE_BARRIER_WORDS, visibility="private")
        answer(days[8], "done", minutes=99, helpful=0, words=PRIVATE_WORDS, visibility="private")
        yield journal
