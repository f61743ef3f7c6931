"""The worksheet builder: therapists make their own worksheets from field types, see them as the client will,
edit them (every save is a new version, so assignments and entries keep theirs) and copy library worksheets.

A worksheet is edited as a list of rows, one per field; a row with a step title starts a new step. Rows carry
no database identity, so the posted rows are first normalised (ordered, removed rows dropped, empty rows
appended) and only then bound to the forms: what is shown after a preview or an error is what will be saved.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext, gettext_lazy

from carryover.accounts.access import role_required
from carryover.accounts.models import Role
from carryover.lib.recovery import recovered_initial
from carryover.lib.types import AuthedRequest

from . import schema as worksheet
from .access import get_template_for_therapist
from .builtin import CATEGORIES
from .fields import FIELD_TYPES, RISK_TYPES, Format
from .models import INSTRUCTIONS_MAX_LENGTH, RATIONALE_MAX_LENGTH, Template, TemplateVersion
from .render import answer_formats, bind_step
from .services import VERSION_FIELDS, custom_template_save

BUILDER_TYPES = [(name, kind.label) for name, kind in FIELD_TYPES.items() if kind.in_builder]
# Richer fields of the built-in library can't be made here, but a copy or an edit keeps them as they were.
KEPT_TYPES = {name: kind.label for name, kind in FIELD_TYPES.items() if not kind.in_builder}
CHOICE_TYPES = ("single_choice", "multi_choice")
MAX_FIELDS = 40  # more than any built-in; a longer worksheet is rarely finished on a phone
MAX_ROWS = 80  # rows kept from one post, so a too-long worksheet can still be shown back and trimmed
MAX_CHOICES = 30
BLANK_ROWS = 3
PREFIX = "fields"
ROW_NAMES = (
    "step_title",
    "step_help",
    "type",
    "label",
    "help",
    "required",
    "choices",
    "min",
    "max",
    "min_label",
    "max_label",
    "unit",
    "risk",
    "risk_at",
    "key",
    "order",
    "remove",
)
CONTENT_NAMES = ("step_title", "step_help", "label", "help", "choices", "min", "max", "min_label", "max_label", "unit")


# --- Forms ---------------------------------------------------------------------------------------------------------


class WorksheetForm(forms.Form):
    name = forms.CharField(max_length=120, label=gettext_lazy("Name"))
    category = forms.CharField(
        max_length=60,
        required=False,
        label=gettext_lazy("Category"),
        help_text=gettext_lazy("Choose one or type your own."),
        widget=forms.TextInput(attrs={"list": "category-choices", "autocomplete": "off"}),
    )
    summary = forms.CharField(max_length=300, required=False, label=gettext_lazy("One-line summary"))
    instructions = forms.CharField(
        max_length=INSTRUCTIONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("Instructions for the client"),
        help_text=gettext_lazy("What to do, when and how, in plain words."),
    )
    rationale = forms.CharField(
        max_length=RATIONALE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Why this helps (the default)"),
        error_messages={
            "required": gettext_lazy("Please say why this helps — clients who know why are more likely to do it.")
        },
    )
    minutes = forms.IntegerField(min_value=1, max_value=240, initial=10, label=gettext_lazy("About how many minutes"))
    shared = forms.BooleanField(
        required=False,
        label=gettext_lazy("Share with my practice"),
        help_text=gettext_lazy("Other therapists in your practice can preview and assign it; only you can edit it."),
    )
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FieldRowForm(forms.Form):
    step_title = forms.CharField(max_length=120, required=False, label=gettext_lazy("Start a new step here, called"))
    step_help = forms.CharField(max_length=300, required=False, label=gettext_lazy("Note under the step title"))
    type = forms.ChoiceField(choices=BUILDER_TYPES, initial="short_text", label=gettext_lazy("Type of answer"))
    label = forms.CharField(max_length=200, required=False, label=gettext_lazy("Question or label"))
    help = forms.CharField(max_length=500, required=False, label=gettext_lazy("Help text"))
    required = forms.BooleanField(required=False, label=gettext_lazy("The client must answer this"))
    choices = forms.CharField(
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Choices, one per line"),
    )
    min = forms.FloatField(
        required=False,
        min_value=-1_000_000,
        max_value=1_000_000,
        label=gettext_lazy("Lowest"),
        widget=forms.NumberInput(attrs={"step": "any", "class": "short"}),
    )
    max = forms.FloatField(
        required=False,
        min_value=-1_000_000,
        max_value=1_000_000,
        label=gettext_lazy("Highest"),
        widget=forms.NumberInput(attrs={"step": "any", "class": "short"}),
        help_text=gettext_lazy("Left empty, a scale runs from 0 to 10 and a number has no limit."),
    )
    min_label = forms.CharField(max_length=60, required=False, label=gettext_lazy("Lowest means"))
    max_label = forms.CharField(max_length=60, required=False, label=gettext_lazy("Highest means"))
    unit = forms.CharField(max_length=20, required=False, label=gettext_lazy("Unit (like km or cups)"))
    risk = forms.BooleanField(
        required=False,
        label=gettext_lazy("Risk question"),
        help_text=gettext_lazy(
            "An alerting answer shows the client crisis lines at once and alerts you (you can turn alerts "
            "off per client when assigning, with a reason)."
        ),
    )
    risk_at = forms.CharField(
        max_length=120,
        required=False,
        label=gettext_lazy("Alerting answer"),
        help_text=gettext_lazy(
            "For a scale or number, the lowest value that alerts; for a choice, the choice that alerts."
        ),
    )
    key = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)
    order = forms.FloatField(
        required=False,
        label=gettext_lazy("Position"),
        widget=forms.NumberInput(attrs={"step": "any", "class": "short"}),
    )
    remove = forms.BooleanField(required=False, label=gettext_lazy("Remove this field"))

    def __init__(self, *args, base: Mapping[str, dict] | None = None, first: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.base = base or {}
        self.first = first
        kind = str(self["type"].value())
        type_field = self.fields["type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = BUILDER_TYPES + ([(kind, KEPT_TYPES[kind])] if kind in KEPT_TYPES else [])

    @property
    def kept_type(self) -> str:
        """The label of a built-in field kind this row keeps, or ""."""
        return str(KEPT_TYPES.get(str(self["type"].value()), ""))

    def has_changed(self) -> bool:
        # A row counts once something is typed in it; the type menu and checkboxes alone don't make a field.
        return any(str(self[name].value() or "").strip() for name in CONTENT_NAMES)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, key = cleaned.get("type"), cleaned.get("key") or ""
        if not cleaned.get("label"):
            self.add_error("label", gettext_lazy("Please give this field a label: the question the client sees."))
        if cleaned.get("step_help") and not cleaned.get("step_title") and not self.first:
            self.add_error("step_title", gettext_lazy("Give the new step a title too, or clear its note."))
        if kind in KEPT_TYPES and self.base.get(key, {}).get("type") != kind:
            self.add_error(
                "type", gettext_lazy("This kind of field can only be kept from the worksheet it was copied from.")
            )
        if kind in CHOICE_TYPES:
            cleaned["choice_labels"] = self._choice_labels(cleaned.get("choices") or "")
        if kind == "rating":
            self._clean_rating(cleaned)
        if kind == "number":
            self._clean_number(cleaned)
        if cleaned.get("risk"):
            self._clean_risk(cleaned)
        return cleaned

    def _clean_number(self, cleaned: dict[str, Any]) -> None:
        low, high = cleaned.get("min"), cleaned.get("max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max",
                gettext("The highest allowed number must be at least the lowest (%(low)s).") % {"low": f"{low:g}"},
            )

    def _clean_risk(self, cleaned: dict[str, Any]) -> None:
        """The row's risk rule as schema data (`risk`); whether it fits the scale is the schema's own check."""
        kind, answer = cleaned.get("type"), (cleaned.get("risk_at") or "").strip()
        kept = self.base.get(cleaned.get("key") or "", {})
        if kept.get("risk") and kept.get("type") == kind and answer == _risk_answer(kept):
            return  # a copied or edited field keeps its rule as it was (a PHQ-9 item's "1 or more")
        if kind not in RISK_TYPES:
            self.add_error(
                "risk", gettext_lazy("Only a rating scale, a number or a choice can be a risk question, not free text.")
            )
        elif not answer:
            self.add_error("risk_at", gettext_lazy("Please say which answer alerts you."))
        elif kind in CHOICE_TYPES:
            labels = {label.casefold() for label in cleaned.get("choice_labels") or []}
            if answer.casefold() not in labels:
                self.add_error("risk_at", gettext_lazy("Please type one of the choices above, exactly as listed."))
        elif _number_or(answer.replace(",", "."), None) is None:
            self.add_error("risk_at", gettext_lazy("Please enter the lowest alerting value as a number."))

    def _choice_labels(self, text: str) -> list[str]:
        labels = [line.strip() for line in text.splitlines() if line.strip()]
        seen = {label.casefold() for label in labels}
        if len(labels) < 2:
            self.add_error("choices", gettext_lazy("Please list at least two choices, one per line."))
        elif len(labels) > MAX_CHOICES:
            self.add_error(
                "choices",
                gettext("Please keep to %(most)s choices at most (there are %(count)s).")
                % {"most": MAX_CHOICES, "count": len(labels)},
            )
        elif len(seen) < len(labels):
            self.add_error("choices", gettext_lazy("Each choice must be different; one is listed twice."))
        elif any(len(label) > 120 for label in labels):
            self.add_error("choices", gettext_lazy("Please keep each choice to 120 characters at most."))
        return labels

    def _clean_rating(self, cleaned: dict[str, Any]) -> None:
        low = 0.0 if cleaned.get("min") is None else cleaned["min"]
        high = 10.0 if cleaned.get("max") is None else cleaned["max"]
        if not (low.is_integer() and high.is_integer()):
            self.add_error("max", gettext_lazy("A scale uses whole numbers, like 0 to 10."))
        elif low >= high:
            self.add_error(
                "max",
                gettext("The top of the scale must be above the bottom (it is %(low)s to %(high)s).")
                % {"low": f"{low:g}", "high": f"{high:g}"},
            )
        elif high - low > 1000:
            self.add_error("max", gettext_lazy("Please keep the scale to at most 1,000 points, like 0 to 100."))
        else:
            cleaned["min"], cleaned["max"] = int(low), int(high)


class BaseFieldRowSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": "That is too many rows to take at once; please remove some fields.",
    }

    def initial_form_count(self) -> int:
        return 0  # every row may be left empty: none is tied to a stored object

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "first": index == 0}

    def filled(self) -> list[FieldRowForm]:
        return [form for form in self.forms if form.has_changed()]

    def clean(self) -> None:
        count = len(self.filled())
        if count == 0:
            raise forms.ValidationError(
                gettext_lazy("Please add at least one field: a question for the client to answer.")
            )
        if count > MAX_FIELDS:
            raise forms.ValidationError(
                gettext(
                    "A worksheet can have at most %(most)s fields, and this one has %(count)s. "
                    "Please remove %(over)s, or split it into two worksheets."
                )
                % {"most": MAX_FIELDS, "count": count, "over": count - MAX_FIELDS}
            )


def row_formset(*, extra: int):
    return forms.formset_factory(
        FieldRowForm, formset=BaseFieldRowSet, extra=extra, max_num=MAX_ROWS, absolute_max=MAX_ROWS
    )


# --- Rows in, schema out ----------------------------------------------------------------------------------------


def normalise_rows(data: MultiValueDict, *, more: bool = False) -> QueryDict:
    """The posted rows in their chosen order, without removed or empty ones, followed by empty rows to fill."""
    filled, empty = _kept_rows(_posted_rows(data))
    filled.sort(key=lambda item: (_number_or(item[1].get("order"), item[0] + 1), item[0]))
    filled = filled[:MAX_ROWS]
    blanks = empty + 5 if more else BLANK_ROWS
    total = min(len(filled) + blanks, max(MAX_FIELDS + BLANK_ROWS, len(filled)), MAX_ROWS)
    result = QueryDict(mutable=True)
    for name in data:
        if not name.startswith(f"{PREFIX}-"):
            result.setlist(name, data.getlist(name))
    for position, (_, row) in enumerate(filled):
        order = row.get("order", "").strip()
        if not order or _number_or(order, None) is not None:  # an unreadable number stays, to be pointed out
            row["order"] = str(position + 1)
        for name, value in row.items():
            result[f"{PREFIX}-{position}-{name}"] = value
    result[f"{PREFIX}-TOTAL_FORMS"], result[f"{PREFIX}-INITIAL_FORMS"] = str(total), "0"
    return result


def _posted_rows(data: MultiValueDict) -> dict[int, dict[str, str]]:
    pattern = re.compile(rf"^{PREFIX}-(\d+)-({'|'.join(ROW_NAMES)})$")
    rows: dict[int, dict[str, str]] = {}
    for name in data:
        if match := pattern.match(name):
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = str(data.get(name) or "")
    return rows


def _kept_rows(rows: dict[int, dict[str, str]]) -> tuple[list[tuple[int, dict[str, str]]], int]:
    """(the rows with content, in posted order; how many were empty). A removed field's step title passes to the
    next field of that step."""
    filled: list[tuple[int, dict[str, str]]] = []
    empty = 0
    moved_step: dict[str, str] = {}
    for index, row in sorted(rows.items()):
        if row.get("remove"):
            if row.get("step_title"):
                moved_step = {"step_title": row["step_title"], "step_help": row.get("step_help", "")}
        elif not any(row.get(name, "").strip() for name in CONTENT_NAMES):
            empty += 1
        else:
            if moved_step and not row.get("step_title"):
                row.update(moved_step)
            moved_step = {}
            filled.append((index, row))
    return filled, empty


def _number_or(text: str | None, default):
    try:
        number = float(text or "")
    except ValueError:
        return default
    return number if math.isfinite(number) else default


def slug_key(label: str, taken: set[str], *, fallback: str = "field") -> str:
    """A schema key (schema.KEY) from a label: lowercase ASCII words joined by underscores, unique in `taken`."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    stem = "_".join(re.findall(r"[a-z0-9]+", ascii_text))[:32].strip("_") or fallback
    if not stem[0].isalpha():
        stem = f"q_{stem}"[:32]
    key, number = stem, 2
    while key in taken:
        key, number = f"{stem}_{number}", number + 1
    taken.add(key)
    return key


