"""The built-in library in the client's language (issue 17): every built-in has a complete Spanish overlay, a
translation changes words only, a Spanish client reads the worksheet in Spanish while their answers keep their keys,
and what a therapist wrote stays as written unless they also wrote it in the client's language."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse
from django.utils import translation

from carryover.conftest import reading_in
from carryover.homework import overlay
from carryover.homework.builtin import BUILTIN_TEMPLATES
from carryover.homework.builtin_es import ES, overlay_for
from carryover.homework.models import Assignment, Draft, Occurrence
from carryover.homework.services import template_version_add

from .conftest import assign, version_of

pytestmark = pytest.mark.usefixtures("monday")


def test_every_builtin_has_a_complete_spanish_overlay_and_no_entry_is_unused():
    registered = overlay.registered("es")
    for definition in BUILTIN_TEMPLATES:
        overlay.check_overlay(definition, registered[definition["key"]])  # no missing, extra or empty text
    used = {text for definition in BUILTIN_TEMPLATES for text in overlay.text_paths(definition).values()}
    assert set(ES) == used, sorted(set(ES) - used)


def test_a_translation_changes_words_only():
    """Keys, types, choice values, scales, risk rules and charts are the English definition's."""
    for definition in BUILTIN_TEMPLATES:
        spanish = copy.deepcopy(definition)
        paths = overlay_for(definition)
        for path, container, index in overlay._slots(spanish):
            container[index] = paths[path]
        assert spanish != definition
        for path, container, index in overlay._slots(spanish):
            container[index] = overlay.text_paths(definition)[path]
        assert spanish == definition


def default_words(key):
    version = version_of(key)
    return {"title": version.name, "instructions": version.instructions, "rationale": version.rationale}


def test_a_spanish_client_reads_a_builtin_in_spanish_and_the_answers_keep_their_keys(client, personas):
    assignment = assign(personas.alice, personas.bob, **default_words("thought_record_7"))
    occurrence = Occurrence.objects.get(assignment=assignment, due_date="2026-03-02")
    url = reverse("occurrence_do", args=[occurrence.pk])
    client.force_login(personas.bob)
    with reading_in(personas.bob, "es"):
        today = client.get(reverse("client_home")).content.decode()
        page = client.get(url).content.decode()
        client.post(url, {"step": "0", "go": "next", "f-situation": "Una reunión; mi jefe frunció el ceño."})
        thoughts = client.get(url + "?step=2").content.decode()
    assert "Registro de pensamientos (7 columnas)" in today and "Pesar las pruebas a favor y en contra" in today
    assert "Elija un momento en que su ánimo bajó o subió de golpe." in page
    assert "La situación" in page and "Descríbala como la vería una cámara" in page
    assert "The situation" not in page and 'name="f-situation"' in page
    assert "pensamiento intenso" in thoughts and "¿Cuánto lo creo?" in thoughts
    assert Draft.objects.get(occurrence=occurrence).raw["f-situation"] == "Una reunión; mi jefe frunció el ceño."
    with reading_in(personas.bob, "en-gb"):
        english = client.get(url + "?step=0").content.decode()
    assert "The situation" in english and "La situación" not in english


def test_what_the_therapist_wrote_stays_as_written_around_the_translated_worksheet(client, personas):
    assignment = assign(personas.alice, personas.bob)  # the therapist's own title, instructions and rationale
    occurrence = Occurrence.objects.get(assignment=assignment, due_date="2026-03-02")
    client.force_login(personas.bob)
    with reading_in(personas.bob, "es"):
        page = client.get(reverse("occurrence_do", args=[occurrence.pk])).content.decode()
    assert "Catch a hot thought" in page and "When you notice your mood drop, write it down." in page
    assert "La situación" in page  # the built-in's own questions are still the library's, in Spanish


