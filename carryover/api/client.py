"""The client's operations: today, occurrences, drafts by field, sending (done / part / not done with barriers),
"this isn't working", the practice log, measures one answer per call, the safety plan and the crisis resources.

A draft is saved exactly as the worksheet page saves it (the same field names, `homework.schema.raw_from_post` and
`homework.outcome.sent_values` pick them out) and every save goes through the same risk watch, so a risk answer
raises its one alert on the saved answer, through the API as on the web; the answer says `crisis: true` and the
app shows the crisis resources (`GET /me/crisis-resources`) at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import QueryDict
from ninja import Query, Router

from carryover.accounts import crisis
from carryover.accounts.access import get_own_client_record
from carryover.audit.models import Action
from carryover.homework import services as homework
from carryover.homework.access import get_assignment_for_client, get_occurrence_for_client
from carryover.homework.forms import NotWorkingForm
from carryover.homework.hooks import risk_watch
from carryover.homework.models import AssignmentStatus, Draft, Entry, Occurrence, Outcome, Template, local_today
from carryover.homework.outcome import sent_values
from carryover.homework.schema import raw_from_post
from carryover.lib.types import AuthedRequest
from carryover.measures import risk
from carryover.measures import services as measures
from carryover.measures.forms import SafetyPlanForm

from . import schemas as s
from .auth import ApiAuth
from .conventions import check_if_match, idempotent, page_of
from .models import Area
from .problems import Problem, check_form
from .serialize import entry_out, occurrence_out
from .therapist import PageQuery

me_work = Router(auth=ApiAuth(Area.HOMEWORK), tags=["client"])
me_safety = Router(auth=ApiAuth(Area.MEASURES), tags=["client"])

OCCURRENCE_FIELDS = ("assignment__template_version", "entry", "draft")


@me_work.get("/me/today", response=s.TodayOut, summary="What is due today and later this week")
def today(request: AuthedRequest):
    me = get_own_client_record(request, object_type="today")
    homework.occurrences_refresh(client=me)
    day = local_today(request.user)
    rows = (
        Occurrence.objects.filter(client=me, due_date__gte=day, due_date__lte=day + timedelta(days=6))
        .exclude(assignment__status=AssignmentStatus.ARCHIVED)
        .select_related(*OCCURRENCE_FIELDS)
    )
    todays: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    for occurrence in rows:
        (todays if occurrence.opens_on() <= day else later).append(occurrence_out(occurrence))
    panel = risk_watch().today(me)
    return {"day": day, "today": todays, "later": later, "open_alert": bool(panel.get("open_alert"))}


@me_work.get("/me/occurrences", response=s.OccurrencePage, summary="My occurrences, newest first")
def occurrences(request: AuthedRequest, page: Query[PageQuery]):
    me = get_own_client_record(request, object_type="occurrences")
    rows = Occurrence.objects.filter(client=me).select_related(*OCCURRENCE_FIELDS)
    return page_of(rows, page.cursor, page.limit, serialize=occurrence_out)


@me_work.get("/me/entries", response=s.EntryPage, summary="What I have sent, newest first")
def my_entries(request: AuthedRequest, page: Query[PageQuery]):
    me = get_own_client_record(request, object_type="entries")
    rows = Entry.objects.filter(client=me).select_related("client")
    return page_of(rows, page.cursor, page.limit, serialize=lambda e: entry_out(e, for_client=True))


# --- Drafts and sending ---------------------------------------------------------------------------------------------


def _open_draft(request: AuthedRequest, occurrence_id: int) -> Draft:
    occurrence = get_occurrence_for_client(request, occurrence_id, action=Action.UPDATE)
    if occurrence.is_answered:
        raise Problem(409, "This one has already been answered.", code="already_sent")
    if occurrence.assignment.status != AssignmentStatus.ACTIVE and not hasattr(occurrence, "draft"):
        raise Problem(409, "This is paused or finished, so nothing is due.", code="not_due")
    version = occurrence.assignment.template_version
    return homework.draft_for(client=occurrence.client, occurrence=occurrence, version=version)


def _save_fields(draft: Draft, fields: dict[str, Any]) -> bool:
    """Save `fields` as the worksheet page would, then the risk watch: whether to show the crisis resources."""
    post = QueryDict(mutable=True)
    for name, value in fields.items():
        if isinstance(value, list):
            post.setlist(name, value)
            post[f"{name}-present"] = "1"  # an empty list clears the choices, as unticking every box does
        else:
            post[name] = value if value is not None else ""
    updates = {**raw_from_post(draft.template_version.schema, post), **sent_values(post)}
    unknown = sorted(set(fields) - set(updates))
    if unknown:
        message = "Not a field of this worksheet (docs/api.md, “Field names”)."
        raise Problem(
            422,
            "Some fields are not known.",
            code="validation",
            errors=[{"field": f"fields.{n}", "message": message} for n in unknown],
        )
    before = dict(draft.raw)
    try:
        homework.draft_save(draft=draft, updates=updates)
    except homework.DraftGone as error:
        raise Problem(409, "This has already been sent. Thank you.", code="already_sent") from error
    return risk_watch().draft_saved(draft=draft, before=before)


def _draft_out(draft: Draft, crisis: bool = False) -> dict[str, Any]:
    fields = {key: value for key, value in draft.raw.items() if key[:2] in ("f-", "o-", "a-")}
    return {"occurrence_id": draft.occurrence_id, "fields": fields, "updated_at": draft.updated_at, "crisis": crisis}


@me_work.get("/occurrences/{occurrence_id}/draft", response=s.DraftOut, summary="What I have typed so far")
def draft_read(request: AuthedRequest, occurrence_id: s.DbId):
    return _draft_out(_open_draft(request, occurrence_id))


@me_work.patch(
    "/occurrences/{occurrence_id}/draft",
    response=s.DraftOut,
    summary="Autosave answers by field (a measure: one answer per call)",
)
def draft_update(request: AuthedRequest, occurrence_id: s.DbId, payload: s.DraftIn):
    draft = _open_draft(request, occurrence_id)
    crisis = _save_fields(draft, payload.fields)
    return _draft_out(draft, crisis)


def _send(draft: Draft, outcome: str | None) -> tuple[Entry, bool]:
    try:
        return risk_watch().draft_send(draft=draft, outcome=outcome)  # a questionnaire: scored, as on its page
    except homework.DraftGone as error:
        raise Problem(409, "This has already been sent. Thank you.", code="already_sent") from error
    except homework.SubmissionError as error:
        if "form" in error.errors:
            raise Problem(409, error.errors["form"], code="already_sent") from error
        errors = [{"field": f"fields.{name}", "message": message} for name, message in error.errors.items()]
        raise Problem(
            422, "A few answers need a look before this can be sent.", code="validation", errors=errors
        ) from error


@me_work.post(
    "/occurrences/{occurrence_id}/submit",
    response={201: s.SubmitOut},
    summary="Send: done, did part of it, or didn't get to it (with barriers in `fields`)",
)
def submit(request: AuthedRequest, occurrence_id: s.DbId, payload: s.SubmitIn):
    draft = _open_draft(request, occurrence_id)

    def create() -> tuple[int, Any]:
        crisis = _save_fields(draft, payload.fields) if payload.fields else False
        entry, sent_crisis = _send(draft, payload.outcome)
        return 201, {"entry_id": entry.pk, "outcome": entry.outcome, "crisis": crisis or sent_crisis}

    return idempotent(request, create)


@me_work.post("/me/practice-log", response={201: s.SubmitOut}, summary="Log a skill practised on my own")
def practice_log(request: AuthedRequest, payload: s.SubmitIn):
    me = get_own_client_record(request, action=Action.UPDATE, object_type="practice_log")
    version = Template.objects.get(key="skill_practice", practice__isnull=True).latest_version()

    def create() -> tuple[int, Any]:
        draft = homework.draft_for(client=me, occurrence=None, version=version)
        crisis = _save_fields(draft, payload.fields) if payload.fields else False
        entry, sent_crisis = _send(draft, Outcome.DONE)
        return 201, {"entry_id": entry.pk, "outcome": entry.outcome, "crisis": crisis or sent_crisis}

    return idempotent(request, create)


@me_work.post(
    "/assignments/{assignment_id}/not-working", response={201: s.NoticeOut}, summary="“This isn't working for me”"
)
def not_working(request: AuthedRequest, assignment_id: s.DbId, payload: s.NotWorkingIn):
    assignment = get_assignment_for_client(request, assignment_id, action=Action.CREATE)
    form = NotWorkingForm(payload.dict())
    check_form(form)

    def create() -> tuple[int, Any]:
        notice = homework.notice_create(client=assignment.client, assignment=assignment, **form.cleaned_data)
        return 201, {
            "id": notice.pk,
            "assignment_id": assignment.pk,
            "reason": notice.reason,
            "created_at": notice.created_at,
        }

    return idempotent(request, create)


# --- Safety ---------------------------------------------------------------------------------------------------------


@me_safety.get("/me/crisis-resources", response=list[s.CrisisResourceOut], summary="My practice's crisis lines")
def crisis_resources(request: AuthedRequest):
    me = get_own_client_record(request, object_type="crisis_support")
    resources = crisis.in_language(me.practice.crisis_resources.all())  # as the crisis screen shows them
    plan = measures.safety_plan_of(me)
    risk.crisis_shown(client=me, resources=resources, plan=plan if plan and any(plan.content.values()) else None)
    fields = ("name", "how", "phone", "sms", "sms_body", "url", "last_verified")
    return [{name: getattr(r, name) for name in fields} for r in resources]


def _plan_out(me) -> dict[str, Any]:
    plan = measures.safety_plan_of(me)
    sections = {key: (plan.content.get(key, "") if plan else "") for key, _, _ in measures.SAFETY_PLAN_SECTIONS}
    return {"sections": sections, "updated_at": plan.updated_at if plan else None}


@me_safety.get("/me/safety-plan", response=s.SafetyPlanOut, summary="My safety plan (Stanley–Brown)")
def safety_plan(request: AuthedRequest):
    return _plan_out(get_own_client_record(request, object_type="safety_plan"))


@me_safety.put("/me/safety-plan", response=s.SafetyPlanOut, summary="Replace my safety plan (send If-Match)")
def safety_plan_replace(request: AuthedRequest, payload: s.SafetyPlanIn):
    me = get_own_client_record(request, action=Action.UPDATE, object_type="safety_plan")
    check_if_match(request, _plan_out(me))
    form = SafetyPlanForm(payload.sections)  # the safety plan page's own form: its sections and limits
    unknown = sorted(set(payload.sections) - set(form.fields))
    if unknown:
        errors = [{"field": f"sections.{key}", "message": "Not a section of the safety plan."} for key in unknown]
        raise Problem(422, "Some sections are not known.", code="validation", errors=errors)
    check_form(form, names={key: f"sections.{key}" for key in form.fields})
    measures.safety_plan_save(client=me, actor=request.user, content=form.cleaned_data)
    return _plan_out(me)
