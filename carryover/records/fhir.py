"""A client's clinical record as a FHIR R4 Bundle, for the records systems a practice moves it into.

Built and validated with `fhir.resources` (its R4B models: R4B changed none of the resources used here, so the
output is also valid R4 4.0.1, which `records/tests/test_fhir.py` checks with an independent R4 reader):
- `Patient`: minimal, a name only (no address, no birth date: Carryover holds none).
- `Questionnaire` for PHQ-9, GAD-7 and PCL-5 with their LOINC panel and item codes, and one
  `QuestionnaireResponse` per answered measure.
- `Observation` for each total, with its LOINC code (PHQ-9 44261-6, GAD-7 70274-6, PCL-5 101698-9) and the
  severity band as `interpretation`.
- `CarePlan` for the client's activities, a `Task` per occurrence, a `Goal` per goal.
Every code and its source: docs/clinical-sources.md ("FHIR export"). What the client kept private is never in it:
it is for the clinical file. Ids are stable (uuid5 of the row), so exporting twice gives the same references.
"""

from __future__ import annotations

import importlib
import json
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.conf import settings

from carryover.accounts.models import Membership
from carryover.homework.models import Assignment, AssignmentStatus, Goal, Occurrence, OccurrenceStatus, Visibility
from carryover.measures.instruments import MEASURES
from carryover.measures.models import MeasureResult

LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
NAMESPACE = uuid.UUID("5f0b7f55-93c2-4c0e-9d38-4c1b2d7f8a10")  # Carryover's, for the uuid5 of each resource


def band_system() -> str:
    """Carryover's own code system for a measure's severity band (LOINC has no codes for these bands)."""
    return f"{settings.SITE_URL}/fhir/CodeSystem/measure-band"


