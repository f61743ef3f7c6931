import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carryover.conftest import link
from carryover.homework import schema as worksheet
from carryover.homework.builder import WorksheetForm, rows_initial, slug_key
from carryover.homework.models import Assignment, Template
from carryover.homework.services import builtin_sync, custom_template_save

from .conftest import version_of

EVERY_TYPE = [
    {"step_title": "How today went", "type": "short_text", "label": "One word for today", "required": "on"},
    {"type": "long_text", "label": "What happened?", "help": "A few lines are enough."},
    {
        "type": "rating",
        "label": "How anxious were you?",
        "min": "0",
        "max": "100",
        "min_label": "Calm",
        "max_label": "Panic",
    },
    {"type": "single_choice", "label": "Where were you?", "choices": "Home\nWork\nSomewhere else"},
    {"type": "multi_choice", "label": "What helped?", "choices": "A walk\r\nTalking to someone\r\n\r\nMusic"},
    {"step_title": "Details", "step_help": "Quick ones.", "type": "checkbox", "label": "I used my coping plan"},
    {"type": "number", "label": "Glasses of water", "min": "0", "max": "20", "unit": "glasses"},
    {"type": "duration", "label": "How long did you sleep?"},
    {"type": "date", "label": "Which day?"},
    {"type": "datetime", "label": "When did it start?"},
    {"step_title": "Show me", "type": "drawing", "label": "Draw how it felt"},
    {"type": "photo", "label": "A photo of where you were"},
    {"type": "audio", "label": "Say it out loud"},
]


