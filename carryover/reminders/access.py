"""Access helpers for reminder pages (one audit row per request, 404 for anyone out of place)."""

from __future__ import annotations

from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.lib.access import allow, deny
from carryover.lib.types import AuthedRequest

from .models import Reminder, ReminderStatus
from .therapists import Attention, attention_for


def get_failures_for_admin(request: AuthedRequest):
    """Reminders that could not be sent, in the admin's practice: who and why, never what about."""
    me = request.user.membership_or_none
    if me is None or me.role != Role.ADMIN:
        raise deny(request, action=Action.READ, object_type="reminder_failures")
    allow(
        request,
        practice_id=me.practice_id,
        client_id=None,
        action=Action.READ,
        object_type="reminder_failures",
        object_id=me.practice_id,
    )
    return (
        Reminder.objects.filter(client__practice_id=me.practice_id, status=ReminderStatus.FAILED)
        .select_related("client__user")
        .prefetch_related("deliveries")[:100]
    )


def get_own_attention(request: AuthedRequest) -> tuple[Membership, Attention]:
    me = request.user.membership_or_none
    if me is None or me.role != Role.THERAPIST:
        raise deny(request, action=Action.READ, object_type="therapist_attention")
    allow(
        request,
        practice_id=me.practice_id,
        client_id=None,
        action=Action.READ,
        object_type="therapist_attention",
        object_id=me.user_id,
    )
    return me, attention_for(me)
