"""Goals, the fear ladder, comments on entries, the next session's booking and chart sharing: each through the web
page's access helper (the same audit row), its form or formset (the one home of what is valid) and its service.

The ladder is the client's and their therapist's to edit, as on the web: `/clients/{id}/ladder` for the therapist,
`/me/ladder` for the client, one formset and one service behind both.
"""

from __future__ import annotations

from typing import Any

from ninja import Router

from carryover.accounts.access import get_client_for_therapist, get_own_client_record
from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.homework import services as homework
from carryover.homework.access import get_entry_for_user
from carryover.homework.forms import CommentForm, GoalForm, LadderFormSet, ladder_items_from
from carryover.homework.models import Comment, Goal, LadderItem, local_today
from carryover.lib.types import AuthedRequest
from carryover.measures import services as measures
from carryover.review.forms import NextSessionForm
from carryover.review.models import Session
from carryover.review.services import next_session_set

from . import schemas as s
from .access import member_in
from .auth import ApiAuth
from .conventions import idempotent
from .models import Area
from .problems import Problem, check_form, check_formset

work = Router(auth=ApiAuth(Area.HOMEWORK), tags=["therapist"])
me_work = Router(auth=ApiAuth(Area.HOMEWORK), tags=["client"])
review = Router(auth=ApiAuth(Area.REVIEW), tags=["therapist"])
safety = Router(auth=ApiAuth(Area.MEASURES), tags=["therapist"])


# --- Goals ----------------------------------------------------------------------------------------------------------


def _goal_out(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "client_id": goal.client.user_id,
        "text": goal.title,
        "steps": goal.steps,
        "archived": goal.archived,
        "created_at": goal.created_at,
    }


@work.get("/clients/{client_id}/goals", response=list[s.GoalOut], summary="A client's goals")
def goals(request: AuthedRequest, client_id: s.DbId):
    client = get_client_for_therapist(request, client_id, object_type="goal")
    return [_goal_out(goal) for goal in Goal.objects.filter(client=client).select_related("client").order_by("id")]


@work.post("/clients/{client_id}/goals", response={201: s.GoalOut}, summary="Add a goal, in the client's words")
def goal_create(request: AuthedRequest, client_id: s.DbId, payload: s.GoalIn):
    client = get_client_for_therapist(request, client_id, action=Action.CREATE, object_type="goal")
    form = GoalForm({"text": payload.text, "steps": "\n".join(payload.steps)})
    check_form(form)

    def create() -> tuple[int, Any]:
        goal = homework.goal_create(
            actor=request.user, client=client, text=form.cleaned_data["text"], steps=form.steps_list()
        )
        return 201, _goal_out(goal)

    return idempotent(request, create)


# --- The fear ladder ------------------------------------------------------------------------------------------------


def _ladder_out(client: Membership) -> dict[str, Any]:
    rungs = LadderItem.objects.filter(client=client, archived=False)
    return {"client_id": client.user_id, "items": [rung.as_choice() for rung in rungs]}


def _ladder_save(request: AuthedRequest, client: Membership, payload: s.LadderIn) -> dict[str, Any]:
    """The page's formset checks the rungs; `ladder_save` replaces the ladder with them."""
    data: dict[str, Any] = {"form-TOTAL_FORMS": str(len(payload.items)), "form-INITIAL_FORMS": "0"}
    for n, rung in enumerate(payload.items):
        data.update({f"form-{n}-id": rung.id or "", f"form-{n}-position": n})
        data.update({f"form-{n}-description": rung.description, f"form-{n}-suds": rung.suds})
    formset = LadderFormSet(data)
    check_formset(formset, name="items")
    homework.ladder_save(actor=request.user, client=client, items=ladder_items_from(formset))
    return _ladder_out(client)


@work.get("/clients/{client_id}/ladder", response=s.LadderOut, summary="A client's fear ladder")
def client_ladder(request: AuthedRequest, client_id: s.DbId):
    return _ladder_out(get_client_for_therapist(request, client_id, object_type="fear_ladder"))


