"""A per-activity reminder names its assignment with a foreign key instead of the key "a<assignment id>".

Forwards, each "a<id>" row gets `assignment` set and the key "activity"; a row whose assignment no longer exists
is deleted (the foreign key cascades the same way from now on). Backwards, the key "a<id>" comes back. The one
unique constraint on (client, local_date, key) becomes two partial ones, since NULLs never collide in an index.
"""

import django.db.models.deletion
from django.db import migrations, models


def key_to_assignment(apps, schema_editor):
    Reminder = apps.get_model("reminders", "Reminder")
    Assignment = apps.get_model("homework", "Assignment")
    rows = [r for r in Reminder.objects.filter(key__startswith="a").only("pk", "key") if r.key[1:].isdigit()]
    existing = set(Assignment.objects.filter(pk__in={int(r.key[1:]) for r in rows}).values_list("pk", flat=True))
    for row in rows:
        row.assignment_id, row.key = int(row.key[1:]), "activity"
    Reminder.objects.bulk_update([r for r in rows if r.assignment_id in existing], ["assignment", "key"], batch_size=1000)
    Reminder.objects.filter(pk__in=[r.pk for r in rows if r.assignment_id not in existing]).delete()
    run_deferred_checks(schema_editor)


def assignment_to_key(apps, schema_editor):
    Reminder = apps.get_model("reminders", "Reminder")
    rows = list(Reminder.objects.filter(assignment__isnull=False).only("pk", "assignment_id"))
    for row in rows:
        row.key = f"a{row.assignment_id}"
    Reminder.objects.bulk_update(rows, ["key"], batch_size=1000)
    run_deferred_checks(schema_editor)


def run_deferred_checks(schema_editor):
    # PostgreSQL checks foreign keys at commit; an index cannot be built on a table with checks still pending.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_invitation_new_link_noticed_at"),
        ("homework", "0007_merge_before_session_schedule"),
        ("reminders", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="reminder",
            name="one_reminder_per_day",
        ),
        migrations.AddField(
            model_name="reminder",
            name="assignment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="homework.assignment",
            ),
        ),
        migrations.RunPython(key_to_assignment, assignment_to_key),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                condition=models.Q(("assignment__isnull", True)),
                fields=("client", "local_date", "key"),
                name="one_reminder_per_day_and_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                condition=models.Q(("assignment__isnull", False)),
                fields=("client", "local_date", "assignment"),
                name="one_reminder_per_day_and_assignment",
            ),
        ),
    ]
