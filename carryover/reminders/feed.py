"""The private calendar feed (RFC 5545): one event with an alarm at each reminder time, about the last week and
the coming week. Titles say only "Carryover: N activities" — a calendar is often shared or seen by others."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from carryover.accounts.models import Membership
from carryover.homework.models import local_today

from .planning import activities_for, open_work, settings_for
from .targets import Target, reminder_targets

PAST_DAYS, FUTURE_DAYS = 7, 7


def calendar_for(client: Membership) -> bytes:
    setting = settings_for(client)
    zone = client.user.zone
    today = local_today(client.user)
    work = open_work([client.pk], today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS))
    activities = activities_for([client.pk])[client.pk]
    link = settings.SITE_URL + reverse("client_home")

    calendar = Calendar()
    calendar.add("prodid", "-//Carryover//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Carryover")
    stamp = timezone.now().replace(microsecond=0)
    for (_, day), ids in sorted(work.items()):
        for target in reminder_targets(settings=setting, zone=zone, day=day, open_ids=ids, activities=activities):
            calendar.add_component(event_for(client, target, uid_day=day.isoformat(), stamp=stamp, link=link))
    return calendar.to_ical()


def event_for(client: Membership, target: Target, *, uid_day: str, stamp: datetime, link: str) -> Event:
    # The UID is what calendar apps match events by: keep its form ("a<id>" per activity) so no event doubles.
    key = "day" if target.assignment_id is None else f"a{target.assignment_id}"
    practice = client.practice
    word = practice.work_singular if target.count == 1 else practice.work_plural
    event = Event()
    event.add("uid", f"{client.pk}-{uid_day}-{key}@carryover")
    event.add("dtstamp", stamp)
    event.add("dtstart", target.fire_at)
    event.add("dtend", target.fire_at + timedelta(minutes=15))
    event.add("summary", f"Carryover: {target.count} {word}")
    event.add("description", f"Open Carryover: {link}")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", "Carryover reminder")
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    return event
