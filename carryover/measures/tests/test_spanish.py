"""The PHQ-9 and GAD-7 in Spanish (issue 17): a Spanish-speaking client reads Pfizer's published Spanish wording,
their answers score exactly as the same answers in English, item 9 ends on the crisis lines in Spanish, and the
therapist reads the items and scores in their own language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from carryover.conftest import reading_in
from carryover.homework import overlay
from carryover.homework import schema as worksheet
from carryover.homework.models import Template
from carryover.measures import scoring
from carryover.measures.instruments import MEASURE_TEMPLATES, MEASURES
from carryover.measures.instruments_es import GAD7_ES, PHQ9_ES, SPANISH_TEMPLATES
from carryover.measures.models import MeasureResult, RiskAlert

from .helpers import assign_measure

pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def dana_phq9(personas):
    """Dana is a client of a US practice: the lines she sees are the US ones."""
    assignment = assign_measure(personas.charlie, personas.dana)
    return assignment.occurrences.order_by("due_date").first()


def post_item(client, occurrence, step, value):
    data = {"step": str(step), "go": "next", f"f-q{step + 1}": str(value)}
    return client.post(reverse("measure_do", args=[occurrence.pk]), data)


def test_the_spanish_measures_keep_every_key_value_and_rule_of_the_english():
    """Only words differ: steps, keys, choice values, required flags and the item-9 rule are the English ones."""

    def shape(definition):
        texts = overlay.text_paths(definition)
        blank = {**definition, "schema": definition["schema"]}
        return (
            texts.keys(),
            worksheet.field_map(blank["schema"]).keys(),
            [
                ({k: v for k, v in f.items() if k not in ("label", "help", "choices")}, [c[0] for c in f["choices"]])
                for f in worksheet.iter_fields(definition["schema"])
            ],
        )

    english = {t["key"]: t for t in MEASURE_TEMPLATES}
    for key, spanish in SPANISH_TEMPLATES.items():
        assert shape(spanish) == shape(english[key])
        assert overlay.text_paths(spanish)["q1.label"] != overlay.text_paths(english[key])["q1.label"]
    assert set(SPANISH_TEMPLATES) == {"phq9", "gad7"}  # the PCL-5 stays English (instruments_es.py says why)
    assert PHQ9_ES["items"][8] == ("q9", "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera")
    assert [label for _, label in GAD7_ES["scale"]] == [
        "Ningún día",
        "Varios días",
        "Más de la mitad de los días",
        "Casi todos los días",
    ]


@given(
    key=st.sampled_from(["phq9", "gad7"]),
    data=st.data(),
)
def test_the_same_answers_score_the_same_in_spanish_and_english(key, data):
    """Whatever is answered, the answers cleaned against the Spanish form are the English form's, so the score,
    band and item-9 risk are too (the form a client sees is the only thing that changes)."""
    english = next(t for t in MEASURE_TEMPLATES if t["key"] == key)
    spanish = SPANISH_TEMPLATES[key]
    items = len(MEASURES[key]["items"])
    values = data.draw(st.lists(st.sampled_from(["0", "1", "2", "3", "", "7", "x"]), min_size=items, max_size=items))
    raw = {f"f-q{n}": value for n, value in enumerate(values, start=1)}
    raw["f-difficulty"] = data.draw(st.sampled_from(["", "not", "very", "nonsense"]))
    cleaned_en = worksheet.clean_answers(english["schema"], raw, require_complete=True)
    cleaned_es = worksheet.clean_answers(spanish["schema"], raw, require_complete=True)
    assert cleaned_es[0] == cleaned_en[0] and cleaned_es[1].keys() == cleaned_en[1].keys()
    if not cleaned_en[1]:
        assert scoring.score(key, cleaned_es[0]) == scoring.score(key, cleaned_en[0])
    hits = [[(f["key"], f["risk"]) for f in worksheet.risk_answers(t["schema"], raw)] for t in (spanish, english)]
    assert hits[0] == hits[1]  # item 9 fires exactly as in English, on the same values


def test_a_spanish_client_answers_the_phq9_in_spanish_and_scores_as_in_english(client, personas, dana_phq9):
    client.force_login(personas.dana)
    with reading_in(personas.dana, "es"):
        page = client.get(reverse("measure_do", args=[dana_phq9.pk])).content.decode()
        assert "Cuestionario sobre el ánimo (PHQ-9)" in page and "Poco interés o placer en hacer cosas" in page
        assert "¿qué tan seguido ha tenido molestias debido a los siguientes problemas?" in page
        assert "Little interest" not in page
        # The English answer values behind the Spanish words.
        assert re.findall(r'name="f-q1" value="(\d)"', page) == ["0", "1", "2", "3"]
        assert "Ningún día" in page and "Casi todos los días" in page
        for step, value in enumerate([2, 2, 1, 1, 0, 1, 2, 1, 0]):
            assert post_item(client, dana_phq9, step, value).status_code == 302
        last = client.get(reverse("measure_do", args=[dana_phq9.pk]) + "?step=9").content.decode()
        assert "qué tanta dificultad le han dado estos problemas" in last and "Un poco difícil" in last
        finish = {"step": "9", "f-difficulty": "somewhat", "go": "finish"}
        client.post(reverse("measure_do", args=[dana_phq9.pk]), finish)
    result = MeasureResult.objects.get()
    assert (result.measure, result.total, result.band, result.risk_value) == ("phq9", 10, "moderate", 0)
    assert result.entry.answers["difficulty"] == "somewhat"


def test_item9_in_spanish_ends_on_the_crisis_lines_in_spanish_with_988_press_2_first(client, personas, dana_phq9):
    client.force_login(personas.dana)
    with reading_in(personas.dana, "es"):
        response = post_item(client, dana_phq9, 8, 1)
        assert response.url == reverse("crisis_support")
        page = client.get(response.url).content.decode()
    assert RiskAlert.objects.filter(client=personas.dana.membership).count() == 1
    names = re.findall(r"<strong>([^<]+)</strong>", page.split('class="crisis"')[1].split("</ul>")[0])
    assert names == [
        "Emergencias",
        "988 Línea de Prevención del Suicidio y Crisis, en español",
        "Crisis Text Line, en español",
    ]
    assert "marque 2" in page and "sms:741741?&amp;body=AYUDA" in page and "sms:988?&amp;body=AYUDA" in page
    alert = RiskAlert.objects.get()
    assert alert.shown["lines"][1]["name"].startswith("988 Línea")  # the alert records what was shown


def test_the_therapist_reads_a_spanish_clients_phq9_in_english(client, personas, dana_phq9):
    client.force_login(personas.dana)
    with reading_in(personas.dana, "es"):
        for step, value in enumerate([1] * 9):
            post_item(client, dana_phq9, step, value if step != 8 else 0)
        client.post(reverse("measure_do", args=[dana_phq9.pk]), {"step": "9", "go": "finish"})
    entry = MeasureResult.objects.get().entry
    client.force_login(personas.charlie)
    with reading_in(personas.charlie, "en-us"):
        page = client.get(reverse("entry_detail", args=[entry.pk])).content.decode()
    assert "Little interest or pleasure in doing things" in page and "Poco interés" not in page


def test_an_english_reader_costs_no_query_and_a_practice_copy_stays_as_written(personas):
    version = Template.objects.get(key="phq9", practice__isnull=True).latest_version()
    with translation.override("en-gb"):
        assert overlay.localized(version)["schema"] is version.schema
    with translation.override("es"):
        assert overlay.localized_schema(version)["steps"][0]["fields"][0]["label"].startswith("Poco interés")
        version.template.practice_id = personas.practice.pk  # the same words, but a practice's own worksheet
        assert overlay.localized_schema(version)["steps"][0]["fields"][0]["label"].startswith("Little interest")


def test_a_questionnaire_not_yet_in_spanish_is_marked_english_for_screen_readers_and_the_voice(
    client, personas, dana_phq9
):
    """The PCL-5 has no Spanish wording here: a Spanish reader gets its questions in English, marked lang="en"
    around them (the page stays lang="es"), so a screen reader and the Listen voice read them as English."""
    pcl5 = assign_measure(personas.charlie, personas.dana, key="pcl5").occurrences.order_by("due_date").first()
    client.force_login(personas.dana)
    with reading_in(personas.dana, "es"):
        english_items = client.get(reverse("measure_do", args=[pcl5.pk])).content.decode()
        spanish_items = client.get(reverse("measure_do", args=[dana_phq9.pk])).content.decode()
    assert '<html lang="es"' in english_items and '<div lang="en">' in english_items
    assert '<div lang="en">' not in spanish_items and "Poco interés" in spanish_items
    english_reader = client.get(reverse("measure_do", args=[pcl5.pk])).content.decode()  # Dana's own: en-us
    assert '<html lang="en-us"' in english_reader and '<div lang="en">' not in english_reader
