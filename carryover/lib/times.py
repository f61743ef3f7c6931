"""Moments as people read them: in the reader's own time zone, saying which zone that is.

Two different questions, kept apart on purpose:
- *When* did it happen, for the person reading? `moment_text(moment, reader.zone)`: a therapist in New York reads
  an alert raised at 04:00 UTC on 1 December as "30 Nov 2026, 23:00 New York time". Templates use the
  `moment_for` filter (`{{ alert.created_at|moment_for:user }}`), which calls this.
- *Which day* of the client's was it? `local_day(moment, client.user.zone)`: the same alert belongs to 1 December
  for a client in London, and to 30 November for a client in New York. Summaries and timelines are in client days.

Stored moments are always aware UTC datetimes (USE_TZ); nothing here changes Django's current time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext

UTC = ZoneInfo("UTC")


def zone_name(zone: ZoneInfo, local: datetime) -> str:
    """ "New York time" for America/New_York; for a zone with no place in its name (UTC, Etc/GMT+5, EST5EDT) the
    offset at that moment, which can't be misread ("UTC", "UTC-05:00")."""
    key = getattr(zone, "key", "") or ""
    if "/" in key and not key.startswith("Etc/"):
        return gettext("%(place)s time") % {"place": key.rsplit("/", 1)[-1].replace("_", " ")}
    offset = local.strftime("%z")  # "+0530"
    return "UTC" if offset in ("", "+0000") else f"UTC{offset[:3]}:{offset[3:]}"


def moment_text(moment: datetime, zone: ZoneInfo) -> str:
    """A moment in `zone`, labelled: "30 Nov 2026, 23:00 New York time"."""
    local = moment.astimezone(zone)
    return f"{date_format(local, 'j M Y')}, {local:%H:%M} {zone_name(zone, local)}"  # month in the reader's language


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar date of a moment for someone living in `zone`."""
    return moment.astimezone(zone).date()
