"""Session limits: clinicians are signed out after 15 idle minutes, clients after 30, everyone after 12 hours;
activity and the device are recorded at most once a minute (docs/security.md, "Sessions and cookies")."""

import time
from urllib.parse import urlencode, urlsplit

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from carryover.lib.devicecache import KEEP_HEADER, keeping_copy
from carryover.lib.recovery import stash_post

from .models import CLINICIAN_ROLES

# Activity is written down at most this often (seconds): a page view within a minute of the last one writes nothing.
SEEN_EVERY = 60


def idle_limit_for(user) -> int:
    return settings.IDLE_TIMEOUT_CLINICIAN if user.role in CLINICIAN_ROLES else settings.IDLE_TIMEOUT_CLIENT


class SessionLimitsMiddleware:
    """Signs people out after an idle spell (15 min clinicians, 30 min clients) and after 12 hours in any case.

    Activity is written down at most once a minute (the session's `last_seen_at` and django-allauth's UserSession
    row, rather than on every request as USERSESSIONS_TRACK_ACTIVITY would), so page views in between write
    nothing: the idle limit is kept to the minute, and never late.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            started = request.session.setdefault("auth_started_at", now)
            last_seen = request.session.get("last_seen_at")
            background = keeping_copy(request)  # the phone's worker refreshing a page, not the person
            expired = now - started > settings.SESSION_ABSOLUTE_LIMIT
            idle = last_seen is not None and now - last_seen > idle_limit_for(user)
            if (expired or idle) and background:
                # The worker refreshing an offline copy: refused, and the person's own next page signs them out
                # and says why (signing out here would spend that message on a response nobody reads).
                return HttpResponse(status=401)
            if expired:
                return self._sign_out(
                    request, gettext("For your privacy you were signed out after 12 hours. Please sign in again.")
                )
            if idle:
                minutes = idle_limit_for(user) // 60
                return self._sign_out(
                    request,
                    gettext("For your privacy you were signed out after %(minutes)s minutes without activity.")
                    % {"minutes": minutes},
                )
            if background:
                return self.get_response(request)  # not the person's activity: the idle clock runs on
            if last_seen is None or now - last_seen >= SEEN_EVERY:
                request.session["last_seen_at"] = now
                UserSession.objects.create_from_request(request)  # the account page's device list
        elif request.headers.get(KEEP_HEADER) == "keep":
            # The worker still refreshing copies after the person was signed out: there is nothing of theirs to keep,
            # and following the redirect would render the sign-in page (spending its "why you were signed out").
            return HttpResponse(status=401)
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest, message: str) -> HttpResponse:
        typed_by = request.user.pk
        logout(request)
        # A background (htmx) request, like a draft's autosave, belongs to the page the person is on.
        page = urlsplit(request.headers.get("HX-Current-URL", "")).path if getattr(request, "htmx", False) else ""
        page = page or request.path
        if stash_post(request, user_id=typed_by, path=page):
            message += " " + gettext("What you typed has been kept: sign in to check it and send it again.")
        messages.info(request, message)
        target = reverse("account_login")
        if not page.startswith("/accounts/"):
            target += "?" + urlencode({"next": page if request.method == "POST" else request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
