"""Model rows as the API's output dicts (the shapes in api/schemas.py). No query here beyond what the row's
select_related brought, except where a docstring says so."""

from __future__ import annotations

from typing import Any

from carryover.homework.models import Assignment, Entry, Occurrence, Template
from carryover.measures.models import RiskAlert


def assignment_out(a: Assignment) -> dict[str, Any]:
    return {
        **{key: a.content.get(key, "") for key in ("title", "instructions", "rationale", "if_when", "if_then")},
        **{key: a.content.get(key, "") for key in ("minimum", "coping", "instructions_client", "rationale_client")},
        "client_language": a.client_language,
        "id": a.pk,
        "client_id": a.client.user_id,
        "template_id": a.template_version.template_id,
        "template_version": a.template_version.number,
        "status": a.status,
        "revision": a.revision,
        "minutes": a.minutes,
        "formats": a.formats,
        "schedule_kind": a.schedule_kind,
        "schedule": a.schedule_text(),
        "weekdays": a.weekdays,
        "times_per_week": a.times_per_week,
        "start_date": a.start_date,
        "end_date": a.end_date,
        "goal_id": a.goal_id,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


def entry_out(entry: Entry, *, for_client: bool) -> dict[str, Any]:
    """A therapist reading a private entry gets "private entry" and its id, exactly as the web page shows it:
    nothing of when, what or how it went. Its owner gets everything."""
    base = {"id": entry.pk, "client_id": entry.client.user_id, "private": entry.is_private}
    if entry.is_private and not for_client:
        return base
    return {
        **base,
        "assignment_id": entry.assignment_id,
        "occurrence_id": entry.occurrence_id,
        "done_on": entry.done_on,
        "submitted_at": entry.submitted_at,
        "outcome": entry.outcome,
        "fraction": entry.fraction,
        "barriers": entry.barriers,
        "barrier_labels": entry.barrier_labels(),
        "barrier_other": entry.content.get("barrier_other", ""),
        "answers": entry.answers,
        "minutes_spent": entry.minutes_spent,
        "helpfulness": entry.helpfulness,
        "difficulty": entry.difficulty,
        "mood_before": entry.mood_before,
        "mood_after": entry.mood_after,
        "talk_next_session": entry.talk_next_session,
    }


def occurrence_out(o: Occurrence) -> dict[str, Any]:
    """Select the occurrence with `assignment__template_version`, `entry` and `draft`."""
    a = o.assignment
    return {
        "id": o.pk,
        "assignment_id": a.pk,
        "title": a.title,
        "minutes": a.minutes,
        "rationale": a.content.get("rationale", ""),
        "due_date": o.due_date,
        "opens_on": o.opens_on(),
        "status": o.status,
        "is_questionnaire": a.template_version.is_questionnaire,
        "has_draft": hasattr(o, "draft"),
        "entry_id": o.entry.pk if hasattr(o, "entry") else None,
    }


def template_out(template: Template) -> dict[str, Any]:
    """Prefetch `versions` (the latest is the one shown)."""
    version = max(template.versions.all(), key=lambda v: v.number)
    return {
        "id": template.pk,
        "key": template.key or "",
        "kind": template.kind,
        "version": version.number,
        "name": version.name,
        "category": version.category,
        "summary": version.summary,
        "minutes": version.minutes,
        "formats": version.formats,
        "builtin": template.is_builtin,
    }


def alert_out(alert: RiskAlert) -> dict[str, Any]:
    """What triggered it stays on the alert's page: the list says whose, what kind and where it stands."""
    return {
        "id": alert.pk,
        "client_id": alert.client.user_id,
        "source": alert.source,
        "status": alert.status,
        "created_at": alert.created_at,
        "acknowledged_at": alert.acknowledged_at,
        "resolved_at": alert.resolved_at,
    }
