"""Repair what issue 10 found: changing a practice's country never replaced its crisis lines, so a practice set to
the United Kingdom kept showing 911, 988 and 741741 (and the reverse). Such practices get their own country's lines
now. Only copies of a default that nobody edited are touched; a line the practice wrote or changed stays.

Also brings unedited copies of the old defaults up to today's: the Crisis Text Line and Shout links pre-fill their
keyword, and Samaritans shows "116 123" as people read it. The data is frozen here, as it stood on 2026-12-01."""

from django.db import migrations

FIELDS = ("name", "how", "phone", "sms", "sms_body", "url")
CHECKED = {"US": "2026-11-22", "GB": "2026-11-22"}

US = [
    ("Emergency services", "If you are in immediate danger, call 911.", "911", "", "", ""),
    (
        "988 Suicide & Crisis Lifeline",
        "Call or text 988, any time. Veterans press 1.",
        "988",
        "988",
        "",
        "https://988lifeline.org/",
    ),
    ("Crisis Text Line", "Text HOME to 741741, any time.", "", "741741", "HOME", "https://www.crisistextline.org/"),
]
GB = [
    ("Emergency services", "If your life is at risk, call 999 or go to A&E.", "999", "", "", ""),
    (
        "NHS 111, option 2",
        "Call 111 and choose option 2 for urgent mental health help (England), 24/7.",
        "111",
        "",
        "",
        "",
    ),
    ("Samaritans", "Call 116 123, free, any time.", "116 123", "", "", "https://www.samaritans.org/"),
    ("Shout", "Text SHOUT to 85258, any time.", "", "85258", "SHOUT", "https://giveusashout.org/"),
]
DEFAULTS = {"US": US, "GB": GB}
# The two rows whose shipped content changed: old content → new.
UPDATED = {
    ("Crisis Text Line", "Text HOME to 741741, any time.", "", "741741", "", "https://www.crisistextline.org/"): US[2],
    ("Samaritans", "Call 116 123, free, any time.", "116123", "", "", "https://www.samaritans.org/"): GB[2],
    ("Shout", "Text SHOUT to 85258, any time.", "", "85258", "", "https://giveusashout.org/"): GB[3],
}


def content(row):
    return tuple(getattr(row, field) for field in FIELDS)


def repair(apps, schema_editor):
    Practice = apps.get_model("accounts", "Practice")
    CrisisResource = apps.get_model("accounts", "CrisisResource")
    for row in CrisisResource.objects.all():
        new = UPDATED.get(content(row))
        if new is not None:
            for field, value in zip(FIELDS, new, strict=True):
                setattr(row, field, value)
            row.save(update_fields=list(FIELDS))
    for practice in Practice.objects.filter(country__in=DEFAULTS):
        foreign = set(US + GB) - set(DEFAULTS[practice.country])
        rows = list(CrisisResource.objects.filter(practice=practice).order_by("position", "id"))
        if not any(content(row) in foreign for row in rows):
            continue
        CrisisResource.objects.filter(pk__in=[row.pk for row in rows if content(row) in foreign]).delete()
        kept = [row for row in rows if content(row) not in foreign]
        # The country's lines first, in their order (the emergency number on top), then the practice's own.
        ordered = []
        for line in DEFAULTS[practice.country]:
            existing = next((row for row in kept if content(row) == line), None)
            if existing is None:
                values = dict(zip(FIELDS, line, strict=True))
                existing = CrisisResource(practice=practice, last_verified=CHECKED[practice.country], **values)
            else:
                kept.remove(existing)
            ordered.append(existing)
        for position, row in enumerate(ordered + kept):
            row.position = position
            row.save()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_crisis_lines_per_country")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
