"""Keeps what someone typed when a form can't be accepted because their session or form expired.

The fields (never passwords or tokens) wait in the server-side session, which is encrypted (lib/sessions.py),
until the same page is shown again, where the view uses them as the form's initial values; they are used once
and then dropped.

Kept text belongs to the person who typed it. On a shared browser the next person to sign in must never see
it, and no other website may leave text for someone to find. So text is kept only
- for a signed-in person, named in what is kept, whose request came from this site (Origin or Referer): a form
  that another site submits carries no session cookie under SameSite=Lax, and is refused before anything is
  written;
- for KEPT_FOR, and is then dropped;
and it is given back only to the same person (`recovered_initial`). When someone else signs in on that browser,
the session with the earlier person's text is flushed (`AccountAdapter.pre_login` via `kept_for_someone_else`).
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

_KEY = "recovered_form"
_NEVER_KEPT = ("password", "csrfmiddlewaretoken", "token", "code")
# Long enough to sign in again after a time-out (and to find the password); the draft autosave already holds
# all but the last seconds of a worksheet, so little is lost after this.
KEPT_FOR = 2 * 60 * 60


def is_same_origin(request: HttpRequest) -> bool:
    """Whether the browser says the request came from a page of this site (browsers send Origin on every POST)."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(source)
    if not parts.scheme or not parts.netloc:
        return False  # missing, or the "null" origin of sandboxed frames and some redirects
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin == f"{request.scheme}://{request.get_host()}" or origin in settings.CSRF_TRUSTED_ORIGINS


def stash_post(request: HttpRequest, *, user_id: int | None, path: str | None = None) -> bool:
    """Keep the POSTed fields of `user_id` for the page at `path` (by default, the page that was posted to)."""
    if request.method != "POST" or user_id is None or not is_same_origin(request):
        return False
    data = {
        name: request.POST.getlist(name)
        for name in request.POST
        if not any(word in name.lower() for word in _NEVER_KEPT)
    }
    if data:
        request.session[_KEY] = {"user": user_id, "at": time.time(), "path": path or request.path, "data": data}
    return bool(data)


def kept_for_someone_else(request: HttpRequest, user_id: int) -> bool:
    stash = request.session.get(_KEY)
    return stash is not None and stash.get("user") != user_id


def recovered_initial(request: HttpRequest) -> dict | None:
    stash = request.session.get(_KEY) if hasattr(request, "session") else None
    if request.method != "GET" or not stash:
        return None
    owner = request.user.is_authenticated and stash.get("user") == request.user.pk
    fresh = time.time() - stash.get("at", 0) < KEPT_FOR
    if owner and fresh and stash.get("path") != request.path:
        return None  # theirs, for another page: it waits there
    del request.session[_KEY]
    if not (owner and fresh):
        return None
    return {name: values[0] if len(values) == 1 else values for name, values in stash["data"].items()}
