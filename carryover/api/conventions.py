"""The HTTP conventions every endpoint shares: rate limits per token, ETags and conditional requests, `If-Match`
on writes, cursor pagination and idempotency keys (docs/api.md, "Conventions").

- Rate limit: a fixed window per token (or per signed-in person, for session calls), counted in the shared cache so
  that it holds across web processes; the answer carries `RateLimit-Policy` and `RateLimit` (the IETF httpapi
  draft's fields) and a refused call gets 429 with `Retry-After`.
- ETag: a strong tag of the JSON a GET answers; `If-None-Match` with it gets 304. A write that sends `If-Match`
  is compared with the tag of the object as it is now, and a stale one gets 412 and changes nothing.
- Cursor pagination: an opaque cursor naming the last row seen, never an offset into a list that moves.
- Idempotency-Key: a creating POST's answer is stored with its key (in the transaction that creates the object),
  so a retry after a lost answer gets the first answer again and creates nothing more.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Status

from carryover.accounts.models import User

from .problems import Problem

RATE_WINDOW_SECONDS = 60
PAGE_MAX = 100
PAGE_DEFAULT = 50


def rate_limit_count(request: HttpRequest) -> None:
    """Count this call in the caller's window; over the limit, a 429 that says when to come back."""
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    token = getattr(request, "api_token", None)
    who = f"t{token.pk}" if token is not None else f"u{request.user.pk}"
    window = int(time.time()) // RATE_WINDOW_SECONDS
    key = f"api-rate:{who}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
        used = 1
    reset = RATE_WINDOW_SECONDS - int(time.time()) % RATE_WINDOW_SECONDS
    request.api_rate = {  # type: ignore[attr-defined]
        "RateLimit-Policy": f'"per-token";q={limit};w={RATE_WINDOW_SECONDS}',
        "RateLimit": f'"per-token";r={max(limit - used, 0)};t={reset}',
    }
    if used > limit:
        detail = f"More than {limit} calls a minute with this token: wait {reset} seconds."
        raise Problem(429, detail, code="rate_limited", headers={**request.api_rate, "Retry-After": str(reset)})  # type: ignore[attr-defined]


AnyResponse = TypeVar("AnyResponse", bound=HttpResponseBase)


def rate_headers(request: HttpRequest, response: AnyResponse) -> AnyResponse:
    for name, value in getattr(request, "api_rate", {}).items():
        response[name] = value
    return response


def etag_of(data: Any) -> str:
    body = json.dumps(data, sort_keys=True, default=str).encode()
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def check_if_match(request: HttpRequest, current: Any) -> None:
    """A write carrying `If-Match` goes ahead only if the object is still as its sender last saw it."""
    wanted = request.headers.get("If-Match")
    if wanted is None:
        return
    tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
    if "*" not in tags and etag_of(current) not in tags:
        detail = "It was changed since you read it: fetch it again, then apply your change."
        raise Problem(412, detail, code="stale", errors=[{"field": "If-Match", "message": detail}])


# --- Cursor pagination -------------------------------------------------------------------------------------------


def encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{value}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _, value = text.partition(":")
    if prefix != "v1" or not value.isascii() or not value.isdigit() or len(value) > 18:
        detail = "This cursor is not one this API gave out: start again without it."
        raise Problem(422, detail, code="validation", errors=[{"field": "cursor", "message": detail}])
    return int(value)


def page_of(queryset: QuerySet, cursor: str | None, limit: int, *, serialize: Callable[[Any], Any]) -> dict:
    """Newest first by id: `items` after the cursor, and `next_cursor` while more remain."""
    after = decode_cursor(cursor)
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    rows = list(queryset.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [serialize(row) for row in rows], "next_cursor": encode_cursor(rows[-1].pk) if more else None}


def list_page(items: list, cursor: str | None, limit: int) -> dict:
    """The same shape for a list computed in order (the caseload, sorted by need for attention): the cursor is
    the position reached, in a list rebuilt on every call."""
    start = decode_cursor(cursor) or 0
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    return {"items": chunk, "next_cursor": encode_cursor(start + limit) if more else None}


# --- Idempotency keys --------------------------------------------------------------------------------------------


def idempotent(request: HttpRequest, create: Callable[[], tuple[int, Any]]) -> Status:
    status, body = _once(request, create)
    return Status(status, body)


def _once(request: HttpRequest, create: Callable[[], tuple[int, Any]]) -> tuple[int, Any]:
    """Run `create` once per `Idempotency-Key`: a repeat with the same key and body gets the stored answer; the
    same key with another body is refused. Without a key, `create` simply runs."""
    from .models import IdempotencyKey

    user = request.user
    assert isinstance(user, User)  # an authenticated caller: api/auth.py ran first
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        return create()
    if len(key) > 255:
        raise Problem(400, "Idempotency-Key is at most 255 characters.", code="idempotency_key")
    fingerprint = hashlib.sha256(request.method.encode() + request.path.encode() + b"\n" + request.body).hexdigest()  # type: ignore[union-attr]
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
            status, body = create()
            body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))  # as stored, so a replay is the same
            row.status, row.body = status, body
            row.save(update_fields=["status", "body"])
            return status, body
    except IntegrityError:
        pass
    found = IdempotencyKey.objects.filter(user=user, key=key).first()
    if found is None or found.fingerprint != fingerprint:
        detail = "This Idempotency-Key was used for another request: use a new key for each new object."
        raise Problem(422, detail, code="idempotency_key", errors=[{"field": "Idempotency-Key", "message": detail}])
    if found.status is None:
        raise Problem(409, "A request with this Idempotency-Key is still being processed.", code="in_progress")
    return found.status, found.body
