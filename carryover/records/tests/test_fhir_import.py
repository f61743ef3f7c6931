"""Import of a client's FHIR R4 Bundle (records/fhir_import.py): our own Bundle round-trips into another practice
with the same scores, bands, answers and goals, and so the same Bundle; a Bundle that is not valid FHIR, has unknown
codes, an altered total or no Patient is refused with a clear message and nothing is written."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carryover.accounts.models import Membership, User
from carryover.audit.models import AuditEvent
from carryover.homework.models import Entry, Goal
from carryover.homework.services import goal_create
from carryover.measures.models import MeasureResult
from carryover.measures.services import client_summaries
from carryover.measures.tests.helpers import submit
from carryover.records.fhir import fhir_bundle_for
from carryover.records.importer import ImportRefused, client_import


@pytest.fixture
def bundle(personas, monday) -> dict:
    goal_create(actor=personas.alice, client=personas.bob.membership, text="Sleep before midnight", steps=[])
    submit(personas.alice, personas.bob, [2, 2, 1, 1, 1, 1, 1, 1, 0])
    submit(personas.alice, personas.bob, [3, 3, 3, 3, 3, 0, 0], key="gad7")
    submit(personas.alice, personas.bob, [2] * 20, key="pcl5")
    return fhir_bundle_for(personas.bob.membership)


def _import(personas, document) -> Membership:
    data = json.dumps(document).encode()
    return client_import(therapist=personas.charlie.membership, data=data, email="bob@elsewhere.test")


def _clinical(document: dict) -> list:
    """A Bundle's content, ids and references aside."""
    out = []
    for entry in document["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind == "Observation":
            out.append((kind, resource["code"], resource["valueInteger"], resource["effectiveDateTime"]))
            out.append(("band", resource["interpretation"]))
        elif kind == "QuestionnaireResponse":
            out.append((kind, resource["questionnaire"], resource["item"], resource["authored"]))
        elif kind in ("Goal", "Questionnaire"):
            out.append((kind, {k: v for k, v in resource.items() if k not in ("id", "subject")}))
    return sorted(out, key=json.dumps)


def test_our_own_bundle_round_trips_into_another_practice(personas, bundle):
    moved = _import(personas, bundle)
    assert moved.practice == personas.other_practice and moved.user.name == "Bob Client"
    assert moved.client_links.get().therapist == personas.charlie.membership
    scores = lambda c: list(MeasureResult.objects.filter(client=c).values_list("measure", "total", "band", "taken_on"))  # noqa: E731
    assert scores(moved) == scores(personas.bob.membership) and len(scores(moved)) == 3
    assert [s.latest.total for s in client_summaries(moved)] == [
        s.latest.total for s in client_summaries(personas.bob.membership)
    ]
    assert [g.title for g in Goal.objects.filter(client=moved)] == ["Sleep before midnight"]
    assert _clinical(fhir_bundle_for(moved)) == _clinical(bundle)
    assert AuditEvent.objects.filter(object_type="client_import", client_id=moved.user_id).count() == 1


def _foreign_code(document):
    observation = next(e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Observation")
    observation["code"]["coding"][0]["code"] = "9999-9"


def _altered_total(document):
    observation = next(e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Observation")
    observation["valueInteger"] += 5


def _not_fhir(document):
    document["entry"][0]["resource"]["favouriteColour"] = "blue"


def _two_patients(document):
    document["entry"].append(copy.deepcopy(document["entry"][0]))


def _missing_answer(document):
    response = next(
        e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    response["item"] = response["item"][:-2]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_foreign_code, r"code this Carryover does not know \(9999-9\)"),
        (_altered_total, "does not match its answers"),
        (_not_fhir, "not valid FHIR R4"),
        (_two_patients, "exactly one Patient"),
        (_missing_answer, "missing or impossible answers"),
    ],
)
def test_a_bad_bundle_is_refused_and_nothing_is_kept(personas, bundle, change, message):
    counts = {model: model.objects.count() for model in (User, Membership, MeasureResult, Entry, Goal)}
    document = copy.deepcopy(bundle)
    change(document)
    with pytest.raises(ImportRefused, match=message):
        _import(personas, document)
    assert counts == {model: model.objects.count() for model in counts}


def test_the_import_page_takes_a_bundle(client, personas, bundle):
    client.force_login(personas.charlie)
    upload = SimpleUploadedFile("bundle.json", json.dumps(bundle).encode(), content_type="application/fhir+json")
    response = client.post(reverse("client_import"), {"upload": upload, "email": "bob@elsewhere.test"})
    assert response.status_code == 302
    moved = User.objects.get(email="bob@elsewhere.test").membership
    assert MeasureResult.objects.filter(client=moved).count() == 3
    bad = copy.deepcopy(bundle)
    _altered_total(bad)
    upload = SimpleUploadedFile("bundle.json", json.dumps(bad).encode())
    refused = client.post(reverse("client_import"), {"upload": upload, "email": "other@elsewhere.test"})
    assert refused.status_code == 400 and "does not match its answers" in refused.content.decode()