def test_an_older_version_keeps_its_english_where_its_words_differ(personas):
    version = version_of("thought_record_7")
    schema = copy.deepcopy(version.schema)
    schema["steps"][0]["fields"][0]["label"] = "Where were you, and what happened?"
    newer = template_version_add(
        template=version.template,
        created_by=None,
        **{**{k: getattr(version, k) for k in ("name", "category", "summary", "instructions", "rationale")}},
        minutes=version.minutes,
        formats=version.formats,
        schema=schema,
    )
    with translation.override("es"):
        shown = overlay.localized(newer)
    assert shown["schema"]["steps"][0]["fields"][0]["label"] == "Where were you, and what happened?"
    assert shown["schema"]["steps"][0]["title"] == "La situación" and shown["name"].startswith("Registro")
    assert version.schema["steps"][0]["fields"][0]["label"] == "What was happening?"  # nothing stored changed


ASSIGN = {
    "title": "Write it down",
    "instructions": "Each evening, write one thing that happened.",
    "rationale": "It helps you notice patterns.",
    "minutes": "10",
    "schedule_kind": "daily",
    "start_date": "2026-03-02",
    "formats": ["write"],
}


def test_the_therapist_can_add_instructions_in_the_clients_language(client, personas):
    client.force_login(personas.alice)
    url = reverse("assign", args=[personas.bob.pk, version_of("journal").template_id])
    spanish = {
        "client_language": "es",
        "instructions_client": "Cada noche, escriba una cosa que pasó.",
        "rationale_client": "Le ayuda a ver patrones.",
    }
    assert client.post(url, {**ASSIGN, **spanish}).status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.client_language == "es"
    assert assignment.revisions.get().snapshot["instructions_client"] == spanish["instructions_client"]
    client.force_login(personas.bob)
    detail = reverse("assignment_detail", args=[assignment.pk])
    with reading_in(personas.bob, "es"):
        page = client.get(detail).content.decode()
    assert spanish["instructions_client"] in page and spanish["rationale_client"] in page
    assert ASSIGN["instructions"] not in page
    with reading_in(personas.bob, "en-us"):
        page = client.get(detail).content.decode()
    assert ASSIGN["instructions"] in page and spanish["instructions_client"] not in page
    client.force_login(personas.alice)
    edit = reverse("assignment_edit", args=[assignment.pk])
    form = client.get(edit).context["form"]
    assert form.initial["client_language"] == "es"
    assert form.initial["instructions_client"] == spanish["instructions_client"]
    changed = {**ASSIGN, **spanish, "instructions_client": "Cada noche, escriba dos cosas que pasaron."}
    assert client.post(edit, changed).status_code == 302
    revision = assignment.revisions.order_by("-number").first()
    assert revision.number == 2 and revision.changed == ["Instructions in the client's language"]
    first = assignment.revisions.get(number=1).snapshot["instructions_client"]
    assert first == spanish["instructions_client"]  # both versions kept, as for every field


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"client_language": "es"}, "instructions_client", "Please write the client's-language version"),
        ({"instructions_client": "Escriba."}, "client_language", "Please choose the language"),
        ({"client_language": "xx", "instructions_client": "Escriba."}, "client_language", "Select a valid choice"),
        ({"client_language": "es", "instructions_client": "x" * 5001}, "instructions_client", "Nothing was cut"),
    ],
)
def test_a_client_language_version_without_its_language_or_words_is_refused_and_nothing_is_lost(
    client, personas, extra, field, message
):
    client.force_login(personas.alice)
    url = reverse("assign", args=[personas.bob.pk, version_of("journal").template_id])
    response = client.post(url, {**ASSIGN, **extra})
    assert response.status_code == 200 and not Assignment.objects.exists()
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert form.data["instructions"] == ASSIGN["instructions"]


def test_a_sent_entry_reads_in_each_readers_language_with_the_clients_words_untranslated(client, personas):
    assignment = assign(personas.alice, personas.bob, key="activity_log", **default_words("activity_log"))
    occurrence = Occurrence.objects.get(assignment=assignment, due_date="2026-03-02")
    url = reverse("occurrence_do", args=[occurrence.pk])
    client.force_login(personas.bob)
    with reading_in(personas.bob, "es"):
        client.post(url, {"step": "0", "go": "next", "f-activity": "Caminé al parque", "f-status": "done"})
        client.post(url, {"step": "1", "go": "next", "f-mastery": "6", "f-pleasure": "7"})
        client.post(url, {"step": "outcome", "go": "next", "o-outcome": "done"})
        client.post(url, {"step": "after", "go": "finish", "a-visibility": "shared"})
        entry = assignment.entries.get()
        mine = client.get(reverse("my_entry", args=[entry.pk])).content.decode()
    assert entry.answers["status"] == "done"  # the value, never the word
    assert "¿Cuál es la actividad?" in mine and "Hecha" in mine and "Caminé al parque" in mine
    client.force_login(personas.alice)
    with reading_in(personas.alice, "en-gb"):
        theirs = client.get(reverse("entry_detail", args=[entry.pk])).content.decode()
    assert "What&#x27;s the activity?" in theirs and "Done" in theirs and "Caminé al parque" in theirs
    assert "¿Cuál es la actividad?" not in theirs


