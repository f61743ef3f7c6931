"""Worksheet schemas: the fields of a template version, and how answers are checked against them.

A schema is plain JSON, stored with each template version:

    {"steps": [{"title": str, "help": str, "fields": [FIELD, ...]}, ...]}

    FIELD = {"key": str, "type": TYPE, "label": str, "help": str, "required": bool, ...options}

Types and their options (each type's checks, cleaning, display and partial live in `fields.py`):
    short_text   max_length (default 300)
    long_text    max_length (default 5000)
    rating       min, max (defaults 0, 10), min_label, max_label          value: {"value", "min", "max"}
    single_choice choices: [[value, label], ...]                            value: str
    multi_choice choices                                                   value: [str, ...]
    checkbox     -                                                         value: bool
    number       min, max, unit                                            value: int | float
    duration     max (minutes, default 1440)                               value: int minutes
    datetime     -                                                         value: "YYYY-MM-DDTHH:MM" (client's local)
    date         -                                                         value: "YYYY-MM-DD"
    drawing, photo, audio  -                                               value: attachment id (int)
    list         item_fields: [FIELD without list/rerate/attachments], min_items, max_items (default 10),
                 mark_one: {"key": str, "label": str} (e.g. the "hot thought")   value: [{subkey: value}, ...]
                 a marked item carries "marked": true
    rerate       source: key of an earlier list, label_field: sub-key naming each item, min, max
                                                                           value: [{"label", "value", "min", "max"}]
    ladder_item  -  (one of the client's fear-ladder items)                value: {"id", "description", "suds"}

Any numeric or choice field may carry a risk rule (see `check_risk_rule`):
    risk         {"at_least": number} (rating, number, or a choice of numbers) or {"answers": [value, ...]}
                 (choices); "alert": "always" (cannot be turned off per client) or "optional" (the default);
                 "source": the RiskAlert source it raises (default "risk_answer")

A free-text field may be followed, when voice answers are allowed, by a recording field made for it
(`render.with_spoken_answers`): {"key": "<key>_spoken", "type": "audio", "spoken_for": "<key>"}; a recording
there answers a required question as typing does.

Raw form input uses the names `f-<key>`, `f-<key>-<i>-<subkey>`, `f-<key>-mark` and `f-<key>-<i>` (rerate), so
a draft can keep exactly what was typed, valid or not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from .fields import FIELD_TYPES, RISK_TYPES, FieldError, SchemaError, number_in

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_LIST_ITEMS = 20


# --- Schema helpers -------------------------------------------------------------------------------------


def iter_fields(schema: Mapping) -> Iterable[dict]:
    for step in schema.get("steps", []):
        yield from step.get("fields", [])


def field_map(schema: Mapping) -> dict[str, dict]:
    return {field["key"]: field for field in iter_fields(schema)}


def check_schema(schema: Mapping) -> None:
    """Raise SchemaError unless the schema is well formed; used for built-ins and the form builder."""
    steps = schema.get("steps")
    if not isinstance(steps, list) or not steps:
        raise SchemaError(_("A worksheet needs at least one step."))
    seen: set[str] = set()
    lists: set[str] = set()
    for step in steps:
        if not step.get("title"):
            raise SchemaError(_("Every step needs a title."))
        for field in step.get("fields", []):
            _check_field(field, seen, nested=False)
            if field["type"] == "rerate" and field["source"] not in lists:
                raise SchemaError(_("Field %(key)s must re-rate an earlier list.") % {"key": repr(field["key"])})
            seen.add(field["key"])
            if field["type"] == "list":
                lists.add(field["key"])


def _check_field(field: Mapping, seen: set[str], *, nested: bool) -> None:
    key, kind = field.get("key", ""), field.get("type")
    if not KEY.match(key):
        raise SchemaError(
            _("Field key %(key)s must be lowercase letters, digits and underscores.") % {"key": repr(key)}
        )
    if key in seen:
        raise SchemaError(_("Field key %(key)s is used twice.") % {"key": repr(key)})
    if kind not in FIELD_TYPES:
        raise SchemaError(_("Field %(key)s has an unknown type %(kind)s.") % {"key": repr(key), "kind": repr(kind)})
    if not field.get("label"):
        raise SchemaError(_("Field %(key)s needs a label.") % {"key": repr(key)})
    if nested and not FIELD_TYPES[kind].in_list:
        raise SchemaError(_("Field %(key)s: lists may only contain simple single-value fields.") % {"key": repr(key)})
    if check := FIELD_TYPES[kind].check:
        check(field)
    if kind == "list":
        _check_list(field)
    if kind == "rerate" and field.get("source") not in seen:
        raise SchemaError(
            _("Field %(key)s re-rates %(get)s, which must be an earlier list.")
            % {"key": repr(key), "get": repr(field.get("source"))}
        )
    if "risk" in field:
        check_risk_rule(field)


def _check_list(field: Mapping) -> None:
    sub_seen: set[str] = set()
    for sub in field.get("item_fields") or []:
        _check_field(sub, sub_seen, nested=True)
        sub_seen.add(sub["key"])
    if not sub_seen:
        raise SchemaError(_("List %(key)s needs item fields.") % {"key": repr(field["key"])})
    if field.get("mark_one") and not field["mark_one"].get("label"):
        raise SchemaError(_("List %(key)s: mark_one needs a label.") % {"key": repr(field["key"])})


# --- Risk rules ---------------------------------------------------------------------------------------------

RISK_ALERTS = ("always", "optional")


def _scale(field: Mapping) -> tuple[float | None, float | None]:
    if field["type"] == "rating":
        return field.get("min", 0), field.get("max", 10)
    if field["type"] == "number":
        return field.get("min"), field.get("max")
    values = [float(value) for value, _ in field["choices"]]  # a choice of numbers, like a PHQ-9 item
    return min(values), max(values)


def check_risk_rule(field: Mapping) -> None:
    """A risk rule must be one that an answer can meet: on a numeric or choice field, with a threshold on the
    field's own scale (a rule nobody can trigger would look like safety and give none)."""
    rule, label = field["risk"], field.get("label") or field.get("key")
    if field["type"] not in RISK_TYPES:
        raise SchemaError(
            _("“%(label)s”: a risk question must be a rating, a number or a choice, not free text.") % {"label": label}
        )
    if not isinstance(rule, Mapping) or ("at_least" in rule) == ("answers" in rule):
        raise SchemaError(
            _("“%(label)s”: a risk rule needs either a lowest alerting value or the alerting answers.")
            % {"label": label}
        )
    if rule.get("alert", "optional") not in RISK_ALERTS:
        raise SchemaError(_("“%(label)s”: a risk rule alerts “always” or is “optional”.") % {"label": label})
    if "answers" in rule:
        allowed = {str(value) for value, _ in field.get("choices") or []}
        answers = rule["answers"]
        if not isinstance(answers, list) or not answers or not {str(a) for a in answers} <= allowed:
            raise SchemaError(
                _("“%(label)s”: the alerting answers must be among the field's choices.") % {"label": label}
            )
    else:
        _check_threshold(field, rule["at_least"], label)


