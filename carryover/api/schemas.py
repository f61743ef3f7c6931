"""The API's input and output schemas (pydantic, through ninja): what the OpenAPI document shows.

Inputs forbid unknown fields, so a typo is a 422 naming the field rather than a value quietly ignored. Outputs
carry ids, codes and the texts a page would show the same person; times are RFC 3339 with their zone (UTC).
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from carryover.homework.models import AssignmentStatus, NoticeReason, Outcome, ScheduleKind
from carryover.lib.events import EVENT_TYPES
from carryover.reminders.models import Channel, Mode

EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]  # the one list, in lib/events.py

DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]  # a database id: anything past 64 bits is a 422, not a crash
Text = Annotated[str, Field(max_length=5000)]


class In(Schema):
    model_config = ConfigDict(extra="forbid")


# --- Shared ------------------------------------------------------------------------------------------------------


class SignalOut(Schema):
    kind: str
    label: str
    level: str


class CaseloadRowOut(Schema):
    client_id: int
    name: str
    adherence_7d: Decimal | None
    adherence_30d: Decimal | None
    last_activity: datetime | None
    last_session: date | None
    next_session: date | None
    signals: list[SignalOut]


class CaseloadPage(Schema):
    items: list[CaseloadRowOut]
    next_cursor: str | None


class ClientOut(Schema):
    client_id: int
    name: str
    email: str
    time_zone: str
    today: date
    next_session: date | None


class AssignmentOut(Schema):
    id: int
    client_id: int
    template_id: int
    template_version: int
    status: str
    revision: int
    title: str
    instructions: str
    rationale: str
    if_when: str
    if_then: str
    minimum: str
    coping: str
    client_language: str
    instructions_client: str
    rationale_client: str
    minutes: int
    formats: list[str]
    schedule_kind: str
    schedule: str
    weekdays: list[int]
    times_per_week: int | None
    start_date: date
    end_date: date | None
    goal_id: int | None
    created_at: datetime
    updated_at: datetime


class AssignmentPage(Schema):
    items: list[AssignmentOut]
    next_cursor: str | None


class AssignmentIn(In):
    """Any field left out keeps the template's suggestion (on creating) or the current value (on editing)."""

    title: Annotated[str, Field(max_length=1000)] | None = None
    instructions: Text | None = None
    rationale: Text | None = None
    minutes: int | None = None
    schedule_kind: ScheduleKind | None = None
    weekdays: list[int] | None = None
    times_per_week: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    if_when: Text | None = None
    if_then: Text | None = None
    minimum: Text | None = None
    coping: Text | None = None
    goal_id: DbId | None = None
    formats: list[str] | None = None
    risk_alerts: bool | None = None
    risk_alerts_off_reason: Text | None = None
    client_language: Annotated[str, Field(max_length=10)] | None = None  # "es", or "" for none
    instructions_client: Text | None = None  # the instructions in `client_language`
    rationale_client: Text | None = None


class AssignmentCreateIn(AssignmentIn):
    template_id: DbId


class StatusIn(In):
    status: AssignmentStatus


class TemplateOut(Schema):
    id: int
    key: str
    kind: str
    version: int
    name: str
    category: str
    summary: str
    minutes: int
    formats: list[str]
    builtin: bool


class TemplatePage(Schema):
    items: list[TemplateOut]
    next_cursor: str | None


class EntryOut(Schema):
    """A private entry shows only that it exists: `private` true, and nothing of what was written."""

    id: int
    client_id: int
    private: bool
    assignment_id: int | None = None
    occurrence_id: int | None = None
    done_on: date | None = None
    submitted_at: datetime | None = None
    outcome: str | None = None
    fraction: Decimal | None = None
    barriers: list[str] | None = None
    barrier_labels: list[str] | None = None
    barrier_other: str | None = None
    answers: dict[str, Any] | None = None
    minutes_spent: int | None = None
    helpfulness: int | None = None
    difficulty: int | None = None
    mood_before: int | None = None
    mood_after: int | None = None
    talk_next_session: bool | None = None


class EntryPage(Schema):
    items: list[EntryOut]
    next_cursor: str | None


class SessionOut(Schema):
    id: int
    date: dt.date
    next_date: dt.date | None
    note: str
    created_at: datetime


