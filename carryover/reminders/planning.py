"""Planning: turn clients' open occurrences and reminder settings into Reminder rows, in each client's zone.

Three steps: `plans_for` reads what planning needs for many clients in a few queries; `wanted_reminders` (pure,
property-tested in tests/test_targets.py) says which reminders should exist and when, by targets.reminder_targets;
`reconcile` makes the stored rows so. Planning is idempotent and safe to run from several processes at once: a row
is one slot (client, local day, assignment or digest), scheduled rows are moved when settings or the zone change,
and rows nothing is due for any more are cancelled. Whether a reminder is still needed is checked again when it is
sent (see delivery.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from carryover.accounts.models import Membership, Role, User
from carryover.homework.models import Assignment, AssignmentStatus, Occurrence, OccurrenceStatus, local_today, open_days
from carryover.homework.services import occurrences_refresh
from carryover.lib.times import local_day

from .models import ACTIVITY_KEY, DAY_KEY, LATER_PREFIX, AssignmentReminder, Reminder, ReminderSettings, ReminderStatus
from .targets import Activity, reminder_targets
from .times import anchor_time

PLAN_DAYS = 2  # today and tomorrow, in the client's zone; planning runs several times a day
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


def open_count(client: Membership, day: date) -> int:
    """How many activities are open for this client on this local day, read fresh."""
    return len(open_work([client.pk], day, day).get((client.pk, day), set()))


def settings_for(client: Membership) -> ReminderSettings:
    settings, _ = ReminderSettings.objects.get_or_create(client=client)
    return settings


def activities_for(client_ids: list[int]) -> dict[int, dict[int, Activity]]:
    """client → {assignment id → its reminder timing inputs}, for every active assignment (two queries)."""
    assignments = Assignment.objects.filter(client_id__in=client_ids, status=AssignmentStatus.ACTIVE)
    own = {r.assignment_id: r for r in AssignmentReminder.objects.filter(assignment__in=assignments)}
    result: dict[int, dict[int, Activity]] = {pk: {} for pk in client_ids}
    for assignment in assignments:
        mine = own.get(assignment.pk)
        result[assignment.client_id][assignment.pk] = Activity(
            anchor=anchor_time(assignment.c("if_when")),
            own_time=mine.time if mine else None,
            enabled=mine.enabled if mine else True,
        )
    return result


# A planned reminder: (client, local day, assignment), the assignment None for the day's digest.
Slot = tuple[int, date, int | None]


@dataclass(frozen=True)
class ClientPlan:
    """Everything planning needs to know about one client, read from the database in a few queries for all."""

    client_id: int
    zone: ZoneInfo
    today: date
    settings: ReminderSettings
    work: dict[date, set[int]]  # local day → ids of assignments open that day
    activities: dict[int, Activity]


def wanted_reminders(plans: list[ClientPlan], *, now: datetime) -> dict[Slot, datetime]:
    """What is wanted: each slot of today and tomorrow (in each client's zone) with its fire time. Pure."""
    wanted: dict[Slot, datetime] = {}
    for plan in plans:
        if not plan.settings.enabled:
            continue
        for offset in range(PLAN_DAYS):
            day = plan.today + timedelta(days=offset)
            targets = reminder_targets(
                settings=plan.settings,
                zone=plan.zone,
                day=day,
                open_ids=plan.work.get(day, set()),
                activities=plan.activities,
            )
            for target in targets:
                if target.fire_at >= now:  # planned after its time (assigned at 21:00 for 19:30): not today
                    wanted[(plan.client_id, day, target.assignment_id)] = target.fire_at
    return wanted


def plans_for(clients: list[Membership], *, now: datetime) -> list[ClientPlan]:
    """Each client's plan inputs, in five queries for all of them (creating missing settings rows first)."""
    ids = [client.pk for client in clients]
    ReminderSettings.objects.bulk_create([ReminderSettings(client_id=pk) for pk in ids], ignore_conflicts=True)
    settings = {s.client_id: s for s in ReminderSettings.objects.filter(client_id__in=ids)}
    todays = {client.pk: local_today(client.user, now) for client in clients}
    work = open_work(ids, min(todays.values()), max(todays.values()) + timedelta(days=PLAN_DAYS - 1))
    work_of: dict[int, dict[date, set[int]]] = defaultdict(dict)
    for (client_id, day), open_ids in work.items():
        work_of[client_id][day] = open_ids
    activities = activities_for(ids)
    return [
        ClientPlan(c.pk, c.user.zone, todays[c.pk], settings[c.pk], work_of[c.pk], activities[c.pk]) for c in clients
    ]


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
                    occurrences_refresh(client=client, today=local_today(client.user, now))
    plans = plans_for(clients, now=now)
    with transaction.atomic():
        woken = reconcile(plans, wanted_reminders(plans, now=now), now=now)
        by_zone: dict[str, list[int]] = defaultdict(list)
        for client in clients:
            by_zone[client.user.time_zone].append(client.pk)
        for zone_name, zone_ids in by_zone.items():
            ReminderSettings.objects.filter(client_id__in=zone_ids).update(planned_at=now, planned_zone=zone_name)
    return woken


def slot_of(client_id: int, local_date: date, key: str, assignment_id: int | None) -> Slot | None:
    """The slot a stored reminder fills; None for one planning does not make (such as "remind me later")."""
    if assignment_id is None and key != DAY_KEY:
        return None
    return (client_id, local_date, assignment_id)


def reconcile(plans: list[ClientPlan], wanted: dict[Slot, datetime], *, now: datetime) -> list[datetime]:
    """Make the stored reminders what is wanted: move scheduled ones whose time changed, cancel those no longer
    wanted, create the missing ones, and revive those a settings change cancelled. Returns new and moved fire
    times. Rows being sent, or sent, are never touched; locked ones are left to their worker."""
    ids = [plan.client_id for plan in plans]
    first = min(plan.today for plan in plans)
    existing = Reminder.objects.filter(client_id__in=ids, local_date__gte=first - timedelta(days=1)).exclude(
        key__startswith=LATER_PREFIX
    )
    seen, woken = update_scheduled(existing.filter(status=ReminderStatus.SCHEDULED), wanted, now=now)
    others = {
        slot_of(*row)
        for row in existing.exclude(status=ReminderStatus.SCHEDULED).values_list(
            "client_id", "local_date", "key", "assignment_id"
        )
    }
    new = [reminder_in(slot, at) for slot, at in wanted.items() if slot not in seen and slot not in others]
    Reminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    # A reminder cancelled by a settings change may be wanted again at a new time (but never one sent).
    for client_id, day, assignment_id in (slot for slot in wanted if slot in others):
        at = wanted[(client_id, day, assignment_id)]
        same = Q(assignment_id=assignment_id) if assignment_id else Q(assignment__isnull=True, key=DAY_KEY)
        Reminder.objects.filter(
            same,
            client_id=client_id,
            local_date=day,
            status=ReminderStatus.CANCELLED,
            reason=SETTINGS_CHANGED,
            fire_at__gt=now,
        ).update(status=ReminderStatus.SCHEDULED, fire_at=at, next_attempt_at=at)
    return woken + [r.fire_at for r in new]


def update_scheduled(
    scheduled: QuerySet[Reminder], wanted: dict[Slot, datetime], *, now: datetime
) -> tuple[set[Slot | None], list[datetime]]:
    """Move the scheduled reminders still wanted to their time and cancel the others still to come. Returns the
    slots they fill and the times they moved to."""
    seen: set[Slot | None] = set()
    moved: list[datetime] = []
    for reminder in scheduled.select_for_update(skip_locked=True):
        slot = slot_of(reminder.client_id, reminder.local_date, reminder.key, reminder.assignment_id)
        seen.add(slot)
        moved_to = wanted.get(slot) if slot else None
        if moved_to is None:
            if reminder.fire_at > now:
                reminder.status, reminder.reason = ReminderStatus.CANCELLED, SETTINGS_CHANGED
                reminder.save(update_fields=["status", "reason"])
        elif moved_to != reminder.fire_at:
            reminder.fire_at = reminder.next_attempt_at = moved_to
            reminder.save(update_fields=["fire_at", "next_attempt_at"])
            moved.append(moved_to)
    return seen, moved


def reminder_in(slot: Slot, fire_at: datetime) -> Reminder:
    client_id, day, assignment_id = slot
    key = DAY_KEY if assignment_id is None else ACTIVITY_KEY
    return Reminder(
        client_id=client_id,
        local_date=day,
        key=key,
        assignment_id=assignment_id,
        fire_at=fire_at,
        next_attempt_at=fire_at,
    )


def day_began_since_planned(now: datetime) -> Q:
    """Clients whose own day has begun since their plan was made (a new day wants its reminders planned), as one
    condition of a constant size: one term per time zone clients were planned in, not one per client."""
    zones = ReminderSettings.objects.exclude(planned_zone="").values_list("planned_zone", flat=True).distinct()
    began = Q(pk__in=[])
    for name in zones.order_by():
        zone = User(time_zone=name).zone  # an unknown name is UTC, as everywhere else
        midnight = datetime.combine(local_day(now, zone), time.min, tzinfo=zone)
        began |= Q(reminder_settings__planned_zone=name, reminder_settings__planned_at__lt=midnight)
    return began


def clients_to_plan(*, now: datetime, limit: int = 2000) -> list[Membership]:
    """Clients with active work whose plan is older than a change to their assignments, than the start of their
    own day, or was made in a time zone they have since left. Nothing else changes what is wanted, so a tick
    costs what changed: with nothing changed it finds nobody (the reminders themselves are checked again when
    they are sent, delivery.py)."""
    candidates = (
        Membership.objects.filter(role=Role.CLIENT, assignments__status=AssignmentStatus.ACTIVE)
        .annotate(changed=Max("assignments__updated_at"))
        .select_related("user", "reminder_settings")
        .filter(
            Q(reminder_settings__isnull=True)
            | Q(reminder_settings__planned_at__isnull=True)
            | day_began_since_planned(now)
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
