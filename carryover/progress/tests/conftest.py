"""Bob's entries for the My progress tests, sent through the same services the worksheet flow calls."""

from __future__ import annotations

import pytest

from carryover.homework import services
from carryover.homework.models import Assignment, Entry, LadderItem
from carryover.homework.tests.conftest import assign, monday, today  # noqa: F401  (fixtures used by these tests)

SECRET = "lighthouse-quokka-4471"  # a word Bob wrote, found nowhere else


class Bob:
    """Sends Bob's entries, one pending occurrence of an assignment per entry (assigned once per worksheet)."""

    def __init__(self, personas) -> None:
        self.personas = personas
        self.client = personas.bob.membership
        self.assignments: dict[str, Assignment] = {}

    def send(self, key: str, answers: dict, *, visibility: str = "shared", outcome: str = "done", **after) -> Entry:
        if key not in self.assignments:
            self.assignments[key] = assign(self.personas.alice, self.personas.bob, key=key, title=f"My {key}")
        assignment = self.assignments[key]
        occurrence = assignment.occurrences.filter(status="pending").order_by("due_date").first()
        draft = services.draft_for(client=self.client, occurrence=occurrence, version=assignment.template_version)
        raw = {f"f-{k}": v for k, v in answers.items()}
        raw |= {"o-outcome": outcome, "a-visibility": visibility, **{f"a-{k}": v for k, v in after.items()}}
        if outcome == "partial":
            raw["o-fraction"] = "0.50"
        services.draft_save(draft=draft, updates=raw)
        return services.entry_submit(draft=draft)

    def journal(self, words: str = SECRET, **options) -> Entry:
        return self.send("journal", {"entry": words}, **options)

    def ladder(self) -> LadderItem:
        services.ladder_save(
            actor=self.personas.bob, client=self.client, items=[{"description": "Say hello to a neighbour", "suds": 50}]
        )
        return LadderItem.objects.get(client=self.client)

    def exposure(self, step: LadderItem, before: int, peak: int, after: int) -> Entry:
        answers = {"ladder_item": str(step.pk), "suds_before": str(before), "suds_peak": str(peak)}
        return self.send("exposure_practice", {**answers, "suds_after": str(after)})

    def thought_record(self, hot: str, situation: str = "The team meeting") -> Entry:
        answers = {
            "situation": situation,
            "emotions-0-emotion": "anxious",
            "emotions-0-intensity": "80",
            "thoughts-0-thought": hot,
            "thoughts-0-belief": "90",
            "thoughts-mark": "0",
            "evidence_for": "I stumbled once.",
            "evidence_against": "People nodded.",
            "balanced_thought": "One stumble is not the whole talk.",
            "emotions_after-0": "40",
            "hot_belief_after": "50",
        }
        return self.send("thought_record_7", answers)


@pytest.fixture
def bob(personas, monday):  # noqa: F811
    return Bob(personas)
