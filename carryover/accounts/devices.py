"""The devices someone is signed in on, for the account page, and signing the others out.

One row per signed-in session: django-allauth's `UserSession` (allauth.usersessions), made when someone signs in
and refreshed by SessionLimitsMiddleware at most once a minute. A device is listed while its session can still
be used: the session has not expired and it was seen within the person's idle limit (after which their next
request signs them out anyway). Listing costs one query however many devices there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.usersessions.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

from .middleware import SEEN_EVERY, idle_limit_for
from .models import User

# First match wins: Edge and Samsung Internet also say "Chrome", Chrome also says "Safari", iPads may say "Mac".
_BROWSERS = [
    ("Edg", "Edge"),
    ("SamsungBrowser", "Samsung Internet"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "Mac"),
    ("Linux", "Linux"),
]


def device_label(user_agent: str) -> str:
    """A name people recognise ("Chrome on Android") from a browser's User-Agent header; a guess, never trusted."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or gettext("Unknown browser")


@dataclass(frozen=True)
class Device:
    label: str
    signed_in_at: datetime
    last_active: str  # approximate: activity is recorded at most once a minute
    current: bool


def _last_active(seen: datetime, now: datetime, *, current: bool) -> str:
    if current or now - seen < timedelta(seconds=2 * SEEN_EVERY):
        return gettext("now")
    return gettext("%(time)s ago") % {"time": timesince(seen, now, depth=1)}


def devices_active(*, user: User, current_session_key: str | None) -> list[Device]:
    """This person's usable sessions, this device first, then the most recently seen."""
    now = timezone.now()
    rows = UserSession.objects.filter(
        user=user,
        session_key__in=Session.objects.filter(expire_date__gt=now).values("session_key"),
        last_seen_at__gte=now - timedelta(seconds=idle_limit_for(user) + SEEN_EVERY),
    ).order_by("-last_seen_at")
    devices = []
    for row in rows:
        current = row.session_key == current_session_key
        last_active = _last_active(row.last_seen_at, now, current=current)
        devices.append(Device(device_label(row.user_agent), row.created_at, last_active, current))
    return sorted(devices, key=lambda device: not device.current)  # stable: the rest stay newest first


def devices_sign_out_others(*, user: User, current_session_key: str | None) -> int:
    """End every session of `user` but this one: their next request there finds itself signed out."""
    others = list(UserSession.objects.filter(user=user).exclude(session_key=current_session_key))
    get_adapter().end_sessions(others)  # deletes each Django session, then its row
    return len(others)