def test_the_api_sets_and_reads_the_client_language_version_like_the_page(client, personas):
    from carryover.api.tests.helpers import call, is_problem, token_for

    token = token_for(personas.alice)
    url = f"/api/v1/clients/{personas.bob.pk}/assignments"
    body = {
        "template_id": version_of("journal").template_id,
        "client_language": "es",
        "instructions_client": "Escriba.",
    }
    made = call(client, "post", url, token, body)
    assert made.status_code == 201, made.content[:500]
    assert (made.json()["client_language"], made.json()["instructions_client"]) == ("es", "Escriba.")
    assert Assignment.objects.get().shown("instructions", "es") == "Escriba."
    refused = call(client, "post", url, token, {**body, "client_language": "", "title": "Other"})
    assert is_problem(refused, 422)["errors"][0]["field"] == "client_language"


def test_the_spanish_library_reads_plainly():
    """Fernández-Huerta (the Flesch reading ease adapted to Spanish): every text of 12 words or more scores 65 or
    more (60–70 reads as "normal", about age 13–15, US grades 8–9), and the library averages 80 or more ("easy").
    Shorter texts are left out: on a few words the formula measures word length, not difficulty."""
    import textstat

    textstat.set_lang("es")
    try:
        hard_sample = "La consecución de objetivos terapéuticos requiere la consolidación sistemática de competencias."
        assert textstat.fernandez_huerta(hard_sample) < 65  # the check can tell hard Spanish from plain
        scores = {text: textstat.fernandez_huerta(text) for text in ES.values() if len(text.split()) >= 12}
    finally:
        textstat.set_lang("en_US")  # the library's language is process-wide: the English checks read English
    assert {text: score for text, score in scores.items() if score < 65} == {}
    assert sum(scores.values()) / len(scores) >= 80


def test_today_in_spanish_costs_no_more_queries_than_in_english(client, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for key in ("thought_record_7", "activity_log", "sleep_diary"):
        assign(personas.alice, personas.bob, key=key, **default_words(key))
    client.force_login(personas.bob)
    client.get(reverse("client_home"))  # the week's occurrences are made on the first visit
    counts = {}
    for language in ("en-gb", "es"):
        with reading_in(personas.bob, language), CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("client_home")).content.decode()
        counts[language] = len(queries)
    assert "Diario del sueño" in page
    assert counts["es"] == counts["en-gb"], counts


def test_my_entries_in_spanish_names_each_entry_in_spanish_at_no_extra_query(client, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carryover.homework.services import draft_for, entry_submit

    for key in ("activity_log", "skill_practice"):
        version = version_of(key)
        occurrence = None
        if key == "activity_log":
            assignment = assign(personas.alice, personas.bob, key=key, **default_words(key))
            occurrence = Occurrence.objects.get(assignment=assignment, due_date="2026-03-02")
        draft = draft_for(client=personas.bob.membership, occurrence=occurrence, version=version)
        draft.raw = {"f-activity": "Caminé", "f-status": "done", "f-skill": "Respirar", "o-outcome": "done"}
        draft.save()
        entry_submit(draft=draft, outcome="done")
    client.force_login(personas.bob)
    client.get(reverse("my_entries"))  # anything done once per visit is done
    counts = {}
    for language in ("en-gb", "es"):
        with reading_in(personas.bob, language), CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("my_entries")).content.decode()
        counts[language] = len(queries)
    assert "Registro de actividades (logro y disfrute)" in page and "Practiqué una habilidad" in page
    assert counts["es"] == counts["en-gb"], counts
