"""The support person's operations (issue 16): the clients sharing with them, one client's shared view as JSON,
and a kind word. Each goes through the support app's own access helpers, builder and services, exactly as the
support pages do: `support.access.get_link_for_supporter` (a link they accepted that the client has not removed),
`support.shared.shared_view` (the one builder behind their page and the client's live preview) and
`support.services.encouragement_send` (presets or 280 plain characters, nothing while paused). A token reaches
these only with the "support" area; the answers carry what the page shows and nothing more, with the practice's
crisis lines, as every support page has them.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from ninja import Router, Schema

from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.lib.access import allow
from carryover.lib.types import AuthedRequest
from carryover.support import services as support
from carryover.support.access import get_link_for_supporter
from carryover.support.forms import EncouragementForm
from carryover.support.models import SupportLink, SupportPolicy
from carryover.support.shared import Scope, SharedView, answer_text, shared_view

from . import schemas as s
from .access import member_in
from .auth import ApiAuth
from .conventions import idempotent
from .models import Area
from .problems import Problem, check_form

router = Router(auth=ApiAuth(Area.SUPPORT), tags=["support person"])


class SupportingOut(Schema):
    id: int
    first_name: str
    paused: bool


class DayOut(Schema):
    date: date
    active: bool


class CompletionOut(Schema):
    name: str
    status: str  # "done", "part" or "not today"


class AnswerOut(Schema):
    label: str
    text: str


class SharedEntryOut(Schema):
    name: str
    done_on: date
    outcome: str
    answers: list[AnswerOut]


class SharedViewOut(Schema):
    id: int
    first_name: str
    today: date
    paused: bool
    days: list[DayOut]
    completions: list[CompletionOut]
    entries: list[SharedEntryOut]
    nudge_at: time | None
    named_as_someone_to_ask: bool
    crisis_resources: list[s.CrisisResourceOut]


class EncouragementIn(s.In):
    preset: str = ""
    text: str = ""  # the service says how long a long one is, rather than a bare length error


class EncouragementOut(Schema):
    id: int
    words: str
    created_at: datetime


def _crisis(me: Membership) -> list[dict[str, Any]]:
    fields = ("name", "how", "phone", "sms", "sms_body", "url", "last_verified")
    return [{name: getattr(r, name) for name in fields} for r in me.practice.crisis_resources.all()]


def _view_out(link: SupportLink, view: SharedView, me: Membership) -> dict[str, Any]:
    return {
        "id": link.pk,
        "first_name": view.first_name,
        "today": view.today,
        "paused": view.paused,
        "days": [{"date": d.date, "active": d.active} for d in view.days],
        "completions": [{"name": c.name, "status": c.status} for c in view.completions],
        "entries": [
            {
                "name": e.name,
                "done_on": e.done_on,
                "outcome": e.outcome,
                "answers": [{"label": i["label"], "text": answer_text(i)} for step in e.steps for i in step["items"]],
            }
            for e in view.entries
        ],
        "nudge_at": view.nudge_at,
        "named_as_someone_to_ask": view.named_in_safety_plan,
        "crisis_resources": _crisis(me),
    }


@router.get("/supporting", response=list[SupportingOut], summary="The people sharing with me")
def supporting_list(request: AuthedRequest):
    me = member_in(request, Role.SUPPORT, object_type="support_home")
    allow(request, practice_id=me.practice_id, client_id=None, action=Action.READ, object_type="support_home")
    links = SupportLink.objects.of_supporter(request.user).select_related("client__user")
    return [{"id": link.pk, "first_name": link.client.user.first_name, "paused": link.is_paused} for link in links]


@router.get("/supporting/{link_id}", response=SharedViewOut, summary="What one person shares with me")
def supporting_view(request: AuthedRequest, link_id: s.DbId):
    link = get_link_for_supporter(request, link_id)
    policy = SupportPolicy.objects.filter(client=link.client).first()
    view = shared_view(link.client, Scope.of(link, policy), paused=link.is_paused)
    return _view_out(link, view, request.user.membership)


@router.post(
    "/supporting/{link_id}/encouragements",
    response={201: EncouragementOut},
    summary="Send a kind word (shown on their Today)",
)
def encouragement_create(request: AuthedRequest, link_id: s.DbId, payload: EncouragementIn):
    link = get_link_for_supporter(request, link_id, action=Action.CREATE)
    form = EncouragementForm(payload.dict())
    check_form(form)

    def create() -> tuple[int, Any]:
        try:
            sent = support.encouragement_send(link=link, actor=request.user, **form.cleaned_data)
        except support.SharingPaused as error:
            raise Problem(409, str(error), code="paused") from error
        except support.SupportError as error:
            errors = [{"field": "text", "message": str(error)}]
            raise Problem(422, str(error), code="validation", errors=errors) from error
        return 201, {"id": sent.pk, "words": sent.words, "created_at": sent.created_at}

    return idempotent(request, create)
