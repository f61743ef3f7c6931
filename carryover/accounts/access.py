"""Access helpers: the only way views fetch people and client data.

Each helper either returns the object for this user or records a denied audit event and raises 404, so a
stranger cannot tell a record that exists from one that does not.
"""

from __future__ import annotations

from functools import wraps

from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.shortcuts import redirect

from carryover.audit.models import Action
from carryover.lib.access import allow, deny
from carryover.lib.types import AuthedRequest

from .models import CLINICIAN_ROLES, Invitation, Membership, Practice, Role

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user) -> bool:
    """An authenticator app or a passkey. Recovery codes do not count: they come with either and only stand in."""
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def role_required(*roles: str):
    """Signed in, in one of `roles`, and (for therapists and admins) with two-factor sign-in set up."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request: AuthedRequest, *args, **kwargs):
            membership = request.user.membership_or_none
            if membership is None or membership.role not in roles:
                match = request.resolver_match
                object_type = (match.url_name if match else None) or "page"
                raise deny(request, client_id=kwargs.get("client_id"), action=Action.READ, object_type=object_type)
            if membership.role in CLINICIAN_ROLES and not has_second_factor(request.user):
                return redirect("mfa_required")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_client_for_therapist(
    request: AuthedRequest, client_id: int, *, action: Action = Action.READ, object_type: str = "client"
) -> Membership:
    me = request.user.membership_or_none
    client = None
    if me is not None and me.role == Role.THERAPIST:
        client = Membership.objects.clients_of(me).select_related("user", "practice").filter(user_id=client_id).first()
    if client is None:
        raise deny(request, client_id=client_id, action=action, object_type=object_type, object_id=client_id)
    allow(
        request,
        practice_id=client.practice_id,
        client_id=client.user_id,
        action=action,
        object_type=object_type,
        object_id=client.user_id,
    )
    return client


def get_own_client_record(request: AuthedRequest, *, action: Action = Action.READ, object_type: str) -> Membership:
    me = request.user.membership_or_none
    if me is None or me.role != Role.CLIENT:
        raise deny(request, action=action, object_type=object_type)
    allow(
        request,
        practice_id=me.practice_id,
        client_id=me.user_id,
        action=action,
        object_type=object_type,
        object_id=me.user_id,
    )
    return me


def get_caseload_for_therapist(request: AuthedRequest) -> QuerySet[Membership]:
    me = request.user.membership
    allow(
        request,
        practice_id=me.practice_id,
        client_id=None,
        action=Action.READ,
        object_type="caseload",
        object_id=me.user_id,
    )
    return Membership.objects.clients_of(me).select_related("user").order_by("user__name", "user__email")


def get_practice_for_admin(request: AuthedRequest, *, action: Action = Action.READ) -> Practice:
    """The admin's own practice. Not client data, so reading it is not audited; a refusal is, like every 404."""
    me = request.user.membership_or_none
    if me is None or me.role != Role.ADMIN:
        raise deny(request, action=action, object_type="practice")
    return me.practice


def get_invitation_for_user(request: AuthedRequest, pk: int, *, action: Action = Action.UPDATE) -> Invitation:
    """Therapists manage the client invitations they sent; admins manage every invitation of their practice."""
    me = request.user.membership_or_none
    invitations = Invitation.objects.none()
    if me is not None and me.role == Role.ADMIN:
        invitations = Invitation.objects.filter(practice_id=me.practice_id)
    elif me is not None and me.role == Role.THERAPIST:
        invitations = Invitation.objects.filter(practice_id=me.practice_id, invited_by=request.user, role=Role.CLIENT)
    invitation = invitations.filter(pk=pk).first()
    if invitation is None:
        raise deny(request, action=action, object_type="invitation", object_id=pk)
    allow(
        request,
        practice_id=invitation.practice_id,
        client_id=invitation.accepted_user_id if invitation.role == Role.CLIENT else None,
        action=action,
        object_type="invitation",
        object_id=invitation.pk,
    )
    return invitation