class SessionPage(Schema):
    items: list[SessionOut]
    next_cursor: str | None


class SessionIn(In):
    date: dt.date
    note: Annotated[str, Field(max_length=200)] = ""
    next_date: dt.date | None = None


class ChangeOut(Schema):
    before: int
    after: int
    delta: int
    direction: str
    threshold: int
    label: str


class MeasureResultOut(Schema):
    id: int
    taken_on: date
    total: int
    band: str


class MeasureOut(Schema):
    measure: str
    name: str
    results: list[MeasureResultOut]
    change_from_previous: ChangeOut | None
    change_from_baseline: ChangeOut | None


class AlertOut(Schema):
    id: int
    client_id: int
    source: str
    status: str
    created_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: str | None


class ResolveIn(In):
    note: Annotated[str, Field(min_length=1, max_length=2000)]


class SummaryAssignmentOut(Schema):
    assignment_id: int
    title: str
    due: int
    done: int
    partial: int
    skipped: int
    missed: int
    pending: int
    adherence: Decimal | None
    mean_minutes: float | None
    mean_helpful: float | None
    mean_hard: float | None
    private_entries: int
    barriers: list[tuple[str, int]]


class SummaryOut(Schema):
    client_id: int
    start: date
    end: date
    adherence: Decimal | None
    assignments: list[SummaryAssignmentOut]
    shared_entry_ids: list[int]
    private_entries: int
    free_practice: int
    barriers: list[tuple[str, int]]
    flagged_entry_ids: list[int]
    open_notice_ids: list[int]
    questionnaires: str
    next_session: date | None
    suggestions: list[str]


# --- Client ------------------------------------------------------------------------------------------------------


class OccurrenceOut(Schema):
    id: int
    assignment_id: int
    title: str
    minutes: int
    rationale: str
    due_date: date
    opens_on: date
    status: str
    is_questionnaire: bool
    has_draft: bool
    entry_id: int | None


class OccurrencePage(Schema):
    items: list[OccurrenceOut]
    next_cursor: str | None


class TodayOut(Schema):
    day: date
    today: list[OccurrenceOut]
    later: list[OccurrenceOut]
    open_alert: bool


FieldValue = Annotated[str, Field(max_length=20000)] | list[Annotated[str, Field(max_length=2000)]] | None
FieldValues = Annotated[dict[Annotated[str, Field(max_length=100)], FieldValue], Field(max_length=200)]


class DraftOut(Schema):
    occurrence_id: int | None
    fields: dict[str, Any]
    updated_at: datetime
    crisis: bool = False  # a risk answer was saved: show the crisis resources now (GET /me/crisis-resources)


class DraftIn(In):
    """Answers by field name (docs/ARCHITECTURE.md: `f-<key>`, `o-outcome`, `o-barriers`, `a-minutes`, …).
    A measure takes one answer per call; each save runs the same risk rules as the web page."""

    fields: FieldValues


class SubmitIn(In):
    """`outcome` with what belongs to it in `fields` (`o-fraction`, `o-barriers`, `o-barrier_other`, `a-…`),
    saved first like a last autosave."""

    outcome: Outcome | None = None
    fields: FieldValues = Field(default_factory=dict)


class SubmitOut(Schema):
    entry_id: int
    outcome: str
    crisis: bool


class NotWorkingIn(In):
    reason: NoticeReason
    note: Annotated[str, Field(max_length=2000)] = ""


class NoticeOut(Schema):
    id: int
    assignment_id: int
    reason: str
    created_at: datetime


class CrisisResourceOut(Schema):
    name: str
    how: str
    phone: str
    sms: str
    sms_body: str
    url: str
    last_verified: date


class SafetyPlanIn(In):
    """Every section (docs: measures.services.SAFETY_PLAN_SECTIONS); one left out is saved empty."""

    sections: dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=3000)]] = Field(max_length=20)


class SafetyPlanOut(Schema):
    sections: dict[str, str]
    updated_at: datetime | None


class ReminderSettingsIn(In):
    enabled: bool
    mode: Mode
    time: dt.time | None = None
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None
    channels: list[Channel] = Field(max_length=3)  # in order: later ones are fallbacks
    assignment_times: dict[Annotated[str, Field(max_length=20)], dt.time | None] = Field(
        default_factory=dict, max_length=200
    )


