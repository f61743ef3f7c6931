"""Template filters every app may load: a dictionary lookup, and a moment shown in the reader's time zone."""

from datetime import datetime

from django import template

from carryover.lib.times import UTC, moment_text

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def moment_for(moment: datetime | None, reader) -> str:
    """`{{ alert.created_at|moment_for:user }}`: the moment in the reader's time zone, with the zone named
    ("30 Nov 2026, 23:00 New York time"). Someone signed out reads UTC, labelled as such."""
    if moment is None:
        return ""
    return moment_text(moment, getattr(reader, "zone", UTC))
