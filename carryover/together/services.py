"""Writes of the review conversation. Audit rows come from the access helpers the views fetch through.

A conversation is a draft until it is finished: each decision is saved as it is made (so leaving half-way loses
nothing and the review can be resumed), and finishing applies them all in one transaction, once. Two therapists
of the same client share the one draft (a unique constraint); a step saved by one while the other had it open is
refused with what the other chose (`StepConflict`), and a second "finish" finds the first one's work done."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carryover.accounts.models import Membership, User
from carryover.homework import services as homework
from carryover.homework.forms import AssignmentForm, assignment_initial
from carryover.homework.models import (
    Assignment,
    AssignmentRevision,
    AssignmentStatus,
    Entry,
    Goal,
    TemplateVersion,
    Visibility,
)
from carryover.review.models import Session
from carryover.review.services import session_record
from carryover.review.windows import window_for

from .models import (
    CHANGES,
    CONFIDENT,
    CheckOrigin,
    ConfidenceCheck,
    Conversation,
    ConversationStatus,
    Decision,
    Step,
    StepKind,
)

CLIENT_FIELDS = {"if_when", "if_then", "formats"}  # when (the anchor) and how: what a client may change themselves
NOT_YOURS_TO_CHANGE = gettext_lazy(
    "Your therapist set this activity with you. If it isn’t working, tell them with “Not working?” on its page, "
    "or talk it over at your next session."
)
SMALLER_MINUTES = 5  # "make it smaller": the minimum version ("if you only have 2 minutes…") takes about this long
DECISIONS_FOR = {
    StepKind.ASSIGNMENT: (Decision.KEEP, Decision.ADJUST, Decision.SMALLER, Decision.PAUSE, Decision.STOP),
    StepKind.ENTRY: (Decision.TALKED,),
    StepKind.NEW: (Decision.NEW,),
}


class StepError(Exception):
    """The decision can't be saved as it is; `errors` maps each field to a plain message. Nothing was lost."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class StepConflict(StepError):
    """Someone else saved this step after it was opened here: their version is kept, this one is shown again."""

    def __init__(self, step: Step):
        who = step.updated_by.display_name if step.updated_by else "Someone"
        super().__init__(
            {
                "form": f"{who} changed this step while you had it open. "
                "Their decision is shown below; what you typed is kept in the form, so you can save it over theirs."
            }
        )


class Finished(Exception):
    """The conversation was finished already (by someone else, or by a second click): nothing was applied twice."""


# --- Starting and resuming ---------------------------------------------------------------------------------------


def conversation_start(*, therapist: Membership, client: Membership, today: date) -> Conversation:
    """The client's draft conversation, started now if there is none: one step per active activity, then one per
    shared entry flagged "talk about this" since the last session. Private entries are never steps."""
    existing = Conversation.objects.draft_for(client)
    if existing is not None:
        return existing
    since = window_for(today=today, last_session=Session.objects.latest_for(client)).start
    activities = Assignment.objects.for_client(client).activities().filter(status=AssignmentStatus.ACTIVE)
    flagged = Entry.objects.filter(
        client=client, visibility=Visibility.SHARED, talk_next_session=True, done_on__gte=since
    ).order_by(*Entry.DONE_ORDER)
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(client=client, started_by=therapist, since=since)
            steps = [
                Step(kind=StepKind.ASSIGNMENT, assignment=a, base_revision=a.revision)
                for a in activities.order_by("created_at", "pk")
            ]
            steps += [Step(kind=StepKind.ENTRY, entry=entry) for entry in flagged]
            for position, step in enumerate(steps):
                step.conversation, step.position = conversation, position
            Step.objects.bulk_create(steps)
    except IntegrityError:  # another therapist started one at the same moment: theirs is the one
        existing = Conversation.objects.draft_for(client)
        if existing is None:
            raise
        return existing
    return conversation


def _touch(conversation: Conversation) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())


# --- Deciding ------------------------------------------------------------------------------------------------------


@dataclass
class StepInput:
    """What the therapist chose on a step's page. `plan`: the activity's form values, for adjust and new."""

    decision: str
    learned: str = ""
    confidence: int | None = None
    adjustment: str = ""
    plan: dict[str, Any] | None = None


