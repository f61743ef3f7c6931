"""The therapist's operations: caseload, clients, assignments, templates, entries, sessions, measures, alerts and
the session-prep summary. Each one fetches through the same access helper as its web page and calls the same
service; the assignment form (`homework.forms.AssignmentForm`) is the one home of what a valid assignment is."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from ninja import Query, Router, Status

from carryover.accounts.access import get_caseload_for_therapist, get_client_for_therapist
from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.homework import services as homework
from carryover.homework.access import (
    get_assignment_for_therapist,
    get_entry_for_user,
    get_notice_for_therapist,
    get_template_for_therapist,
)
from carryover.homework.forms import AssignmentForm, assignment_initial, version_initial
from carryover.homework.models import Assignment, Entry, Goal, Template, TemplateVersion, local_today
from carryover.lib.types import AuthedRequest
from carryover.measures import services as measures
from carryover.measures.access import get_alert_for_therapist
from carryover.review.caseload import caseload_rows
from carryover.review.forms import SessionForm, WindowForm
from carryover.review.models import Session
from carryover.review.services import session_record
from carryover.review.summary import RECENT_SESSIONS, build_summary
from carryover.review.windows import window_for

from . import schemas as s
from .access import member_in
from .auth import ApiAuth
from .conventions import PAGE_DEFAULT, PAGE_MAX, check_if_match, idempotent, list_page, page_of
from .models import Area
from .problems import Problem, check_form
from .serialize import alert_out, assignment_out, entry_out, template_out

review = Router(auth=ApiAuth(Area.REVIEW), tags=["therapist"])
work = Router(auth=ApiAuth(Area.HOMEWORK), tags=["therapist"])
safety = Router(auth=ApiAuth(Area.MEASURES), tags=["therapist"])


class PageQuery(s.Schema):
    cursor: str | None = s.Field(None, max_length=100)
    limit: int = s.Field(PAGE_DEFAULT, ge=1, le=PAGE_MAX)


# --- Caseload and clients ----------------------------------------------------------------------------------------


@review.get("/caseload", response=s.CaseloadPage, summary="My clients, who needs attention first")
def caseload(request: AuthedRequest, page: Query[PageQuery]):
    member_in(request, Role.THERAPIST, object_type="caseload")
    clients = get_caseload_for_therapist(request)
    rows = caseload_rows(request.user.membership, clients)
    items = [
        {
            "client_id": row.client.user_id,
            "name": row.client.user.display_name,
            "adherence_7d": row.a7,
            "adherence_30d": row.a30,
            "last_activity": row.last_activity,
            "last_session": row.last_session,
            "next_session": row.next_session,
            "signals": [{"kind": x.kind, "label": str(x.label), "level": x.level} for x in row.signals],
        }
        for row in rows
    ]
    return list_page(items, page.cursor, page.limit)


@review.get("/clients/{client_id}", response=s.ClientOut, summary="One of my clients")
def client_detail(request: AuthedRequest, client_id: s.DbId):
    client = get_client_for_therapist(request, client_id)
    return _client_out(client)


def _client_out(client: Membership) -> dict[str, Any]:
    return {
        "client_id": client.user_id,
        "name": client.user.display_name,
        "email": client.user.email,
        "time_zone": client.user.time_zone,
        "today": local_today(client.user),
        "next_session": homework.next_session_of(client),
    }


# --- Assignments ------------------------------------------------------------------------------------------------


@work.get("/clients/{client_id}/assignments", response=s.AssignmentPage, summary="A client's assignments")
def assignments(request: AuthedRequest, client_id: s.DbId, page: Query[PageQuery]):
    client = get_client_for_therapist(request, client_id, object_type="assignments")
    rows = Assignment.objects.filter(client=client).select_related("template_version", "client")
    return page_of(rows, page.cursor, page.limit, serialize=assignment_out)


def _assignment_data(
    payload: s.AssignmentIn, initial: dict, *, version: TemplateVersion, client: Membership
) -> homework.AssignmentData:
    """The payload over `initial`, checked by the web page's own form."""
    given = payload.dict(exclude_unset=True)
    if "goal_id" in given:
        given["goal"] = given.pop("goal_id")
    data = {key: value for key, value in {**initial, **given}.items() if value is not None}
    form = AssignmentForm(
        data,
        goals=Goal.objects.filter(client=client, archived=False),
        allowed_formats=version.formats,
        optional_risk=version.has_optional_risk_rules,
        next_session=homework.next_session_of(client),
        initial=initial,
        bound_today=local_today(client.user),
    )
    check_form(form, names={"goal": "goal_id"})
    return form.data_object()


