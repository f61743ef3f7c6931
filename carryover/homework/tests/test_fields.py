"""The field-type registry and the one `_field.html` dispatcher that draws every type from its own partial."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from carryover.homework import schema as worksheet
from carryover.homework.builder import BUILDER_TYPES, KEPT_TYPES, formats_for
from carryover.homework.fields import ATTACHMENT_TYPES, FIELD_TYPES, RISK_TYPES, Format
from carryover.homework.models import AttachmentKind
from carryover.homework.render import bind_step

CHOICES = [["a", "A"], ["b", "B"]]
OPTIONS = {
    "single_choice": {"choices": CHOICES},
    "multi_choice": {"choices": CHOICES},
    "list": {"item_fields": [{"key": "thing", "type": "short_text", "label": "Thing"}]},
}
LADDER = {1: {"id": 1, "description": "Ride the bus", "suds": 60}}


def one_field_schema(kind: str, **options) -> dict:
    field = {"key": "answer", "type": kind, "label": "The question", "help": "", "required": True}
    fields = [{**field, **OPTIONS.get(kind, {}), **options}]
    if kind == "rerate":  # re-rates the rows of an earlier table
        fields = [
            {"key": "things", "type": "list", "label": "Things", **OPTIONS["list"]},
            {**fields[0], "source": "things"},
        ]
    return {"steps": [{"title": "One", "fields": fields}]}


def rendered(kind: str, errors: dict[str, str], **options) -> str:
    schema = one_field_schema(kind, **options)
    worksheet.check_schema(schema)
    raw = {"f-things-0-thing": "Fear"}
    bound = bind_step(schema, 0, raw, errors, formats=Format.values, ladder=LADDER)
    return "".join(render_to_string("homework/_field.html", {"b": b}) for b in bound)


TYPES = [(kind, {}) for kind in FIELD_TYPES] + [("rating", {"min": 0, "max": 100})]  # a scale as buttons, and as a box


@pytest.mark.parametrize(("kind", "options"), TYPES, ids=[f"{k}{o.get('max', '')}" for k, o in TYPES])
def test_every_field_type_marks_its_error_for_assistive_technology(kind, options):
    page = rendered(kind, {"f-answer": "Please fix this."}, **options)
    assert 'aria-invalid="true" aria-describedby="f-answer-error"' in page
    assert '<p class="error" id="f-answer-error" role="alert">Please fix this.</p>' in page
    assert "aria-invalid" not in rendered(kind, {}, **options)


@pytest.mark.parametrize("kind", [kind for kind in FIELD_TYPES if kind != "rerate"])
def test_every_field_type_says_when_it_is_needed(kind):
    # "(needed)", or for a text question that a voice note may answer, "(needed: type it, or record it below)"
    assert rendered(kind, {}).count('<span class="req">(needed') == 1
    assert "(needed" not in rendered(kind, {}, required=False)


def test_list_cells_and_rerate_rows_mark_their_own_errors():
    page = rendered("rerate", {"f-things-0-thing": "Too long.", "f-answer-0": "Please enter a number."})
    assert 'aria-invalid="true" aria-describedby="f-things-0-thing-error"' in page
    assert 'aria-invalid="true" aria-describedby="f-answer-0-error"' in page


def test_the_builder_offers_the_registrys_types_and_keeps_the_rest():
    assert [name for name, _ in BUILDER_TYPES] + list(KEPT_TYPES) == list(FIELD_TYPES)
    assert dict(BUILDER_TYPES)["audio"] == "Voice recording" and KEPT_TYPES["list"] == "Table of rows"


def test_risk_rules_fit_only_the_types_that_say_they_can_carry_one():
    assert {"rating", "number", "single_choice", "multi_choice"} == RISK_TYPES
    for kind in FIELD_TYPES:
        field = one_field_schema(kind)["steps"][0]["fields"][-1]
        rule = {"answers": ["a"]} if "choices" in field else {"at_least": 1}
        if kind in RISK_TYPES:
            worksheet.check_risk_rule({**field, "risk": rule})
        else:
            with pytest.raises(worksheet.SchemaError, match="a risk question must be"):
                worksheet.check_risk_rule({**field, "risk": rule})


def test_a_worksheet_offers_writing_and_each_format_its_fields_need():
    def formats(*kinds: str) -> list[str]:
        fields = [{"type": kind, "key": f"q{i}", "label": "Q"} for i, kind in enumerate(kinds)]
        return formats_for({"steps": [{"title": "One", "fields": fields}]})

    assert formats("rating") == ["write"]
    assert formats("short_text") == ["write", "voice"]  # a voice note may answer instead (issue 17)
    assert formats("photo", "rating", "drawing") == ["write", "draw", "photo"]
    assert formats("audio", "drawing", "photo") == Format.values


def test_an_attachment_is_stored_as_the_kind_of_the_field_it_answers():
    assert set(AttachmentKind.values) == ATTACHMENT_TYPES
    assert {FIELD_TYPES[kind].answer_format for kind in ATTACHMENT_TYPES} == set(Format.values) - {Format.WRITE}
