from django.db import migrations

FIELDS = ("name", "category", "summary", "instructions", "rationale", "minutes", "formats", "schema")


def sync_builtin_library(apps, schema_editor):
    """Load the built-in worksheets; a changed definition becomes a new version (entries keep theirs).
    Later changes to carryover/homework/builtin.py ship with a migration that runs this again."""
    from carryover.homework.builtin import BUILTIN_TEMPLATES

    Template = apps.get_model("homework", "Template")
    TemplateVersion = apps.get_model("homework", "TemplateVersion")
    for definition in BUILTIN_TEMPLATES:
        template, _ = Template.objects.get_or_create(key=definition["key"], practice=None)
        latest = TemplateVersion.objects.filter(template=template).order_by("-number").first()
        if latest is None or any(getattr(latest, key) != definition[key] for key in FIELDS):
            TemplateVersion.objects.create(
                template=template, number=(latest.number + 1) if latest else 1, **{k: definition[k] for k in FIELDS}
            )


class Migration(migrations.Migration):
    dependencies = [("homework", "0001_initial")]
    operations = [migrations.RunPython(sync_builtin_library, migrations.RunPython.noop)]