def step_save(*, step: Step, actor: User, version: int, data: StepInput) -> Step:
    """Keep this decision in the draft. Raises StepConflict if the step changed since `version` was read,
    StepError for a decision that can't be made (an activity archived meanwhile, no minimum version, no rating)."""
    with transaction.atomic():
        current = Step.objects.select_for_update(of=("self",)).select_related(
            "conversation", "assignment", "updated_by"
        )
        step = current.get(pk=step.pk)
        if not step.conversation.is_draft:
            raise StepError({"form": "This review has been finished; nothing more can be changed in it."})
        if step.version != version:
            raise StepConflict(step)
        _check(step, data)
        if data.decision not in CHANGES:
            step.confidence_first, step.confidence, step.adjustment = None, None, ""
        elif data.confidence is not None:
            _rate(step, data)
        step.decision, step.learned = data.decision, data.learned.strip()
        if data.plan is not None:
            step.plan = data.plan
            if step.assignment is not None:
                step.base_revision = step.assignment.revision
        step.version += 1
        step.updated_at, step.updated_by = timezone.now(), actor
        step.save()
        _touch(step.conversation)
    return step


def _check(step: Step, data: StepInput) -> None:
    if data.decision not in DECISIONS_FOR[StepKind(step.kind)]:
        raise StepError({"decision": "Please choose what you agreed."})
    assignment = step.assignment
    if assignment is not None and assignment.status == AssignmentStatus.ARCHIVED:
        raise StepError(
            {
                "decision": f"“{assignment.title}” was archived after this review began, so there is nothing left to "
                "decide about it. Move on to the next step; it will be left out when you finish."
            }
        )
    if data.decision == Decision.SMALLER and assignment is not None and not assignment.c("minimum").strip():
        raise StepError(
            {"decision": "This activity has no minimum version yet. Choose “Adjust it” and write a smaller one."}
        )
    if data.confidence is not None and not 0 <= data.confidence <= 10:
        raise StepError({"confidence": "Confidence is a number from 0 to 10."})
    editing_next = data.decision == Decision.ADJUST and data.plan is None  # the edit page asks, next
    if data.decision in CHANGES and data.confidence is None and not editing_next:
        raise StepError({"confidence": "How sure is the client they'll do this, from 0 to 10? Ask before agreeing."})


def _rate(step: Step, data: StepInput) -> None:
    """The first rating is kept; below CONFIDENT an adjustment must be chosen (or "keep it") and the client asked
    again. Until then the step is not settled (`confidence` stays empty)."""
    if step.confidence_first is None or step.decision != data.decision:
        step.confidence_first, step.adjustment = data.confidence, ""
    if step.confidence_first is not None and step.confidence_first < CONFIDENT and not data.adjustment:
        step.confidence = None
        return
    step.confidence, step.adjustment = data.confidence, data.adjustment


def needs_adjustment(step: Step) -> bool:
    return step.decision in CHANGES and step.confidence is None and step.low_confidence


def step_add_new(*, conversation: Conversation, actor: User, version: TemplateVersion, data: StepInput) -> Step:
    """A new activity from the library, drafted into the conversation (created only when it is finished)."""
    with transaction.atomic():
        last = conversation.steps.aggregate(last=Max("position"))["last"]
        step = Step.objects.create(
            conversation=conversation,
            position=0 if last is None else last + 1,
            kind=StepKind.NEW,
            template_version=version,
        )
        return step_save(step=step, actor=actor, version=step.version, data=data)


def step_remove(*, step: Step) -> bool:
    """A new activity added by mistake goes from the draft (the others are the week's, and stay). False when there
    was nothing to remove: a step of the week, or a review finished meanwhile."""
    with transaction.atomic():
        removed, _created = Step.objects.filter(
            pk=step.pk, kind=StepKind.NEW, conversation__status=ConversationStatus.DRAFT
        ).delete()
        if removed:
            _touch(step.conversation)
    return bool(removed)


def conversation_discard(*, conversation: Conversation) -> bool:
    """Throw the draft away: none of its decisions were applied, so nothing else changes. False when it was
    finished meanwhile (what a finished review agreed stays)."""
    removed, _created = Conversation.objects.filter(pk=conversation.pk, status=ConversationStatus.DRAFT).delete()
    return bool(removed)