def _check_threshold(field: Mapping, threshold: Any, label: Any) -> None:
    try:
        low, high = _scale(field)
    except ValueError:
        raise SchemaError(
            _("“%(label)s”: choose the alerting answers (these choices are not numbers).") % {"label": label}
        ) from None
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not math.isfinite(threshold):
        raise SchemaError(_("“%(label)s”: the lowest alerting value must be a number.") % {"label": label})
    if (low is not None and threshold < low) or (high is not None and threshold > high):
        scale = f"{low:g} to {high:g}" if low is not None and high is not None else "the field's limits"
        raise SchemaError(
            _("“%(label)s”: the lowest alerting value (%(threshold)s) must be on the scale (%(scale)s).")
            % {"label": label, "threshold": format(threshold, "g"), "scale": scale}
        )


def risk_fields(schema: Mapping) -> list[dict]:
    return [field for field in iter_fields(schema) if field.get("risk")]


def risk_met(field: Mapping, value: Any) -> bool:
    """Whether a cleaned answer meets the field's risk rule."""
    rule = field["risk"]
    if isinstance(value, dict):  # a rating
        value = value.get("value")
    values = value if isinstance(value, list) else [value]
    if "answers" in rule:
        return bool({str(a) for a in rule["answers"]} & {str(v) for v in values})
    try:
        return any(v is not None and float(v) >= rule["at_least"] for v in values)
    except (TypeError, ValueError):
        return False


