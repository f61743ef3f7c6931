"""What the measures add to the review pages: risk and score signals on the caseload, a scores section (with a
chart per measure, session days marked) in the session-prep summary and its PDF, and scores and alerts on the
client timeline. Registered through the review app's extension API (review/extensions.py) from
`MeasuresConfig.ready()`; each provider runs a constant number of queries.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carryover.accounts.models import Membership
from carryover.lib.times import local_day

# The review app's built-ins register when these load: loaded first, they come first in the pages' filters.
from carryover.review import caseload, timeline  # noqa: F401
from carryover.review.charts import Chart, register_kind
from carryover.review.extensions import (
    CaseloadContext,
    Event,
    Signal,
    SummarySection,
    TimedLine,
    caseload_signals,
    summary_sections,
    timeline_providers,
)
from carryover.review.models import Session
from carryover.review.windows import Window

from . import scoring, services
from .charts import chart_spec, draw_spec
from .models import AlertStatus, MeasureResult, RiskAlert

RISK_WEIGHT = 1000  # an unacknowledged safety alert outranks everything else on the caseload


def risk_and_scores_signal(ctx: CaseloadContext) -> dict[int, list[Signal]]:
    result: dict[int, list[Signal]] = {}
    for client_id, flags in services.caseload_flags(ctx.ids).items():
        signals = []
        if flags["open_alerts"]:
            signals.append(Signal("risk", _("Safety alert: not yet acknowledged"), RISK_WEIGHT, "risk"))
        if flags["acknowledged_alerts"]:
            signals.append(Signal("risk", _("Safety alert: acknowledged, not resolved"), RISK_WEIGHT // 2, "risk"))
        if flags["worsening"]:
            signals.append(
                Signal("worse", _("Reliably worse: %(measures)s") % {"measures": ", ".join(flags["worsening"])}, 40)
            )
        if signals:
            result[client_id] = signals
    return result


def _alert_line(alert: RiskAlert, client: Membership) -> str:
    """On the client's own day, like everything else in the summary and timeline; the pages add the moment it was
    raised in the reader's time zone."""
    state = {
        AlertStatus.OPEN: _("open, not yet acknowledged"),
        AlertStatus.ACKNOWLEDGED: _("acknowledged, not resolved"),
        AlertStatus.RESOLVED: _("resolved"),
    }[AlertStatus(alert.status)]
    day = local_day(alert.created_at, client.user.zone)
    return _("Safety alert of %(day)s: %(source)s (%(state)s)") % {
        "day": date_format(day, "D j M"),
        "source": alert.get_source_display(),
        "state": state,
    }


def alerts_section(client: Membership, window: Window) -> SummarySection | None:
    since = datetime.combine(window.start, time.min, client.user.zone)
    alerts = RiskAlert.objects.filter(client=client).exclude(status=AlertStatus.RESOLVED, created_at__lt=since)
    timed = [
        TimedLine(_alert_line(alert, client), alert.created_at, _("raised")) for alert in alerts.order_by("created_at")
    ]
    return SummarySection(_("Safety"), level="risk", timed=timed) if timed else None