# --- Finishing -----------------------------------------------------------------------------------------------------


@dataclass
class FinishResult:
    session: Session
    applied: list[Step] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # plain reasons, one per step not applied


def unsettled(conversation: Conversation) -> list[str]:
    """What stops the conversation being finished: changes without a settled confidence check, or drafted on an
    activity that was edited elsewhere since."""
    problems = []
    for step in conversation.steps.select_related("assignment", "template_version"):
        name = _name(step)
        if step.decision == Decision.ADJUST and not step.plan:
            problems.append(f"{name}: the change isn't written yet.")
        elif step.decision in CHANGES and step.confidence is None:
            problems.append(f"{name}: the confidence check isn't finished.")
        drafted_on = step.assignment.revision if step.assignment is not None else step.base_revision
        if step.decision in (Decision.ADJUST, Decision.SMALLER) and drafted_on != step.base_revision:
            problems.append(f"{name}: it was changed elsewhere after you decided; open it again to check.")
    return problems


def conversation_finish(
    *, conversation: Conversation, actor: User, day: date, next_date: date | None, note: str = ""
) -> FinishResult:
    """Apply every decision and record the session, in one transaction, exactly once: the status changes from
    draft only if it still is one, so a second finish (another therapist, a double click) raises Finished."""
    with transaction.atomic():
        claimed = Conversation.objects.filter(pk=conversation.pk, status=ConversationStatus.DRAFT).update(
            status=ConversationStatus.FINISHED, finished_at=timezone.now(), finished_by=actor
        )
        if not claimed:
            raise Finished()
        problems = unsettled(conversation)
        if problems:
            raise StepError({"form": " ".join(problems)})  # rolls the claim back: still a draft
        therapist = actor.membership
        result = FinishResult(
            session=session_record(
                therapist=therapist, client=conversation.client, date=day, note=note, next_date=next_date
            )
        )
        for step in conversation.steps.select_related("assignment__client__user", "template_version", "entry"):
            reason = _apply(step, actor=actor, therapist=therapist)
            if reason:
                result.left_out.append(reason)
            elif step.decision:
                result.applied.append(step)
        Conversation.objects.filter(pk=conversation.pk).update(session=result.session)
    return result


def _apply(step: Step, *, actor: User, therapist: Membership) -> str:
    """Apply one step; returns why it was left out, or "" when applied (or when there was nothing to do)."""
    assignment = step.assignment
    if not step.decision:
        return f"{_name(step)}: not talked about, left as it was." if step.kind != StepKind.NEW else ""
    if assignment is not None and assignment.status == AssignmentStatus.ARCHIVED:
        return f"{_name(step)}: archived during the review, so nothing was changed."
    if step.decision == Decision.TALKED and step.entry is not None:
        homework.entry_flags_clear(entries=[step.entry.pk])
    elif step.decision in (Decision.PAUSE, Decision.STOP) and assignment is not None:
        status = AssignmentStatus.PAUSED if step.decision == Decision.PAUSE else AssignmentStatus.COMPLETED
        homework.assignment_set_status(assignment=assignment, actor=actor, status=status)
    elif step.decision in (Decision.ADJUST, Decision.SMALLER) and assignment is not None:
        _apply_change(step, assignment, actor=actor)
    elif step.decision == Decision.NEW and step.template_version is not None:
        _create(step, therapist=therapist)
    step.applied = True
    step.save(update_fields=["revision", "result", "applied"])
    return ""


def _apply_change(step: Step, assignment: Assignment, *, actor: User) -> None:
    """Adjusted or made smaller: a revision agreed in session, and its confidence check."""
    plan = step.plan if step.decision == Decision.ADJUST else smaller_plan(assignment)
    step.revision = homework.assignment_update(
        assignment=assignment, actor=actor, data=_data(plan, assignment.client, assignment.template_version)
    )
    if step.revision is not None:  # the client was there: "what we agreed" tells them, not an update card
        homework.revision_mark_seen(client=assignment.client, revision=step.revision)
    _check_record(step, assignment)


