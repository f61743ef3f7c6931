"""Scoring, reliable change and the NHS Talking Therapies outcome definitions, as pure functions (no database).

Numbers and rules come from `instruments.py`, where each one cites its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .instruments import GAD7, MEASURES, PHQ9, item_keys


class ScoringError(ValueError):
    """Answers that cannot be scored: `missing` item keys, or `invalid` ones (out of range or not a number)."""

    def __init__(self, *, missing: list[str] | None = None, invalid: list[str] | None = None):
        self.missing = missing or []
        self.invalid = invalid or []
        super().__init__(f"missing {self.missing}, invalid {self.invalid}")


@dataclass(frozen=True)
class Score:
    measure: str
    total: int
    band: str
    band_label: str
    subscales: dict[str, int] = field(default_factory=dict)
    risk_value: int | None = None  # PHQ-9 item 9 as answered (0–3); None for measures without a risk item
    flags: dict[str, Any] = field(default_factory=dict)

    @property
    def risk_flag(self) -> bool:
        return bool(self.risk_value)


def item_values(measure_key: str, answers: Mapping[str, Any]) -> list[int]:
    """The item answers in order, as integers on the measure's scale. All items are required for a score."""
    measure = MEASURES[measure_key]
    low, high = measure["scale"][0][0], measure["scale"][-1][0]
    values, missing, invalid = [], [], []
    for key in item_keys(measure):
        raw = answers.get(key)
        if raw is None or raw == "":
            missing.append(key)
            continue
        if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit())):
            invalid.append(key)
            continue
        value = int(raw)
        if not low <= value <= high:
            invalid.append(key)
            continue
        values.append(value)
    if missing or invalid:
        raise ScoringError(missing=missing, invalid=invalid)
    return values


def band_of(measure_key: str, total: int) -> tuple[str, str]:
    for low, high, band, label in MEASURES[measure_key]["bands"]:
        if low <= total <= high:
            return band, label
    raise ScoringError(invalid=["total"])


def score(measure_key: str, answers: Mapping[str, Any]) -> Score:
    measure = MEASURES[measure_key]
    values = item_values(measure_key, answers)
    total = sum(values)
    band, label = band_of(measure_key, total)
    subscales: dict[str, int] = {}
    flags: dict[str, Any] = {}
    if "clusters" in measure:
        endorsed_at = measure["endorsed_at"]
        endorsed = {}
        for name, (_, numbers) in measure["clusters"].items():
            subscales[name] = sum(values[n - 1] for n in numbers)
            endorsed[name] = sum(1 for n in numbers if values[n - 1] >= endorsed_at)
        flags["endorsed"] = endorsed
        flags["cluster_rule_met"] = all(endorsed[name] >= need for name, need in measure["cluster_rule"].items())
        flags["above_cut_point"] = total >= measure["cut_point"]
    if "caseness" in measure:
        flags["case"] = total >= measure["caseness"]
    risk_value = None
    if "risk_item" in measure:
        risk_value = values[item_keys(measure).index(measure["risk_item"])]
    return Score(measure_key, total, band, label, subscales, risk_value, flags)


# --- Change -------------------------------------------------------------------------------------------------

IMPROVED, DETERIORATED, NO_CHANGE = "improved", "deteriorated", "no_change"


@dataclass(frozen=True)
class Change:
    measure: str
    before: int
    after: int
    delta: int  # after − before; lower is better on all three measures
    direction: str  # IMPROVED / DETERIORATED (beyond the measure's threshold) or NO_CHANGE
    threshold: int
    label: str  # "reliable" or "clinically meaningful"

    @property
    def text(self) -> str:
        if self.direction == IMPROVED:
            return f"{self.label.capitalize()} improvement ({self.delta:+d})"
        if self.direction == DETERIORATED:
            return f"{self.label.capitalize()} deterioration ({self.delta:+d})"
        return f"No {self.label} change ({self.delta:+d})"


def change(measure_key: str, before: int, after: int) -> Change:
    """A change of at least the measure's threshold, in either direction (PHQ-9 6, GAD-7 4, PCL-5 10 points)."""
    measure = MEASURES[measure_key]
    threshold = measure["reliable_change"]
    delta = after - before
    direction = NO_CHANGE
    if delta <= -threshold:
        direction = IMPROVED
    elif delta >= threshold:
        direction = DETERIORATED
    return Change(measure_key, before, after, delta, direction, threshold, measure["change_label"])


@dataclass(frozen=True)
class PairOutcome:
    """NHS Talking Therapies outcomes for a PHQ-9 + GAD-7 pair at the start and at the end (clinical.md §3.5)."""

    case_at_start: bool
    case_at_end: bool
    recovered: bool | None  # None: not a case at the start, so recovery does not apply
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool | None
    phq9: Change
    gad7: Change


def is_case(phq9: int, gad7: int) -> bool:
    """Above the clinical cut-off on either measure: PHQ-9 ≥ 10 or GAD-7 ≥ 8 (NHS TT caseness)."""
    return phq9 >= PHQ9["caseness"] or gad7 >= GAD7["caseness"]


def pair_outcome(*, phq9_before: int, gad7_before: int, phq9_after: int, gad7_after: int) -> PairOutcome:
    """The NHS Talking Therapies definitions (fingertips.phe.org.uk glossary; NCT05134103; Gyani et al. 2013):

    - recovery: a case at the start who is below the cut-off on *both* measures at the end;
    - reliable improvement: a reliable decrease on at least one measure and no reliable increase on the other;
    - reliable deterioration: a reliable increase on at least one measure and no reliable decrease on the other;
      one measure reliably improving while the other reliably deteriorates counts as neither. This tie-break is
      how the national definitions are usually implemented; the manual's own text was not retrieved
      (clinical.md §3.5 open item);
    - reliable recovery: recovered and reliably improved.
    """
    phq = change("phq9", phq9_before, phq9_after)
    gad = change("gad7", gad7_before, gad7_after)
    directions = {phq.direction, gad.direction}
    improved = IMPROVED in directions and DETERIORATED not in directions
    deteriorated = DETERIORATED in directions and IMPROVED not in directions
    case_start = is_case(phq9_before, gad7_before)
    case_end = is_case(phq9_after, gad7_after)
    recovered = (not case_end) if case_start else None
    reliable_recovery = (recovered and improved) if case_start else None
    return PairOutcome(case_start, case_end, recovered, improved, deteriorated, reliable_recovery, phq, gad)
