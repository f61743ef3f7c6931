"""Scoring against every possible PHQ-9 and GAD-7 answer vector, hand-checked PCL-5 cases, reliable change and the
NHS Talking Therapies pair definitions. Pure functions: no database."""

from __future__ import annotations

import itertools

import pytest

from carryover.homework.schema import check_schema, clean_answers
from carryover.measures.instruments import MEASURE_TEMPLATES, MEASURES
from carryover.measures.scoring import (
    DETERIORATED,
    IMPROVED,
    NO_CHANGE,
    ScoringError,
    change,
    pair_outcome,
    score,
)

# The bands exactly as the issue and docs/clinical-sources.md state them, written out independently of instruments.py.
PHQ9_BANDS = ["minimal"] * 5 + ["mild"] * 5 + ["moderate"] * 5 + ["moderately_severe"] * 5 + ["severe"] * 8
GAD7_BANDS = ["minimal"] * 5 + ["mild"] * 5 + ["moderate"] * 5 + ["severe"] * 7


def reference_phq9(vector: tuple[int, ...]) -> tuple[int, str, int, bool]:
    total = 0
    for value in vector:
        total += value
    return total, PHQ9_BANDS[total], vector[8], total > 9


def reference_gad7(vector: tuple[int, ...]) -> tuple[int, str, bool]:
    total = 0
    for value in vector:
        total += value
    return total, GAD7_BANDS[total], total > 7


@pytest.mark.slow  # all 262,144 answer vectors
def test_phq9_every_answer_vector_matches_an_independent_scorer():
    keys = [f"q{n}" for n in range(1, 10)]
    count = 0
    for vector in itertools.product(range(4), repeat=9):
        result = score("phq9", dict(zip(keys, vector, strict=True)))
        assert (result.total, result.band, result.risk_value, result.flags["case"]) == reference_phq9(vector), vector
        count += 1
    assert count == 4**9 == 262_144


def test_gad7_every_answer_vector_matches_an_independent_scorer():
    keys = [f"q{n}" for n in range(1, 8)]
    count = 0
    for vector in itertools.product(range(4), repeat=7):
        result = score("gad7", dict(zip(keys, vector, strict=True)))
        assert (result.total, result.band, result.flags["case"]) == reference_gad7(vector), vector
        assert result.risk_value is None
        count += 1
    assert count == 4**7


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_edges(total, band):
    vector = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    vector += [0] * (9 - len(vector))
    assert score("phq9", {f"q{n}": v for n, v in enumerate(vector, start=1)}).band == band


def test_item9_is_read_from_item9_whatever_the_total():
    answers = {f"q{n}": 0 for n in range(1, 10)}
    answers["q9"] = 1
    result = score("phq9", answers)
    assert result.total == 1 and result.band == "minimal" and result.risk_value == 1 and result.risk_flag
    answers["q9"] = 0
    answers["q1"] = 3
    assert score("phq9", answers).risk_value == 0


def test_answers_as_strings_from_the_form_score_the_same():
    assert score("gad7", {f"q{n}": "2" for n in range(1, 8)}).total == 14


def test_missing_and_out_of_range_answers_are_refused_with_the_items_named():
    answers = {f"q{n}": 1 for n in range(1, 9)}  # q9 missing
    with pytest.raises(ScoringError) as error:
        score("phq9", answers)
    assert error.value.missing == ["q9"]
    answers.update(q9=4, q1="x", q2=-1, q3=True)
    with pytest.raises(ScoringError) as error:
        score("phq9", answers)
    assert error.value.invalid == ["q1", "q2", "q3", "q9"]
    with pytest.raises(ScoringError):
        score("pcl5", {f"q{n}": 5 for n in range(1, 21)})  # PCL-5 answers run 0–4


# --- PCL-5 ------------------------------------------------------------------------------------------------


