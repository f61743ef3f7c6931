"""One finished review together for the demo (`make run` only): Jordan's last session, went through with the
therapist through the same services as the review pages, so Jordan's Today shows "What we agreed" and the summary
shows confidence beside completion and a ticked review checklist.

It runs inside Jordan's story, on the day of the last session, before the walks practised after it, so those walks
are logged against the agreed (morning) version, as the product would have recorded them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from carryover.homework.forms import assignment_initial
from carryover.homework.models import Assignment, AssignmentRevision
from carryover.review.models import Session
from carryover.together import services
from carryover.together.models import Adjustment, ConfidenceCheck, Conversation, Decision, Step, StepKind

if TYPE_CHECKING:
    from carryover.devtools.demo_homework import Story

WHAT_WE_LEARNED = {
    "activity_log": "Logging after dinner works; the low-rated days showed that mornings in bed feel worst.",
    "reading": "Read weeks ago; the “doing less, feeling worse” loop is now something Jordan spots.",
}
WALKS_LEARNED = "Afternoons get taken over and the walks slip; mornings after coffee are quieter."


def last_session_day(story: Story) -> date:
    """The latest session the demo records (demo_review.py): the one before the next booked one."""
    return story.session(1 if story.today.weekday() == story.session_day else 0)


def review_together(story: Story, walks: Assignment) -> None:
    """Keep the activity log, stop the reading (done weeks ago), move the walks to the morning (confidence 5 in the
    afternoon, 8 after coffee) and talk about the entries flagged since the session before, then finish: that
    records the session, with the next one booked a week later."""
    day = last_session_day(story)
    therapist = story.therapist
    conversation = services.conversation_start(therapist=therapist, client=story.client, today=day)
    since = day - timedelta(weeks=1)
    Conversation.objects.filter(pk=conversation.pk).update(since=since)
    # The story is told activity by activity, so entries after the session exist already: only the week before it.
    conversation.steps.filter(kind=StepKind.ENTRY).exclude(entry__done_on__gte=since, entry__done_on__lt=day).delete()
    actor = therapist.user
    for step in conversation.steps.select_related("assignment__template_version", "entry"):
        if step.kind == StepKind.ENTRY:
            services.step_save(step=step, actor=actor, version=step.version, data=services.StepInput(Decision.TALKED))
        elif step.assignment is not None and step.assignment.pk == walks.pk:
            plan = services.plan_of(assignment_initial(step.assignment))
            plan.update(if_when="After my morning coffee", if_then="I'll put my shoes on and walk to the corner")
            first = services.StepInput(Decision.ADJUST, learned=WALKS_LEARNED, confidence=5, plan=plan)
            step = services.step_save(step=step, actor=actor, version=step.version, data=first)
            then = services.StepInput(
                Decision.ADJUST, learned=WALKS_LEARNED, confidence=8, adjustment=Adjustment.TIME, plan=plan
            )
            services.step_save(step=step, actor=actor, version=step.version, data=then)
        elif step.assignment is not None:
            key = step.assignment.template_version.template.key
            decision = Decision.STOP if key == "reading" else Decision.KEEP
            learned = WHAT_WE_LEARNED.get(key, "")
            services.step_save(step=step, actor=actor, version=step.version, data=services.StepInput(decision, learned))
    result = services.conversation_finish(
        conversation=conversation,
        actor=actor,
        day=day,
        next_date=day + timedelta(weeks=1),
        note="Reviewed the week together, walks moved to the morning",
    )
    _date(story, conversation, day, result.session)
    walks.refresh_from_db()  # the walks practised from here on are logged against the agreed version


def _date(story: Story, conversation: Conversation, day: date, session: Session) -> None:
    """Date what finishing wrote to the session it happened in (the services write "now")."""
    start, end = story.at(day, 10, 5, therapist=True), story.at(day, 10, 50, therapist=True)
    Conversation.objects.filter(pk=conversation.pk).update(started_at=start, updated_at=end, finished_at=end)
    steps = Step.objects.filter(conversation=conversation)
    steps.update(updated_at=end)
    ConfidenceCheck.objects.filter(conversation=conversation).update(created_at=end)
    AssignmentRevision.objects.filter(agreed_in__in=steps).update(created_at=end, seen_by_client_at=end)
    changed = steps.filter(decision__in=[Decision.ADJUST, Decision.STOP]).values("assignment_id")
    Assignment.objects.filter(pk__in=changed).update(updated_at=end)
    Session.objects.filter(pk=session.pk).update(created_at=end)
