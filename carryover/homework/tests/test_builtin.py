"""The built-in library: every template is a well-formed schema, and realistic answers clean as expected."""

from __future__ import annotations

from typing import Any

import pytest

from carryover.homework.builtin import BUILTIN_TEMPLATES, CATEGORIES, builtin_template
from carryover.homework.fields import Format
from carryover.homework.schema import check_schema, clean_answers, iter_fields, marked_item

TEMPLATE_KEYS = [template["key"] for template in BUILTIN_TEMPLATES]
REQUIRED_KEYS = {"key", "name", "category", "summary", "instructions", "rationale", "minutes", "formats", "schema"}
LADDER = {5: {"id": 5, "description": "Ride the bus one stop", "suds": 40}}
ATTACHMENT_ID = 12
FORMAT_OF_ATTACHMENT = {"drawing": "draw", "audio": "voice", "photo": "photo"}


def _sample_value(field: dict[str, Any]) -> Any:
    """A valid raw input for one simple field, as a browser would send it."""
    kind = field["type"]
    if kind in ("short_text", "long_text"):
        return "Something I noticed"[: field.get("max_length", 300)]
    if kind == "rating":
        return str(field["max"])
    if kind == "single_choice":
        return field["choices"][0][0]
    if kind == "multi_choice":
        return [field["choices"][0][0], field["choices"][-1][0]]
    if kind == "checkbox":
        return "on"
    if kind == "number":
        return str(field.get("min", 0) + 1)
    if kind == "duration":
        return "15"
    if kind == "datetime":
        return "2025-03-04T18:30"
    if kind == "date":
        return "2025-03-04"
    if kind in ("drawing", "photo", "audio"):
        return str(ATTACHMENT_ID)
    if kind == "ladder_item":
        return "5"
    raise AssertionError(f"no sample for {kind}")


def _complete_raw(schema: dict[str, Any]) -> dict[str, Any]:
    """Every field answered: two rows per list (the first one marked), every list row re-rated."""
    raw: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for field in iter_fields(schema):
        name = f"f-{field['key']}"
        if field["type"] == "list":
            for index in range(2):
                for sub in field["item_fields"]:
                    raw[f"{name}-{index}-{sub['key']}"] = _sample_value(sub)
            if field.get("mark_one"):
                raw[f"{name}-mark"] = "0"
            rows[field["key"]] = 2
        elif field["type"] == "rerate":
            for index in range(rows[field["source"]]):
                raw[f"{name}-{index}"] = str(field["min"])
        else:
            raw[name] = _sample_value(field)
    return raw


def _clean(template_key: str, raw: dict[str, Any], *, complete: bool = True) -> tuple[dict, dict]:
    schema = builtin_template(template_key)["schema"]
    return clean_answers(schema, raw, require_complete=complete, ladder=LADDER, attachments=[ATTACHMENT_ID])


# --- Shape of the library ------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=TEMPLATE_KEYS)
def test_every_template_passes_check_schema(template):
    check_schema(template["schema"])


def test_keys_are_unique_slugs():
    assert len(TEMPLATE_KEYS) == len(set(TEMPLATE_KEYS))
    assert all(key.replace("_", "").isalnum() and key == key.lower() for key in TEMPLATE_KEYS)


def test_the_library_has_the_templates_the_product_promises():
    promised = {"journal", "thought_record_3", "thought_record_7", "behavioural_experiment", "exposure_practice"}
    promised |= {"activity_log", "activity_log_ace", "relaxation", "reading", "conversation_rehearsal"}
    promised |= {"lifestyle_goal", "skill_practice", "worry_time", "problem_solving", "values", "sleep_diary"}
    promised |= {"dbt_diary_card"}
    assert promised <= set(TEMPLATE_KEYS)


@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=TEMPLATE_KEYS)
def test_every_template_has_its_library_details(template):
    assert set(template) >= REQUIRED_KEYS
    assert template["category"] in CATEGORIES
    for key in ("name", "summary", "instructions", "rationale"):
        assert isinstance(template[key], str) and template[key].strip(), key
    assert len(template["name"]) <= 120
    assert len(template["summary"]) <= 300
    assert "\n" not in template["summary"]
    assert isinstance(template["minutes"], int) and 1 <= template["minutes"] <= 120
    assert template["formats"] and set(template["formats"]) <= set(Format.values)


@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=TEMPLATE_KEYS)
def test_formats_match_the_fields_that_can_take_them(template):
    fields = list(iter_fields(template["schema"]))
    offered = {"write"} | {FORMAT_OF_ATTACHMENT[f["type"]] for f in fields if f["type"] in FORMAT_OF_ATTACHMENT}
    if any(f["type"] in ("short_text", "long_text") for f in fields):
        offered.add("voice")  # a voice note may answer a question asked in one's own words (issue 17)
    assert set(template["formats"]) == offered


