"""Reminder.assignment replaces the key "a<assignment id>": existing rows are converted, the conversion reverses,
and the new constraints still allow only one reminder per activity (or digest) per day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from carryover.homework.services import builtin_sync
from carryover.reminders.models import ACTIVITY_KEY, Reminder

from .conftest import assign

pytestmark = pytest.mark.slow  # migrates backwards and forwards

BEFORE = [("reminders", "0001_initial")]
AFTER = [("reminders", "0002_reminder_assignment_foreign_key")]
AT = datetime(2026, 3, 2, 19, 30, tzinfo=UTC)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def stored(apps) -> set[tuple]:
    """(key, local date[, assignment id]) of every reminder, in the schema of `apps`."""
    model = apps.get_model("reminders", "Reminder")
    fields = ["key", "local_date"] + (["assignment_id"] if hasattr(model, "assignment") else [])
    return {(key, str(day), *rest) for key, day, *rest in model.objects.values_list(*fields)}


@pytest.mark.django_db(transaction=True)
def test_a_keys_become_the_foreign_key_and_back(personas):
    builtin_sync()  # transactional tests start from an empty library
    dinner = assign(personas.alice, personas.bob, key="journal", if_when="dinner")
    lunch = assign(personas.alice, personas.bob, key="journal", if_when="lunch")
    gone = lunch.pk + 1000  # an assignment that no longer exists
    bob = {"client_id": personas.bob.membership.pk, "fire_at": AT, "next_attempt_at": AT}
    try:
        apps = migrate(BEFORE)
        OldReminder = apps.get_model("reminders", "Reminder")
        rows = [
            ("day", "2026-03-02"),
            (f"a{dinner.pk}", "2026-03-02"),
            (f"a{lunch.pk}", "2026-03-02"),
            (f"a{dinner.pk}", "2026-03-03"),
            ("later-1930", "2026-03-02"),
            (f"a{gone}", "2026-03-02"),
        ]
        for key, day in rows:
            OldReminder.objects.create(**bob, key=key, local_date=day)

        apps = migrate(AFTER)
        assert stored(apps) == {
            ("day", "2026-03-02", None),
            (ACTIVITY_KEY, "2026-03-02", dinner.pk),
            (ACTIVITY_KEY, "2026-03-02", lunch.pk),
            (ACTIVITY_KEY, "2026-03-03", dinner.pk),
            ("later-1930", "2026-03-02", None),
        }  # the reminder about a deleted assignment went, as deleting an assignment now takes its reminders
        NewReminder = apps.get_model("reminders", "Reminder")
        with pytest.raises(IntegrityError), transaction.atomic():
            NewReminder.objects.create(**bob, key=ACTIVITY_KEY, assignment_id=dinner.pk, local_date=date(2026, 3, 2))
        with pytest.raises(IntegrityError), transaction.atomic():
            NewReminder.objects.create(**bob, key="day", local_date=date(2026, 3, 2))

        apps = migrate(BEFORE)
        assert stored(apps) == {(key, day) for key, day in rows if key != f"a{gone}"}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert Reminder.objects.count() == 5