def _create(step: Step, *, therapist: Membership) -> None:
    """A new activity from the library, agreed in session."""
    client = step.conversation.client
    assert step.template_version is not None
    step.result = homework.assignment_create(
        therapist=therapist,
        client=client,
        version=step.template_version,
        data=_data(step.plan, client, step.template_version),
    )
    _check_record(step, step.result)


def _check_record(step: Step, assignment: Assignment) -> None:
    ConfidenceCheck.objects.create(
        assignment=assignment,
        origin=CheckOrigin.SESSION,
        first=step.confidence_first,
        adjustment=step.adjustment,
        rating=step.confidence,
        conversation=step.conversation,
    )


def smaller_plan(assignment: Assignment) -> dict[str, Any]:
    """ "Make it smaller": the minimum version becomes the task, and takes a few minutes at most."""
    plan = plan_of(assignment_initial(assignment))
    plan.update(instructions=assignment.c("minimum"), minimum="", minutes=min(assignment.minutes, SMALLER_MINUTES))
    return plan


def plan_of(values: dict[str, Any]) -> dict[str, Any]:
    """An activity form's values as the draft keeps them (JSON: dates as ISO text, the goal as its id)."""
    plan = {}
    for key, value in values.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Goal):
            value = value.pk
        plan[key] = "" if value is None else value
    return plan


def _data(plan: dict[str, Any], client: Membership, version: TemplateVersion):
    """The plan read by the very form that assigns, so what is applied is checked as if it were typed now."""
    form = AssignmentForm(
        plan,
        goals=Goal.objects.filter(client=client, archived=False),
        allowed_formats=version.formats,
        optional_risk=version.has_optional_risk_rules,
    )
    if not form.is_valid():
        raise StepError({"form": f"“{plan.get('title', '')}” can't be saved as drafted: open it again to check."})
    return form.data_object()


def _name(step: Step) -> str:
    if step.assignment is not None:
        return f"“{step.assignment.title}”"
    if step.kind == StepKind.NEW:
        return f"“{step.plan.get('title', '')}” (new)"
    return "A flagged entry"


# --- The client's confidence check ----------------------------------------------------------------------------------


def confidence_record(
    *, assignment: Assignment, rating: int | None, adjustment: str = "", note: str = "", first: int | None = None
) -> ConfidenceCheck:
    """The client's own answer, the first time they open an activity sent between sessions. `rating` None: they
    chose not to say (and are not asked again). Below CONFIDENT, the adjustment they chose is kept for the
    therapist to act on; it does not change the activity by itself."""
    if rating is not None and not 0 <= rating <= 10:
        raise StepError({"rating": "Please choose a number from 0 to 10."})
    return ConfidenceCheck.objects.create(
        assignment=assignment,
        origin=CheckOrigin.CLIENT,
        first=rating if first is None else first,
        rating=rating,
        adjustment=adjustment,
        note=note.strip(),
    )


def client_change(*, assignment: Assignment, actor: User, changes: dict[str, Any]) -> AssignmentRevision | None:
    """The client changes when (the "after I…" anchor) or how (the ways to answer) they do an activity, after
    saying below 7 that they'd do it: a revision made by the client (`created_by`), linked to their confidence
    check, so the assignment records that the client changed it. Only those fields; the rest stays the
    therapist's. None when nothing differed. StepError when the check doesn't invite a change (any more)."""
    if set(changes) - CLIENT_FIELDS:
        raise ValueError(f"A client changes only {sorted(CLIENT_FIELDS)}")
    with transaction.atomic():
        check = ConfidenceCheck.objects.select_for_update().filter(assignment=assignment).first()
        if check is None or not check.invites_change or assignment.status != AssignmentStatus.ACTIVE:
            raise StepError({"form": str(NOT_YOURS_TO_CHANGE)})
        plan = {**plan_of(assignment_initial(assignment)), **changes}
        revision = homework.assignment_update(
            assignment=assignment, actor=actor, data=_data(plan, assignment.client, assignment.template_version)
        )
        if revision is not None:
            homework.revision_mark_seen(client=assignment.client, revision=revision)  # they made it themselves
            ConfidenceCheck.objects.filter(pk=check.pk).update(revision=revision)
    return revision
