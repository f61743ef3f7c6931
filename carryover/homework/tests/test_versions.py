import copy

from django.urls import reverse

from carryover.homework import services
from carryover.homework.builtin import BUILTIN_TEMPLATES
from carryover.homework.models import Template

from .conftest import assign


def test_builtin_library_is_loaded_and_sync_is_idempotent(db):
    from carryover.measures.instruments import MEASURE_TEMPLATES  # the measures app adds its questionnaires

    assert Template.objects.filter(practice__isnull=True).count() == len(BUILTIN_TEMPLATES) + len(MEASURE_TEMPLATES)
    assert services.builtin_sync() == []


def test_editing_a_template_makes_a_new_version_and_old_entries_keep_theirs(client, personas, monday):
    assignment = assign(personas.alice, personas.bob, key="journal")
    occurrence = assignment.occurrences.order_by("due_date").first()
    bob = personas.bob.membership
    draft = services.draft_for(client=bob, occurrence=occurrence, version=assignment.template_version)
    services.draft_save(draft=draft, updates={"f-entry": "Written on version one", "o-outcome": "done"})
    entry = services.entry_submit(draft=draft)

    changed = copy.deepcopy(next(t for t in BUILTIN_TEMPLATES if t["key"] == "journal"))
    changed["schema"]["steps"][0]["fields"][0]["label"] = "A brand-new question wording"
    assert services.builtin_sync([changed]) == ["journal"]
    template = Template.objects.get(key="journal")
    assert template.latest_version().number == 2
    assert entry.template_version.number == 1

    client.force_login(personas.alice)
    page = client.get(reverse("entry_detail", args=[entry.pk])).content.decode()
    assert "Written on version one" in page and "A brand-new question wording" not in page
    # A new assignment uses the new version; the existing one keeps the version it was given.
    newer = assign(personas.alice, personas.erin, key="journal")
    assert newer.template_version.number == 2
    assignment.refresh_from_db()
    assert assignment.template_version.number == 1