class ReminderSettingsOut(Schema):
    enabled: bool
    mode: str
    time: dt.time | None
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    channels: list[str]
    assignment_times: dict[str, dt.time | None]
    next_reminder_at: datetime | None


# --- Practice admin ----------------------------------------------------------------------------------------------


class MemberOut(Schema):
    user_id: int
    name: str
    email: str
    role: str
    joined_at: datetime


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: str | None


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    status: str
    created_at: datetime
    expires_at: datetime


class InvitationPage(Schema):
    items: list[InvitationOut]
    next_cursor: str | None


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    client_id: int | None
    action: str
    object_type: str
    object_id: str
    outcome: str
    request_id: str


class AuditPage(Schema):
    items: list[AuditEventOut]
    next_cursor: str | None


class WebhookIn(In):
    url: Annotated[str, Field(max_length=500)]
    events: list[EventType] = Field(min_length=1, max_length=len(EVENT_TYPES))


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    created_at: datetime
    disabled_at: datetime | None
    failures_in_a_row: int


class WebhookCreatedOut(WebhookOut):
    secret: str  # shown once: verify each delivery's `webhook-signature` with it


class WebhookPage(Schema):
    items: list[WebhookOut]
    next_cursor: str | None


class DeliveryOut(Schema):
    id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, str]] | None = None


# --- Goals, the fear ladder, comments (api/care.py) -------------------------------------------------------------------


class GoalIn(In):
    text: str = Field(max_length=300)
    steps: list[Annotated[str, Field(max_length=300)]] = Field(default_factory=list, max_length=10)


class GoalOut(Schema):
    id: int
    client_id: int
    text: str
    steps: list[str]
    archived: bool
    created_at: datetime


class RungIn(In):
    id: DbId | None = None  # a rung already on the ladder (kept, moved or reworded); without it, a new one
    description: str = Field(max_length=300)
    suds: int = Field(ge=0, le=100)


class LadderIn(In):
    """The whole ladder, easiest first as given: rungs left out are archived (practice logs keep them)."""

    items: list[RungIn] = Field(max_length=30)


class RungOut(Schema):
    id: int
    description: str
    suds: int


class LadderOut(Schema):
    client_id: int
    items: list[RungOut]


class CommentIn(In):
    text: str = Field(max_length=2000)


class CommentOut(Schema):
    id: int
    entry_id: int
    author: str
    text: str
    created_at: datetime


class NextSessionIn(In):
    """A date rebooks the next session (booked at the latest recorded one); null cancels it."""

    next_date: date | None


class NextSessionOut(Schema):
    client_id: int
    next_session: date | None


class ChartSharingIn(In):
    shared: bool


class ChartSharingOut(Schema):
    client_id: int
    shared: bool


# --- Custom worksheets (api/worksheets.py) ----------------------------------------------------------------------------


class FieldRowIn(In):
    """One field of a worksheet, as a row of the builder page: a `step_title` starts a new step here."""

    type: str = Field(max_length=40)
    label: str = Field("", max_length=200)
    help: str = Field("", max_length=500)
    required: bool = False
    step_title: str = Field("", max_length=120)
    step_help: str = Field("", max_length=300)
    choices: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=30)
    min: float | None = None
    max: float | None = None
    min_label: str = Field("", max_length=60)
    max_label: str = Field("", max_length=60)
    unit: str = Field("", max_length=20)
    risk: bool = False
    risk_at: str = Field("", max_length=120)
    key: str = Field("", max_length=40)  # an existing field's key, to keep its answers' identity across versions


class WorksheetIn(In):
    name: str = Field(max_length=120)
    category: str = Field("", max_length=60)
    summary: str = Field("", max_length=300)
    instructions: str = Field(max_length=5000)
    rationale: str = Field(max_length=5000)
    minutes: int = Field(10, ge=1, le=240)
    shared: bool = False
    fields: list[FieldRowIn] = Field(max_length=80)


# --- Invitations (api/invitations.py) ---------------------------------------------------------------------------------


class InviteClientIn(In):
    email: str = Field(max_length=254)
    name: str = Field("", max_length=150)


class InviteStaffIn(InviteClientIn):
    role: Literal["therapist", "admin"] = "therapist"