def risk_answers(schema: Mapping, raw: Mapping[str, Any]) -> list[dict]:
    """The risk fields whose answer in `raw` (a draft as typed, or an entry's raw form) meets their rule. A value
    that does not clean (not on the scale, not a choice) meets nothing: only real answers raise alerts."""
    fields = risk_fields(schema)
    if not fields:
        return []
    answers, _created = clean_answers({"steps": [{"fields": fields}]}, raw, require_complete=False)
    return risk_hits(schema, answers)


def risk_hits(schema: Mapping, answers: Mapping[str, Any]) -> list[dict]:
    """The risk fields whose cleaned answer (keyed by field key, as an entry keeps them) meets their rule."""
    return [
        field for field in risk_fields(schema) if field["key"] in answers and risk_met(field, answers[field["key"]])
    ]


# --- Reading raw input ------------------------------------------------------------------------------------


def raw_from_post(schema: Mapping, post, step_index: int | None = None) -> dict[str, Any]:
    """Pick this schema's inputs (one step, or all) out of a QueryDict, as typed: strings and lists of strings."""
    steps = schema["steps"] if step_index is None else [schema["steps"][step_index]]
    raw: dict[str, Any] = {}
    for step in steps:
        for field in step.get("fields", []):
            prefix = f"f-{field['key']}"
            for name in post:
                if name == prefix or name.startswith(prefix + "-"):
                    values = post.getlist(name)
                    raw[name] = values if field["type"] == "multi_choice" else values[-1]
            if field["type"] == "multi_choice" and prefix not in raw and post.get(prefix + "-present"):
                raw[prefix] = []  # every box was unticked
            if field["type"] == "checkbox" and prefix not in raw and post.get(prefix + "-present"):
                raw[prefix] = ""
    return raw


# --- Cleaning -----------------------------------------------------------------------------------------------


