"""What a conversation leaves behind, read for the pages: the client's "what we agreed" lines, the therapist's
review checklist, each activity's confidence beside its completion, and the insight page's two tables.

Each function runs a constant number of queries (the insight tables: one each; see tests/test_insight.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from carryover.accounts.models import Membership
from carryover.homework.models import Assignment, AssignmentStatus, Occurrence

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from .models import CHANGES, CONFIDENT, ConfidenceCheck, Conversation, ConversationStatus, Decision, Step, StepKind


@dataclass
class AgreedLine:
    title: str
    what: str  # kept, changed (with what changed), made smaller, paused, stopped, new
    why: str


def agreed_lines(conversation: Conversation) -> list[AgreedLine]:
    """The client's copy, in plain words: one line per activity kept, changed, paused, stopped or new."""
    steps = conversation.steps.filter(applied=True).exclude(kind=StepKind.ENTRY)
    lines = []
    for step in steps.select_related("assignment", "revision", "result"):
        assignment = step.result or step.assignment
        if assignment is None:
            continue
        lines.append(AgreedLine(assignment.title, _what(step, assignment), step.learned or _default_why(step)))
    return lines


def _what(step: Step, assignment: Assignment) -> str:
    if step.decision == Decision.KEEP:
        return gettext("We kept it as it is.")
    if step.decision == Decision.SMALLER:
        return gettext("We made it smaller: %(instructions)s (about %(minutes)s min).") % {
            "instructions": assignment.c("instructions"),
            "minutes": assignment.minutes,
        }
    if step.decision == Decision.ADJUST:
        changed = ", ".join(step.revision.changed).lower() if step.revision else gettext("nothing in the end")
        return gettext("We changed it: %(changed)s.") % {"changed": changed}
    if step.decision == Decision.PAUSE:
        return gettext("We paused it for now.")
    if step.decision == Decision.STOP:
        return gettext("We stopped it.")
    return gettext("New: %(schedule)s, about %(minutes)s min.") % {
        "schedule": assignment.schedule_text().lower(),
        "minutes": assignment.minutes,
    }


def _default_why(step: Step) -> str:
    return step.result.c("rationale") if step.result is not None else ""


# --- The therapist's checklist --------------------------------------------------------------------------------


@dataclass
class Tick:
    label: str
    done: int
    of: int

    @property
    def ticked(self) -> bool:
        return self.of > 0 and self.done == self.of

    def __str__(self) -> str:
        mark = "✓" if self.ticked else "○"
        if not self.of:
            return "○ " + gettext("%(label)s: nothing to do") % {"label": self.label}
        return f"{mark} " + gettext("%(label)s: %(done)s of %(of)s") % {
            "label": self.label,
            "done": self.done,
            "of": self.of,
        }


def checklist(conversation: Conversation) -> list[Tick]:
    """Ticked from what happened in the review, never typed: last week's activities each decided; each change or
    new one with its "why" said; each activity that was missed or hard talked through (a "what we learned" note);
    each change or new one confidence-checked."""
    steps = list(conversation.steps.select_related("assignment"))
    week = [s for s in steps if s.kind == StepKind.ASSIGNMENT]
    changes = [s for s in steps if s.decision in CHANGES]
    struggled = _struggled(conversation, [s.assignment_id for s in week if s.assignment_id])
    obstacles = [s for s in week if s.assignment_id in struggled]
    return [
        Tick(gettext("Last week's activities reviewed"), sum(s.is_decided for s in week), len(week)),
        Tick(
            gettext("Why it helps given for each change or new one"),
            sum(bool(s.learned) for s in changes),
            len(changes),
        ),
        Tick(
            gettext("Obstacles talked through (missed or not done)"),
            sum(bool(s.learned) for s in obstacles),
            len(obstacles),
        ),
        Tick(
            gettext("Confidence checked for each change or new one"),
            sum(s.confidence is not None for s in changes),
            len(changes),
        ),
    ]


def _struggled(conversation: Conversation, assignment_ids: list[int]) -> set[int]:
    """The week's activities with something missed, skipped or only partly done (one query)."""
    rows = Occurrence.objects.filter(
        assignment_id__in=assignment_ids, due_date__gte=conversation.since, status__in=("missed", "skipped", "partial")
    )
    return set(rows.values_list("assignment_id", flat=True))