def scores_section(client: Membership, window: Window) -> SummarySection | None:
    """Scores over the whole course of care (change from baseline needs the baseline), with what changed."""
    summaries = services.summaries(MeasureResult.objects.filter(client=client, taken_on__lte=window.end))
    if not summaries:
        return None
    sessions = Session.objects.dates_for(client)
    lines, charts, notes = [], [], []
    for summary in summaries:
        latest = summary.latest
        line = _("%(name)s: %(total)s (%(band)s) on %(day)s") % {
            "name": summary.name,
            "total": latest.total,
            "band": latest.band_label,
            "day": date_format(latest.taken_on, "j M"),
        }
        if summary.from_previous:
            line += " · " + _("since the previous score: %(text)s") % {"text": summary.from_previous.text.lower()}
        if len(summary.results) > 2 and summary.from_baseline:
            line += " · " + _("since the first: %(text)s") % {"text": summary.from_baseline.text.lower()}
        if latest.risk_value is not None:
            # A 0 on item 9 is what was answered, not a statement that the client is safe.
            line += " · " + _("question 9 answered %(value)s") % {"value": latest.risk_value}
            line += "" if latest.risk_value else " " + _("(does not rule out risk)")
        if latest.difficulty_text:
            line += " · " + _("daily life: %(text)s (unscored)") % {"text": latest.difficulty_text.lower()}
        if latest.cluster_rule_text:
            line += f" · {latest.cluster_rule_text}"
        notes += [replace(note, name=f"{summary.name}: {note.name}") for note in summary.how_scored]
        lines.append(line)
        # The window ends on the client's today (or the day the therapist chose); there are scores here anyway.
        marked = [d for d in sessions if d <= window.end]
        charts.append(
            Chart(
                _("%(name)s over time") % {"name": summary.name},
                _(
                    "%(name)s scores from %(first)s to %(last)s, with the severity bands shaded and session days as "
                    "dashed lines."
                )
                % {
                    "name": summary.name,
                    "first": date_format(summary.baseline.taken_on, "j M Y"),
                    "last": date_format(latest.taken_on, "j M Y"),
                },
                chart_spec(summary.measure, summary.results, marked, today=window.end),
                [_("Date"), _("Score"), _("Severity")],
                [[date_format(r.taken_on, "j M Y"), r.total, r.band_label] for r in summary.results],
            )
        )
    outcome = services.pair_outcome_for(summaries)
    if outcome is not None:
        lines.append(_("PHQ-9 and GAD-7 together (NHS Talking Therapies): %(text)s") % {"text": _pair_text(outcome)})
        notes.append(scoring.PAIR_NOTE)
    return SummarySection(_("Questionnaires"), lines, charts, level="scores", notes=notes)


def _pair_text(outcome: scoring.PairOutcome) -> str:
    if outcome.reliable_recovery:
        return _("reliable recovery")
    if outcome.reliable_improvement:
        return _("reliable improvement")
    if outcome.reliable_deterioration:
        return _("reliable deterioration")
    return _("no reliable change")


def timeline_events(client: Membership, window: Window, wanted: set[str], assignment_id: int | None) -> list[Event]:
    zone = client.user.zone
    events: list[Event] = []
    if "score" in wanted:
        results = MeasureResult.objects.filter(client=client, taken_on__gte=window.start, taken_on__lte=window.end)
        if assignment_id is not None:
            results = results.filter(entry__assignment_id=assignment_id)
        for r in results:
            detail = _("Score %(total)s (%(band)s)") % {"total": r.total, "band": r.band_label}
            if r.risk_value is not None:
                detail += " · " + _("question 9 answered %(value)s") % {"value": r.risk_value}
            events.append(
                Event(
                    r.taken_on,
                    r.created_at,
                    "score",
                    r.definition["name"],
                    detail,
                    url=reverse("entry_detail", args=[r.entry_id]),
                    assignment_id=None,
                )
            )
    if "alert" in wanted and assignment_id is None:
        since = datetime.combine(window.start, time.min, zone)
        until = datetime.combine(window.end + timedelta(days=1), time.min, zone)
        for alert in RiskAlert.objects.filter(client=client, created_at__gte=since, created_at__lt=until):
            events.append(
                Event(
                    local_day(alert.created_at, zone),
                    alert.created_at,
                    "alert",
                    _("Safety alert"),
                    _alert_line(alert, client),
                    url=reverse("alert_detail", args=[alert.pk]),
                    timed=True,
                )
            )
    return events


def register() -> None:
    kinds = {"risk": gettext_lazy("Open safety alert"), "worse": gettext_lazy("Scores reliably worse")}
    caseload_signals.register(risk_and_scores_signal, kinds=kinds)
    summary_sections.register(alerts_section)
    summary_sections.register(scores_section)
    register_kind("measure", draw_spec)  # the summary's score charts, drawn (and cached) by review's charts
    timeline_providers.register(
        timeline_events, kinds={"score": gettext_lazy("Questionnaire scores"), "alert": gettext_lazy("Safety alert")}
    )
