"""The API's one addition to the access helpers: the caller's own membership, if their role may use an operation.

Everything else goes through the apps' own helpers (accounts/access.py, homework/access.py, measures/access.py,
review/access.py), exactly as the web pages do, so an API read writes the same audit row as the page.
"""

from __future__ import annotations

from carryover.accounts.models import Membership, Role
from carryover.audit.models import Action
from carryover.lib.access import deny
from carryover.lib.types import AuthedRequest

from .models import WebhookEndpoint


def member_in(request: AuthedRequest, *roles: str, object_type: str, action: str = Action.READ) -> Membership:
    """Like `role_required` for a page: anyone else gets an audited 404."""
    me = request.user.membership_or_none
    if me is None or me.role not in roles:
        raise deny(request, action=action, object_type=object_type)
    return me


def get_webhook_for_admin(request: AuthedRequest, pk: int, *, action: str = Action.READ) -> WebhookEndpoint:
    """An endpoint of the admin's own practice. Practice settings, not client data: reading one is not audited,
    a refusal is, like every 404."""
    me = request.user.membership_or_none
    endpoint = None
    if me is not None and me.role == Role.ADMIN:
        endpoint = WebhookEndpoint.objects.filter(pk=pk, practice_id=me.practice_id, deleted_at__isnull=True).first()
    if endpoint is None:
        raise deny(request, action=action, object_type="webhook", object_id=pk)
    return endpoint