@work.put("/clients/{client_id}/ladder", response=s.LadderOut, summary="Replace a client's fear ladder")
def client_ladder_save(request: AuthedRequest, client_id: s.DbId, payload: s.LadderIn):
    client = get_client_for_therapist(request, client_id, action=Action.UPDATE, object_type="fear_ladder")
    return _ladder_save(request, client, payload)


@me_work.get("/me/ladder", response=s.LadderOut, summary="My fear ladder")
def my_ladder(request: AuthedRequest):
    return _ladder_out(get_own_client_record(request, object_type="fear_ladder"))


@me_work.put("/me/ladder", response=s.LadderOut, summary="Replace my fear ladder")
def my_ladder_save(request: AuthedRequest, payload: s.LadderIn):
    me = get_own_client_record(request, action=Action.UPDATE, object_type="fear_ladder")
    return _ladder_save(request, me, payload)


# --- Comments on entries --------------------------------------------------------------------------------------------


def _comment_out(comment: Comment) -> dict[str, Any]:
    author = comment.author.display_name if comment.author else "Former team member"
    return {
        "id": comment.pk,
        "entry_id": comment.entry_id,
        "author": author,
        "text": comment.text,
        "created_at": comment.created_at,
    }


@work.get("/entries/{entry_id}/comments", response=list[s.CommentOut], summary="The comments on an entry")
def comments(request: AuthedRequest, entry_id: s.DbId):
    entry = get_entry_for_user(request, entry_id)
    if entry.is_private and request.user.role != Role.CLIENT:
        return []  # a private entry, to its therapist: nothing of it, as on the page
    return [_comment_out(c) for c in entry.comments.select_related("author")]


@work.post("/entries/{entry_id}/comments", response={201: s.CommentOut}, summary="Comment on a client's entry")
def comment_create(request: AuthedRequest, entry_id: s.DbId, payload: s.CommentIn):
    member_in(request, Role.THERAPIST, object_type="entry", action=Action.CREATE)
    entry = get_entry_for_user(request, entry_id, action=Action.CREATE)
    if entry.is_private:
        detail = "This entry is private: it can't be commented on."
        raise Problem(409, detail, code="private_entry", errors=[{"field": "path.entry_id", "message": detail}])
    form = CommentForm(payload.dict())
    check_form(form)

    def create() -> tuple[int, Any]:
        comment = homework.comment_add(entry=entry, author=request.user, text=form.cleaned_data["text"])
        return 201, _comment_out(comment)

    return idempotent(request, create)


# --- The next session, chart sharing --------------------------------------------------------------------------------


@review.put("/clients/{client_id}/next-session", response=s.NextSessionOut, summary="Rebook (a date) or cancel (null)")
def next_session(request: AuthedRequest, client_id: s.DbId, payload: s.NextSessionIn):
    client = get_client_for_therapist(request, client_id, action=Action.UPDATE, object_type="session")
    latest = Session.objects.latest_for(client)
    chosen = {"next_date": payload.next_date or "", "action": "cancel" if payload.next_date is None else "rebook"}
    form = NextSessionForm(chosen, latest=latest.date if latest else None, today=local_today(client.user))
    check_form(form)
    assert latest is not None  # the form refuses a client with no session recorded
    next_session_set(session=latest, next_date=form.cleaned_data["next_date"])
    return {"client_id": client.user_id, "next_session": homework.next_session_of(client)}


@safety.get("/clients/{client_id}/chart-sharing", response=s.ChartSharingOut, summary="Whether the client sees charts")
def chart_sharing(request: AuthedRequest, client_id: s.DbId):
    client = get_client_for_therapist(request, client_id, object_type="measures")
    return {"client_id": client.user_id, "shared": measures.charts_shared(client)}


@safety.put("/clients/{client_id}/chart-sharing", response=s.ChartSharingOut, summary="Share charts with the client")
def chart_sharing_set(request: AuthedRequest, client_id: s.DbId, payload: s.ChartSharingIn):
    client = get_client_for_therapist(request, client_id, action=Action.UPDATE, object_type="measures")
    measures.charts_share_set(client=client, shared=payload.shared)
    return {"client_id": client.user_id, "shared": measures.charts_shared(client)}
