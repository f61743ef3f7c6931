"""Access helpers for review conversations: a therapist of the client, or an audited 404 (lib.access.fetch_for).
The client never reads a conversation itself: they see what it agreed, on their own Today page."""

from __future__ import annotations

from carryover.audit.models import Action
from carryover.lib.access import THERAPIST_ONLY, fetch_for
from carryover.lib.types import AuthedRequest

from .models import Conversation, Step


def get_conversation_for_therapist(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> Conversation:
    queryset = Conversation.objects.select_related("client__user", "started_by__user")
    return fetch_for(request, queryset, pk, roles=THERAPIST_ONLY, object_type="review_conversation", action=action)


def get_step_for_therapist(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> Step:
    queryset = Step.objects.select_related(
        "conversation__client__user", "assignment__template_version", "entry__template_version", "template_version"
    )
    return fetch_for(
        request,
        queryset,
        pk,
        roles=THERAPIST_ONLY,
        object_type="review_step",
        action=action,
        owner="conversation__client",
    )