def form_data(rows, action="save", **meta):
    data = {
        "name": "Evening check-in",
        "category": "Reflection",
        "summary": "Five minutes to look back on the day.",
        "instructions": "Before bed, answer each question briefly.",
        "rationale": "Noticing patterns in your days helps us plan what to change.",
        "minutes": "5",
        "action": action,
        "fields-TOTAL_FORMS": str(len(rows)),
        "fields-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        data.update({f"fields-{index}-{name}": value for name, value in row.items()})
    data.update(meta)
    return data


def build(client, therapist, rows=EVERY_TYPE, **meta):
    client.force_login(therapist)
    response = client.post(reverse("template_new"), form_data(rows, **meta))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Saved “" in client.get(response.url).content.decode()
    return Template.objects.filter(owner=therapist).latest("pk")


def shared_worksheet(personas) -> Template:
    """Alice's own worksheet, shared with her practice (also used by the access matrix)."""
    journal = version_of("journal")
    version = custom_template_save(
        therapist=personas.alice.membership,
        template=None,
        shared=True,
        name="Alice's diary",
        category="",
        summary="",
        instructions=journal.instructions,
        rationale=journal.rationale,
        minutes=5,
        formats=["write"],
        schema={
            "steps": [
                {
                    "title": "Today",
                    "help": "",
                    "fields": [
                        {"key": "today", "type": "long_text", "label": "How was today?", "help": "", "required": True}
                    ],
                }
            ]
        },
    )
    return version.template


def edit_data(template, action="save", **changes):
    """What the edit page would post back unchanged, with `changes` applied."""
    version = template.latest_version()
    rows = [
        {k: ("on" if v is True else "" if v is False else str(v)) for k, v in row.items()}
        for row in rows_initial(version)
    ]
    data = form_data(
        rows,
        action=action,
        name=version.name,
        category=version.category,
        summary=version.summary,
        instructions=version.instructions,
        rationale=version.rationale,
        minutes=str(version.minutes),
        based_on=str(version.number),
    )
    if template.shared:
        data["shared"] = "on"
    data.update(changes)
    return data


def test_a_therapist_builds_a_worksheet_from_every_field_type(client, personas):
    template = build(client, personas.alice)
    assert template.practice == personas.practice and template.owner == personas.alice and not template.shared
    version = template.latest_version()
    assert version.number == 1 and version.name == "Evening check-in" and version.minutes == 5
    assert version.formats == ["write", "draw", "voice", "photo"]
    worksheet.check_schema(version.schema)
    steps = version.schema["steps"]
    assert [s["title"] for s in steps] == ["How today went", "Details", "Show me"]
    assert steps[1]["help"] == "Quick ones."
    fields = worksheet.field_map(version.schema)
    assert [f["type"] for f in worksheet.iter_fields(version.schema)] == [row["type"] for row in EVERY_TYPE]
    assert fields["one_word_for_today"]["required"] is True and fields["what_happened"]["required"] is False
    assert fields["what_happened"]["help"] == "A few lines are enough."
    rating = fields["how_anxious_were_you"]
    assert (rating["min"], rating["max"], rating["min_label"], rating["max_label"]) == (0, 100, "Calm", "Panic")
    assert fields["where_were_you"]["choices"] == [
        ["home", "Home"],
        ["work", "Work"],
        ["somewhere_else", "Somewhere else"],
    ]
    assert [label for _, label in fields["what_helped"]["choices"]] == ["A walk", "Talking to someone", "Music"]
    assert fields["glasses_of_water"] | {} == {
        "key": "glasses_of_water",
        "type": "number",
        "label": "Glasses of water",
        "help": "",
        "required": False,
        "min": 0,
        "max": 20,
        "unit": "glasses",
    }
    assert all(worksheet.KEY.match(key) for key in fields)


def test_only_an_attachment_field_adds_its_format(client, personas):
    template = build(
        client, personas.alice, rows=[{"type": "audio", "label": "Say it"}, {"type": "short_text", "label": "Note"}]
    )
    assert template.latest_version().formats == ["write", "voice"]


def test_a_custom_worksheet_is_in_the_library_previews_and_can_be_assigned(client, personas, monday):
    template = build(client, personas.alice)
    library = client.get(reverse("library")).content.decode()
    assert "Evening check-in" in library and "My worksheet" in library
    assert reverse("template_edit", args=[template.pk]) in library and reverse("template_new") in library
    preview = client.get(reverse("template_preview", args=[template.pk])).content.decode()
    for marker in (
        'type="text"',
        "<textarea",
        'type="radio"',
        'type="checkbox"',
        'type="number"',
        'type="date"',
        'type="datetime-local"',
        "<canvas",
        'accept="image/*"',
        'accept="audio/*"',
        "0 = Calm",
        "Somewhere else",
        "(glasses)",
        "(minutes)",
    ):
        assert marker in preview, marker
    url = reverse("assign", args=[personas.bob.pk, template.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Evening check-in",
            "instructions": "Before bed.",
            "rationale": "Patterns help.",
            "minutes": "5",
            "schedule_kind": "daily",
            "start_date": "2026-03-02",
            "formats": ["write", "photo"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Assignment.objects.get(client=personas.bob.membership).template_version == template.latest_version()


def test_a_worksheet_saved_at_the_builders_longest_can_be_assigned_unchanged(client, personas, monday):
    # The assign form starts from the worksheet's own instructions and "why": it must take the longest the builder
    # saves, or its own prefilled defaults fail (the assign form once allowed 4,000 and 2,000 characters).
    longest = {name: WorksheetForm.base_fields[name].max_length for name in ("instructions", "rationale")}
    assert longest == {"instructions": 5000, "rationale": 3000}
    texts = {name: ("Say what you notice. " * 300)[: length - 1] + "." for name, length in longest.items()}
    template = build(client, personas.alice, **texts)
    url = reverse("assign", args=[personas.bob.pk, template.pk])
    page = client.get(url).content.decode()
    assert all(text in page for text in texts.values())  # prefilled in full
    schedule = {"title": "Evening check-in", "minutes": "5", "schedule_kind": "daily", "start_date": "2026-03-02"}
    response = client.post(url, {**texts, **schedule, "formats": ["write"]})
    assert response.status_code == 302, response.content.decode()[:3000]
    content = Assignment.objects.get(client=personas.bob.membership).content
    assert (content["instructions"], content["rationale"]) == (texts["instructions"], texts["rationale"])


def test_the_builder_previews_without_saving(client, personas):
    client.force_login(personas.alice)
    page = client.post(reverse("template_new"), form_data(EVERY_TYPE, action="preview")).content.decode()
    assert "Preview: as your client will see it" in page and 'type="datetime-local"' in page and "<canvas" in page
    assert "Step 3: Show me" in page and " disabled" in page
    assert not Template.objects.filter(owner=personas.alice).exists()
    assert "Somewhere else" in page  # the input is kept in the form as well


def test_editing_makes_a_new_version_and_assignments_keep_theirs(client, personas, monday):
    template = build(client, personas.alice)
    client.post(
        reverse("assign", args=[personas.bob.pk, template.pk]),
        {
            "title": "Evening check-in",
            "instructions": "Before bed.",
            "rationale": "Patterns help.",
            "minutes": "5",
            "schedule_kind": "daily",
            "start_date": "2026-03-02",
            "formats": ["write"],
        },
    )
    assignment = Assignment.objects.get(client=personas.bob.membership)
    url = reverse("template_edit", args=[template.pk])
    page = client.get(url).content.decode()
    assert "Edit “Evening check-in”" in page and "Save as version 2" in page and "Somewhere else" in page
    response = client.post(url, edit_data(template, **{"fields-0-label": "A word for today", "minutes": "7"}))
    assert response.status_code == 302
    assert response.url == reverse("template_preview", args=[template.pk])
    latest = template.latest_version()
    assert latest.number == 2 and latest.minutes == 7
    fields = worksheet.field_map(latest.schema)
    assert fields["one_word_for_today"]["label"] == "A word for today"  # the key stays with its field
    assignment.refresh_from_db()
    assert assignment.template_version.number == 1
    assert worksheet.field_map(assignment.template_version.schema)["one_word_for_today"]["label"] == (
        "One word for today"
    )


def test_the_library_and_client_page_offer_only_the_latest_version_at_the_same_cost(client, personas):
    """The pick is the latest version's name and time, and a worksheet saved many times costs the library and the
    client page no more queries than one saved once (the database picks the latest)."""
    template = build(client, personas.alice)
    client.post(reverse("favourite_toggle", args=[template.pk]), follow=True)  # the client page offers favourites
    pages = (reverse("library"), reverse("client_detail", args=[personas.bob.pk]))
    client.get(pages[0]), client.get(pages[1])  # warm: today's occurrences made, the session's activity written
    counts = []
    for _ in range(2):
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    for n in range(2, 6):
        edit = edit_data(template, name=f"Evening check-in {n}")
        client.post(reverse("template_edit", args=[template.pk]), edit, follow=True)  # its "Saved" message read
    assert template.versions.count() == 5
    for url in pages:
        page = client.get(url).content.decode()
        assert "Evening check-in 5" in page and "Evening check-in 4" not in page
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    assert counts[4:] == counts[2:4], counts


def test_saving_without_changes_makes_no_version(client, personas):
    template = build(client, personas.alice)
    response = client.post(reverse("template_edit", args=[template.pk]), edit_data(template))
    assert response.status_code == 302 and template.versions.count() == 1


def test_an_edit_saved_elsewhere_meanwhile_is_not_overwritten_silently(client, personas):
    template = build(client, personas.alice)
    url = reverse("template_edit", args=[template.pk])
    first, second = edit_data(template, minutes="6"), edit_data(template, minutes="8")
    assert client.post(url, first).status_code == 302
    page = client.post(url, second)
    assert page.status_code == 200 and "saved elsewhere since you opened it" in page.content.decode()
    assert template.latest_version().minutes == 6
    assert 'name="based_on" value="2"' in page.content.decode()
    assert client.post(url, {**second, "based_on": "2"}).status_code == 302
    assert template.latest_version().minutes == 8


def test_colleagues_see_a_worksheet_only_once_shared_and_never_edit_it(client, personas):
    template = build(client, personas.alice)
    client.force_login(personas.frank)
    assert "Evening check-in" not in client.get(reverse("library")).content.decode()
    assert client.get(reverse("template_preview", args=[template.pk])).status_code == 404

    client.force_login(personas.alice)
    client.post(reverse("template_edit", args=[template.pk]), edit_data(template, shared="on"))
    template.refresh_from_db()
    assert template.shared

    client.force_login(personas.frank)
    library = client.get(reverse("library")).content.decode()
    assert "Evening check-in" in library and "Shared in your practice" in library
    assert reverse("template_edit", args=[template.pk]) not in library
    assert client.get(reverse("template_preview", args=[template.pk])).status_code == 200
    assert client.get(reverse("template_edit", args=[template.pk])).status_code == 404
    assert client.post(reverse("template_edit", args=[template.pk]), edit_data(template)).status_code == 404
    link(personas.frank, personas.erin)
    assert client.get(reverse("assign", args=[personas.erin.pk, template.pk])).status_code == 200
    assert client.get(reverse("template_copy", args=[template.pk])).status_code == 200
    assert template.versions.count() == 2


def test_another_practice_gets_404(client, personas):
    template = shared_worksheet(personas)
    client.force_login(personas.charlie)
    for name in ("template_preview", "template_edit", "template_copy"):
        assert client.get(reverse(name, args=[template.pk])).status_code == 404, name
    assert client.post(reverse("template_edit", args=[template.pk]), edit_data(template)).status_code == 404
    assert "Alice&#x27;s diary" not in client.get(reverse("library")).content.decode()


def test_built_ins_cannot_be_edited(client, personas):
    client.force_login(personas.alice)
    journal = Template.objects.get(key="journal")
    assert client.get(reverse("template_edit", args=[journal.pk])).status_code == 404


@pytest.mark.parametrize(
    ("rows", "meta", "field", "message"),
    [
        (
            [{"type": "rating", "label": "Mood", "min": "5", "max": "3"}],
            {},
            "fields-0-max",
            "The top of the scale must be above the bottom (it is 5 to 3).",
        ),
        ([{"type": "rating", "label": "Mood", "min": "0.5", "max": "3"}], {}, "fields-0-max", "whole numbers"),
        ([{"type": "single_choice", "label": "Mood"}], {}, "fields-0-choices", "at least two choices"),
        (
            [{"type": "multi_choice", "label": "Mood", "choices": "Low\nlow"}],
            {},
            "fields-0-choices",
            "one is listed twice",
        ),
        ([{"type": "number", "label": "Mood", "min": "9", "max": "1"}], {}, "fields-0-max", "at least the lowest"),
        ([{"type": "number", "label": "Mood", "min": "lots"}], {}, "fields-0-min", "Enter a number."),
        ([{"type": "short_text", "label": "Mood " * 41}], {}, "fields-0-label", "at most 200 characters"),
        ([{"type": "short_text", "help": "Just help, no label"}], {}, "fields-0-label", "Please give this field"),
        (
            [{"type": "list", "label": "Smuggled table", "key": "table"}],
            {},
            "fields-0-type",
            "can only be kept from the worksheet it was copied from",
        ),
        ([{"type": "spreadsheet", "label": "Mood"}], {}, "fields-0-type", "Select a valid choice"),
        (
            [{"type": "short_text", "label": "Mood"}, {"type": "short_text", "label": "Why", "step_help": "Hm"}],
            {},
            "fields-1-step_title",
            "Give the new step a title too",
        ),
        ([{"type": "short_text", "label": "Mood"}], {"rationale": ""}, "rationale", "Please say why this helps"),
        ([{"type": "short_text", "label": "Mood"}], {"minutes": "0"}, "minutes", "greater than or equal to 1"),
        ([{"type": "short_text", "label": "Mood"}], {"name": "N" * 121}, "name", "at most 120 characters"),
    ],
)
def test_bad_input_is_pointed_out_beside_the_field_and_kept(client, personas, rows, meta, field, message):
    client.force_login(personas.alice)
    response = client.post(reverse("template_new"), form_data(rows, **meta))
    assert response.status_code == 200
    page = response.content.decode()
    error = page.split(f'id="id_{field}_error"', 1)
    assert len(error) == 2, f"no error beside {field}"
    assert message in error[1].split("</p>", 1)[0]
    assert "Everything you typed is still here" in page
    assert 'value="Evening check-in"' in page or meta.get("name")
    assert not Template.objects.filter(owner=personas.alice).exists()


@pytest.mark.parametrize(("count", "message"), [(0, "Please add at least one field"), (60, "at most 40 fields")])
def test_too_few_or_too_many_fields(client, personas, count, message):
    client.force_login(personas.alice)
    rows = [{"type": "short_text", "label": f"Question {n}"} for n in range(count)]
    page = client.post(reverse("template_new"), form_data(rows)).content.decode()
    assert message in page and not Template.objects.filter(owner=personas.alice).exists()
    if count:
        assert 'value="Question 59"' in page  # every row is shown back, to be trimmed


def test_rows_can_be_reordered_removed_and_added(client, personas):
    client.force_login(personas.alice)
    rows = [
        {"step_title": "First", "type": "short_text", "label": "Gone", "order": "1", "remove": "on"},
        {"type": "short_text", "label": "B", "order": "2"},
        {"type": "short_text", "label": "C", "order": "1.5"},
        {"label": "", "order": "4"},
    ]
    page = client.post(reverse("template_new"), form_data(rows, action="more")).content.decode()
    assert 'name="fields-0-label" value="C"' in page and 'name="fields-1-step_title" value="First"' in page
    assert 'name="fields-TOTAL_FORMS" value="8"' in page  # two fields, the old empty row, and five more rows
    template = build(client, personas.alice, rows=rows)
    schema = template.latest_version().schema
    assert schema["steps"][0]["title"] == "Evening check-in"  # the first field didn't start a step
    assert [f["label"] for f in worksheet.iter_fields(schema)] == ["C", "B"]
    assert schema["steps"][1]["title"] == "First"  # the removed field's step starts at the next field


@pytest.mark.parametrize("key", ["journal", "thought_record_7", "exposure_practice", "sleep_diary"])
def test_copying_a_built_in_starts_a_custom_worksheet_with_its_content(client, personas, key):
    builtin = Template.objects.get(key=key, practice__isnull=True)
    source = builtin.latest_version()
    client.force_login(personas.alice)
    page = client.get(reverse("template_copy", args=[builtin.pk])).content.decode()
    assert "to my worksheets" in page and "Preview: as your client will see it" in page
    response = client.post(reverse("template_copy", args=[builtin.pk]), edit_data(builtin))
    assert response.status_code == 302, response.content.decode()[:3000]
    copy = Template.objects.get(owner=personas.alice)
    assert copy.practice == personas.practice and not copy.is_builtin and copy.pk != builtin.pk
    version = copy.latest_version()
    assert version.number == 1 and version.schema == source.schema and version.formats == source.formats
    assert (version.name, version.instructions, version.rationale) == (
        source.name,
        source.instructions,
        source.rationale,
    )
    assert builtin.versions.count() == 1
    # The copy is the therapist's to change; the kept parts (tables, re-ratings) come along.
    response = client.post(reverse("template_edit", args=[copy.pk]), edit_data(copy, **{"fields-0-help": "Mine."}))
    assert response.status_code == 302 and copy.latest_version().number == 2


def test_typed_input_comes_back_after_a_sign_out(client, personas):
    client.force_login(personas.alice)
    url = reverse("template_new")
    session = client.session
    typed = {k: [v] for k, v in form_data(EVERY_TYPE).items()}
    session["recovered_form"] = {"user": personas.alice.pk, "at": time.time(), "path": url, "data": typed}
    session.save()
    page = client.get(url).content.decode()
    assert 'value="Evening check-in"' in page and 'value="Glasses of water"' in page
    assert not Template.objects.filter(owner=personas.alice).exists()


def test_keys_come_from_labels():
    taken: set[str] = set()
    assert slug_key("What happened?", taken) == "what_happened"
    assert slug_key("What happened!", taken) == "what_happened_2"
    assert slug_key("2nd try", taken) == "q_2nd_try"
    assert slug_key("Été à Zürich", taken) == "ete_a_zurich"
    assert slug_key("😊", taken) == "field"
    assert worksheet.KEY.match(slug_key("x" * 200, taken))


def test_removing_the_table_a_re_rating_needs_is_pointed_out(client, personas):
    builtin = Template.objects.get(key="thought_record_7", practice__isnull=True)
    keys = [row["key"] for row in rows_initial(builtin.latest_version())]
    client.force_login(personas.alice)
    data = edit_data(builtin, **{f"fields-{keys.index('emotions')}-remove": "on"})
    response = client.post(reverse("template_copy", args=[builtin.pk]), data)
    assert response.status_code == 200
    assert "This re-rates the answers of a table that is no longer before it" in response.content.decode()
    assert not Template.objects.filter(owner=personas.alice).exists()


def test_a_schema_error_is_shown_beside_the_row_it_names(client, personas, monkeypatch):
    def refuse(schema):
        raise worksheet.SchemaError("Field 'mood' is not allowed here.")

    monkeypatch.setattr(worksheet, "check_schema", refuse)
    client.force_login(personas.alice)
    rows = [{"type": "short_text", "label": "Sleep"}, {"type": "short_text", "label": "Mood"}]
    response = client.post(reverse("template_new"), form_data(rows))
    assert response.status_code == 200
    row = response.content.decode().split('id="row-2"', 1)[1].split("</fieldset>", 1)[0]
    assert "Field &#x27;mood&#x27; is not allowed here." in row
    assert not Template.objects.filter(owner=personas.alice).exists()


def test_a_client_completes_a_custom_worksheet(client, personas, monday):
    rows = [
        {"type": "short_text", "label": "What did you try?", "required": "on"},
        {"type": "rating", "label": "How hard was it?", "min": "1", "max": "5"},
        {"type": "multi_choice", "label": "Who was there?", "choices": "Family\nFriends\nNobody"},
    ]
    template = build(client, personas.alice, rows=rows)
    response = client.post(
        reverse("assign", args=[personas.bob.pk, template.pk]),
        {
            "title": "Try it",
            "instructions": "Once today.",
            "rationale": "Practice helps.",
            "minutes": "5",
            "schedule_kind": "once",
            "start_date": "2026-03-02",
            "end_date": "2026-03-02",
            "formats": ["write"],
        },
    )
    assert response.status_code == 302
    occurrence = Assignment.objects.get(client=personas.bob.membership).occurrences.get()
    client.force_login(personas.bob)
    url = reverse("occurrence_do", args=[occurrence.pk])
    assert "How hard was it?" in client.get(url).content.decode()
    answers = {
        "f-what_did_you_try": "A walk",
        "f-how_hard_was_it": "4",
        "f-who_was_there": ["family", "nobody"],
        "f-who_was_there-present": "1",
    }
    client.post(f"{url}?step=0", {**answers, "go": "next"})
    client.post(f"{url}?step=outcome", {"o-outcome": "done", "go": "next"})
    response = client.post(f"{url}?step=after", {"a-visibility": "shared", "go": "finish"})
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = occurrence.entry
    assert entry.template_version == template.latest_version()
    assert entry.answers == {
        "what_did_you_try": "A walk",
        "how_hard_was_it": {"value": 4, "min": 1, "max": 5},
        "who_was_there": ["family", "nobody"],
    }


@pytest.mark.browser
def test_building_a_worksheet_in_a_browser(live_server, new_page, axe_check):
    from playwright.sync_api import expect

    from carryover.accounts.models import Role
    from carryover.accounts.services import practice_create
    from carryover.conftest import make_person

    from .test_browser_homework import sign_in

    builtin_sync()  # an earlier live-server test's flush takes the migrated library with it
    practice = practice_create(name="Riverside Therapy", country="US")
    alice = make_person(practice, "alice@riverside.test", "Alice Moreno", Role.THERAPIST)
    page = new_page(viewport={"width": 1366, "height": 800})
    sign_in(page, alice.email, code=True)
    page.goto(reverse("library"))
    page.get_by_role("link", name="Create a worksheet").click()
    axe_check(page, "builder-01-new")
    page.locator("[name=name]").fill("Evening check-in")
    page.locator("[name=instructions]").fill("Before bed, answer each question briefly.")
    page.locator("[name=rationale]").fill("Noticing patterns helps us plan what to change.")
    lowest_means = page.locator("[name=fields-0-min_label]")
    expect(lowest_means).to_be_hidden()  # each type shows only its own options
    page.locator("[name=fields-0-type]").select_option("rating")
    expect(lowest_means).to_be_visible()
    page.locator("[name=fields-0-label]").fill("How anxious were you?")
    page.locator("[name=fields-0-max]").fill("100")
    lowest_means.fill("Calm")
    page.locator("[name=fields-1-type]").select_option("single_choice")
    page.locator("[name=fields-1-label]").fill("Where were you?")
    page.locator("[name=fields-1-choices]").fill("Home\nWork")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("How anxious were you?")
    expect(preview).to_contain_text("0 = Calm")
    axe_check(page, "builder-02-preview")
    page.get_by_role("button", name="Save to my worksheets").click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_contain_text("Saved “Evening check-in” (version 1)")
    page.goto(reverse("library"))
    axe_check(page, "builder-03-library")
    expect(page.locator("li.card", has_text="Evening check-in")).to_contain_text("My worksheet")
    page.locator("li.card", has_text="7 columns").get_by_role("link", name="Copy to my worksheets").click()
    expect(page.get_by_text("Table of rows").first).to_be_visible()  # kept as it was, not editable here
    axe_check(page, "builder-04-copy-built-in")