def build_schema(rows: list[dict[str, Any]], base: Mapping[str, dict], *, first_title: str) -> dict:
    """The schema for cleaned rows. A row whose key names a field of the same type in `base` starts from that
    field, so options the builder doesn't show (a table's columns, a text's length limit) are kept."""
    taken: set[str] = set()
    keys: list[str | None] = []
    for row in rows:  # existing keys first, so a new label can't take an old field's key
        key = row.get("key") or ""
        keep = worksheet.KEY.match(key) and key not in taken
        keys.append(key if keep else None)
        taken |= {key} if keep else set()
    steps: list[dict] = []
    for row, key in zip(rows, keys, strict=True):
        if row.get("step_title") or not steps:
            steps.append(
                {"title": row.get("step_title") or first_title, "help": row.get("step_help", ""), "fields": []}
            )
        key = key or slug_key(row["label"], taken)
        steps[-1]["fields"].append(_field(row, key, base.get(key) if key == row.get("key") else None))
    return {"steps": steps}


def _field(row: Mapping[str, Any], key: str, old: Mapping[str, Any] | None) -> dict:
    kind = row["type"]
    field = dict(old) if old and old.get("type") == kind else {}
    field.update(key=key, type=kind, label=row["label"], help=row.get("help", ""), required=bool(row["required"]))
    options: dict[str, Any] = {}
    if kind in CHOICE_TYPES:
        options["choices"] = _choices(row["choice_labels"], field.get("choices") or [])
    if kind == "rating":
        options.update(min=row["min"], max=row["max"], min_label=row.get("min_label"), max_label=row.get("max_label"))
    if kind == "number":
        options.update(min=_plain(row.get("min")), max=_plain(row.get("max")), unit=row.get("unit"))
    for name, value in options.items():
        if value in (None, ""):
            field.pop(name, None)
        else:
            field[name] = value
    kept = field.pop("risk", None)
    if row.get("risk"):
        answer = row["risk_at"].strip()
        field["risk"] = kept if kept and answer == _risk_answer({**field, "risk": kept}) else _risk_rule(field, answer)
    return field


