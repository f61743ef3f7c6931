from datetime import date

import pytest
import time_machine

from carryover.homework.forms import AssignmentForm
from carryover.homework.models import Template
from carryover.homework.services import assignment_create


def version_of(key: str):
    return Template.objects.get(key=key, practice__isnull=True).latest_version()


def assign(therapist, client, key="thought_record_7", **overrides):
    """Assign through the same form a therapist uses, so the test data is what the product makes. Assigned on its
    start date (a test's history starts there), unless the test says `assigned_on`."""
    assigned_on = overrides.pop("assigned_on", None)
    version = version_of(key)
    data = {
        "title": "Catch a hot thought",
        "instructions": "When you notice your mood drop, write it down.",
        "rationale": "Writing thoughts down lets you look at them instead of through them.",
        "minutes": 15,
        "schedule_kind": "daily",
        "start_date": "2026-03-02",
        "formats": ["write"],
    }
    data.update(overrides)
    form = AssignmentForm(data, allowed_formats=version.formats)
    assert form.is_valid(), form.errors
    return assignment_create(
        therapist=therapist.membership,
        client=client.membership,
        version=version,
        data=form.data_object(),
        assigned_on=assigned_on or form.cleaned_data["start_date"],
    )


@pytest.fixture
def monday():
    """Monday 2 March 2026, 09:00 in London (the personas' time zone)."""
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        yield clock


@pytest.fixture
def today():
    return date(2026, 3, 2)
