"""Access helpers for homework objects: the owner client or a linked therapist, everyone else gets 404.

Each returns the object and writes one audit event (allowed or denied), through carryover.lib.access.
"""

from __future__ import annotations

from carryover.accounts.models import Role
from carryover.audit.models import Action
from carryover.lib.access import BOTH, CLIENT_ONLY, THERAPIST_ONLY, deny, fetch_for
from carryover.lib.types import AuthedRequest

from .models import Assignment, AssignmentRevision, Attachment, Draft, Entry, Notice, Occurrence, Template


def get_occurrence_for_client(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> Occurrence:
    queryset = Occurrence.objects.select_related("assignment__template_version__template", "client__user")
    return fetch_for(request, queryset, pk, roles=CLIENT_ONLY, object_type="occurrence", action=action)


def get_assignment_for_client(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> Assignment:
    queryset = Assignment.objects.select_related("template_version", "client__user")
    return fetch_for(request, queryset, pk, roles=CLIENT_ONLY, object_type="assignment", action=action)


def get_assignment_for_therapist(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> Assignment:
    queryset = Assignment.objects.select_related("template_version", "client__user", "goal")
    return fetch_for(request, queryset, pk, roles=THERAPIST_ONLY, object_type="assignment", action=action)


def get_revision_for_client(request: AuthedRequest, pk: int) -> AssignmentRevision:
    queryset = AssignmentRevision.objects.select_related("assignment")
    return fetch_for(
        request,
        queryset,
        pk,
        roles=CLIENT_ONLY,
        object_type="assignment_revision",
        action=Action.UPDATE,
        owner="assignment__client",
    )


def get_draft_for_client(request: AuthedRequest, pk: int, *, action: str = Action.UPDATE) -> Draft:
    queryset = Draft.objects.select_related("template_version__template", "occurrence__assignment", "client__user")
    return fetch_for(request, queryset, pk, roles=CLIENT_ONLY, object_type="draft", action=action)


def get_entry_for_user(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> Entry:
    queryset = Entry.objects.select_related("assignment", "template_version", "client__user")
    return fetch_for(request, queryset, pk, roles=BOTH, object_type="entry", action=action)


def get_attachment_for_user(request: AuthedRequest, pk: int) -> Attachment:
    """Attachments of private entries are the client's alone."""
    queryset = Attachment.objects.select_related("client", "entry")
    me = request.user.membership_or_none
    if me is not None and me.role == Role.THERAPIST:
        queryset = queryset.filter(entry__isnull=False, entry__visibility="shared")
    return fetch_for(request, queryset, pk, roles=BOTH, object_type="attachment", action=Action.READ)


def get_notice_for_therapist(request: AuthedRequest, pk: int) -> Notice:
    queryset = Notice.objects.select_related("assignment", "client")
    return fetch_for(request, queryset, pk, roles=THERAPIST_ONLY, object_type="notice", action=Action.UPDATE)


def get_template_for_therapist(request: AuthedRequest, pk: int, *, own: bool = False) -> Template:
    """Library templates are not client data: reading one is not audited, but a refusal is, like every 404."""
    me = request.user.membership_or_none
    template = None
    if me is not None and me.role == Role.THERAPIST:
        templates = Template.objects.visible_to(me)
        if own:
            templates = templates.filter(owner_id=me.user_id)
        template = templates.filter(pk=pk).first()
    if template is None:
        raise deny(request, action=Action.UPDATE if own else Action.READ, object_type="template", object_id=pk)
    return template