def _risk_rule(field: Mapping[str, Any], answer: str) -> dict[str, Any]:
    if field["type"] in CHOICE_TYPES:
        values = [value for value, label in field["choices"] if label.casefold() == answer.casefold()]
        return {"answers": values[:1], "alert": "optional"}
    return {"at_least": _plain(float(answer.replace(",", "."))), "alert": "optional"}


def _plain(number: float | None) -> int | float | None:
    return int(number) if number is not None and number.is_integer() else number


def _choices(labels: list[str], old: list) -> list[list[str]]:
    """[value, label] pairs; a label that was there before keeps its value, so old answers still read right."""
    old_values = {str(label).casefold(): str(value) for value, label in old}
    taken: set[str] = set()
    values = [old_values.get(label.casefold()) for label in labels]
    taken.update(value for value in values if value)
    return [
        [value or slug_key(label, taken, fallback="choice"), label] for value, label in zip(values, labels, strict=True)
    ]


def formats_for(schema: Mapping) -> list[str]:
    """Writing always; drawing, voice and photo when the worksheet has a field answered that way."""
    return answer_formats(schema, declared=[Format.WRITE])


def version_content(version: TemplateVersion) -> dict[str, Any]:
    return {key: getattr(version, key) for key in VERSION_FIELDS}


