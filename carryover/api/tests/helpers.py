"""Shared by the API tests: a token for a persona, and calls with it."""

from __future__ import annotations

import json

from carryover.api.models import Area
from carryover.api.services import token_create

ALL_AREAS = list(Area.values)


def token_for(user, *, write: bool = True, areas: list[str] | None = None, days: int = 30) -> str:
    _, secret = token_create(user=user, name="test", can_write=write, areas=areas or ALL_AREAS, days=days)
    return secret


def call(client, method: str, path: str, token: str | None = None, body=None, **headers):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    if token is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if body is not None:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(client, method)(path, data=data, content_type="application/json", **extra)
    return getattr(client, method)(path, **extra)


def is_problem(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body
