from django.db import migrations

FIELDS = ("name", "category", "summary", "instructions", "rationale", "minutes", "formats", "schema")


def sync_measures(apps, schema_editor):
    """Load the built-in measures into the homework library (as homework's 0002 does for worksheets). Later changes
    to carryover/measures/instruments.py ship with a migration that runs this again."""
    from carryover.measures.instruments import MEASURE_TEMPLATES

    Template = apps.get_model("homework", "Template")
    TemplateVersion = apps.get_model("homework", "TemplateVersion")
    for definition in MEASURE_TEMPLATES:
        template, _ = Template.objects.get_or_create(key=definition["key"], practice=None)
        latest = TemplateVersion.objects.filter(template=template).order_by("-number").first()
        if latest is None or any(getattr(latest, key) != definition[key] for key in FIELDS):
            TemplateVersion.objects.create(
                template=template, number=(latest.number + 1) if latest else 1, **{k: definition[k] for k in FIELDS}
            )


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial"), ("homework", "0002_builtin_library")]
    operations = [migrations.RunPython(sync_measures, migrations.RunPython.noop)]