def rows_initial(version: TemplateVersion | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for step in version.schema["steps"] if version else []:
        for index, field in enumerate(step.get("fields", [])):
            row = {name: field.get(name, "") for name in ("type", "label", "help", "key")}
            row.update(required=bool(field.get("required")), order=len(rows) + 1)
            if index == 0:
                row.update(step_title=step["title"], step_help=step.get("help", ""))
            if field["type"] in CHOICE_TYPES:
                row["choices"] = "\n".join(str(label) for _, label in field.get("choices", []))
            if field["type"] in ("rating", "number"):
                row.update(
                    {name: field[name] for name in ("min", "max", "min_label", "max_label", "unit") if name in field}
                )
            if field.get("risk"):
                row.update(risk=True, risk_at=_risk_answer(field))
            rows.append(row)
    return rows


def _risk_answer(field: Mapping[str, Any]) -> str:
    rule = field["risk"]
    if "at_least" in rule:
        return f"{rule['at_least']:g}"
    labels = {str(value): str(label) for value, label in field.get("choices", [])}
    return labels.get(str(rule["answers"][0]), "")


def preview_steps(schema: Mapping, formats: list[str]) -> list[dict]:
    return [
        {"title": step["title"], "help": step.get("help", ""), "fields": bind_step(schema, i, {}, {}, formats=formats)}
        for i, step in enumerate(schema["steps"])
    ]


def _quoted(error: Exception) -> set[str]:
    """The quoted names in a schema error ('key' or “label”), to find the row it is about."""
    return set(re.findall(r"'[^']*'|“[^”]*”", str(error)))


class Builder:
    """The worksheet form and its field rows, checked together; `content` is ready for custom_template_save."""

    def __init__(self, data: MultiValueDict | None, *, base: TemplateVersion | None, initial: dict[str, Any]):
        self.base_fields = worksheet.field_map(base.schema) if base else {}
        more = data is not None and data.get("action") == "more"
        self.data = normalise_rows(data, more=more) if data is not None else None
        self.form = WorksheetForm(self.data, initial=initial)
        if self.data is not None:
            self.rows = row_formset(extra=0)(self.data, prefix=PREFIX, form_kwargs={"base": self.base_fields})
        else:
            rows = rows_initial(base)
            formset = row_formset(extra=len(rows) + (BLANK_ROWS if rows else 5))
            self.rows = formset(initial=rows, prefix=PREFIX, form_kwargs={"base": self.base_fields})
        self.content: dict[str, Any] | None = None
        if self.data is None and base is not None:
            self.content = version_content(base)
        elif self.data is not None and self.form.is_valid() and self.rows.is_valid():
            self.content = self._content()

    def _content(self) -> dict[str, Any] | None:
        meta = self.form.cleaned_data
        forms_ = self.rows.filled()
        schema = build_schema([form.cleaned_data for form in forms_], self.base_fields, first_title=meta["name"])
        if not self._sources_kept(forms_, schema):
            return None
        try:
            worksheet.check_schema(schema)
        except worksheet.SchemaError as error:
            # Point at the row the message names, if it names one.
            pairs = zip(forms_, worksheet.iter_fields(schema), strict=True)
            named = [form for form, field in pairs if {repr(field["key"]), f"“{field['label']}”"} & _quoted(error)]
            (named[0] if named else self.form).add_error(None, str(error))
            return None
        content = {name: meta[name] for name in ("name", "category", "summary", "instructions", "rationale", "minutes")}
        return {**content, "formats": formats_for(schema), "schema": schema}

    @staticmethod
    def _sources_kept(rows: list[FieldRowForm], schema: Mapping) -> bool:
        """A re-rating (kept from a copied worksheet) needs its table, earlier in the worksheet."""
        tables: set[str] = set()
        ok = True
        for row, field in zip(rows, worksheet.iter_fields(schema), strict=True):
            if field["type"] == "rerate" and field.get("source") not in tables:
                row.add_error(
                    None,
                    "This re-rates the answers of a table that is no longer before it: keep that "
                    "table, earlier in the worksheet, or remove this field too.",
                )
                ok = False
            if field["type"] == "list":
                tables.add(field["key"])
        return ok

    def error_count(self) -> int:
        if self.data is None:
            return 0
        rows = sum(1 for form in self.rows.forms if form.errors) + len(self.rows.non_form_errors())
        return len(self.form.errors) + rows

    def preview(self) -> list[dict]:
        return preview_steps(self.content["schema"], self.content["formats"]) if self.content else []

    def format_labels(self) -> list[str]:
        """The ways to answer, as the assign form names them, in the reader's language."""
        codes = self.content["formats"] if self.content else []
        return [str(Format(code).label) for code in codes if code in Format.values]


# --- Views ----------------------------------------------------------------------------------------------------------


def _posted(request: AuthedRequest) -> MultiValueDict | None:
    if request.method == "POST":
        return request.POST
    recovered = recovered_initial(request)  # typed before a sign-out or an expired form: shown again, not saved
    if recovered is None:
        return None
    return MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in recovered.items()})


