"""Import a client's FHIR R4 Bundle (one made by `fhir.fhir_bundle_for`, here or in another Carryover) into the
importing therapist's practice: the importing side of records/fhir.py, for a client whose old practice could only
send FHIR. All or nothing, in one transaction, after the whole Bundle has been validated by fhir.resources.

What comes across: the Patient's name; each Goal; each questionnaire score (an Observation with its LOINC total code,
the QuestionnaireResponse it was derived from), re-scored here by measures.scoring from the answers, so the band is
this Carryover's and a total that does not match its answers is refused as tampered. What does not: the CarePlan's
activities and their Tasks (a FHIR CarePlan carries no worksheet to assign: the new therapist assigns afresh).
A score with a code this Carryover does not know is refused by name, rather than dropped.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from pydantic import ValidationError

from carryover.accounts.models import Membership
from carryover.homework.models import Entry, Goal, Outcome, Template, Visibility
from carryover.measures import scoring
from carryover.measures.models import MeasureResult

from .fhir import LOINC, MEASURE_CODES
from .importer import ImportRefused, new_client

TOTAL_CODES = {codes["total"][0]: key for key, codes in MEASURE_CODES.items()}  # LOINC total code → measure key


def is_bundle(data: bytes) -> bool:
    """Whether an upload looks like a FHIR Bundle (JSON whose resourceType is Bundle), cheaply."""
    head = data[:2000].decode("utf-8", "ignore")
    return head.lstrip().startswith("{") and '"Bundle"' in head and '"resourceType"' in head


def _resources(data: bytes) -> dict[str, list[dict[str, Any]]]:
    from fhir.resources.R4B.bundle import Bundle  # a second to load: only when importing FHIR

    try:
        document = json.loads(data)
        Bundle.model_validate(document)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportRefused("That file is not JSON, so it cannot be a FHIR Bundle. Nothing was imported.") from error
    except ValidationError as error:
        where = ".".join(str(part) for part in error.errors()[0]["loc"][:6]) or "the top level"
        raise ImportRefused(f"That FHIR Bundle is not valid FHIR R4 (at {where}). Nothing was imported.") from error
    kinds: dict[str, list[dict[str, Any]]] = {}
    for entry in document.get("entry") or []:
        resource = entry.get("resource") or {}
        kinds.setdefault(resource.get("resourceType", ""), []).append(resource)
    if len(kinds.get("Patient", [])) != 1:
        raise ImportRefused("A client's FHIR Bundle has exactly one Patient; this one has not. Nothing was imported.")
    return kinds


def _name(patient: dict[str, Any]) -> str:
    name = (patient.get("name") or [{}])[0]
    text = name.get("text") or " ".join([*name.get("given", []), name.get("family", "")]).strip()
    return text[:150] or "Imported client"


def _measure_of(observation: dict[str, Any]) -> str:
    codings = observation.get("code", {}).get("coding", [])
    for coding in codings:
        if coding.get("system") == LOINC and coding.get("code") in TOTAL_CODES:
            return TOTAL_CODES[coding["code"]]
    shown = ", ".join(str(c.get("code", ""))[:20] for c in codings)
    raise ImportRefused(f"The Bundle has a score with a code this Carryover does not know ({shown}).")


def _response_of(observation: dict[str, Any], responses: dict[str, dict[str, Any]]) -> dict[str, Any]:
    for ref in observation.get("derivedFrom", []):
        if ref.get("reference", "") in responses:
            return responses[ref["reference"]]
    raise ImportRefused("A score in the Bundle has no answers (no QuestionnaireResponse it was derived from).")


def _score(observation: dict[str, Any], responses: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One score's measure, answers, total and date, checked; ImportRefused for anything we cannot stand behind."""
    measure = _measure_of(observation)
    response = _response_of(observation, responses)
    answers = {
        item.get("linkId"): (item.get("answer") or [{}])[0].get("valueCoding", {}).get("code")
        for item in response.get("item", [])
    }
    try:
        result = scoring.score(measure, answers)
    except scoring.ScoringError as error:
        raise ImportRefused(f"A {measure.upper()} in the Bundle has missing or impossible answers.") from error
    if result.total != observation.get("valueInteger"):
        raise ImportRefused(f"A {measure.upper()} total in the Bundle does not match its answers: it was altered.")
    authored = dt.datetime.fromisoformat(response["authored"]) if response.get("authored") else None
    taken_on = dt.date.fromisoformat(str(observation.get("effectiveDateTime", ""))[:10] or "invalid")
    return {"measure": measure, "answers": answers, "result": result, "taken_on": taken_on, "authored": authored}


def _scores(kinds: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    responses = {f"urn:uuid:{r.get('id')}": r for r in kinds.get("QuestionnaireResponse", [])}
    try:
        return [_score(observation, responses) for observation in kinds.get("Observation", [])]
    except ValueError as error:
        if isinstance(error, ImportRefused):
            raise
        raise ImportRefused("A score in the Bundle has a date that is not a date.") from error


def _save_score(client: Membership, score: dict[str, Any]) -> None:
    template = Template.objects.get(key=score["measure"], practice__isnull=True)
    result = score["result"]
    entry = Entry.objects.create(
        client=client,
        template_version=template.latest_version(),
        outcome=Outcome.DONE,
        content={"answers": score["answers"]},
        visibility=Visibility.SHARED,
        done_on=score["taken_on"],
        **({"submitted_at": score["authored"]} if score["authored"] else {}),
    )
    MeasureResult.objects.create(
        client=client,
        entry=entry,
        measure=score["measure"],
        total=result.total,
        band=result.band,
        subscales=result.subscales,
        flags=result.flags,
        risk_value=result.risk_value,
        taken_on=score["taken_on"],
    )


def bundle_import(*, therapist: Membership, data: bytes, email: str) -> Membership:
    """Create the client at `email` in the therapist's practice from their FHIR Bundle. Raises ImportRefused,
    having written nothing, for a Bundle that is not valid FHIR or holds what we cannot import faithfully."""
    kinds = _resources(data)
    scores = _scores(kinds)  # every check before the first write
    with transaction.atomic():
        client = new_client(therapist=therapist, email=email, name=_name(kinds["Patient"][0]), time_zone=None)
        for goal in kinds.get("Goal", []):
            Goal.objects.create(
                client=client,
                text={"text": str(goal.get("description", {}).get("text", ""))[:500], "steps": []},
                created_by=therapist.user,
                archived=goal.get("lifecycleStatus") in {"cancelled", "completed", "entered-in-error"},
            )
        for score in scores:
            _save_score(client, score)
    return client
