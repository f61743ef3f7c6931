"""Risk answers, the moment they are saved: the crisis screen, and exactly one alert for the care team.

The rules are data on the worksheet's fields (`risk` in homework/schema.py): PHQ-9 item 9, the DBT card's urges,
a therapist's own risk questions. Nothing here knows an instrument by name, so the next one gets this for free.

- Every save of a draft (a step's Next, a measure's answer, the htmx autosave) is checked. An answer that meets a
  rule takes the client to the crisis screen; unless the rule is optional and the therapist turned alerts off for
  this client, it raises the alert of that occurrence (or free-practice draft). The database holds it to one
  (`one_risk_alert_per_occurrence`, `one_risk_alert_per_draft`), however many saves and sends race.
- Sending links the entry to that alert, or raises it then if it was never raised (the API, a client without JS).
- Changing the answer back never withdraws an alert: the care team sees "answer changed after alert".
- What the crisis screen showed is written on the alert the first time it is shown, so the alert page can say
  what the client saw rather than what they might have seen.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from carryover.accounts.models import Membership
from carryover.homework import schema as worksheet
from carryover.homework import services as homework
from carryover.homework.models import Assignment, Draft, Entry, Occurrence
from carryover.lib import events

from .models import AlertSource, AlertStatus, RiskAlert, SafetyPlan, SafetySettings
from .tasks import alert_escalate, alert_notify


@dataclass(frozen=True)
class RiskCheck:
    crisis: bool  # take the client to the crisis screen now
    alert: RiskAlert | None


def alert_raise(
    *,
    client: Membership,
    source: str,
    entry: Entry | None = None,
    occurrence: Occurrence | None = None,
    draft: Draft | None = None,
    trigger: list[dict] | None = None,
) -> RiskAlert:
    """One alert for the care team, seen in the app at once; the email and the escalation are enqueued in the same
    transaction (the database task backend), so a rolled-back change leaves no alert and sends nothing, and a mail
    server that is down delays only the email. "I need help now" while an earlier one is still open returns that
    one. A second alert for the same occurrence or draft raises IntegrityError (the callers' race)."""
    with transaction.atomic():
        if source == AlertSource.HELP_NOW:
            existing = RiskAlert.objects.filter(client=client, source=source, status=AlertStatus.OPEN).first()
            if existing is not None:
                return existing
        try:
            with transaction.atomic():
                alert = RiskAlert.objects.create(
                    practice_id=client.practice_id,
                    client=client,
                    source=source,
                    entry=entry,
                    occurrence=occurrence,
                    draft=draft,
                    trigger=trigger or [],
                )
        except IntegrityError:
            if source != AlertSource.HELP_NOW:
                raise
            return RiskAlert.objects.get(client=client, source=source, status=AlertStatus.OPEN)
        minutes = SafetySettings.for_practice(client.practice_id).escalation_minutes
        alert_notify.enqueue(alert.pk)
        events.emit(events.ALERT_RAISED, practice_id=alert.practice_id, alert_id=alert.pk, client_id=client.user_id)
        alert_escalate.using(run_after=alert.created_at + timedelta(minutes=minutes)).enqueue(alert.pk)
    return alert


def _alerts_therapist(field: dict, assignment: Assignment | None) -> bool:
    if field["risk"].get("alert", "optional") == "always" or assignment is None:
        return True  # practice on one's own has nobody to ask: the default, on
    return assignment.risk_alerts


def alert_of(draft: Draft) -> RiskAlert | None:
    if draft.occurrence_id is not None:
        return RiskAlert.objects.filter(occurrence_id=draft.occurrence_id).first()
    return RiskAlert.objects.filter(draft_id=draft.pk).first()


def _answer_text(field: dict, value: Any) -> str:
    labels = {str(v): label for v, label in field.get("choices") or []}
    values = value if isinstance(value, list) else [value]
    return ", ".join(labels.get(str(v), str(v)) for v in values)


def _trigger(fields: list[dict], raw: dict[str, Any]) -> list[dict]:
    return [{"label": f["label"], "answer": _answer_text(f, raw.get(f"f-{f['key']}"))} for f in fields]


def _raise_for(draft: Draft, fields: list[dict], *, entry: Entry | None = None) -> tuple[RiskAlert | None, bool]:
    """(the alert, whether this call raised it). A racing save that raised it first wins; this one finds it."""
    source = fields[0]["risk"].get("source", AlertSource.RISK_ANSWER)
    try:
        alert = alert_raise(
            client=draft.client,
            source=source,
            entry=entry,
            occurrence=draft.occurrence,
            draft=None if draft.occurrence_id else draft,
            trigger=_trigger(fields, draft.raw),
        )
    except IntegrityError:
        return alert_of(draft), False
    return alert, True


SEEN = "_risk_seen"  # in a draft: the risk answers the crisis screen has been shown for


def _seen_mark(draft: Draft, hits: list[dict]) -> dict[str, Any]:
    return {f"f-{f['key']}": draft.raw.get(f"f-{f['key']}") for f in hits}


def draft_check(*, draft: Draft, before: dict[str, Any]) -> RiskCheck:
    """After a save of `draft` (whose answers were `before`): the alert is raised if it is due and not yet there,
    and the crisis screen is due until it has really been shown for these risk answers (an htmx redirect can lose
    its race with the form's own submit, so "we sent a redirect" is not "the client saw it")."""
    fields = worksheet.risk_fields(draft.template_version.schema)
    if not fields:
        return RiskCheck(False, None)
    hits = worksheet.risk_answers(draft.template_version.schema, draft.raw)
    alert = alert_of(draft)
    if not hits:
        changed = any(draft.raw.get(f"f-{f['key']}") != before.get(f"f-{f['key']}") for f in fields)
        if alert is not None and changed:
            RiskAlert.objects.filter(pk=alert.pk, answer_changed_at__isnull=True).update(
                answer_changed_at=timezone.now()
            )
        if draft.raw.get(SEEN):  # the next risk answer, even the same one again, shows the screen again
            with contextlib.suppress(homework.DraftGone):
                homework.draft_save(draft=draft, updates={SEEN: None})
        return RiskCheck(False, alert)
    assignment = draft.occurrence.assignment if draft.occurrence_id and draft.occurrence else None
    alerting = [f for f in hits if _alerts_therapist(f, assignment)]
    if alert is None and alerting:
        alert, _ = _raise_for(draft, alerting)
    return RiskCheck(draft.raw.get(SEEN) != _seen_mark(draft, hits), alert)


def entry_send(*, draft: Draft, outcome: str | None = None) -> tuple[Entry, RiskCheck]:
    """Send a draft (homework's entry_submit) and link its entry to the draft's alert, raising it now if a risk
    answer never raised one. The occurrence and draft rows are locked first, so a second send of the same draft
    (a double-click, a retry, another device) waits and then gets DraftGone, never a second entry or a 500."""
    hits = worksheet.risk_answers(draft.template_version.schema, draft.raw)
    with transaction.atomic():
        if draft.occurrence_id is not None:
            occurrence = Occurrence.objects.select_for_update().get(pk=draft.occurrence_id)
            if occurrence.is_answered:
                raise homework.DraftGone()
            draft.occurrence = occurrence
        if not Draft.objects.select_for_update().filter(pk=draft.pk).exists():
            raise homework.DraftGone()
        alert = alert_of(draft)  # before sending deletes the draft
        entry = homework.entry_submit(draft=draft, outcome=outcome)
        if alert is not None:
            RiskAlert.objects.filter(pk=alert.pk, entry__isnull=True).update(entry=entry)
        else:
            assignment = draft.occurrence.assignment if draft.occurrence else None
            alerting = [f for f in hits if _alerts_therapist(f, assignment)]
            if alerting:
                alert, _ = _raise_for(draft, alerting, entry=entry)
    return entry, RiskCheck(bool(hits), alert)


def sent_with_risk(occurrence: Occurrence) -> bool:
    """Whether this occurrence was sent with a risk answer: a second send of it gets the crisis screen again."""
    entry = Entry.objects.filter(occurrence=occurrence).select_related("template_version").first()
    return entry is not None and has_risk_answer(entry)


def has_risk_answer(entry: Entry) -> bool:
    return bool(worksheet.risk_hits(entry.template_version.schema, entry.answers))


def open_alert_exists(client: Membership) -> bool:
    """Whether "your therapist will see this" is true: an alert for this client is open."""
    return RiskAlert.objects.filter(client=client, status=AlertStatus.OPEN).exists()


def today_panel(client: Membership) -> dict[str, Any]:
    """For Today (one query): whether an alert is open, and the occurrences whose risk answer raised one, so their
    card does not just say "Continue" as if nothing had happened."""
    occurrences = list(
        RiskAlert.objects.filter(client=client, status=AlertStatus.OPEN).values_list("occurrence_id", flat=True)
    )
    return {"open_alert": bool(occurrences), "alerted": {pk for pk in occurrences if pk is not None}}


def crisis_shown(*, client: Membership, resources, plan: SafetyPlan | None, drafts: bool = True) -> None:
    """Record on each alert whose crisis screen this is what it showed, once (the first showing is the one that
    followed the risk answer), and (`drafts`) on each draft that the screen was shown for its risk answers."""
    shown = {
        "lines": [{"name": r.name, "how": r.how, "phone": r.phone, "sms": r.sms} for r in resources],
        "plan": plan is not None and any(plan.content.values()),
    }
    RiskAlert.objects.filter(client=client, shown_at__isnull=True).exclude(status=AlertStatus.RESOLVED).update(
        shown_at=timezone.now(), shown=shown
    )
    if drafts:
        crisis_seen(client=client)


def crisis_seen(*, client: Membership) -> None:
    """Mark on each of the client's drafts that the crisis screen was seen for its risk answers as they stand."""
    for draft in Draft.objects.filter(client=client).select_related("template_version"):
        hits = worksheet.risk_answers(draft.template_version.schema, draft.raw)
        if hits and draft.raw.get(SEEN) != _seen_mark(draft, hits):
            with contextlib.suppress(homework.DraftGone):  # sent meanwhile: nothing left to mark
                homework.draft_save(draft=draft, updates={SEEN: _seen_mark(draft, hits)})