@work.post(
    "/clients/{client_id}/assignments",
    response={201: s.AssignmentOut},
    summary="Assign a template (send an Idempotency-Key to make retries safe)",
)
def assignment_create(request: AuthedRequest, client_id: s.DbId, payload: s.AssignmentCreateIn):
    client = get_client_for_therapist(request, client_id, action=Action.CREATE, object_type="assignment")
    version = get_template_for_therapist(request, payload.template_id).latest_version()

    def create() -> tuple[int, Any]:
        initial = version_initial(version, local_today(client.user))
        data = _assignment_data(payload, initial, version=version, client=client)
        made = homework.assignment_create(therapist=request.user.membership, client=client, version=version, data=data)
        return 201, assignment_out(made)

    return idempotent(request, create)


@work.get("/assignments/{assignment_id}", response=s.AssignmentOut, summary="One assignment (with an ETag)")
def assignment_detail(request: AuthedRequest, assignment_id: s.DbId, response: HttpResponse):
    assignment = get_assignment_for_therapist(request, assignment_id)
    response["Last-Modified"] = _http_date(assignment.updated_at)
    return assignment_out(assignment)


@work.patch(
    "/assignments/{assignment_id}",
    response=s.AssignmentOut,
    summary="Edit an assignment: a new revision the client sees (send If-Match to avoid lost updates)",
)
def assignment_update(request: AuthedRequest, assignment_id: s.DbId, payload: s.AssignmentIn):
    assignment = get_assignment_for_therapist(request, assignment_id, action=Action.UPDATE)
    check_if_match(request, assignment_out(assignment))
    version = assignment.template_version
    data = _assignment_data(payload, assignment_initial(assignment), version=version, client=assignment.client)
    homework.assignment_update(assignment=assignment, actor=request.user, data=data)
    return assignment_out(assignment)


@work.post(
    "/assignments/{assignment_id}/status", response=s.AssignmentOut, summary="Pause, resume, complete or archive"
)
def assignment_status(request: AuthedRequest, assignment_id: s.DbId, payload: s.StatusIn):
    assignment = get_assignment_for_therapist(request, assignment_id, action=Action.UPDATE)
    check_if_match(request, assignment_out(assignment))
    homework.assignment_set_status(assignment=assignment, actor=request.user, status=payload.status)
    return assignment_out(assignment)


@work.post("/notices/{notice_id}/resolve", response={204: None}, summary="Mark a “not working” notice as discussed")
def notice_resolve(request: AuthedRequest, notice_id: s.DbId):
    notice = get_notice_for_therapist(request, notice_id)
    homework.notice_resolve(notice=notice, actor=request.user)
    return Status(204, None)


# --- The library ------------------------------------------------------------------------------------------------


@work.get("/templates", response=s.TemplatePage, summary="The library: built-in, my own and shared worksheets")
def templates(request: AuthedRequest, page: Query[PageQuery]):
    me = member_in(request, Role.THERAPIST, object_type="template")
    rows = Template.objects.visible_to(me).prefetch_related(Prefetch("versions", TemplateVersion.objects.all()))
    return page_of(rows, page.cursor, page.limit, serialize=template_out)


@work.get("/templates/{template_id}", response=s.TemplateOut, summary="One template")
def template_detail(request: AuthedRequest, template_id: s.DbId):
    return template_out(get_template_for_therapist(request, template_id))


# --- Entries ------------------------------------------------------------------------------------------------------


@work.get("/clients/{client_id}/entries", response=s.EntryPage, summary="A client's entries (private ones as such)")
def client_entries(request: AuthedRequest, client_id: s.DbId, page: Query[PageQuery]):
    client = get_client_for_therapist(request, client_id, object_type="entries")
    rows = Entry.objects.filter(client=client).select_related("client")
    return page_of(rows, page.cursor, page.limit, serialize=lambda e: entry_out(e, for_client=False))


@work.get("/entries/{entry_id}", response=s.EntryOut, summary="One entry (a therapist sees a private one as such)")
def entry_detail(request: AuthedRequest, entry_id: s.DbId):
    entry = get_entry_for_user(request, entry_id)
    return entry_out(entry, for_client=request.user.role == Role.CLIENT)


# --- Sessions, measures, summary ------------------------------------------------------------------------------------


def _session_out(session: Session) -> dict[str, Any]:
    fields = ("id", "date", "next_date", "note", "created_at")
    return {name: getattr(session, name) for name in fields}


@review.get("/clients/{client_id}/sessions", response=s.SessionPage, summary="A client's sessions")
def sessions(request: AuthedRequest, client_id: s.DbId, page: Query[PageQuery]):
    client = get_client_for_therapist(request, client_id, object_type="session")
    return page_of(Session.objects.filter(client=client), page.cursor, page.limit, serialize=_session_out)