def _categories(request: AuthedRequest) -> list[str]:
    custom = TemplateVersion.objects.filter(template__in=Template.objects.visible_to(request.user.membership))
    return sorted(set(CATEGORIES) | set(custom.exclude(category="").values_list("category", flat=True)))


@role_required(Role.THERAPIST)
def template_new(request: AuthedRequest) -> HttpResponse:
    return _builder_page(request, template=None, base=None, initial={"minutes": 10})


@role_required(Role.THERAPIST)
def template_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    source = get_template_for_therapist(request, pk).latest_version()
    return _builder_page(request, template=None, base=source, initial=version_content(source), source=source)


@role_required(Role.THERAPIST)
def template_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    template = get_template_for_therapist(request, pk, own=True)
    latest = template.latest_version()
    initial = {**version_content(latest), "shared": template.shared, "based_on": latest.number}
    return _builder_page(request, template=template, base=latest, initial=initial)


def _builder_page(
    request: AuthedRequest,
    *,
    template: Template | None,
    base: TemplateVersion | None,
    initial: dict[str, Any],
    source: TemplateVersion | None = None,
) -> HttpResponse:
    data = _posted(request)
    builder = Builder(data, base=base, initial=initial)
    stale = template is not None and builder.content is not None and _stale(builder, base)
    if request.method == "POST" and request.POST.get("action") == "save" and builder.content and not stale:
        shared = builder.form.cleaned_data["shared"]
        if template is not None and base is not None and unchanged(template, base, builder.content, shared):
            messages.info(request, "Nothing had changed, so no new version was made.")
            return redirect("template_preview", template.pk)
        version = custom_template_save(
            therapist=request.user.membership, template=template, shared=shared, **builder.content
        )
        messages.success(request, f"Saved “{version.name}” (version {version.number}).")
        return redirect("template_preview", version.template_id)
    context = {
        "builder": builder,
        "template": template,
        "base": base,
        "source": source,
        "categories": _categories(request),
        "preview": builder.preview(),
    }
    return TemplateResponse(request, "homework/builder.html", context)


def _stale(builder: Builder, base: TemplateVersion | None) -> bool:
    """Saved from another window since this page was opened: say so rather than silently replace it."""
    based_on = builder.form.cleaned_data.get("based_on") if builder.form.is_bound else None
    if base is None or based_on is None or based_on == base.number:
        return False
    builder.form.add_error(
        None,
        f"This worksheet was saved elsewhere since you opened it (it is now version {base.number}). "
        "Your changes are still below: check them against the latest version, then save again.",
    )
    builder.data["based_on"] = str(base.number)  # type: ignore[index]
    return True


def unchanged(template: Template, base: TemplateVersion, content: dict[str, Any], shared: bool) -> bool:
    """Whether a save would make a version identical to `base`: the one rule the builder page and the API share."""
    return shared == template.shared and all(getattr(base, key) == content[key] for key in VERSION_FIELDS)