def clean_answers(
    schema: Mapping,
    raw: Mapping[str, Any],
    *,
    require_complete: bool,
    ladder: Mapping[int, dict] | None = None,
    attachments: Iterable[int] = (),
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check raw input against the schema. Returns (answers, errors keyed by input name).

    `require_complete=False` (partial effort, or a draft) skips the "required" rule but still rejects bad values.
    """
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    rows: dict[str, list[int]] = {}  # the raw row index of each kept list item, for re-rating by row
    context = {"ladder": ladder or {}, "attachments": set(attachments), "answers": answers}
    for field in iter_fields(schema):
        name = f"f-{field['key']}"
        try:
            if field["type"] == "list":
                value = _clean_list(field, raw, name, errors, require_complete, rows.setdefault(field["key"], []))
            elif field["type"] == "rerate":
                value = _clean_rerate(field, raw, name, errors, answers, rows.get(field["source"], []))
            else:
                value = _clean_simple(field, raw.get(name), context)
        except FieldError as error:
            errors[name] = str(error)
            continue
        if _is_empty(value):
            if require_complete and field.get("required"):
                errors.setdefault(name, _("Please fill this in."))
            continue
        answers[field["key"]] = value
    for field in iter_fields(schema):  # a voice note given instead of typing answers its question (render.py)
        spoken_for = field.get("spoken_for")
        if spoken_for and field["key"] in answers and spoken_for not in answers:
            errors.pop(f"f-{spoken_for}", None)  # an empty answer's only error is "Please fill this in."
    return answers, errors


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def _clean_simple(field: Mapping, value: Any, context: Mapping) -> Any:
    kind = FIELD_TYPES[field["type"]]
    if kind.many:
        return kind.clean(field, value, context)  # type: ignore[misc]
    if isinstance(value, list):
        value = value[-1] if value else ""
    if value is not None and not isinstance(value, str | int | float | bool):
        raise FieldError(_("Please enter a simple value here."))  # e.g. a JSON object sent to a text field
    text = value.strip() if isinstance(value, str) else value
    if text in ("", None):
        return None
    return kind.clean(field, text, context)  # type: ignore[misc]


def list_indexes(raw: Mapping[str, Any], name: str) -> list[int]:
    pattern = re.compile(re.escape(name) + r"-(\d+)-")
    found = {int(m.group(1)) for key in raw if (m := pattern.match(key))}
    return sorted(i for i in found if i < MAX_LIST_ITEMS)


def _clean_list(
    field: Mapping, raw: Mapping, name: str, errors: dict, require_complete: bool, rows: list[int]
) -> list[dict]:
    items = []
    marked = str(raw.get(f"{name}-mark", ""))
    for index in list_indexes(raw, name):
        item = _clean_row(field, raw, f"{name}-{index}", errors, require_complete)
        if not item:
            continue  # an empty row is simply not used
        if field.get("mark_one") and marked == str(index):
            item["marked"] = True
        items.append(item)
        rows.append(index)
    maximum = field.get("max_items", 10)
    if len(items) > maximum:
        raise FieldError(_("Please list at most %(maximum)s.") % {"maximum": maximum})
    if require_complete and len(items) < field.get("min_items", 0):
        raise FieldError(_("Please list at least %(min_items)s.") % {"min_items": field["min_items"]})
    if require_complete and field.get("mark_one") and items and not any(i.get("marked") for i in items):
        raise FieldError(_("Please choose your %(label)s.") % {"label": field["mark_one"]["label"].lower()})
    return items


def _clean_row(field: Mapping, raw: Mapping, row: str, errors: dict, require_complete: bool) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for sub in field["item_fields"]:
        sub_name = f"{row}-{sub['key']}"
        try:
            value = _clean_simple(sub, raw.get(sub_name), {})
        except FieldError as error:
            errors[sub_name] = str(error)
            continue
        if not _is_empty(value):
            item[sub["key"]] = value
    for sub in field["item_fields"] if item else []:
        sub_name = f"{row}-{sub['key']}"
        if require_complete and sub.get("required") and sub["key"] not in item and sub_name not in errors:
            errors[sub_name] = _("Please fill this in, or clear the row.")
    return item


def _clean_rerate(
    field: Mapping, raw: Mapping, name: str, errors: dict, answers: Mapping, rows: list[int]
) -> list[dict]:
    """Re-ratings are named by the raw row of the item they re-rate (`f-<key>-<row>`), so a blank row above
    never shifts a rating onto the wrong feeling."""
    low, high = field.get("min", 0), field.get("max", 100)
    label_field = field.get("label_field", "")
    result = []
    for index, item in zip(rows, answers.get(field["source"], []), strict=False):
        text = raw.get(f"{name}-{index}", "")
        text = text.strip() if isinstance(text, str) else text
        if text in ("", None):
            continue
        try:
            value = number_in(text, low, high, integer=True)
        except FieldError as error:
            errors[f"{name}-{index}"] = str(error)
            continue
        result.append({"label": str(item.get(label_field, "")), "value": value, "min": low, "max": high})
    return result


def marked_item(schema: Mapping, answers_or_raw: Mapping, *, raw: bool) -> tuple[str, str] | None:
    """The marked item (e.g. the hot thought) as (label, text), for showing on every later step."""
    for field in iter_fields(schema):
        if field["type"] != "list" or not field.get("mark_one"):
            continue
        text_key = field["item_fields"][0]["key"]
        if raw:
            name = f"f-{field['key']}"
            mark = answers_or_raw.get(f"{name}-mark")
            text = answers_or_raw.get(f"{name}-{mark}-{text_key}") if mark not in (None, "") else None
        else:
            text = next((i.get(text_key) for i in answers_or_raw.get(field["key"], []) if i.get("marked")), None)
        if text:
            return field["mark_one"]["label"], str(text)
    return None