@review.post("/clients/{client_id}/sessions", response={201: s.SessionOut}, summary="Record a session")
def session_create(request: AuthedRequest, client_id: s.DbId, payload: s.SessionIn):
    client = get_client_for_therapist(request, client_id, action=Action.CREATE, object_type="session")

    form = SessionForm(payload.dict(), today=local_today(client.user))
    check_form(form)

    def create() -> tuple[int, Any]:
        made = session_record(therapist=request.user.membership, client=client, **form.cleaned_data)
        return 201, _session_out(made)

    return idempotent(request, create)


def _change_out(change) -> dict[str, Any] | None:
    if change is None:
        return None
    fields = ("before", "after", "delta", "direction", "threshold", "label")
    return {name: getattr(change, name) for name in fields}


@safety.get("/clients/{client_id}/measures", response=list[s.MeasureOut], summary="Measure scores with change")
def client_measures(request: AuthedRequest, client_id: s.DbId):
    client = get_client_for_therapist(request, client_id, object_type="measures")
    return [
        {
            "measure": summary.measure,
            "name": summary.name,
            "results": [
                {"id": r.pk, "taken_on": r.taken_on, "total": r.total, "band": r.band} for r in summary.results
            ],
            "change_from_previous": _change_out(summary.from_previous),
            "change_from_baseline": _change_out(summary.from_baseline),
        }
        for summary in measures.client_summaries(client)
    ]


@safety.get("/alerts", response=s.AlertPage, summary="Open and acknowledged alerts for my clients")
def alerts(request: AuthedRequest, page: Query[PageQuery]):
    member_in(request, Role.THERAPIST, object_type="caseload")
    clients = get_caseload_for_therapist(request)
    rows = measures.open_alerts_for_therapist(request.user.membership).filter(client__in=clients)
    return page_of(rows, page.cursor, page.limit, serialize=alert_out)


@safety.post("/alerts/{alert_id}/acknowledge", response=s.AlertOut, summary="Acknowledge an alert")
def alert_acknowledge(request: AuthedRequest, alert_id: s.DbId):
    alert = get_alert_for_therapist(request, alert_id, action=Action.UPDATE)
    measures.alert_acknowledge(alert=alert, actor=request.user)
    alert.refresh_from_db()
    return alert_out(alert)


@safety.post("/alerts/{alert_id}/resolve", response=s.AlertOut, summary="Resolve an alert with a note")
def alert_resolve(request: AuthedRequest, alert_id: s.DbId, payload: s.ResolveIn):
    alert = get_alert_for_therapist(request, alert_id, action=Action.UPDATE)
    if not payload.note.strip():
        raise Problem(422, "A note is needed to resolve an alert.", errors=[{"field": "note", "message": "Required."}])
    measures.alert_resolve(alert=alert, actor=request.user, note=payload.note)
    alert.refresh_from_db()
    return alert_out(alert)


class WindowQuery(s.Schema):
    start: date | None = None
    end: date | None = None


@review.get("/clients/{client_id}/summary", response=s.SummaryOut, summary="The session-prep summary as JSON")
def client_summary(request: AuthedRequest, client_id: s.DbId, dates: Query[WindowQuery]):
    # The same audit as the summary page and its PDF: an export of the client's record.
    client = get_client_for_therapist(request, client_id, action=Action.EXPORT, object_type="session_summary")
    recent = list(Session.objects.for_client(client)[:RECENT_SESSIONS])
    today = local_today(client.user)
    chosen = WindowForm({"start": dates.start or "", "end": dates.end or ""}).chosen()  # the page's own rules
    window = window_for(today=today, last_session=recent[0] if recent else None, chosen=chosen)
    summary = build_summary(client, window, recent, today=today)
    return {
        "client_id": client.user_id,
        "start": window.start,
        "end": window.end,
        "adherence": summary.totals.adherence,
        "assignments": [
            {
                "assignment_id": row.assignment.pk,
                "title": row.assignment.title,
                **{k: getattr(row, k) for k in ("due", "done", "partial", "skipped", "missed", "pending")},
                **{k: getattr(row, k) for k in ("adherence", "mean_minutes", "mean_helpful", "mean_hard")},
                "private_entries": row.private,
                "barriers": row.top_barriers(),
            }
            for row in summary.assignments
        ],
        "shared_entry_ids": [e.pk for e in summary.entries],
        "private_entries": summary.private_count,
        "free_practice": summary.free_practice,
        "barriers": summary.barrier_counts,
        "flagged_entry_ids": [e.pk for e in summary.flagged],
        "open_notice_ids": [n.pk for n in summary.notices],
        "questionnaires": str(summary.questionnaires),
        "next_session": summary.next_session,
        "suggestions": summary.suggestions,
    }


def _http_date(moment) -> str:
    from django.utils.http import http_date

    return http_date(moment.timestamp())
