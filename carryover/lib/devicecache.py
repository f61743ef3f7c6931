"""The installed app's copy of pages on a phone (the service worker `reminders/sw.js` and the static
`carryover/offline.js`): whose pages a device keeps, and clearing them when that person signs out.

A page a phone may keep for offline use says whose it is (`X-Carryover-Owner`, an opaque tag of the signed-in
person; the same tag is on every page for the page's script): the worker keeps nothing without it, and wipes every
copy when a page for someone else arrives. Signing out sends `Clear-Site-Data`, which empties the caches and the
device's stored answers at once."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

OWNER_HEADER = "X-Carryover-Owner"
KEEP_HEADER = "X-Carryover-Offline"  # "keep": the worker refreshing its copy of a page, not the person using it


def keeping_copy(request: HttpRequest) -> bool:
    """The phone's worker fetching a page to keep for offline use, in the background: it is not the person's
    activity (it must not hold off the idle sign-out), and nobody is there to read a message it would be sent."""
    # The browser's own check for a new version of the worker script (`Service-Worker: script`) is background too.
    return request.headers.get(KEEP_HEADER) == "keep" or request.headers.get("Service-Worker") == "script"


CLEAR_SITE_DATA = '"cache", "storage"'


def no_messages_for_copies(request: HttpRequest) -> dict[str, Any]:
    """A page the worker fetches to keep shows no flash message: nobody reads it now, so the message ("Saved",
    "why you were signed out") waits for the person's own next page, and the kept copy holds no stale one (the
    worker's refresh had spent "Pages now look the way you chose"; a browser test caught it)."""
    return {"messages": ()} if keeping_copy(request) else {}


class BackgroundLeavesSessionCookieMiddleware:
    """A background request (`keeping_copy`) never sets or deletes the session cookie (placed before Django's
    SessionMiddleware, so it sees that middleware's response).

    The worker's request may carry the cookie of a session ended a moment ago, say when the person's "Stay signed
    in" came too late and signed them out: Django answers an ended session by deleting the cookie, and that delete
    can reach the browser after the new session's cookie, losing the sign-in page's "why you were signed out" (a
    browser test caught it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if keeping_copy(request):
            response.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        return response


def owner_tag(user: Any) -> str:
    """An opaque, stable tag of the signed-in person ("" for nobody): tells two people on one phone apart without
    putting their id on the device."""
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("carryover.devicecache.owner", str(user.pk)).hexdigest()[:24]


def keep_offline(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a page the phone may keep for offline use (Today, an activity's steps, the safety plan, the crisis
    lines): a successful GET for a signed-in person carries whose it is."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and request.user.is_authenticated:
            response[OWNER_HEADER] = owner_tag(request.user)
        return response

    return wrapped


def clear_device(response: HttpResponse) -> HttpResponse:
    """Sign-out: the browser drops this site's caches and stored data (the service worker's copies of pages and
    the answers kept on the phone), so the next person on a shared phone sees nothing of the last one."""
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response
