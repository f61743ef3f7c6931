"""The project's own template filters and tags. None of them runs a query: views pass what a page shows."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext

from carryover.lib.devicecache import owner_tag
from carryover.lib.extensions import Panel
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


@register.filter
def ago(moment: datetime | None) -> str:
    """`{{ row.last_activity|ago }}`: "just now" under a minute (never "0 minutes ago"), else "3 hours ago", in the
    reader's language."""
    if moment is None:
        return ""
    now = timezone.now()
    if now - moment < timedelta(minutes=1):
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(moment, now, depth=1)}


@register.simple_tag(takes_context=True)
def render_panel(context, panel: Panel) -> SafeString:
    """`{% render_panel panel %}`: another app's block, rendered like an include with what its provider fetched."""
    with context.push(**panel.context):
        return context.template.engine.get_template(panel.template).render(context)


@register.simple_tag(takes_context=True)
def device_owner(context) -> str:
    """Whose pages this phone may keep (`lib/devicecache.py`): the page's script wipes a previous person's."""
    request = context.get("request")
    return owner_tag(getattr(request, "user", None))
