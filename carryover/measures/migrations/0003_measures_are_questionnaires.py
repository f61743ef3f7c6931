from django.db import migrations

MEASURE_KEYS = ("phq9", "gad7", "pcl5")  # the built-in measures as of this migration


def mark_questionnaires(apps, schema_editor):
    """The built-in measures are questionnaires, not activities: they leave activity adherence from now on, for
    the history already recorded as well."""
    Template = apps.get_model("homework", "Template")
    Template.objects.filter(practice__isnull=True, key__in=MEASURE_KEYS).update(kind="questionnaire")


def mark_activities(apps, schema_editor):
    Template = apps.get_model("homework", "Template")
    Template.objects.filter(practice__isnull=True, key__in=MEASURE_KEYS).update(kind="activity")


class Migration(migrations.Migration):
    dependencies = [("measures", "0002_builtin_measures"), ("homework", "0005_template_kind")]
    operations = [migrations.RunPython(mark_questionnaires, mark_activities)]
