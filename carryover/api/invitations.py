"""Invitations: a therapist invites a client, a practice admin invites therapists and admins, and either resends
or revokes one they may manage (`accounts.access.get_invitation_for_user`: a therapist their own client
invitations, an admin every invitation of their practice). The web forms check the input and
`accounts.services` does the rest (its audit row, the email sent by the worker).
"""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from carryover.accounts import services as accounts
from carryover.accounts.access import get_invitation_for_user, get_practice_for_admin
from carryover.accounts.forms import InviteClientForm, InviteStaffForm
from carryover.accounts.models import Invitation, Role
from carryover.audit.models import Action
from carryover.lib.types import AuthedRequest

from . import schemas as s
from .access import member_in
from .auth import ApiAuth
from .conventions import idempotent, page_of
from .models import Area
from .practice import router as practice_router  # GET /practice/invitations is there: one URL per path
from .problems import Problem, check_form
from .therapist import PageQuery

router = Router(auth=ApiAuth(Area.PRACTICE), tags=["invitations"])


def invitation_out(i: Invitation) -> dict[str, Any]:
    fields = ("id", "email", "role", "created_at", "expires_at")
    return {**{name: getattr(i, name) for name in fields}, "status": i.status()}


def _refused(error: accounts.InvitationError, field: str = "body") -> Problem:
    return Problem(409, str(error), code="invitation", errors=[{"field": field, "message": str(error)}])


def _create(request: AuthedRequest, form, *, role: str):
    check_form(form)

    def create() -> tuple[int, Any]:
        try:
            made = accounts.invitation_create(
                inviter=request.user, email=form.cleaned_data["email"], name=form.cleaned_data["name"], role=role
            )
        except accounts.InvitationError as error:
            raise _refused(error, "email") from error
        return 201, invitation_out(made)

    return idempotent(request, create)


@router.get("/invitations", response=s.InvitationPage, summary="The client invitations I sent")
def my_invitations(request: AuthedRequest, page: Query[PageQuery]):
    member_in(request, Role.THERAPIST, object_type="invitation")
    rows = Invitation.objects.filter(invited_by=request.user, role=Role.CLIENT)
    return page_of(rows, page.cursor, page.limit, serialize=invitation_out)


@router.post("/invitations", response={201: s.InvitationOut}, summary="Invite a client (the email goes out)")
def invite_client(request: AuthedRequest, payload: s.InviteClientIn):
    member_in(request, Role.THERAPIST, object_type="invitation", action=Action.CREATE)
    return _create(request, InviteClientForm(payload.dict()), role=Role.CLIENT)


@practice_router.post(
    "/practice/invitations", response={201: s.InvitationOut}, summary="Invite a therapist or an admin"
)
def invite_staff(request: AuthedRequest, payload: s.InviteStaffIn):
    get_practice_for_admin(request, action=Action.CREATE)
    form = InviteStaffForm(payload.dict())
    return _create(request, form, role=payload.role)


@router.post("/invitations/{invitation_id}/resend", response=s.InvitationOut, summary="Send a new link")
def invitation_resend(request: AuthedRequest, invitation_id: s.DbId):
    invitation = get_invitation_for_user(request, invitation_id)
    try:
        accounts.invitation_resend(invitation=invitation, actor=request.user)
    except accounts.InvitationError as error:
        raise _refused(error) from error
    return invitation_out(invitation)


@router.post("/invitations/{invitation_id}/revoke", response=s.InvitationOut, summary="Revoke an invitation")
def invitation_revoke(request: AuthedRequest, invitation_id: s.DbId):
    invitation = get_invitation_for_user(request, invitation_id)
    try:
        accounts.invitation_revoke(invitation=invitation, actor=request.user)
    except accounts.InvitationError as error:
        raise _refused(error) from error
    return invitation_out(invitation)
