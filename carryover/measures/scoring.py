"""Scoring, reliable change and the NHS Talking Therapies outcome definitions, as pure functions (no database).

Numbers and rules come from `instruments.py`, where each one cites its source; `docs/clinical-sources.md` lists
them all. `how_scored` writes them out, with their sources, for the therapist's "how this is scored" panels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_lazy, ngettext

from .instruments import GAD7, MEASURES, NHS_OUTCOMES, PHQ9, SOURCES, item_keys


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
    extra = measure.get("extra")
    if extra and answers.get(extra["key"]) in dict(extra["choices"]):
        flags["difficulty"] = answers[extra["key"]]  # kept beside the score, never added to it
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
    detectable: int | None = None  # PCL-5: the minimum detectable change (5), shown beside the meaningful one

    @property
    def points(self) -> str:
        if not self.delta:
            return gettext("same score")
        return ngettext("%(delta)s point", "%(delta)s points", abs(self.delta)) % {"delta": f"{self.delta:+d}"}

    @property
    def text(self) -> str:
        """The change in words, in the reader's language: each phrase whole (CHANGE_TEXTS), so that a translation
        can agree in gender and order ("mejoría fiable", "cambio fiable")."""
        words = {"points": self.points, "threshold": self.threshold}
        if not self.delta:
            return gettext("No change (same score)")
        if self.direction == NO_CHANGE and self.detectable:
            kind = NO_CHANGE if abs(self.delta) < self.detectable else IMPROVED if self.delta < 0 else DETERIORATED
            return str(DETECTABLE_TEXTS[self.label, kind]) % words
        return str(CHANGE_TEXTS[self.label, self.direction]) % words


# The measures' `change_label` with each direction; a measure with a minimum detectable change (the PCL-5) says
# whether a smaller change is detectable. A label or direction missing here fails loudly (KeyError).
CHANGE_TEXTS = {
    ("reliable", IMPROVED): gettext_lazy("Reliable improvement (%(points)s)"),
    ("reliable", DETERIORATED): gettext_lazy("Reliable deterioration (%(points)s)"),
    ("reliable", NO_CHANGE): gettext_lazy("No reliable change (%(points)s)"),
    ("clinically meaningful", IMPROVED): gettext_lazy("Clinically meaningful improvement (%(points)s)"),
    ("clinically meaningful", DETERIORATED): gettext_lazy("Clinically meaningful deterioration (%(points)s)"),
    ("clinically meaningful", NO_CHANGE): gettext_lazy("No clinically meaningful change (%(points)s)"),
}
DETECTABLE_TEXTS = {
    ("clinically meaningful", IMPROVED): gettext_lazy(
        "Detectable improvement, not yet clinically meaningful (%(points)s; clinically meaningful is %(threshold)s)"
    ),
    ("clinically meaningful", DETERIORATED): gettext_lazy(
        "Detectable deterioration, not yet clinically meaningful (%(points)s; clinically meaningful is %(threshold)s)"
    ),
    ("clinically meaningful", NO_CHANGE): gettext_lazy("No detectable change (%(points)s)"),
}


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
    return Change(
        measure_key,
        before,
        after,
        delta,
        direction,
        threshold,
        measure["change_label"],
        measure.get("detectable_change"),
    )


@dataclass(frozen=True)
class PairOutcome:
    """NHS Talking Therapies outcomes for a PHQ-9 + GAD-7 pair, start and end (docs/clinical-sources.md)."""

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
      (an open item in docs/clinical-sources.md);
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


# --- How it is scored --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoringNote:
    """One line of a "how this is scored" panel: a total, band, threshold or rule, and its published source."""

    name: str
    text: str
    source: str


def _range_text(low: int, high: int) -> str:
    return f"{low}–{high}" if low != high else str(low)


def how_scored(measure_key: str) -> list[ScoringNote]:
    """Every number a therapist sees for this measure, written out from `instruments.py` with its source."""
    measure = MEASURES[measure_key]
    sources = SOURCES[measure_key]
    (low, low_label), (high, high_label) = measure["scale"][0], measure["scale"][-1]
    count = len(measure["items"])
    total = (
        f"The sum of the {count} items, each from {low} ({low_label.lower()}) to {high} ({high_label.lower()}): "
        f"{count * low}–{count * high}."
    )
    if measure.get("extra"):
        total += " The closing “how difficult” question is asked and kept, never added to the total."
    notes = [ScoringNote("Total", total, sources["total"])]
    if "cut_point" in measure:
        first, last = measure["cut_point_range"]
        text = (
            f"A total of {measure['cut_point']} or more is a positive screen for probable PTSD, to be confirmed by "
            f"a clinical assessment. Published cut-points run from {first} to {last}; the upper end is used so a "
            "positive screen is not over-called."
        )
        notes.append(ScoringNote("Cut-point", text, sources["cut_point"]))
    else:
        bands = ", ".join(f"{_range_text(lo, hi)} {label.lower()}" for lo, hi, _, label in measure["bands"])
        notes.append(ScoringNote("Severity bands", bands[0].upper() + bands[1:] + ".", sources["bands"]))
    if "caseness" in measure:
        text = f"{measure['caseness']} or more counts as a case (above the clinical cut-off)."
        notes.append(ScoringNote("Caseness", text, sources["caseness"]))
    if "cluster_rule" in measure:
        endorsed_at = measure["endorsed_at"]
        clusters = measure["clusters"]
        needs = ", ".join(
            f"{need} {name} (items {_range_text(min(clusters[name][1]), max(clusters[name][1]))})"
            for name, need in measure["cluster_rule"].items()
        )
        text = (
            f"An item rated {endorsed_at} ({dict(measure['scale'])[endorsed_at].lower()}) or more counts as "
            f"endorsed; the rule is met with at least {needs} endorsed. It is a provisional diagnosis, not a diagnosis."
        )
        notes.append(ScoringNote("Provisional PTSD (DSM-5 cluster rule)", text, sources["cluster_rule"]))
    if measure.get("detectable_change"):
        change_text = (
            f"Minimum detectable change: {measure['detectable_change']} points (the minimum for a response). "
            f"Clinically meaningful change: {measure['reliable_change']} points, used for “reliably worse” flags."
        )
    else:
        change_text = (
            f"A change of {measure['reliable_change']} points or more, either way, is reliable (beyond measurement "
            "error); smaller changes may be noise."
        )
    notes.append(ScoringNote("Change", change_text, sources["change"]))
    if "risk_item" in measure:
        number = item_keys(measure).index(measure["risk_item"]) + 1
        text = (
            f"Any answer above 0 on item {number} raises a safety alert for the care team at once, whatever the "
            "total. An answer of 0 does not rule out risk: most suicides in one large study followed a 0."
        )
        notes.append(ScoringNote(f"Item {number}", text, sources["risk_item"]))
    return notes


PAIR_NOTE = ScoringNote(
    "PHQ-9 and GAD-7 together",
    f"A case at the start (PHQ-9 ≥ {PHQ9['caseness']} or GAD-7 ≥ {GAD7['caseness']}) has recovered when below both "
    f"cut-offs at the end. Reliable improvement: a drop of at least {PHQ9['reliable_change']} (PHQ-9) or "
    f"{GAD7['reliable_change']} (GAD-7) points on one, with no reliable rise on the other; one improving while the "
    "other reliably worsens counts as neither. Reliable recovery: both.",
    NHS_OUTCOMES,
)


def difficulty_text(measure_key: str, flags: dict[str, Any]) -> str | None:
    """The unscored "how difficult" answer, as the client chose it ("Very difficult"), if they answered it."""
    extra = MEASURES[measure_key].get("extra")
    return dict(extra["choices"]).get(flags.get("difficulty", "")) if extra else None


def cluster_rule_text(measure_key: str, flags: dict[str, Any]) -> str | None:
    """ "Provisional PTSD (DSM-5 cluster rule): met — B 3 of 5 (needs 1), …" from a PCL-5 result's flags."""
    measure = MEASURES[measure_key]
    if "cluster_rule" not in measure or "endorsed" not in flags:
        return None
    counts = ", ".join(
        f"{name} {flags['endorsed'].get(name, 0)} of {len(measure['clusters'][name][1])} (needs {need})"
        for name, need in measure["cluster_rule"].items()
    )
    verdict = "met" if flags.get("cluster_rule_met") else "not met"
    return f"Provisional PTSD (DSM-5 cluster rule): {verdict} — items rated {measure['endorsed_at']} or more: {counts}"