@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=TEMPLATE_KEYS)
def test_steps_are_small_enough_for_a_phone(template):
    for step in template["schema"]["steps"]:
        assert 1 <= len(step["fields"]) <= 3, step["title"]


@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=TEMPLATE_KEYS)
def test_every_field_has_a_label_and_help_and_every_scale_is_explicit(template):
    fields = list(iter_fields(template["schema"]))
    fields += [sub for field in fields for sub in field.get("item_fields", [])]
    for field in fields:
        assert field["label"] and len(field["label"]) <= 80, field["key"]
        assert isinstance(field["help"], str) and len(field["help"]) <= 160, field["key"]
        assert isinstance(field["required"], bool), field["key"]
        if field["type"] in ("rating", "rerate"):
            assert field["min"] < field["max"], field["key"]


def test_every_category_is_used():
    assert {template["category"] for template in BUILTIN_TEMPLATES} == set(CATEGORIES)


# --- Answers against every template --------------------------------------------------------------------------


@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=TEMPLATE_KEYS)
def test_a_complete_answer_cleans_without_errors(template):
    answers, errors = _clean(template["key"], _complete_raw(template["schema"]))
    assert errors == {}
    assert set(answers) == {field["key"] for field in iter_fields(template["schema"])}


@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=TEMPLATE_KEYS)
def test_an_empty_answer_is_fine_as_partial_effort_but_not_as_done(template):
    schema = template["schema"]
    assert _clean(template["key"], {}, complete=False) == ({}, {})
    _, errors = _clean(template["key"], {})
    assert set(errors) == {f"f-{field['key']}" for field in iter_fields(schema) if field.get("required")}


# --- 7-column thought record -------------------------------------------------------------------------------


def _thought_record() -> dict[str, Any]:
    return {
        "f-situation": "Tuesday, 3pm. My manager asked to see me after the team meeting.",
        "f-emotions-0-emotion": "Anxious",
        "f-emotions-0-intensity": "85",
        "f-emotions-1-emotion": "Ashamed",
        "f-emotions-1-intensity": "60",
        "f-thoughts-0-thought": "I stumbled over the slides, so everyone thinks I'm useless.",
        "f-thoughts-0-belief": "70",
        "f-thoughts-1-thought": "I'm going to lose my job.",
        "f-thoughts-1-belief": "80",
        "f-thoughts-mark": "1",
        "f-distortions": ["catastrophising", "mind_reading"],
        "f-evidence_for": "She looked serious. Two people left the team last year.",
        "f-evidence_against": "She said it was about next quarter's plan. My last review was good.",
        "f-balanced_thought": "She probably wants to talk about planning; one shaky talk doesn't undo a good year.",
        "f-balanced_belief": "65",
        "f-emotions_after-0": "40",
        "f-emotions_after-1": "25",
        "f-hot_belief_after": "30",
    }


def test_thought_record_7_complete_answer_keeps_scales_hot_thought_and_re_ratings():
    answers, errors = _clean("thought_record_7", _thought_record())
    assert errors == {}
    assert answers["emotions"][0] == {"emotion": "Anxious", "intensity": {"value": 85, "min": 0, "max": 100}}
    assert [item.get("marked", False) for item in answers["thoughts"]] == [False, True]
    assert answers["distortions"] == ["catastrophising", "mind_reading"]
    assert answers["balanced_belief"] == {"value": 65, "min": 0, "max": 100}
    assert answers["emotions_after"] == [
        {"label": "Anxious", "value": 40, "min": 0, "max": 100},
        {"label": "Ashamed", "value": 25, "min": 0, "max": 100},
    ]


def test_thought_record_7_without_distortion_tags_is_still_complete():
    raw = _thought_record()
    del raw["f-distortions"]
    answers, errors = _clean("thought_record_7", raw)
    assert errors == {}
    assert "distortions" not in answers


def test_thought_record_7_incomplete_answer_asks_for_the_required_fields():
    raw = {"f-situation": "Tuesday, 3pm, after the team meeting.", "f-emotions-0-emotion": "Anxious"}
    answers, errors = _clean("thought_record_7", raw)
    assert errors == {
        "f-thoughts": "Please list at least 1.",
        "f-evidence_for": "Please fill this in.",
        "f-evidence_against": "Please fill this in.",
        "f-balanced_thought": "Please fill this in.",
    }
    assert answers == {"situation": raw["f-situation"], "emotions": [{"emotion": "Anxious"}]}
    # The same answer is fine as partial effort.
    assert _clean("thought_record_7", raw, complete=False)[1] == {}


