"""Turns a schema plus raw input (or saved answers) into plain dicts the templates can show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

from . import overlay
from .fields import ATTACHMENT_TYPES, FIELD_TYPES, FREE_TEXT_TYPES, Format, display, text_limit
from .schema import iter_fields, list_indexes


def field_allowed(field: Mapping, formats: list[str]) -> bool:
    """Attachment fields appear only when the therapist allowed that way of answering."""
    kind = FIELD_TYPES[field["type"]]
    return not kind.attachment or kind.answer_format in formats


def with_spoken_answers(schema: Mapping) -> dict:
    """The schema with a voice note offered after each free-text question (issue 17: for a person who finds
    writing hard): a recording field `<key>_spoken` that answers for it (`spoken_for`, schema.clean_answers).

    A table with a cell in one's own words (a thought record's thoughts) gets one voice note after it, for all its
    rows (a row's cells are single values, kept together). A worksheet with a recording field of its own (the
    journal) already offers one and gets none."""
    fields = list(iter_fields(schema))
    if any(field["type"] == "audio" for field in fields):
        return dict(schema)
    taken = {field["key"] for field in fields}
    steps = []
    for step in schema["steps"]:
        kept: list[dict] = []
        for field in step.get("fields", []):
            kept.append(field)
            key = f"{field['key']}_spoken"
            if _in_own_words(field) and key not in taken:
                kept.append(_spoken_field(field, key))
        steps.append({**step, "fields": kept})
    return {**schema, "steps": steps}


def _in_own_words(field: Mapping) -> bool:
    if field["type"] == "list":
        return any(sub["type"] in FREE_TEXT_TYPES for sub in field.get("item_fields", []))
    return field["type"] in FREE_TEXT_TYPES


def _spoken_field(field: Mapping, key: str) -> dict:
    return {
        "key": key,
        "type": "audio",
        "label": gettext("%(question)s (voice note)") % {"question": field["label"]},
        "help": gettext("Record your answer instead of typing it, if that's easier."),
        "required": False,
        "spoken_for": field["key"],
    }


def answer_formats(schema: Mapping, *, declared: list[str]) -> list[str]:
    """The ways a worksheet can be answered: those `declared`, and each of its fields' own (drawing, photo,
    voice), voice too wherever a question is answered in one's own words (a voice note may answer it instead)."""
    used = {FIELD_TYPES[field["type"]].answer_format for field in iter_fields(with_spoken_answers(schema))}
    return [fmt for fmt in Format.values if fmt in declared or fmt in used]


def visible_schema(schema: Mapping, formats: list[str]) -> dict:
    """The schema as the client sees it: fields for answer formats the therapist did not allow are left out,
    so they are neither shown nor required; with voice allowed, a free-text question can be answered aloud."""
    if Format.VOICE in formats:
        schema = with_spoken_answers(schema)
    steps = [
        {**step, "fields": [f for f in step.get("fields", []) if field_allowed(f, formats)]} for step in schema["steps"]
    ]
    return {**schema, "steps": steps}


def scale_points(field: Mapping) -> list[int] | None:
    """Small scales (up to 11 points) are shown as tappable buttons; larger ones as a number box."""
    low, high = field.get("min", 0), field.get("max", 10)
    return list(range(low, high + 1)) if high - low <= 10 else None


def bind_step(
    schema: Mapping,
    step_index: int,
    raw: Mapping[str, Any],
    errors: Mapping[str, str],
    *,
    formats: list[str],
    ladder: Mapping[int, dict] | None = None,
    attachments: Mapping[int, Any] | None = None,
) -> list[dict]:
    step = visible_schema(schema, formats)["steps"][step_index]
    spoken = {field["spoken_for"] for field in step.get("fields", []) if field.get("spoken_for")}
    bound = []
    for field in step.get("fields", []):
        name = f"f-{field['key']}"
        item = {
            "field": field,
            "name": name,
            "value": raw.get(name, ""),
            "error": errors.get(name, ""),
            "template": FIELD_TYPES[field["type"]].template,
            "limit": text_limit(field),
            "spoken": field["key"] in spoken,  # a voice note below may answer it instead
        }
        if field["type"] in ("rating",):
            item["points"] = scale_points(field)
        if field["type"] == "multi_choice":
            value = raw.get(name, [])
            item["value"] = value if isinstance(value, list) else [value]
        if field["type"] == "list":
            item["rows"] = _list_rows(field, name, raw, errors)
            item["mark"] = str(raw.get(f"{name}-mark", ""))
        if field["type"] == "rerate":
            item["rows"] = _rerate_rows(schema, field, name, raw, errors)
        if field["type"] == "ladder_item":
            item["choices"] = list((ladder or {}).values())
        if field["type"] in ATTACHMENT_TYPES and item["value"]:
            item["attachment"] = (attachments or {}).get(_int(item["value"]) or 0)
        bound.append(item)
    return bound


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _list_rows(field: Mapping, name: str, raw: Mapping, errors: Mapping) -> list[dict]:
    used = list_indexes(raw, name)
    count = min(max(len(used) + 1, 3), field.get("max_items", 10))
    indexes = used + [i for i in range(100) if i not in used][: max(count - len(used), 0)]
    rows = []
    for index in sorted(indexes)[: field.get("max_items", 10)]:
        cells = []
        for sub in field["item_fields"]:
            sub_name = f"{name}-{index}-{sub['key']}"
            cell = {"field": sub, "name": sub_name, "value": raw.get(sub_name, ""), "error": errors.get(sub_name, "")}
            if sub["type"] == "rating":
                cell["points"] = scale_points(sub)
            cells.append(cell)
        rows.append({"index": index, "cells": cells})
    return rows


def _rerate_rows(schema: Mapping, field: Mapping, name: str, raw: Mapping, errors: Mapping) -> list[dict]:
    source = next(f for f in iter_fields(schema) if f["key"] == field["source"])
    source_name = f"f-{source['key']}"
    label_key = field.get("label_field") or source["item_fields"][0]["key"]
    rating_key = next((sub["key"] for sub in source["item_fields"] if sub["type"] == "rating"), None)
    rows = []
    for index in list_indexes(raw, source_name):
        label = str(raw.get(f"{source_name}-{index}-{label_key}", "")).strip()
        if not label:
            continue
        before = raw.get(f"{source_name}-{index}-{rating_key}", "") if rating_key else ""
        row_name = f"{name}-{index}"
        row = {"label": label, "before": before, "name": row_name, "value": raw.get(row_name, "")}
        rows.append(
            {**row, "error": errors.get(row_name, ""), "min": field.get("min", 0), "max": field.get("max", 100)}
        )
    return rows


def display_entry(entry: Any) -> list[dict]:
    """An entry's answers with the questions and choices in the reader's language (a built-in's words in Spanish for
    a Spanish reader; a therapist reads them in theirs). The answers themselves are always the client's own words."""
    return display_answers(overlay.localized_schema(entry.template_version), entry.answers)


def display_answers(schema: Mapping, answers: Mapping[str, Any]) -> list[dict]:
    """Saved answers, step by step, as label/value pairs in the version's own words (voice notes given instead of
    typing after their question)."""
    steps = []
    for step in with_spoken_answers(schema).get("steps", []):
        items = []
        for field in step.get("fields", []):
            if field["key"] not in answers:
                continue
            items.append({"field": field, "label": field["label"], "value": display(field, answers[field["key"]])})
        if items:
            steps.append({"title": step["title"], "items": items})
    return steps
