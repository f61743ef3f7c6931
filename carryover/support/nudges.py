"""Nudges: "email Jo if I haven't started by 20:00", sent by the reminders worker's tick.

The time is the client's, in their own time zone, moved out of their quiet hours by the reminders' own rule
(`reminders.targets.quiet_adjusted`), so a nudge never comes in the night any more than a reminder does. A Nudge
row per link and local day (unique) makes a second email for the same day impossible, however many workers tick.
The email says only that the client asked for a nudge: no activity, no answer, no score, nothing clinical
(tests/test_nudges.py reads it through a real SMTP server with canary text everywhere).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from carryover.homework.models import local_today
from carryover.lib.i18n import language_for
from carryover.reminders.models import ReminderSettings
from carryover.reminders.targets import quiet_adjusted
from carryover.reminders.times import local_instant

from .models import LinkState, Nudge, NudgeStatus, SupportLink
from .shared import started_on

logger = logging.getLogger(__name__)

# A nudge due while no worker ran is sent within this long of its time, and otherwise not at all: a late evening
# "have you started?" the next morning would help nobody.
LATE_BY = timedelta(hours=2)


def nudge_due(link: SupportLink, now: datetime) -> bool:
    """Whether today's nudge for this link is due now: its time (moved out of quiet hours) has come, not long
    ago, and it is not quiet hours now (a nudge that missed its time never goes out in the night)."""
    client = link.client
    if link.nudge_at is None:
        return False
    try:
        reminder_settings = client.reminder_settings  # selected with the link: no query per link on each tick
    except ReminderSettings.DoesNotExist:
        reminder_settings = ReminderSettings(client=client)
    zone = client.user.zone
    due = local_instant(local_today(client.user, now), quiet_adjusted(reminder_settings, link.nudge_at), zone)
    return due <= now < due + LATE_BY and not reminder_settings.in_quiet_hours(now.astimezone(zone).time())


def nudges_send(*, now: datetime) -> int:
    """Send every nudge due now. Returns how many emails went out. A few queries for all links, then one insert
    (and one email) per nudge due."""
    links = (
        SupportLink.objects.filter(state__in=[LinkState.ON, LinkState.PAUSED], nudge_at__isnull=False)
        .exclude(supporter=None)
        .select_related("client__user", "client__reminder_settings", "client__practice", "supporter")
    )
    due = [link for link in links if nudge_due(link, now)]
    days = {link.pk: local_today(link.client.user, now) for link in due}
    recorded = Nudge.objects.filter(link__in=due, local_date__in=set(days.values()))
    done = set(recorded.values_list("link_id", "local_date"))
    due = [link for link in due if (link.pk, days[link.pk]) not in done]
    started = started_on({link.client_id: days[link.pk] for link in due})
    sent = 0
    for link in due:
        if link.is_paused:
            status = NudgeStatus.PAUSED
        else:
            status = NudgeStatus.NOT_NEEDED if link.client_id in started else NudgeStatus.SENT
        sent += nudge_one(link, days[link.pk], status)
    return sent


def nudge_one(link: SupportLink, today: date, status: str) -> int:
    """Record today's nudge for this link (once: the row is unique) and, if it is to be sent, email it."""
    client = link.client
    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(link=link, local_date=today, status=status)
    except IntegrityError:
        return 0  # another worker has it
    if status != NudgeStatus.SENT:
        return 0
    assert link.supporter is not None
    context = {
        "name": client.user.first_name,
        "supporter": link.supporter.first_name,
        "at": link.nudge_at,
        "link": settings.SITE_URL + reverse("supporting", args=[link.pk]),
        "worried": settings.SITE_URL + reverse("support_worried"),
    }
    # The support person's language, not the client's; they belong to the client's practice.
    with translation.override(language_for(link.supporter, client.practice)):
        subject = gettext("A nudge for %(name)s") % {"name": client.user.first_name}
        message = render_to_string("support/email/nudge.txt", context)
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[link.supporter.email])
    except Exception:
        logger.exception("nudge %s could not be emailed", nudge.pk)
        Nudge.objects.filter(pk=nudge.pk).update(status=NudgeStatus.FAILED)
        return 0
    return 1
