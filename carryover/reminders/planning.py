"""Planning: turn clients' open occurrences and reminder settings into Reminder rows, in each client's zone.

Planning is idempotent and safe to run from several processes at once: rows are keyed (client, local day, key),
scheduled rows are moved when settings or the zone change, and rows nothing is due for any more are cancelled.
Whether a reminder is still needed is checked again when it is sent (see delivery.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from carryover.accounts.models import Membership, Role
from carryover.homework.models import Assignment, AssignmentStatus, Occurrence, OccurrenceStatus, open_days
from carryover.homework.services import occurrences_refresh

from .models import DEFAULT_TIME, AssignmentReminder, Mode, Reminder, ReminderSettings, ReminderStatus
from .times import anchor_time, local_instant

PLAN_DAYS = 2  # today and tomorrow, in the client's zone; planning runs several times a day
REPLAN_EVERY = timedelta(hours=4)
LATER_PREFIX = "later-"
SETTINGS_CHANGED = "Settings changed"


def open_work(client_ids: list[int], first: date, last: date) -> dict[tuple[int, date], set[int]]:
    """(client, local day) → ids of active assignments with something open that day: each occurrence on the days
    it can be done (homework.models.open_days: its due day, every day of its week for "N times a week", the days
    before the session for "before each session")."""
    result: dict[tuple[int, date], set[int]] = defaultdict(set)
    rows = (
        Occurrence.objects.filter(
            client_id__in=client_ids, status=OccurrenceStatus.PENDING, assignment__status=AssignmentStatus.ACTIVE
        )
        .filter(due_date__gte=first, due_date__lte=last + timedelta(days=6))
        .values_list("client_id", "assignment_id", "due_date", "assignment__schedule_kind")
    )
    for client_id, assignment_id, due, kind in rows:
        for day in open_days(kind, due):
            if first <= day <= last:
                result[(client_id, day)].add(assignment_id)
    return result


def open_count(client: Membership, day: date, key: str) -> int:
    """How many activities this reminder is about, read fresh: 0 means it is no longer needed."""
    work = open_work([client.pk], day, day).get((client.pk, day), set())
    if key.startswith("a"):
        return 1 if int(key[1:]) in work else 0
    return len(work)


def reminder_time(
    settings: ReminderSettings, assignment: Assignment | None, own: AssignmentReminder | None, first_anchor: time | None
) -> time | None:
    if assignment is None:
        return settings.time or first_anchor or DEFAULT_TIME
    if own is not None and not own.enabled:
        return None
    return (own.time if own else None) or anchor_time(assignment.c("if_when")) or settings.time or DEFAULT_TIME


def quiet_adjusted(settings: ReminderSettings, at: time) -> time:
    """A time inside quiet hours moves to their end when that is later the same day, otherwise to just before
    they begin: a reminder is for its own day and never comes in the night."""
    if not settings.in_quiet_hours(at):
        return at
    assert settings.quiet_start is not None and settings.quiet_end is not None
    if settings.quiet_end > at:
        return settings.quiet_end
    start = datetime.combine(date.min, settings.quiet_start)
    return (start - timedelta(minutes=15)).time() if settings.quiet_start >= time(0, 15) else time(0, 0)


def settings_for(client: Membership) -> ReminderSettings:
    settings, _ = ReminderSettings.objects.get_or_create(client=client)
    return settings


def plan_clients(clients: list[Membership], *, now: datetime | None = None, refresh: bool = True) -> list[datetime]:
    """(Re)plan today's and tomorrow's reminders for these clients. Returns the fire times of new or moved
    reminders, so the caller can make sure a worker wakes up then."""
    now = now or timezone.now()
    if not clients:
        return []
    if refresh:
        for start in range(0, len(clients), 100):
            with transaction.atomic():  # one commit per hundred clients, not three per client
                for client in clients[start : start + 100]:
                    occurrences_refresh(client=client, today=now.astimezone(client.user.zone).date())
    ids = [client.pk for client in clients]
    ReminderSettings.objects.bulk_create([ReminderSettings(client_id=pk) for pk in ids], ignore_conflicts=True)
    settings = {s.client_id: s for s in ReminderSettings.objects.filter(client_id__in=ids)}
    todays = {client.pk: now.astimezone(client.user.zone).date() for client in clients}
    first, last = min(todays.values()), max(todays.values()) + timedelta(days=PLAN_DAYS - 1)
    work = open_work(ids, first, last)
    assignments = {
        a.pk: a for a in Assignment.objects.filter(client_id__in=ids, status=AssignmentStatus.ACTIVE).order_by("pk")
    }
    own = {r.assignment_id: r for r in AssignmentReminder.objects.filter(assignment__in=assignments.keys())}
    first_anchor: dict[int, time] = {}
    for assignment in assignments.values():
        at = anchor_time(assignment.c("if_when"))
        if at is not None:
            first_anchor.setdefault(assignment.client_id, at)

    wanted: dict[tuple[int, date, str], datetime] = {}
    for client in clients:
        setting, zone = settings[client.pk], client.user.zone
        if not setting.enabled:
            continue
        for offset in range(PLAN_DAYS):
            day = todays[client.pk] + timedelta(days=offset)
            open_ids = work.get((client.pk, day), set())
            if not open_ids:
                continue
            if setting.mode == Mode.DIGEST:
                at = reminder_time(setting, None, None, first_anchor.get(client.pk))
                targets: list[tuple[str, time | None]] = [("day", at)]
            else:
                targets = [
                    (f"a{pk}", reminder_time(setting, assignments[pk], own.get(pk), None))
                    for pk in sorted(open_ids)
                    if pk in assignments
                ]
            for key, target in targets:
                if target is None:
                    continue
                fire_at = local_instant(day, quiet_adjusted(setting, target), zone)
                if fire_at >= now:  # planned after its time (assigned at 21:00 for 19:30): nothing to send today
                    wanted[(client.pk, day, key)] = fire_at

    woken: list[datetime] = []
    with transaction.atomic():
        existing = Reminder.objects.filter(client_id__in=ids, local_date__gte=first - timedelta(days=1)).exclude(
            key__startswith=LATER_PREFIX
        )
        seen = set()
        for reminder in existing.filter(status=ReminderStatus.SCHEDULED).select_for_update(skip_locked=True):
            ident = (reminder.client_id, reminder.local_date, reminder.key)
            seen.add(ident)
            moved_to = wanted.get(ident)
            if moved_to is None:
                if reminder.fire_at > now:
                    reminder.status, reminder.reason = ReminderStatus.CANCELLED, SETTINGS_CHANGED
                    reminder.save(update_fields=["status", "reason"])
            elif moved_to != reminder.fire_at:
                reminder.fire_at = reminder.next_attempt_at = moved_to
                reminder.save(update_fields=["fire_at", "next_attempt_at"])
                woken.append(moved_to)
        others = set(existing.exclude(status=ReminderStatus.SCHEDULED).values_list("client_id", "local_date", "key"))
        cancelled_again = [ident for ident in wanted if ident in others]
        new = [
            Reminder(client_id=c, local_date=d, key=k, fire_at=at, next_attempt_at=at)
            for (c, d, k), at in wanted.items()
            if (c, d, k) not in seen and (c, d, k) not in others
        ]
        Reminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        # A reminder cancelled by a settings change may be wanted again at a new time (but never one sent).
        for c, d, k in cancelled_again:
            Reminder.objects.filter(
                client_id=c,
                local_date=d,
                key=k,
                status=ReminderStatus.CANCELLED,
                reason=SETTINGS_CHANGED,
                fire_at__gt=now,
            ).update(status=ReminderStatus.SCHEDULED, fire_at=wanted[(c, d, k)], next_attempt_at=wanted[(c, d, k)])
        by_zone: dict[str, list[int]] = defaultdict(list)
        for client in clients:
            by_zone[client.user.time_zone].append(client.pk)
        for zone_name, zone_ids in by_zone.items():
            ReminderSettings.objects.filter(client_id__in=zone_ids).update(planned_at=now, planned_zone=zone_name)
    return woken + [r.fire_at for r in new]


def clients_to_plan(*, now: datetime, limit: int = 2000) -> list[Membership]:
    """Clients with active work whose plan is old, older than a change to their assignments or settings, or
    made in a time zone they have since left."""
    candidates = (
        Membership.objects.filter(role=Role.CLIENT, assignments__status=AssignmentStatus.ACTIVE)
        .annotate(changed=Max("assignments__updated_at"))
        .select_related("user", "reminder_settings")
        .filter(
            Q(reminder_settings__isnull=True)
            | Q(reminder_settings__planned_at__isnull=True)
            | Q(reminder_settings__planned_at__lt=now - REPLAN_EVERY)
            | Q(reminder_settings__planned_at__lt=F("changed"))
        )
        .order_by("reminder_settings__planned_at")
    )
    moved = Membership.objects.filter(role=Role.CLIENT, reminder_settings__isnull=False).exclude(
        reminder_settings__planned_zone=F("user__time_zone")
    )
    chosen = {m.pk: m for m in candidates[:limit]}
    for membership in moved.select_related("user")[:limit]:
        chosen.setdefault(membership.pk, membership)
    return list(chosen.values())
