"""Making measure data the way the product does: assign through the therapist's form, answer through the draft."""

from __future__ import annotations

from carryover.homework import services as homework
from carryover.homework.tests.conftest import assign
from carryover.measures import services
from carryover.measures.instruments import MEASURES


def assign_measure(therapist, client, key="phq9", **overrides):
    services.measures_sync()  # a transactional test's flush empties the migrated library
    data = {"title": MEASURES[key]["title"], "schedule_kind": "weekdays", "weekdays": ["0"], "minutes": 3}
    data.update(overrides)
    return assign(therapist, client, key=key, **data)


def answer(occurrence, values):
    """A draft with these item answers (a list of ints, one per item), as the flow saves them."""
    draft = homework.draft_for(
        client=occurrence.client, occurrence=occurrence, version=occurrence.assignment.template_version
    )
    return homework.draft_save(draft=draft, updates={f"f-q{n}": str(v) for n, v in enumerate(values, start=1)})


def submit(therapist, client, values, key="phq9"):
    assignment = assign_measure(therapist, client, key=key)
    occurrence = assignment.occurrences.order_by("due_date").first()
    return services.measure_submit(draft=answer(occurrence, values))