# LOINC codes of each measure: the panel, the total score and each item (docs/clinical-sources.md).
MEASURE_CODES: dict[str, dict[str, Any]] = {
    "phq9": {
        "panel": ("44249-1", "PHQ-9 quick depression assessment panel [Reported.PHQ]"),
        "total": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
        "items": {
            "q1": "44250-9",
            "q2": "44255-8",
            "q3": "44259-0",
            "q4": "44254-1",
            "q5": "44251-7",
            "q6": "44258-2",
            "q7": "44252-5",
            "q8": "44253-3",
            "q9": "44260-8",
            "difficulty": "69722-7",
        },
    },
    "gad7": {
        "panel": ("69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
        "total": ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
        "items": {
            "q1": "69725-0",
            "q2": "68509-9",
            "q3": "69733-4",
            "q4": "69734-2",
            "q5": "69735-9",
            "q6": "69689-8",
            "q7": "69736-7",
        },
    },
    # LOINC's PCL-5 panel and score; its items have no LOINC codes Carryover could confirm, so they carry none.
    "pcl5": {
        "panel": ("101697-1", "Post traumatic stress disorder checklist - civilian version DSM-5 [PCL-5]"),
        "total": ("101698-9", "PTSD PCL-5 score [PCL-5]"),
        "items": {},
    },
}

TASK_STATUS = {
    OccurrenceStatus.PENDING: "requested",
    OccurrenceStatus.DONE: "completed",
    OccurrenceStatus.PARTIAL: "completed",
    OccurrenceStatus.SKIPPED: "cancelled",
    OccurrenceStatus.MISSED: "failed",
}
CAREPLAN_ACTIVITY_STATUS = {
    AssignmentStatus.ACTIVE: "in-progress",
    AssignmentStatus.PAUSED: "on-hold",
    AssignmentStatus.COMPLETED: "completed",
    AssignmentStatus.ARCHIVED: "stopped",
}


def _id(kind: str, key: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{key}"))


def _ref(resource: dict[str, Any]) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource['id']}"}


def _coding(code: str, display: str, system: str = LOINC) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _valid(data: dict[str, Any]) -> dict[str, Any]:
    """Validate with fhir.resources' model of the resource type (raises on anything R4B does not allow) and return
    plain JSON. Imported when first used: the models take a second to load, which no page but these should pay."""
    kind = data["resourceType"]
    model = getattr(importlib.import_module(f"fhir.resources.R4B.{kind.lower()}"), kind)
    return json.loads(model.model_validate(data).model_dump_json(exclude_none=True))


def questionnaire(measure_key: str) -> dict[str, Any]:
    measure, codes = MEASURES[measure_key], MEASURE_CODES[measure_key]
    options = [{"valueCoding": {"code": str(value), "display": label}} for value, label in measure["scale"]]
    items = [
        {"linkId": key, "text": text, "type": "choice", "required": True, "answerOption": options}
        | ({"code": [{"system": LOINC, "code": codes["items"][key]}]} if key in codes["items"] else {})
        for key, text in measure["items"]
    ]
    return _valid(
        {
            "resourceType": "Questionnaire",
            "id": _id("Questionnaire", measure_key),
            "url": f"{settings.SITE_URL}/fhir/Questionnaire/{measure_key}",
            "name": measure_key.upper(),
            "title": measure["name"],
            "status": "active",
            "code": [{"system": LOINC, "code": codes["panel"][0], "display": codes["panel"][1]}],
            "item": items,
        },
    )


def _response(result: MeasureResult, patient: dict[str, Any]) -> dict[str, Any]:
    measure = MEASURES[result.measure]
    labels = dict(measure["scale"])
    content = result.entry.content  # an imported export may hold any JSON here
    answers = content.get("answers", {}) if isinstance(content, dict) else {}
    items = []
    for key, text in measure["items"]:
        if key in answers:
            value = int(answers[key])
            coding = {"code": str(value), "display": labels.get(value, str(value))}
            items.append({"linkId": key, "text": text, "answer": [{"valueCoding": coding}]})
    return _valid(
        {
            "resourceType": "QuestionnaireResponse",
            "id": _id("QuestionnaireResponse", result.pk),
            "questionnaire": f"{settings.SITE_URL}/fhir/Questionnaire/{result.measure}",
            "status": "completed",
            "subject": _ref(patient),
            "authored": result.entry.submitted_at.isoformat(),
            "item": items,
        },
    )


def _observation(result: MeasureResult, patient: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    code, display = MEASURE_CODES[result.measure]["total"]
    return _valid(
        {
            "resourceType": "Observation",
            "id": _id("Observation", result.pk),
            "status": "final",
            "category": [_coding("survey", "Survey", OBSERVATION_CATEGORY)],
            "code": _coding(code, display),
            "subject": _ref(patient),
            "effectiveDateTime": result.taken_on.isoformat(),
            "valueInteger": result.total,
            "interpretation": [_coding(result.band, result.band_name, band_system())],
            "derivedFrom": [_ref(response)],
        },
    )


def _goal(goal: Goal, patient: dict[str, Any]) -> dict[str, Any]:
    return _valid(
        {
            "resourceType": "Goal",
            "id": _id("Goal", goal.pk),
            "lifecycleStatus": "cancelled" if goal.archived else "active",
            "description": {"text": goal.title or "Goal"},
            "subject": _ref(patient),
            "startDate": goal.created_at.date().isoformat(),
        },
    )


def _task(occurrence: Occurrence, patient: dict[str, Any], plan: dict[str, Any]) -> dict[str, Any]:
    return _valid(
        {
            "resourceType": "Task",
            "id": _id("Task", occurrence.pk),
            "status": TASK_STATUS[OccurrenceStatus(occurrence.status)],
            "intent": "plan",
            "basedOn": [_ref(plan)],
            "description": occurrence.assignment.title or "Activity",
            "for": _ref(patient),
            "executionPeriod": {"start": occurrence.due_date.isoformat(), "end": occurrence.due_date.isoformat()},
        },
    )


def _care_plan(client: Membership, patient: dict[str, Any], goals: list[dict[str, Any]]) -> dict[str, Any]:
    assignments = Assignment.objects.filter(client=client).order_by("pk")
    activities = [
        {
            "detail": {
                "status": CAREPLAN_ACTIVITY_STATUS[AssignmentStatus(a.status)],
                "description": f"{a.title}: {a.schedule_text()}",
            }
        }
        for a in assignments
    ]
    return _valid(
        {
            "resourceType": "CarePlan",
            "id": _id("CarePlan", client.pk),
            "status": "active",
            "intent": "plan",
            "title": "Between-session activities",
            "subject": _ref(patient),
            "goal": [_ref(goal) for goal in goals],
            "activity": activities,
        },
    )


# Every resource type `resources_for` can yield (the `_type` values a bulk export accepts).
RESOURCE_TYPES = ("Patient", "Questionnaire", "QuestionnaireResponse", "Observation", "Goal", "CarePlan", "Task")


def resources_for(client: Membership) -> Iterator[dict[str, Any]]:
    """Every resource of the client's clinical record, validated, the Patient first."""
    patient = _valid(
        {"resourceType": "Patient", "id": _id("Patient", client.pk), "name": [{"text": client.user.display_name}]},
    )
    yield patient
    results = MeasureResult.objects.filter(client=client, entry__visibility=Visibility.SHARED).select_related("entry")
    for measure_key in sorted({r.measure for r in results}):
        yield questionnaire(measure_key)
    for result in results:
        response = _response(result, patient)
        yield response
        yield _observation(result, patient, response)
    goals = [_goal(goal, patient) for goal in Goal.objects.filter(client=client).order_by("pk")]
    yield from goals
    plan = _care_plan(client, patient, goals)
    yield plan
    occurrences = Occurrence.objects.filter(client=client).select_related("assignment").order_by("due_date", "pk")
    for occurrence in occurrences:
        yield _task(occurrence, patient, plan)


def fhir_bundle_for(client: Membership) -> dict[str, Any]:
    """The client's record as one validated FHIR `collection` Bundle (for the API's per-client `$export` too)."""
    entries = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources_for(client)]
    return _valid({"resourceType": "Bundle", "type": "collection", "entry": entries})


@dataclass
class NdjsonFile:
    """One resource type's NDJSON, on disk in a temporary file, and how many resources (lines) it holds."""

    handle: BinaryIO
    count: int = 0

    def add(self, resource: dict[str, Any]) -> None:
        self.handle.write(json.dumps(resource, separators=(",", ":")).encode() + b"\n")
        self.count += 1


@contextmanager
def practice_ndjson(clients: Iterable[Membership]) -> Iterator[dict[str, NdjsonFile]]:
    """FHIR Bulk Data style: one NDJSON file per resource type over many clients (the API's practice-level
    `$export` and the practice archive), each rewound to its start and deleted on leaving. Written a client at a
    time, so memory holds one client's resources whatever the practice's size. Questionnaires appear once (every
    other resource's id is its own row's)."""
    files: dict[str, NdjsonFile] = {}
    questionnaires: set[str] = set()
    with ExitStack() as open_files:
        for client in clients:
            for resource in resources_for(client):
                kind = resource["resourceType"]
                if kind == "Questionnaire":
                    if resource["id"] in questionnaires:
                        continue
                    questionnaires.add(resource["id"])
                if kind not in files:
                    files[kind] = NdjsonFile(open_files.enter_context(tempfile.TemporaryFile()))
                files[kind].add(resource)
        for file in files.values():
            file.handle.seek(0)
        yield files