def pcl(**items: int) -> dict[str, int]:
    answers = {f"q{n}": 0 for n in range(1, 21)}
    answers.update({key: value for key, value in items.items()})
    return answers


def test_pcl5_all_zero_and_all_four():
    low = score("pcl5", pcl())
    assert (low.total, low.subscales, low.flags["above_cut_point"], low.flags["cluster_rule_met"]) == (
        0,
        {"B": 0, "C": 0, "D": 0, "E": 0},
        False,
        False,
    )
    high = score("pcl5", {f"q{n}": 4 for n in range(1, 21)})
    assert high.total == 80 and high.subscales == {"B": 20, "C": 8, "D": 28, "E": 24}
    assert high.flags["above_cut_point"] and high.flags["cluster_rule_met"]


def test_pcl5_cluster_sums_follow_the_dsm5_item_groups():
    result = score("pcl5", pcl(q1=1, q5=2, q6=3, q7=4, q8=1, q14=2, q15=3, q20=4))
    assert result.subscales == {"B": 3, "C": 7, "D": 3, "E": 7}
    assert result.total == 20


def test_pcl5_cut_point_is_33():
    # 32: eight items at 4 = 32, all in B and E (and none in C)
    below = score("pcl5", pcl(q1=4, q2=4, q3=4, q4=4, q5=4, q15=4, q16=4, q17=4))
    assert below.total == 32 and not below.flags["above_cut_point"] and below.band == "below_cut_point"
    at = score("pcl5", pcl(q1=4, q2=4, q3=4, q4=4, q5=4, q15=4, q16=4, q17=4, q18=1))
    assert at.total == 33 and at.flags["above_cut_point"] and at.band == "above_cut_point"


def test_pcl5_cluster_rule_needs_1_b_1_c_2_d_2_e_rated_moderately_or_more():
    minimal = pcl(q1=2, q6=2, q8=2, q9=2, q15=2, q16=2)
    result = score("pcl5", minimal)
    assert result.flags["endorsed"] == {"B": 1, "C": 1, "D": 2, "E": 2}
    assert result.flags["cluster_rule_met"] and result.total == 12 and not result.flags["above_cut_point"]
    # One D item short: rule not met, even with everything else at its maximum.
    short_d = pcl(**{f"q{n}": 4 for n in (1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 17, 18, 19, 20)})
    result = score("pcl5", short_d)
    assert result.flags["endorsed"]["D"] == 1 and not result.flags["cluster_rule_met"]
    assert result.flags["above_cut_point"]  # 56: a high total does not make the cluster rule
    # A 1 ("A little bit") is not endorsed.
    ones = score("pcl5", {f"q{n}": 1 for n in range(1, 21)})
    assert ones.flags["endorsed"] == {"B": 0, "C": 0, "D": 0, "E": 0} and not ones.flags["cluster_rule_met"]
    # No C item endorsed: not met.
    no_c = score("pcl5", {**minimal, "q6": 1})
    assert not no_c.flags["cluster_rule_met"]


# --- Reliable change ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "before", "after", "direction"),
    [
        ("phq9", 18, 12, IMPROVED),
        ("phq9", 18, 13, NO_CHANGE),
        ("phq9", 12, 18, DETERIORATED),
        ("phq9", 12, 17, NO_CHANGE),
        ("phq9", 10, 10, NO_CHANGE),
        ("phq9", 27, 0, IMPROVED),
        ("gad7", 15, 11, IMPROVED),
        ("gad7", 15, 12, NO_CHANGE),
        ("gad7", 8, 12, DETERIORATED),
        ("gad7", 8, 11, NO_CHANGE),
        ("pcl5", 50, 40, IMPROVED),
        ("pcl5", 50, 41, NO_CHANGE),
        ("pcl5", 30, 40, DETERIORATED),
        ("pcl5", 30, 39, NO_CHANGE),
    ],
)
def test_reliable_change_at_and_around_the_thresholds(measure, before, after, direction):
    result = change(measure, before, after)
    assert result.direction == direction
    assert result.delta == after - before


