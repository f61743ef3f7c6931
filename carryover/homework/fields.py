"""The worksheet field types: the one place a type is defined.

Each `FieldType` says how its options are checked, how a typed answer is cleaned, how a saved answer is shown,
which template partial draws it, what the builder calls it, which answer format it needs, and whether it can
carry a risk rule. The schema (`schema.py`), the renderer (`render.py`), the builder (`builder.py`), the
`_field.html` dispatcher and, next, the API read types from `FIELD_TYPES` here; adding a type means adding one
entry below and one partial under `templates/homework/fields/`.

`list` and `rerate` are structured: their answers span several inputs, so `schema.py` cleans them with the
raw input at hand (`_clean_list`, `_clean_rerate`) and checks their nested fields and sources.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Format(models.TextChoices):
    """The ways a client can answer; a therapist chooses which an assignment allows."""

    WRITE = "write", gettext_lazy("Write")
    DRAW = "draw", gettext_lazy("Draw")
    VOICE = "voice", gettext_lazy("Record voice")
    PHOTO = "photo", gettext_lazy("Photo")


class SchemaError(ValueError):
    """A template's schema is malformed (a programming or form-builder error, never client input)."""


class FieldError(ValueError):
    """A client's answer to one field can't be accepted; the message is shown next to the field."""


Cleaner = Callable[[Mapping, Any, Mapping], Any]


@dataclass(frozen=True)
class FieldType:
    name: str
    label: str | Promise  # what the builder calls it
    clean: Cleaner | None = None  # one stripped, non-empty typed value → the saved answer (None: structured)
    display: Callable[[Mapping, Any], Any] | None = None  # a saved answer → what a reader sees (None: as saved)
    check: Callable[[Mapping], None] | None = None  # the type's own options, for built-ins and the builder
    answer_format: str = Format.WRITE  # the format an assignment must allow for the field to be shown
    in_builder: bool = True  # made in the builder; otherwise only kept from a copied or edited worksheet
    many: bool = False  # answered by several inputs of one name (its cleaner gets them all, unstripped)
    in_list: bool = False  # may be a column of a list (a single value from a single input)
    risk: bool = False  # may carry a risk rule (schema.check_risk_rule)

    @property
    def template(self) -> str:
        return f"homework/fields/{self.name}.html"

    @property
    def attachment(self) -> bool:
        return self.answer_format != Format.WRITE


# --- Cleaning one typed value ----------------------------------------------------------------------------------


TEXT_LIMITS = {"short_text": 300, "long_text": 5000}
FREE_TEXT_TYPES = frozenset(TEXT_LIMITS)  # answered in one's own words: a voice note may answer instead (render.py)


def text_limit(field: Mapping) -> int | None:
    """The most characters a text answer may have: the worksheet's own limit, or its type's. The form's counter
    (app.js, `data-limit`) and the autosave's warning use this, as cleaning does."""
    default = TEXT_LIMITS.get(field["type"])
    return field.get("max_length", default) if default is not None else None


def _text(limit: int) -> Cleaner:
    def clean(field: Mapping, text: str, context: Mapping) -> str:
        maximum = field.get("max_length", limit)
        if len(text) > maximum:
            raise FieldError(
                _("Please keep this to %(maximum)s characters at most (it has %(len)s).")
                % {"maximum": format(maximum, ","), "len": format(len(text), ",")}
            )
        return text

    return clean


def number_in(text: Any, low: float | None, high: float | None, *, integer: bool) -> float | int:
    try:
        number = float(str(text).replace(",", "."))
    except ValueError:
        raise FieldError(_("Please enter a number.")) from None
    if not math.isfinite(number):
        raise FieldError(_("Please enter a number."))
    if integer:
        if not number.is_integer():
            raise FieldError(_("Please enter a whole number."))
        number = int(number)
    if low is not None and high is not None and not low <= number <= high:
        raise FieldError(
            _("Please enter a number from %(low)s to %(high)s.") % {"low": format(low, "g"), "high": format(high, "g")}
        )
    if low is not None and number < low:
        raise FieldError(_("Please enter a number of at least %(low)s.") % {"low": format(low, "g")})
    if high is not None and number > high:
        raise FieldError(_("Please enter a number of at most %(high)s.") % {"high": format(high, "g")})
    return number


def _rating(field: Mapping, text: Any, context: Mapping) -> dict:
    low, high = field.get("min", 0), field.get("max", 10)
    return {"value": number_in(text, low, high, integer=True), "min": low, "max": high}


def _choice(field: Mapping, text: str, context: Mapping) -> str:
    if text not in {str(choice[0]) for choice in field["choices"]}:
        raise FieldError(_("Please choose from the options shown."))
    return text


def _choices(field: Mapping, value: Any, context: Mapping) -> list[str]:
    values = value if isinstance(value, list) else ([value] if value else [])
    allowed = {str(choice[0]) for choice in field["choices"]}
    if any(not isinstance(v, str) or v not in allowed for v in values):
        raise FieldError(_("Please choose from the options shown."))
    return values


def _checkbox(field: Mapping, text: Any, context: Mapping) -> bool:
    return str(text).lower() in ("on", "true", "1", "yes")


def _number(field: Mapping, text: str, context: Mapping) -> float | int:
    return number_in(text, field.get("min"), field.get("max"), integer=False)


def _duration(field: Mapping, text: str, context: Mapping) -> int:
    return int(number_in(text, 0, field.get("max", 1440), integer=True))


