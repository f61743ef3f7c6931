"""The FHIR R4 Bundle: every resource validates with fhir.resources, the whole Bundle parses with an independent
R4 (4.0.1) reader (SMART's fhirclient models, strict), the LOINC codes are the published ones, and what the client
kept private is not in it."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle as CheckedBundle
from fhirclient.models.bundle import Bundle as IndependentBundle

from carryover.homework.models import Visibility
from carryover.homework.services import goal_create
from carryover.measures.tests.helpers import submit
from carryover.records.fhir import fhir_bundle_for, practice_ndjson

PHQ9_ITEMS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]
GAD7_ITEMS = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]


@pytest.fixture
def scored(personas, monday):
    goal_create(actor=personas.alice, client=personas.bob.membership, text="Sleep before midnight", steps=[])
    return {
        "phq9": submit(personas.alice, personas.bob, [2, 2, 1, 1, 1, 1, 1, 1, 0]),
        "gad7": submit(personas.alice, personas.bob, [3, 3, 3, 3, 3, 0, 0], key="gad7"),
        "pcl5": submit(personas.alice, personas.bob, [2] * 20, key="pcl5"),
    }


def _of(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_validates_and_an_independent_r4_reader_parses_it(personas, scored):
    bundle = fhir_bundle_for(personas.bob.membership)
    CheckedBundle.model_validate(bundle)
    parsed = IndependentBundle(json.loads(json.dumps(bundle)), strict=True)  # raises on anything R4 lacks
    kinds = {entry.resource.resource_type for entry in parsed.entry}
    assert kinds == {"Patient", "Questionnaire", "QuestionnaireResponse", "Observation", "Goal", "CarePlan", "Task"}
    references = {e["fullUrl"] for e in bundle["entry"]}
    for entry in bundle["entry"]:
        for text in json.dumps(entry["resource"]).split('"reference": "')[1:]:
            assert text.split('"')[0] in references  # every reference resolves inside the Bundle


def test_loinc_codes_and_bands(personas, scored):
    bundle = fhir_bundle_for(personas.bob.membership)
    panels = {q["title"]: q["code"][0]["code"] for q in _of(bundle, "Questionnaire")}
    assert panels == {"PHQ-9": "44249-1", "GAD-7": "69737-5", "PCL-5": "101697-1"}
    phq9 = next(q for q in _of(bundle, "Questionnaire") if q["title"] == "PHQ-9")
    assert [i["code"][0]["code"] for i in phq9["item"]] == PHQ9_ITEMS
    gad7 = next(q for q in _of(bundle, "Questionnaire") if q["title"] == "GAD-7")
    assert [i["code"][0]["code"] for i in gad7["item"]] == GAD7_ITEMS
    totals = {o["code"]["coding"][0]["code"]: o for o in _of(bundle, "Observation")}
    assert set(totals) == {"44261-6", "70274-6", "101698-9"}
    assert totals["44261-6"]["valueInteger"] == 10 == scored["phq9"].total
    assert totals["44261-6"]["interpretation"][0]["coding"][0]["code"] == "moderate"
    assert totals["70274-6"]["valueInteger"] == 15
    assert totals["70274-6"]["interpretation"][0]["text"] == "Severe"
    assert totals["101698-9"]["valueInteger"] == 40


def test_private_answers_stay_out_of_the_clinical_bundle(personas, scored):
    scored["gad7"].entry.__class__.objects.filter(pk=scored["gad7"].entry_id).update(visibility=Visibility.PRIVATE)
    bundle = fhir_bundle_for(personas.bob.membership)
    codes = {o["code"]["coding"][0]["code"] for o in _of(bundle, "Observation")}
    assert "70274-6" not in codes and "44261-6" in codes


def test_practice_ndjson_has_one_file_per_resource_type(personas, scored):
    with practice_ndjson([personas.bob.membership, personas.erin.membership]) as files:
        texts = {kind: file.handle.read().decode() for kind, file in files.items()}
        counts = {kind: file.count for kind, file in files.items()}
        handles = [file.handle for file in files.values()]
    assert all(handle.closed for handle in handles)  # the temporary files go when the export is written
    assert counts == {kind: text.count("\n") for kind, text in texts.items()}
    assert counts["Patient"] == 2
    assert counts["Questionnaire"] == 3  # once, however many clients answered them
    for text in texts.values():
        for line in text.splitlines():
            assert json.loads(line)["resourceType"] in texts