def latest_conversation(client: Membership) -> Conversation | None:
    """The draft in progress, or else the last finished one."""
    return (
        Conversation.objects.filter(client=client)
        .order_by("status", "-started_at")  # "draft" sorts before "finished"
        .first()
    )


# --- Confidence beside completion --------------------------------------------------------------------------------


def latest_checks(assignment_ids: list[int]) -> dict[int, ConfidenceCheck]:
    """The latest confidence check of each assignment (one query)."""
    latest: dict[int, ConfidenceCheck] = {}
    checks = ConfidenceCheck.objects.filter(assignment_id__in=assignment_ids).select_related("revision")
    for check in checks.order_by("-created_at", "-id"):
        latest.setdefault(check.assignment_id, check)
    return latest


@dataclass
class ConfidenceRow:
    assignment: Assignment
    check: ConfidenceCheck | None
    completion: Decimal | None

    def __str__(self) -> str:
        done = "–" if self.completion is None else f"{int(self.completion * 100)}%"
        check = self.check
        if check is None:
            sure = gettext("confidence not checked")
        elif check.rating is None:
            sure = gettext("the client chose not to rate their confidence")
        else:
            sure = gettext("confidence %(rating)s/10 (%(origin)s, %(day)s)") % {
                "rating": check.rating,
                "origin": check.get_origin_display().lower(),
                "day": date_format(check.created_at, "j M"),
            }
            if check.first is not None and check.first != check.rating:
                sure += gettext(", up from %(first)s") % {"first": check.first}
        if check is not None and check.adjustment:
            sure += gettext("; asked for: %(what)s") % {"what": check.get_adjustment_display().lower()}
        if check is not None and check.revision is not None:  # the client's own change after saying below 7
            sure += gettext("; the client changed it: %(what)s") % {"what": ", ".join(check.revision.changed).lower()}
        return gettext("“%(title)s”: %(sure)s · completion %(done)s") % {
            "title": self.assignment.title,
            "sure": sure,
            "done": done,
        }


def confidence_rows(client: Membership, start: date, today: date) -> list[ConfidenceRow]:
    """Each active activity's latest confidence beside its completion since `start` (three queries)."""
    activities = list(Assignment.objects.for_client(client).activities().filter(status=AssignmentStatus.ACTIVE))
    adherence = (
        Occurrence.objects.filter(client=client)
        .due_between(start, today)
        .adherence_by_assignment({"window": start}, today={client.pk: today})
    )
    checks = latest_checks([a.pk for a in activities])
    return [
        ConfidenceRow(a, checks.get(a.pk), adherence.get(a.pk, {}).get("window"))
        for a in sorted(activities, key=lambda a: a.created_at)
    ]


# --- Insight ---------------------------------------------------------------------------------------------------

BANDS = (
    gettext_lazy("Confidence 0–3"),
    gettext_lazy("Confidence 4–6"),
    lazy(lambda: gettext("Confidence %(from)s–10") % {"from": CONFIDENT}, str)(),
    gettext_lazy("Not rated"),
)


def band(rating: int | None) -> StrOrPromise:
    if rating is None:
        return BANDS[3]
    return BANDS[0] if rating <= 3 else BANDS[1] if rating < CONFIDENT else BANDS[2]


AGREED = gettext_lazy("Agreed in session (made or last changed in a review)")
SENT = gettext_lazy("Sent between sessions")


def agreed_in_session(assignment_ids: list[int]) -> set[int]:
    """Activities made, or last changed, in a finished review (one query). An edit made afterwards outside a
    review is "sent" again: the latest change is the one that counts."""
    steps = Step.objects.filter(
        conversation__status=ConversationStatus.FINISHED, applied=True, decision__in=CHANGES
    ).filter(result_id__in=assignment_ids) | Step.objects.filter(
        conversation__status=ConversationStatus.FINISHED, applied=True, revision__assignment_id__in=assignment_ids
    )
    agreed = set()
    for result_id, made_at, assignment_id, number, current in steps.values_list(
        "result_id", "result__revision", "revision__assignment_id", "revision__number", "revision__assignment__revision"
    ):
        if result_id is not None and made_at == 1:
            agreed.add(result_id)
        elif assignment_id is not None and number == current:
            agreed.add(assignment_id)
    return agreed
