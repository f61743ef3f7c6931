"""The repair for practices that changed country before issue 10: a UK practice left with US lines gets the UK
lines, and nothing a practice wrote or edited is touched."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from carryover.accounts import crisis
from carryover.accounts.models import Practice

pytestmark = pytest.mark.slow  # migrates backwards and forwards

BEFORE = [("accounts", "0004_crisis_lines_per_country")]
AFTER = [("accounts", "0005_practices_get_their_countrys_lines")]

# The US lines as main created them before this change: today's stored fields, without the pre-filled keyword (and
# without the words in other languages, which are shown beside a line, never stored in it).
OLD_US = [
    {key: value for key, value in line.items() if key in crisis.CONTENT_FIELDS and key != "sms_body"}
    for line in crisis.DEFAULTS["US"].lines
]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_a_uk_practice_left_with_us_lines_gets_the_uk_lines_and_keeps_its_own():
    try:
        apps = migrate(BEFORE)
        OldPractice = apps.get_model("accounts", "Practice")
        OldResource = apps.get_model("accounts", "CrisisResource")
        switched = OldPractice.objects.create(name="Switched to the UK", country="GB")
        untouched = OldPractice.objects.create(name="Always American", country="US")
        for practice in (switched, untouched):
            for position, line in enumerate(OLD_US):
                OldResource.objects.create(
                    practice=practice, position=position, last_verified=date(2026, 11, 22), **line
                )
        own = {"name": "Harbour out-of-hours", "how": "Call 01234 567890.", "phone": "01234 567890"}
        OldResource.objects.create(practice=switched, last_verified=date(2026, 11, 20), position=3, **own)
        migrate(AFTER)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    switched_now = Practice.objects.get(name="Switched to the UK")
    expected = [crisis.content_of(r) for r in crisis.default_resources("GB")]
    rows = list(switched_now.crisis_resources.all())
    assert [crisis.content_of(r) for r in rows[:4]] == expected
    assert [r.name for r in rows[4:]] == ["Harbour out-of-hours"]
    american = Practice.objects.get(name="Always American")
    # Unedited copies are brought up to today's defaults: the Crisis Text Line link now pre-fills HOME.
    assert [crisis.content_of(r) for r in american.crisis_resources.all()] == [
        crisis.content_of(r) for r in crisis.default_resources("US")
    ]
