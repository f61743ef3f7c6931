"""The private calendar feed (RFC 5545): one event with an alarm at each reminder time, about the last week and
the coming week. Titles say only "Carryover: N activities" — a calendar is often shared or seen by others."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from carryover.accounts.models import Membership
from carryover.homework.models import Assignment, AssignmentStatus, local_today

from .models import AssignmentReminder, Mode
from .planning import open_work, quiet_adjusted, reminder_time, settings_for
from .times import anchor_time, local_instant

PAST_DAYS, FUTURE_DAYS = 7, 7


def calendar_for(client: Membership) -> bytes:
    setting = settings_for(client)
    zone = client.user.zone
    today = local_today(client.user)
    first, last = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    work = open_work([client.pk], first, last)
    assignments = {a.pk: a for a in Assignment.objects.filter(client=client, status=AssignmentStatus.ACTIVE)}
    own = {r.assignment_id: r for r in AssignmentReminder.objects.filter(assignment__in=assignments.keys())}
    anchors = [anchor_time(a.c("if_when")) for a in sorted(assignments.values(), key=lambda a: a.pk)]
    first_anchor = next((at for at in anchors if at), None)
    practice = client.practice
    link = settings.SITE_URL + reverse("client_home")

    calendar = Calendar()
    calendar.add("prodid", "-//Carryover//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Carryover")
    stamp = timezone.now().replace(microsecond=0)
    for (_, day), ids in sorted(work.items()):
        if setting.mode == Mode.DIGEST:
            groups = [("day", len(ids), reminder_time(setting, None, None, first_anchor))]
        else:
            groups = [
                (f"a{pk}", 1, reminder_time(setting, assignments[pk], own.get(pk), None))
                for pk in sorted(ids)
                if pk in assignments
            ]
        for key, count, at in groups:
            if at is None:
                continue
            start = local_instant(day, quiet_adjusted(setting, at), zone)
            word = practice.work_singular if count == 1 else practice.work_plural
            event = Event()
            event.add("uid", f"{client.pk}-{day.isoformat()}-{key}@carryover")
            event.add("dtstamp", stamp)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=15))
            event.add("summary", f"Carryover: {count} {word}")
            event.add("description", f"Open Carryover: {link}")
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", "Carryover reminder")
            alarm.add("trigger", timedelta(0))
            event.add_component(alarm)
            calendar.add_component(event)
    return calendar.to_ical()
