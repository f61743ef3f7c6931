from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Login rate limits and used one-time codes live in the database cache, shared by every process;
    # creating its table here means `migrate` alone prepares a new database.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
