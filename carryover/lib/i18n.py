"""The language a person reads Carryover in: the one rule, `language_for`, and the middleware that applies it.

A signed-in person's own choice (`User.language`), else their practice's default (`Practice.default_language`),
else the default of the practice's country; an anonymous page follows the browser's Accept-Language. Text made
outside a request (emails, reminders, push texts, PDFs) is made inside `translation.override(language_for(user))`.
An unknown or unsupported code anywhere falls back to the default rather than failing.

`lib` knows no app: the user and practice are read by attribute only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

# The choices a person or practice may pick, in their own language so anyone can find theirs.
LANGUAGE_CHOICES = [("en-gb", "English (UK)"), ("en-us", "English (US)"), ("es", "Español")]
SUPPORTED = frozenset(code for code, _label in LANGUAGE_CHOICES)

# The spelling and date order a practice's country reads by default; any other country: settings.LANGUAGE_CODE.
COUNTRY_LANGUAGE = {"GB": "en-gb", "IE": "en-gb", "AU": "en-gb", "NZ": "en-gb", "US": "en-us", "CA": "en-us"}

UNSUPPORTED_MESSAGE = _("Choose one of the listed languages.")


def supported(code: str | None) -> str | None:
    """The supported language `code` names (case and "_" forgiven, "es-MX" → "es"), or None."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    if code in SUPPORTED:
        return code
    base = code.split("-")[0]
    return base if base in SUPPORTED else None


def practice_language(practice: Any) -> str:
    """A practice's default language: its own choice, else its country's."""
    chosen = supported(getattr(practice, "default_language", ""))
    if chosen:
        return chosen
    return COUNTRY_LANGUAGE.get(getattr(practice, "country", ""), settings.LANGUAGE_CODE)


def language_for(user: Any, practice: Any = None) -> str:
    """The language `user` reads Carryover in (see the module's docstring). Pass their `practice` when it is at
    hand (a worker sending a batch) to save looking up their membership."""
    if user is None or not getattr(user, "is_authenticated", False):
        return settings.LANGUAGE_CODE
    own = supported(getattr(user, "language", ""))
    if own:
        return own
    if practice is None:
        membership = getattr(user, "membership_or_none", None)
        practice = membership.practice if membership is not None else None
    return practice_language(practice) if practice is not None else settings.LANGUAGE_CODE


def language_from_browser(request: HttpRequest) -> str:
    """The supported language the browser asks for first (Accept-Language), else the default."""
    code = translation.get_language_from_request(request)  # never raises: bad headers give LANGUAGE_CODE
    return supported(code) or settings.LANGUAGE_CODE


def language_for_request(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return language_for(user)
    return language_from_browser(request)


class LanguageMiddleware:
    """Activates the reader's language for the request (no language prefix in URLs); after authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = language_for_request(request)
        request.LANGUAGE_CODE = code  # type: ignore[attr-defined]
        with translation.override(code):
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)  # type: ignore[attr-defined]
        return response
