"""Who is calling: a personal access token (`Authorization: Bearer …`) or, for same-site pages, the session.

Every operation belongs to one `Area`; `ApiAuth(area)` checks the caller may use it. A token must be unrevoked,
unexpired, its owner active and, for a clinician, with two-factor sign-in set up still (the same rule as the web
pages, `accounts.access.role_required`); a read-only token cannot write; a token outside its areas gets 403.
A token in the query string is refused whatever else the request says: URLs end up in logs and browser history.
A session caller sends the CSRF token on writes, like any form of the site.

Then the per-token rate limit (api/conventions.py) is counted, here, so that a refused request counts too.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone, translation
from ninja.security.base import AuthBase

from carryover.accounts.access import has_second_factor
from carryover.accounts.models import CLINICIAN_ROLES, hash_token
from carryover.lib.i18n import language_for
from carryover.lib.redact import API_TOKEN_PARAMS

from .conventions import rate_limit_count
from .models import ApiToken
from .problems import Problem

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
QUERY_TOKEN_NAMES = API_TOKEN_PARAMS  # refused here, redacted from logs (lib/redact.py)
LAST_USED_EVERY = timedelta(minutes=1)  # last-used time is written at most this often, not on every call


def token_from_header(request: HttpRequest) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _refuse_query_token(request: HttpRequest) -> None:
    if any(name in request.GET for name in QUERY_TOKEN_NAMES):
        detail = "Tokens are never accepted in the URL: send it in the Authorization header, and revoke this one."
        raise Problem(400, detail, code="token_in_url", errors=[{"field": "query", "message": detail}])


def _by_token(request: HttpRequest, raw: str) -> ApiToken | None:
    token = ApiToken.objects.usable().select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


class ApiAuth(AuthBase):
    """ninja's auth hook for one area. Returns the user (ninja stores it as `request.auth`) or raises a Problem."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __init__(self, area: str) -> None:
        self.area = area
        super().__init__()

    def __call__(self, request: HttpRequest):
        _refuse_query_token(request)
        write = request.method not in SAFE_METHODS
        raw = token_from_header(request)
        if raw is not None:
            token = _by_token(request, raw)
            if token is None:
                return None  # 401: unknown, revoked or expired look the same
            request.user = token.user
            request.api_token = token  # type: ignore[attr-defined]
            # The token's owner reads in their own language, as on the web (the middleware ran before we knew them).
            request.LANGUAGE_CODE = language_for(token.user)  # type: ignore[attr-defined]
            translation.activate(request.LANGUAGE_CODE)  # type: ignore[attr-defined]
            self._check_token(token, write=write)
        elif request.user.is_authenticated:
            if write:
                self._check_csrf(request)
        else:
            return None
        self._check_second_factor(request)
        rate_limit_count(request)
        return request.user

    def _check_token(self, token: ApiToken, *, write: bool) -> None:
        if not token.allows(self.area, write=write):
            need = "write" if write and not token.can_write else f"the “{self.area}” area"
            raise Problem(403, f"This token does not allow {need}.", code="scope")

    def _check_csrf(self, request: HttpRequest) -> None:
        reason = CsrfViewMiddleware(lambda r: None).process_view(request, lambda r: None, (), {})  # type: ignore[arg-type,return-value]
        if reason is not None:
            raise Problem(403, "Send the CSRF token (X-CSRFToken) with a signed-in page's writes.", code="csrf")

    def _check_second_factor(self, request: HttpRequest) -> None:
        membership = request.user.membership_or_none  # type: ignore[union-attr]
        if membership is not None and membership.role in CLINICIAN_ROLES and not has_second_factor(request.user):
            raise Problem(403, "Set up two-factor sign-in on your account first.", code="mfa_required")