def _datetime(field: Mapping, text: str, context: Mapping) -> str:
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%dT%H:%M")
    except ValueError:
        raise FieldError(_("Please enter a date and time.")) from None


def _date(field: Mapping, text: str, context: Mapping) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise FieldError(_("Please enter a date.")) from None


def _attachment(field: Mapping, text: Any, context: Mapping) -> int:
    try:
        attachment_id = int(text)
    except (TypeError, ValueError):
        raise FieldError(_("That file could not be found; please add it again.")) from None
    if attachment_id not in context["attachments"]:
        raise FieldError(_("That file could not be found; please add it again."))
    return attachment_id


def _ladder_item(field: Mapping, text: Any, context: Mapping) -> dict:
    try:
        item = context["ladder"].get(int(text))
    except (TypeError, ValueError):
        item = None
    if item is None:
        raise FieldError(_("Please choose a step from your ladder."))
    return {"id": item["id"], "description": item["description"], "suds": item["suds"]}


# --- Checking a type's options ---------------------------------------------------------------------------------


def _check_choices(field: Mapping) -> None:
    choices = field.get("choices") or []
    if not choices or any(len(choice) != 2 for choice in choices):
        raise SchemaError(_("Field %(key)s needs choices as [value, label] pairs.") % {"key": repr(field["key"])})


def _check_scale(field: Mapping) -> None:
    if field.get("min", 0) >= field.get("max", 10):
        raise SchemaError(
            _("Field %(key)s: the scale's minimum must be below its maximum.") % {"key": repr(field["key"])}
        )


# --- Showing a saved answer ------------------------------------------------------------------------------------


def _show_rating(field: Mapping, value: Any) -> str:
    return f"{value['value']} (of {value['min']}–{value['max']})"


def _show_choice(field: Mapping, value: Any) -> Any:
    return dict((str(k), v) for k, v in field["choices"]).get(value, value)


def _show_choices(field: Mapping, value: Any) -> str:
    labels = dict((str(k), v) for k, v in field["choices"])
    return ", ".join(labels.get(v, v) for v in value)


def _show_list(field: Mapping, value: Any) -> list[dict]:
    rows = []
    for item in value:
        parts = [display(sub, item[sub["key"]]) for sub in field["item_fields"] if sub["key"] in item]
        rows.append({"text": " · ".join(str(p) for p in parts), "marked": item.get("marked", False)})
    return rows


def display(field: Mapping, value: Any) -> Any:
    """A saved answer as a reader sees it, in the version's own words."""
    show = FIELD_TYPES[field["type"]].display
    return show(field, value) if show else value


# --- The registry ----------------------------------------------------------------------------------------------

_TYPES = [
    FieldType("short_text", gettext_lazy("Short text"), clean=_text(TEXT_LIMITS["short_text"]), in_list=True),
    FieldType("long_text", gettext_lazy("Long text"), clean=_text(TEXT_LIMITS["long_text"]), in_list=True),
    FieldType(
        "rating",
        gettext_lazy("Rating scale"),
        clean=_rating,
        display=_show_rating,
        check=_check_scale,
        in_list=True,
        risk=True,
    ),
    FieldType(
        "single_choice",
        gettext_lazy("Single choice"),
        clean=_choice,
        display=_show_choice,
        check=_check_choices,
        in_list=True,
        risk=True,
    ),
    FieldType(
        "multi_choice",
        gettext_lazy("Multiple choice"),
        clean=_choices,
        display=_show_choices,
        check=_check_choices,
        many=True,
        risk=True,
    ),
    FieldType(
        "checkbox",
        gettext_lazy("Checkbox (yes or no)"),
        clean=_checkbox,
        display=lambda f, v: _("Yes") if v else _("No"),
        in_list=True,
    ),
    FieldType("number", gettext_lazy("Number"), clean=_number, in_list=True, risk=True),
    FieldType(
        "duration", gettext_lazy("Duration (minutes)"), clean=_duration, display=lambda f, v: f"{v} min", in_list=True
    ),
    FieldType("date", gettext_lazy("Date"), clean=_date, in_list=True),
    FieldType("datetime", gettext_lazy("Date and time"), clean=_datetime, in_list=True),
    FieldType("drawing", gettext_lazy("Drawing"), clean=_attachment, answer_format=Format.DRAW),
    FieldType("photo", gettext_lazy("Photo"), clean=_attachment, answer_format=Format.PHOTO),
    FieldType("audio", gettext_lazy("Voice recording"), clean=_attachment, answer_format=Format.VOICE),
    # Richer fields of the built-in library: the builder can't make them, but a copy or an edit keeps them.
    FieldType("list", gettext_lazy("Table of rows"), display=_show_list, in_builder=False),
    FieldType(
        "rerate",
        gettext_lazy("Re-rating of an earlier table"),
        in_builder=False,
        display=lambda f, v: [{"text": f"{row['label']}: {row['value']}", "marked": False} for row in v],
    ),
    FieldType(
        "ladder_item",
        gettext_lazy("Fear-ladder step"),
        clean=_ladder_item,
        in_builder=False,
        display=lambda f, v: (
            _("%(description)s (expected distress %(suds)s)") % {"description": v["description"], "suds": v["suds"]}
        ),
    ),
]
FIELD_TYPES: dict[str, FieldType] = {kind.name: kind for kind in _TYPES}
RISK_TYPES = frozenset(name for name, kind in FIELD_TYPES.items() if kind.risk)
ATTACHMENT_TYPES = frozenset(name for name, kind in FIELD_TYPES.items() if kind.attachment)
