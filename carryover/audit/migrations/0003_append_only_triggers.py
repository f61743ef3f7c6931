from django.db import migrations

# The database itself refuses to change or remove audit events, whatever code is connected.
# The SQL is kept in carryover/audit/triggers.py (shared with the `flush` command); copy it here
# before ever changing it there, so this migration keeps meaning what it meant.
from carryover.audit.triggers import statements


def forwards(apps, schema_editor):
    for statement in statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in statements(schema_editor.connection.vendor, reverse=True):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head")]
    operations = [migrations.RunPython(forwards, backwards)]
