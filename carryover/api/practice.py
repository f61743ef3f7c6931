"""The practice admin's operations: members, invitations and the audit log, each scoped to their own practice
(`accounts.access.get_practice_for_admin`, which refuses everyone else with an audited 404). No clinical content:
the audit log names events, never what they were about."""

from __future__ import annotations

from ninja import Query, Router, Status

from carryover.accounts.access import get_practice_for_admin
from carryover.audit.models import Action, AuditEvent
from carryover.audit.services import audit_record
from carryover.lib.types import AuthedRequest

from . import schemas as s
from . import services
from .access import get_webhook_for_admin
from .auth import ApiAuth
from .conventions import idempotent, page_of
from .forms import WebhookForm
from .models import Area, WebhookDelivery, WebhookEndpoint
from .problems import check_form
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
    me = request.user.pk
    audit_record(actor_id=me, practice_id=practice.pk, client_id=None, action=Action.READ, object_type="audit_log")
    fields = ("id", "at", "actor_id", "client_id", "action", "object_type", "object_id", "outcome", "request_id")
    rows = AuditEvent.objects.filter(practice_id=practice.pk)
    return page_of(rows, page.cursor, page.limit, serialize=lambda e: {name: getattr(e, name) for name in fields})


# --- Webhooks -----------------------------------------------------------------------------------------------------


def _webhook_out(e: WebhookEndpoint) -> dict:
    fields = ("id", "url", "events", "created_at", "disabled_at", "failures_in_a_row")
    return {name: getattr(e, name) for name in fields}


@router.get("/practice/webhooks", response=s.WebhookPage, summary="My practice's webhook endpoints")
def webhooks_list(request: AuthedRequest, page: Query[PageQuery]):
    practice = get_practice_for_admin(request)
    rows = WebhookEndpoint.objects.filter(practice=practice, deleted_at__isnull=True)
    return page_of(rows, page.cursor, page.limit, serialize=_webhook_out)


@router.post("/practice/webhooks", response={201: s.WebhookCreatedOut}, summary="Add an endpoint (its secret: once)")
def webhook_create(request: AuthedRequest, payload: s.WebhookIn):
    practice = get_practice_for_admin(request, action=Action.CREATE)
    form = WebhookForm(payload.dict())
    check_form(form)

    def create() -> tuple[int, dict]:
        endpoint = services.webhook_create(practice=practice, created_by=request.user, **form.cleaned_data)
        return 201, {**_webhook_out(endpoint), "secret": endpoint.secret}

    return idempotent(request, create)


@router.delete("/practice/webhooks/{webhook_id}", response={204: None}, summary="Remove an endpoint")
def webhook_delete(request: AuthedRequest, webhook_id: s.DbId):
    endpoint = get_webhook_for_admin(request, webhook_id, action=Action.DELETE)
    services.webhook_remove(endpoint=endpoint)
    return Status(204, None)


@router.get("/practice/webhooks/{webhook_id}/deliveries", response=s.DeliveryPage, summary="An endpoint's delivery log")
def webhook_deliveries(request: AuthedRequest, webhook_id: s.DbId, page: Query[PageQuery]):
    endpoint = get_webhook_for_admin(request, webhook_id)

    def out(d: WebhookDelivery) -> dict:
        fields = ("id", "status", "attempts", "next_attempt_at", "last_status_code", "last_error", "delivered_at")
        return {
            **{name: getattr(d, name) for name in fields},
            "event_id": d.event.public_id,
            "event_type": d.event.type,
        }

    rows = WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event")
    return page_of(rows, page.cursor, page.limit, serialize=out)
