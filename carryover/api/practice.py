"""The practice admin's operations: members, invitations and the audit log, each scoped to their own practice
(`accounts.access.get_practice_for_admin`, which refuses everyone else with an audited 404). No clinical content:
the audit log names events, never what they were about."""

from __future__ import annotations

from ninja import Query, Router

from carryover.accounts.access import get_practice_for_admin
from carryover.audit.models import Action, AuditEvent, Outcome
from carryover.audit.services import audit_record
from carryover.lib.types import AuthedRequest

from . import schemas as s
from .auth import ApiAuth
from .conventions import page_of
from .models import Area
from .therapist import PageQuery

router = Router(auth=ApiAuth(Area.PRACTICE), tags=["practice admin"])


@router.get("/practice/members", response=s.MemberPage, summary="The people of my practice")
def members(request: AuthedRequest, page: Query[PageQuery]):
    practice = get_practice_for_admin(request)
    rows = practice.memberships.select_related("user")

    def out(m):
        return {
            "user_id": m.user_id,
            "name": m.user.name,
            "email": m.user.email,
            "role": m.role,
            "joined_at": m.created_at,
        }

    return page_of(rows, page.cursor, page.limit, serialize=out)


@router.get("/practice/invitations", response=s.InvitationPage, summary="Invitations sent in my practice")
def invitations(request: AuthedRequest, page: Query[PageQuery]):
    practice = get_practice_for_admin(request)

    def out(i):
        fields = ("id", "email", "role", "created_at", "expires_at")
        return {**{name: getattr(i, name) for name in fields}, "status": i.status()}

    return page_of(practice.invitations.all(), page.cursor, page.limit, serialize=out)


@router.get("/practice/audit", response=s.AuditPage, summary="My practice's audit log, newest first")
def audit(request: AuthedRequest, page: Query[PageQuery]):
    practice = get_practice_for_admin(request)
    # Reading the log is itself logged, as on the audit page.
    audit_record(
        actor_id=request.user.pk,
        practice_id=practice.pk,
        client_id=None,
        action=Action.READ,
        object_type="audit_log",
        outcome=Outcome.ALLOWED,
    )
    fields = ("id", "at", "actor_id", "client_id", "action", "object_type", "object_id", "outcome", "request_id")
    rows = AuditEvent.objects.filter(practice_id=practice.pk)
    return page_of(rows, page.cursor, page.limit, serialize=lambda e: {name: getattr(e, name) for name in fields})