def test_thought_record_7_needs_the_hot_thought_chosen_when_done():
    raw = _thought_record()
    del raw["f-thoughts-mark"]
    _, errors = _clean("thought_record_7", raw)
    assert errors == {"f-thoughts": "Please choose your hot thought."}


def test_thought_record_7_out_of_range_intensity_is_refused_and_the_rest_kept():
    raw = _thought_record() | {"f-emotions-1-intensity": "140"}
    answers, errors = _clean("thought_record_7", raw)
    assert errors == {"f-emotions-1-intensity": "Please enter a number from 0 to 100."}
    assert answers["emotions"] == [
        {"emotion": "Anxious", "intensity": {"value": 85, "min": 0, "max": 100}},
        {"emotion": "Ashamed"},
    ]
    assert answers["evidence_against"] == raw["f-evidence_against"]
    assert [item["label"] for item in answers["emotions_after"]] == ["Anxious", "Ashamed"]


def test_thought_record_7_a_mood_row_without_its_name_is_flagged():
    raw = _thought_record() | {"f-emotions-2-intensity": "30"}
    _, errors = _clean("thought_record_7", raw)
    assert errors == {"f-emotions-2-emotion": "Please fill this in, or clear the row."}


def test_thought_record_7_hot_thought_is_shown_from_raw_input_and_from_answers():
    schema = builtin_template("thought_record_7")["schema"]
    raw = _thought_record()
    assert marked_item(schema, raw, raw=True) == ("Hot thought", "I'm going to lose my job.")
    answers, _ = _clean("thought_record_7", raw)
    assert marked_item(schema, answers, raw=False) == ("Hot thought", "I'm going to lose my job.")
    del raw["f-thoughts-mark"]
    assert marked_item(schema, raw, raw=True) is None


# --- Exposure practice ---------------------------------------------------------------------------------------


def _exposure(ladder_item: str) -> dict[str, Any]:
    return {
        "f-ladder_item": ladder_item,
        "f-feared_outcome": "I'll panic and have to get off in front of everyone.",
        "f-suds_before": "55",
        "f-suds_peak": "70",
        "f-minutes": "12",
        "f-suds_after": "30",
        "f-feared_happened": "no",
        "f-learned": "The panic peaked and then passed while I was still on the bus.",
        "f-safety_dropped": "I didn't sit by the door.",
    }


def test_exposure_practice_accepts_a_step_from_the_clients_ladder():
    answers, errors = _clean("exposure_practice", _exposure("5"))
    assert errors == {}
    assert answers["ladder_item"] == {"id": 5, "description": "Ride the bus one stop", "suds": 40}
    assert answers["suds_peak"] == {"value": 70, "min": 0, "max": 100}
    assert answers["minutes"] == 12


@pytest.mark.parametrize("ladder_item", ["6", "bus"])
def test_exposure_practice_refuses_an_unknown_ladder_step_and_keeps_the_rest(ladder_item):
    answers, errors = _clean("exposure_practice", _exposure(ladder_item))
    assert errors == {"f-ladder_item": "Please choose a step from your ladder."}
    assert "ladder_item" not in answers
    assert answers["suds_after"] == {"value": 30, "min": 0, "max": 100}


# --- Attachments and other single checks ------------------------------------------------------------------


def test_journal_can_be_a_drawing_instead_of_words():
    answers, errors = _clean("journal", {"f-drawing": str(ATTACHMENT_ID)})
    assert (answers, errors) == ({"drawing": ATTACHMENT_ID}, {})
    _, errors = _clean("journal", {"f-voice": "999"})
    assert errors == {"f-voice": "That file could not be found; please add it again."}


def test_relaxation_tension_keeps_its_scale_and_refuses_out_of_range():
    answers, errors = _clean(
        "relaxation", {"f-technique": "body_scan", "f-tension_before": "7", "f-tension_after": "11"}
    )
    assert answers["tension_before"] == {"value": 7, "min": 0, "max": 10}
    assert errors == {"f-tension_after": "Please enter a number from 0 to 10."}


def test_sleep_diary_accepts_a_night_of_sleep():
    raw = {
        "f-bed_time": "22:45",
        "f-lights_out": "23:10",
        "f-fall_asleep": "40",
        "f-awakenings": "0",
        "f-final_wake": "06:20",
        "f-out_of_bed": "06:50",
        "f-quality": "fair",
    }
    answers, errors = _clean("sleep_diary", raw)
    assert errors == {}
    assert answers["awakenings"] == 0
    assert answers["fall_asleep"] == 40
