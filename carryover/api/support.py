"""Support persons over the API (issue 16). The support person's operations: the clients sharing with them, one
client's shared view as JSON, and a kind word. The client's: who they share with and exactly what each sees (the
live preview's builder), pause or resume, and remove, in one call each.

Each goes through the support app's own access helpers, builder and services, exactly as the support pages do:
`support.access.get_link_for_supporter` / `get_link_for_client`, `support.shared.shared_view` (the one builder
behind the support person's page and the client's live preview) and `support.services` (a kind word is a preset
or 280 plain characters, and nothing is sent while paused). A token reaches these only with the "support" area;
the answers carry what the page shows and nothing more, with the practice's crisis lines, as every support page
has them.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from ninja import Router, Schema, Status

from carryover.accounts import crisis
from carryover.accounts.access import get_own_client_record
from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.lib.access import allow
from carryover.lib.types import AuthedRequest
from carryover.support import services as support
from carryover.support.access import get_link_for_client, get_link_for_supporter
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


class SupportPersonOut(Schema):
    id: int
    name: str
    state: str  # "suggested", "on" or "paused"
    accepted: bool
    is_guardian: bool
    sees: SharedViewOut  # exactly what they see now (nothing while suggested or not yet accepted: they see nothing)


class PauseIn(s.In):
    paused: bool


class EncouragementIn(s.In):
    preset: str = ""
    text: str = ""  # the service says how long a long one is, rather than a bare length error


class EncouragementOut(Schema):
    id: int
    words: str
    created_at: datetime


def _crisis(me: Membership) -> list[dict[str, Any]]:
    """The crisis lines on every support page: the practice's own list (a support person's account is the
    client's practice's)."""
    fields = ("name", "how", "phone", "sms", "sms_body", "url", "last_verified")
    lines = crisis.in_language(me.practice.crisis_resources.all())  # in the reader's language, as on the page
    return [{name: getattr(r, name) for name in fields} for r in lines]


def _view_of(link: SupportLink, policy: SupportPolicy | None) -> SharedView:
    return shared_view(link.client, Scope.of(link, policy), paused=link.is_paused)


def _view_out(link: SupportLink, view: SharedView, crisis: list[dict[str, Any]]) -> dict[str, Any]:
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
        "crisis_resources": crisis,
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
    view = _view_of(link, SupportPolicy.objects.filter(client=link.client).first())
    return _view_out(link, view, _crisis(request.user.membership))


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


# --- The client ----------------------------------------------------------------------------------------------------

mine = Router(auth=ApiAuth(Area.SUPPORT), tags=["client"])


def _person_out(link: SupportLink, policy: SupportPolicy | None, crisis: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": link.pk,
        "name": link.name,
        "state": link.state,
        "accepted": link.accepted,
        "is_guardian": link.is_guardian,
        "sees": _view_out(link, _view_of(link, policy), crisis),
    }


@mine.get("/me/support-persons", response=list[SupportPersonOut], summary="Who I share with, and what each sees")
def my_support_persons(request: AuthedRequest):
    me = get_own_client_record(request, object_type="support_settings")
    policy = SupportPolicy.objects.filter(client=me).first()
    links = SupportLink.objects.current().filter(client=me).select_related("client__user")
    crisis = _crisis(me)
    return [_person_out(link, policy, crisis) for link in links]


@mine.post("/me/support-persons/{link_id}/pause", response=SupportPersonOut, summary="Pause or resume sharing")
def my_support_person_pause(request: AuthedRequest, link_id: s.DbId, payload: PauseIn):
    link = get_link_for_client(request, link_id, action=Action.UPDATE)
    try:
        support.link_set_paused(link=link, actor=request.user, paused=payload.paused)
    except support.SupportError as error:
        raise Problem(409, str(error), code="not_invited") from error
    return _person_out(link, SupportPolicy.objects.filter(client=link.client).first(), _crisis(link.client))


@mine.delete("/me/support-persons/{link_id}", response={204: None}, summary="Remove a support person")
def my_support_person_remove(request: AuthedRequest, link_id: s.DbId):
    link = get_link_for_client(request, link_id, action=Action.DELETE)
    try:
        support.link_remove(link=link, actor=request.user)
    except support.SupportError as error:
        raise Problem(409, str(error), code="minimum") from error
    return Status(204, None)
