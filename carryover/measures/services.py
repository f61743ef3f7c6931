"""Operations on measures, risk alerts and safety plans. Views call these; nothing else writes.

Audit rows are written by the access helpers the views fetch through, not here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carryover.accounts.models import CrisisResource, Membership, Practice, User
from carryover.homework import schema as worksheet
from carryover.homework import services as homework
from carryover.homework.models import Draft, Entry, Occurrence, Outcome, TemplateKind, TemplateVersion
from carryover.homework.services import ALREADY_SENT
from carryover.lib import events

from . import access, risk, scoring
from .instruments import MEASURE_TEMPLATES, MEASURES
from .models import (
    AlertStatus,
    MeasureResult,
    MeasureSharing,
    RiskAlert,
    SafetyPlan,
    SafetySettings,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def measures_sync() -> list[str]:
    """Create or update the built-in measures in the homework library (a changed one becomes a new version)."""
    return homework.builtin_sync(MEASURE_TEMPLATES, kind=TemplateKind.QUESTIONNAIRE)


def measure_of(version: TemplateVersion) -> str | None:
    """The measure key of a template version, or None for an ordinary worksheet."""
    template = version.template
    if template.kind != TemplateKind.QUESTIONNAIRE:
        return None
    return template.key if template.practice_id is None and template.key in MEASURES else None


# --- Submitting a measure -----------------------------------------------------------------------------------


def measure_submit(*, draft: Draft) -> MeasureResult:
    """Score a completed measure: an entry (through risk.entry_send, which links or raises the one risk alert of
    the occurrence) and its result. All or nothing, once per occurrence: a second submission (a double-click,
    another tab, a second worker) gets SubmissionError and changes nothing."""
    measure = measure_of(draft.template_version)
    if measure is None or draft.occurrence_id is None:
        raise ValueError("not a scheduled measure")
    # Only answers: a measure has no outcome or after-questions, and is always shared with the care team.
    draft.raw = {key: value for key, value in draft.raw.items() if key.startswith("f-")}
    answers, errors = worksheet.clean_answers(draft.template_version.schema, draft.raw, require_complete=True)
    if errors:
        raise homework.SubmissionError(errors)
    try:
        result = scoring.score(measure, answers)
    except scoring.ScoringError as error:
        raise homework.SubmissionError(
            {f"f-{key}": "Please choose an answer." for key in error.missing + error.invalid}
        ) from error
    with transaction.atomic():
        # The lock makes a racing second submission wait here and then see the occurrence answered.
        occurrence = Occurrence.objects.select_for_update().get(pk=draft.occurrence_id)
        if occurrence.is_answered:
            raise homework.SubmissionError({"form": str(ALREADY_SENT)})
        try:
            with transaction.atomic():
                entry, _created = risk.entry_send(draft=draft, outcome=Outcome.DONE)
        except homework.DraftGone as error:
            raise homework.SubmissionError({"form": str(ALREADY_SENT)}) from error
        except IntegrityError as error:  # the entry's one-per-occurrence constraint: the last line of defence
            raise homework.SubmissionError({"form": str(ALREADY_SENT)}) from error
        saved = MeasureResult.objects.create(
            client=draft.client,
            entry=entry,
            measure=measure,
            total=result.total,
            band=result.band,
            subscales=result.subscales,
            flags=result.flags,
            risk_value=result.risk_value,
            taken_on=entry.done_on,
        )
    return saved


class MeasuresRiskWatch:
    """How homework's pages check and send drafts (carryover.homework.hooks.RiskWatch), installed from
    MeasuresConfig.ready(). A questionnaire's draft is sent by `measure_submit` wherever it comes from (its own
    flow, the API, a phone back online): scored once, with its one alert."""

    def draft_saved(self, *, draft: Draft, before: dict[str, Any]) -> bool:
        return risk.draft_check(draft=draft, before=before).crisis

    def draft_send(self, *, draft: Draft, outcome: str | None) -> tuple[Entry, bool]:
        if measure_of(draft.template_version) is not None:
            result = measure_submit(draft=draft)
            return result.entry, risk.has_risk_answer(result.entry)
        entry, check = risk.entry_send(draft=draft, outcome=outcome)
        return entry, check.crisis

    def sent_with_risk(self, occurrence: Occurrence) -> bool:
        return risk.sent_with_risk(occurrence)

    def today(self, client: Membership) -> dict[str, Any]:
        return risk.today_panel(client)


# --- Risk alerts ------------------------------------------------------------------------------------------------


def safety_settings(practice: Practice | int) -> SafetySettings:
    return SafetySettings.for_practice(practice if isinstance(practice, int) else practice.pk)


def alert_acknowledge(*, alert: RiskAlert, actor: User) -> bool:
    """Open → acknowledged. False if someone else got there first (their name stays on it)."""
    with transaction.atomic():
        done = RiskAlert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
            status=AlertStatus.ACKNOWLEDGED, acknowledged_at=timezone.now(), acknowledged_by=actor
        )
        if done:
            events.emit(events.ALERT_ACKNOWLEDGED, practice_id=alert.practice_id, alert_id=alert.pk)
    return bool(done)


def alert_resolve(*, alert: RiskAlert, actor: User, note: str) -> None:
    """Resolved with a note (acknowledging it too, if nobody had)."""
    note = note.strip()
    if not note:
        raise ValueError("A note is needed to resolve an alert.")
    now = timezone.now()
    with transaction.atomic():
        alert = RiskAlert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == AlertStatus.RESOLVED:
            return
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = now, actor
        alert.status, alert.resolved_at, alert.resolved_by, alert.resolution_note = (
            AlertStatus.RESOLVED,
            now,
            actor,
            note,
        )
        alert.save()
        events.emit(events.ALERT_RESOLVED, practice_id=alert.practice_id, alert_id=alert.pk)


def open_alerts_for_therapist(therapist: Membership):
    return (
        RiskAlert.objects.filter(client__in=Membership.objects.clients_of(therapist))
        .exclude(status=AlertStatus.RESOLVED)
        .select_related("client__user", "acknowledged_by")
        .order_by("status", "created_at")
    )


# --- Safety plan -------------------------------------------------------------------------------------------------

# Stanley & Brown (2012) Cogn Behav Pract 19:256–264: six prioritised steps, plus reasons for living.
SAFETY_PLAN_SECTIONS: list[tuple[str, StrOrPromise, StrOrPromise]] = [
    (
        "warning_signs",
        gettext_lazy("1. My warning signs"),
        gettext_lazy("Thoughts, feelings, situations or behaviours that tell me a crisis may be coming."),
    ),
    (
        "coping",
        gettext_lazy("2. Things I can do on my own"),
        gettext_lazy("Ways to take my mind off things without contacting anyone."),
    ),
    (
        "distraction",
        gettext_lazy("3. People and places that take my mind off things"),
        gettext_lazy("Names, numbers, places I can go."),
    ),
    (
        "help_people",
        gettext_lazy("4. People I can ask for help"),
        gettext_lazy("Names and phone numbers."),
    ),
    (
        "professionals",
        gettext_lazy("5. Professionals and crisis lines"),
        gettext_lazy("My therapist, my GP or doctor, crisis lines (they are listed under “Need help now?” too)."),
    ),
    (
        "environment",
        gettext_lazy("6. Making my surroundings safer"),
        gettext_lazy("What I can do, and who can help, to keep things I might use to hurt myself out of reach."),
    ),
    (
        "reasons",
        gettext_lazy("My reasons for living"),
        gettext_lazy("What matters most to me and is worth living for."),
    ),
]


def safety_plan_of(client: Membership) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(client=client).first()


def safety_plan_save(*, client: Membership, actor: User, content: dict[str, str]) -> SafetyPlan:
    cleaned = {key: str(content.get(key) or "").strip() for key, _, _ in SAFETY_PLAN_SECTIONS}
    plan, _created = SafetyPlan.objects.update_or_create(
        client=client, defaults={"content": cleaned, "updated_at": timezone.now(), "updated_by": actor}
    )
    return plan


# --- Results, change and the caseload --------------------------------------------------------------------------


def charts_shared(client: Membership) -> bool:
    return access.charts_shared(client)


def charts_share_set(*, client: Membership, shared: bool) -> None:
    MeasureSharing.objects.update_or_create(
        client=client, defaults={"charts_shared": shared, "updated_at": timezone.now()}
    )


@dataclass
class MeasureSummary:
    measure: str
    name: str
    results: list[MeasureResult]

    @property
    def latest(self) -> MeasureResult:
        return self.results[-1]

    @property
    def how_scored(self) -> list[scoring.ScoringNote]:
        return scoring.how_scored(self.measure)

    @property
    def baseline(self) -> MeasureResult:
        return self.results[0]

    @property
    def from_previous(self) -> scoring.Change | None:
        if len(self.results) < 2:
            return None
        return scoring.change(self.measure, self.results[-2].total, self.latest.total)

    @property
    def from_baseline(self) -> scoring.Change | None:
        if len(self.results) < 2:
            return None
        return scoring.change(self.measure, self.baseline.total, self.latest.total)


def summaries(results: Iterable[MeasureResult]) -> list[MeasureSummary]:
    """Results grouped per measure, oldest first, in the order the measures are defined."""
    grouped: dict[str, list[MeasureResult]] = {}
    for result in sorted(results, key=lambda r: (r.taken_on, r.created_at, r.pk)):
        grouped.setdefault(result.measure, []).append(result)
    return [MeasureSummary(key, MEASURES[key]["name"], grouped[key]) for key in MEASURES if key in grouped]


def client_summaries(client: Membership) -> list[MeasureSummary]:
    return summaries(MeasureResult.objects.filter(client=client))


def pair_outcome_for(summary_list: list[MeasureSummary]) -> scoring.PairOutcome | None:
    """NHS Talking Therapies outcomes when the client has a PHQ-9 and a GAD-7 at the start and since."""
    by_key = {s.measure: s for s in summary_list}
    phq, gad = by_key.get("phq9"), by_key.get("gad7")
    if phq is None or gad is None or len(phq.results) < 2 or len(gad.results) < 2:
        return None
    return scoring.pair_outcome(
        phq9_before=phq.baseline.total,
        gad7_before=gad.baseline.total,
        phq9_after=phq.latest.total,
        gad7_after=gad.latest.total,
    )


def caseload_flags(client_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """For the caseload: per client (by membership id) the alerts not yet resolved (open, and acknowledged), the
    latest score of each measure, reliable change from the previous score and from baseline, and whether anything
    reliably worsened. Two queries whatever the number of clients."""
    ids = list(client_ids)
    flags: dict[int, dict[str, Any]] = {
        cid: {"open_alerts": 0, "acknowledged_alerts": 0, "latest": {}, "worsening": [], "improving": []} for cid in ids
    }
    alerts = (
        RiskAlert.objects.filter(client_id__in=ids)
        .exclude(status=AlertStatus.RESOLVED)
        .values("client_id", "status")
        .annotate(n=Count("id"))
    )
    for row in alerts:
        key = "open_alerts" if row["status"] == AlertStatus.OPEN else "acknowledged_alerts"
        flags[row["client_id"]][key] += row["n"]
    results: dict[int, list[MeasureResult]] = {}
    for result in MeasureResult.objects.filter(client_id__in=ids).only(
        "client_id", "measure", "total", "band", "taken_on", "created_at", "risk_value"
    ):
        results.setdefault(result.client_id, []).append(result)
    for cid, rows in results.items():
        for summary in summaries(rows):
            previous, baseline = summary.from_previous, summary.from_baseline
            flags[cid]["latest"][summary.measure] = {
                "total": summary.latest.total,
                "band": summary.latest.band_label,
                "taken_on": summary.latest.taken_on,
                "from_previous": previous,
                "from_baseline": baseline,
            }
            if (previous and previous.direction == scoring.DETERIORATED) or (
                baseline and baseline.direction == scoring.DETERIORATED
            ):
                flags[cid]["worsening"].append(summary.name)
            if baseline and baseline.direction == scoring.IMPROVED:
                flags[cid]["improving"].append(summary.name)
    return flags


# --- Crisis resources ------------------------------------------------------------------------------------------

STALE_AFTER = timedelta(days=183)  # about six months


def crisis_resources_stale(practice: Practice, *, today: date):
    """Resources whose numbers nobody has checked in the last six months (wrong numbers are a documented failure
    of crisis apps: Martinengo et al. 2019)."""
    return CrisisResource.objects.filter(practice=practice, last_verified__lt=today - STALE_AFTER)