def test_change_text_names_the_kind_of_change():
    assert change("phq9", 18, 12).text == "Reliable improvement (-6 points)"
    assert change("pcl5", 30, 40).text == "Clinically meaningful deterioration (+10 points)"
    assert change("gad7", 9, 10).text == "No reliable change (+1 point)"


# --- NHS Talking Therapies pair definitions --------------------------------------------------------------------


def test_recovered_and_reliably_improved_is_reliable_recovery():
    result = pair_outcome(phq9_before=16, gad7_before=12, phq9_after=8, gad7_after=6)
    assert result.case_at_start and not result.case_at_end
    assert result.recovered and result.reliable_improvement and result.reliable_recovery
    assert not result.reliable_deterioration


def test_recovery_needs_both_measures_below_the_cut_off():
    result = pair_outcome(phq9_before=16, gad7_before=12, phq9_after=9, gad7_after=8)  # GAD-7 8 is still a case
    assert result.recovered is False and result.reliable_recovery is False
    assert result.reliable_improvement  # PHQ-9 −7 reliable, GAD-7 −4 reliable


def test_recovered_without_reliable_improvement_is_not_reliable_recovery():
    result = pair_outcome(phq9_before=12, gad7_before=9, phq9_after=9, gad7_after=7)  # −3 and −2
    assert result.recovered is True and not result.reliable_improvement and result.reliable_recovery is False


def test_caseness_thresholds_at_the_edge():
    assert pair_outcome(phq9_before=10, gad7_before=0, phq9_after=0, gad7_after=0).case_at_start
    assert pair_outcome(phq9_before=0, gad7_before=8, phq9_after=0, gad7_after=0).case_at_start
    not_case = pair_outcome(phq9_before=9, gad7_before=7, phq9_after=2, gad7_after=1)
    assert not not_case.case_at_start
    assert not_case.recovered is None and not_case.reliable_recovery is None  # recovery only applies to cases
    assert not_case.reliable_improvement  # PHQ-9 −7 is still a reliable improvement


def test_one_measure_improving_while_the_other_worsens_counts_as_neither():
    result = pair_outcome(phq9_before=18, gad7_before=6, phq9_after=10, gad7_after=12)  # −8 and +6
    assert result.phq9.direction == IMPROVED and result.gad7.direction == DETERIORATED
    assert not result.reliable_improvement and not result.reliable_deterioration
    assert result.reliable_recovery is False


def test_reliable_improvement_on_one_measure_with_no_reliable_change_on_the_other_counts():
    result = pair_outcome(phq9_before=14, gad7_before=10, phq9_after=8, gad7_after=13)  # −6 and +3
    assert result.reliable_improvement and not result.reliable_deterioration


def test_reliable_deterioration_on_either_measure():
    result = pair_outcome(phq9_before=8, gad7_before=5, phq9_after=9, gad7_after=9)  # +1 and +4
    assert result.reliable_deterioration and not result.reliable_improvement
    assert result.case_at_end and not result.case_at_start


# --- The measures as worksheets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", MEASURE_TEMPLATES, ids=lambda t: t["key"])
def test_each_measure_is_a_valid_worksheet_with_one_item_per_step(template):
    check_schema(template["schema"])
    measure = MEASURES[template["key"]]
    steps = template["schema"]["steps"]
    assert len(steps) == len(measure["items"]) + (1 if "extra" in measure else 0)
    assert all(len(step["fields"]) == 1 for step in steps)
    raw = {f"f-{key}": "1" for key, _ in measure["items"]}
    answers, errors = clean_answers(template["schema"], raw, require_complete=True)
    assert errors == {} and score(template["key"], answers).total == len(measure["items"])
    _, errors = clean_answers(template["schema"], {**raw, "f-q1": "7"}, require_complete=True)
    assert errors == {"f-q1": "Please choose from the options shown."}
