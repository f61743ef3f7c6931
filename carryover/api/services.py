"""Creating and revoking personal access tokens, adding and removing webhook endpoints (the admin's page and the
API call the same functions), and forgetting a person's API rows when their account is erased."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from carryover.accounts.access import has_second_factor
from carryover.accounts.models import CLINICIAN_ROLES, Practice, User, hash_token

from . import webhooks
from .models import ApiToken, IdempotencyKey, WebhookEndpoint

TOKEN_PREFIX = "co_"  # recognisable by secret scanners and people alike


class TokenRefused(Exception):
    """The person may not create a token now; the message says why in plain words."""


def token_create(*, user: User, name: str, can_write: bool, areas: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token and its secret, which exists only in this return value: it is stored hashed and shown once.
    A clinician needs two-factor sign-in set up (and keeps needing it: api/auth.py checks on every call)."""
    if user.role in CLINICIAN_ROLES and not has_second_factor(user):
        raise TokenRefused(_("Set up two-factor sign-in before creating an API token."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=secret[:10],
        token_hash=hash_token(secret),
        can_write=can_write,
        areas=sorted(set(areas)),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, secret


def token_revoke(*, user: User, pk: int) -> bool:
    """Revoke one of the person's own tokens; False when there is no such live token of theirs."""
    return bool(ApiToken.objects.filter(pk=pk, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def webhook_create(*, practice: Practice, url: str, events: list[str], created_by: User) -> WebhookEndpoint:
    """A new endpoint (its URL checked by `forms.WebhookForm`) with a new signing secret, shown to the admin once."""
    return WebhookEndpoint.objects.create(
        practice=practice,
        url=url,
        secret=webhooks.new_secret(),
        events=sorted(set(events)),
        created_by=created_by,
    )


def webhook_remove(*, endpoint: WebhookEndpoint) -> None:
    """Nothing more is sent to it; its delivery log stays for the record."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(deleted_at=timezone.now())


def account_erase(*, user_id: int) -> None:
    """Erasure of a closed account (records/erasure.py): its tokens go, and so do the answers kept for retried
    requests, which may hold the client's words."""
    ApiToken.objects.filter(user_id=user_id).delete()
    IdempotencyKey.objects.filter(user_id=user_id).delete()
