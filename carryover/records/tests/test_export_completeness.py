"""Export completeness: every model that holds a client's data is exported or excluded with a reason, every field
of it is exported or excluded with a reason, a canary planted in each is found, and the published schema is the
code's and accepts the export."""

import json
from pathlib import Path

import jsonschema
from django.apps import apps
from django.db import models

from carryover.accounts.models import Membership
from carryover.homework.models import Attachment, Entry
from carryover.records.export import EXCLUDED_MODELS, SECTIONS, client_export_build, export_schema, json_value
from carryover.records.models import Audience

ROOT = Path(__file__).resolve().parents[3]


def _linked_models() -> set[type[models.Model]]:
    """Every project model with a key to a client's membership, or to such a model, however deep."""
    project = [m for m in apps.get_models() if m.__module__.startswith("carryover.")]
    found: set[type[models.Model]] = {Membership}
    grown = True
    while grown:
        grown = False
        for model in project:
            keys = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
            if model not in found and keys & found:
                found.add(model)
                grown = True
    return found


def test_every_model_linked_to_a_client_is_exported_or_excluded_with_a_reason():
    covered = {section.model._meta.label for section in SECTIONS} | set(EXCLUDED_MODELS)
    missing = {model._meta.label for model in _linked_models()} - covered
    assert not missing, f"add these to records/export.py SECTIONS, or to EXCLUDED_MODELS with a reason: {missing}"
    assert all(reason.strip() for reason in EXCLUDED_MODELS.values())


def test_every_excluded_field_exists_and_says_why():
    for section in SECTIONS:
        names = {f.name for f in section.model._meta.concrete_fields}
        for name, reason in section.excluded.items():
            assert name in names, f"{section.name}: {name} is no longer a field"
            assert len(reason) > 20


def _export_text(client, audience) -> tuple[dict, str]:
    document = client_export_build(client=client, audience=audience)
    return document, json.dumps(document)


def test_a_canary_in_every_field_is_found_in_the_export(planted):
    mine, mine_text = _export_text(planted.client, Audience.CLIENT)
    clinical, clinical_text = _export_text(planted.client, Audience.THERAPIST)
    assert len(planted.canaries) > 30
    for where, canary in planted.canaries.items():
        model_name = where.split(".")[0]
        text = clinical_text if model_name == "RiskAlert" else mine_text
        assert canary in text, f"{where} is not in the export"
    for section in SECTIONS:
        document = mine if section.client else clinical
        exported = {item["id"]: item for item in document["sections"][section.name]}
        for obj in section.model._default_manager.filter(pk__in=[o.pk for o in planted.rows[section.model]]):
            assert obj.pk in exported, f"{section.name} #{obj.pk} is missing"
            for model_field in section.fields():
                value = json_value(getattr(obj, model_field.attname))
                assert exported[obj.pk][model_field.attname] == value, f"{section.name}.{model_field.name}"


def test_the_clinical_file_leaves_out_what_the_client_kept_private(planted):
    private = {e.pk for e in planted.rows[Entry] if e.is_private}
    hidden = {f"Entry.{f}#{pk}" for pk in private for f in ("content", "barriers")} | {
        f"Attachment.{f}#{a.pk}" for a in planted.rows[Attachment] if a.entry_id in private for f in ("field_key",)
    }
    clinical, clinical_text = _export_text(planted.client, Audience.THERAPIST)
    mine, _ = _export_text(planted.client, Audience.CLIENT)
    assert private and {e["id"] for e in mine["sections"]["entries"]} >= private
    assert not {e["id"] for e in clinical["sections"]["entries"]} & private
    assert all(planted.canaries[where] not in clinical_text for where in hidden if where in planted.canaries)
    assert "drafts" not in clinical["sections"] and "encouragements" not in clinical["sections"]
    assert mine["sections"]["encouragements"] and clinical["sections"]["confidence_checks"]
    assert "risk_alerts" in clinical["sections"] and "risk_alerts" not in mine["sections"]


def test_the_export_matches_its_published_schema(planted):
    published = json.loads((ROOT / "docs" / "export-schema.json").read_text())
    assert published == export_schema(), "run: manage.py export_schema > docs/export-schema.json"
    for audience in Audience.values:
        jsonschema.validate(client_export_build(client=planted.client, audience=audience), published)


def test_a_tampered_export_fails_the_schema(planted):
    document = client_export_build(client=planted.client, audience=Audience.CLIENT)
    document["sections"]["entries"][0]["mood_after"] = "very happy"
    try:
        jsonschema.validate(document, export_schema())
    except jsonschema.ValidationError as error:
        assert "mood_after" in str(error.path)
    else:
        raise AssertionError("a text mood was accepted")
