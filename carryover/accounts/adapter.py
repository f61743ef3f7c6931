"""allauth, fitted to Carryover: sign-up by invitation only, and sign-in limits that an attacker cannot turn
against the people they protect (docs/security.md, "Sign-in limits").

Two limits count failed passwords (ACCOUNT_RATE_LIMITS["login_failed"]): 10 a minute from one client address, and
5 in 15 minutes for one email address. The second stops password guessing from many addresses, but anyone who knows
a clinician's email could use it to keep her out, at the moment a risk alert needs her. So a browser that has
completed a sign-in (password and, for clinicians, the second factor) for an address carries a signed device cookie,
and on that browser the address's failures are counted on their own: strangers' failures elsewhere never lock it,
and its own mistakes still do (OWASP's "device cookies"). Each limit says which one was hit.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit  # allauth's own limiter (exact version pinned in pyproject.toml)
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from carryover.lib.recovery import kept_for_someone_else

DEVICE_COOKIE = "carryover_device"
DEVICE_COOKIE_AGE = timedelta(days=90)
_DEVICE_SALT = "carryover.accounts.adapter.device"


def _address_digest(email: str) -> str:
    # Keyed with SECRET_KEY: the cookie names the address it vouches for without showing it.
    return salted_hmac(_DEVICE_SALT, email.strip().lower()).hexdigest()[:32]


def trusted_device(request: HttpRequest, email: str) -> str | None:
    """The id of this browser if it has completed a sign-in for `email` within DEVICE_COOKIE_AGE, else None."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_AGE)
    digest, _, device = (value or "").partition(":")
    if device and email and constant_time_compare(digest, _address_digest(email)):
        return device
    return None


def _network_limit_reached(request: HttpRequest) -> bool:
    # The per-IP parts of the same setting, as written: a rate's cache entry is named after its parsed form.
    rates = account_settings.RATE_LIMITS.get("login_failed") or ""
    per_ip = [part for part in rates.split(",") if part.strip() and ratelimit.parse_rate(part.strip()).per == "ip"]
    config = {"login_failed": ",".join(per_ip)}
    return bool(per_ip) and not ratelimit.consume(
        request, app="allauth.account", action="login_failed", config=config, dry_run=True
    )


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many unsuccessful sign-in attempts for this email. For your security, signing in is paused "
            "for 15 minutes, except on a device you have signed in on before. If you've forgotten your password, "
            "you can reset it."
        ),
        "too_many_login_attempts_from_network": (
            "Too many unsuccessful sign-in attempts from your network. For your security, signing in from here "
            "is paused for a minute; please wait a minute and try again."
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        # People join a practice by invitation only.
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        key = super()._get_login_attempts_cache_key(request, **credentials)
        device = trusted_device(request, credentials.get("email", ""))
        return f"{key}:device:{device}" if device else key

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # After a password reset, lift the address's lock everywhere, not only this device's own count.
        super()._delete_login_attempts_cached_email(request, **credentials)
        shared = DefaultAccountAdapter._get_login_attempts_cache_key(self, request, **credentials)
        ratelimit.clear(request, app="allauth.account", action="login_failed", key=shared)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            if _network_limit_reached(request):
                raise self.validation_error("too_many_login_attempts_from_network") from None
            raise

    def pre_login(self, request, user, **kwargs):
        # Someone else was signed out on this browser and left text behind (lib/recovery.py): start this person
        # on a clean session. What allauth has recorded of this sign-in so far (its "account_" keys: the
        # password step, for whichever user is signing in) is carried over, or the sign-in would be lost.
        if kept_for_someone_else(request, user.pk):
            this_sign_in = {key: value for key, value in request.session.items() if key.startswith("account_")}
            request.session.flush()
            request.session.update(this_sign_in)
        return super().pre_login(request, user, **kwargs)

    def post_login(self, request: HttpRequest, user, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        device = trusted_device(request, user.email) or secrets.token_urlsafe(16)
        response.set_signed_cookie(
            DEVICE_COOKIE,
            f"{_address_digest(user.email)}:{device}",
            salt=_DEVICE_SALT,
            max_age=DEVICE_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
