"""What the review conversation's pages show: the steps with where each stands, and for each step the week's
figures from the session-prep summary (`build_summary`, one fixed set of queries) and the client's own words.
Private entries appear only as "a private entry" with their day: their content is never read."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from carryover.accounts.models import Membership
from carryover.homework.models import Entry, Visibility, local_today
from carryover.homework.render import display_answers
from carryover.lib.types import AuthedRequest
from carryover.review.models import Session
from carryover.review.summary import build_summary
from carryover.review.windows import Window

from . import agreed, services
from .models import Conversation, Step


def next_url(conversation: Conversation) -> str:
    """The first step not decided yet, or the overview when all are."""
    waiting = conversation.steps.filter(decision="").order_by("position").first()
    if waiting is not None:
        return reverse("together_step", args=[waiting.pk])
    return reverse("together_start", args=[conversation.client.user_id])


def conversation_context(
    request: AuthedRequest, client: Membership, conversation: Conversation | None = None
) -> dict[str, Any]:
    draft = conversation or Conversation.objects.draft_for(client)
    last = Conversation.objects.latest_finished(client)
    steps = list(draft.steps.select_related("assignment", "entry", "template_version")) if draft else []
    return {
        "client": client,
        "draft": draft,
        "steps": steps,
        "someone_else": draft is not None and draft.started_by_id != request.user.membership.pk,
        "problems": services.unsettled(draft) if draft is not None and draft.is_draft else [],
        "last": last,
        "last_lines": agreed.agreed_lines(last) if last is not None else [],
    }


def step_context(request: AuthedRequest, item: Step, form) -> dict[str, Any]:
    conversation = item.conversation
    client = conversation.client
    today = local_today(client.user)
    window = Window(min(conversation.since, today), today)
    sessions = list(Session.objects.for_client(client)[:1])
    summary = build_summary(client, window, sessions, today=today)
    stats = next((row for row in summary.assignments if row.assignment.pk == item.assignment_id), None)
    steps = list(conversation.steps.only("id", "position", "decision"))
    context = {
        "client": client,
        "conversation": conversation,
        "item": item,
        "form": form,
        "window": window,
        "stats": stats,
        "number": next(n for n, s in enumerate(steps, start=1) if s.pk == item.pk),
        "total": len(steps),
        "someone_else": item.updated_by_id not in (None, request.user.pk),
    }
    if item.assignment_id is not None:
        context["entries"] = _entries_of(client, window, item.assignment_id)
        context["notices"] = [n for n in summary.notices if n.assignment_id == item.assignment_id]
    if item.entry is not None and item.entry.visibility == Visibility.SHARED:
        context["entry_steps"] = display_answers(item.entry.template_version.schema, item.entry.answers)
    return context


def _entries_of(client: Membership, window: Window, assignment_id: int) -> list[dict[str, Any]]:
    """The week's entries of one activity, oldest first: shared ones with the client's words, private ones as
    "a private entry" (only their day and outcome-free existence is read)."""
    rows = Entry.objects.filter(
        client=client, assignment_id=assignment_id, done_on__gte=window.start, done_on__lte=window.end
    ).order_by(*Entry.DONE_ORDER)
    shared = {e.pk: e for e in rows.filter(visibility=Visibility.SHARED)}
    result = []
    for pk, day, visibility in rows.values_list("pk", "done_on", "visibility"):
        if visibility == Visibility.SHARED:
            result.append({"entry": shared[pk], "day": day, "private": False})
        else:
            result.append({"entry": None, "day": day, "private": True})
    return result
