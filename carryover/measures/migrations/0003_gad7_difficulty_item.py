from importlib import import_module

from django.db import migrations


def sync_measures(apps, schema_editor):
    """The GAD-7 gained its published, unscored "how difficult" question: a new template version (assignments and
    entries keep the version they were made with, and their scores read only the seven items)."""
    import_module("carryover.measures.migrations.0002_builtin_measures").sync_measures(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("measures", "0002_builtin_measures")]
    operations = [migrations.RunPython(sync_measures, migrations.RunPython.noop)]
