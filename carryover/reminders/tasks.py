"""Background tasks (Django's Tasks API, run by any number of `db_worker` processes).

django-tasks-db runs each task at most once and never retries one whose worker died, so nothing here relies on
a task running: the Reminder rows are the truth. `deliver_due` sends whatever is due (any number may run at
once, they share the work through row claims); `tick` plans and makes sure a `deliver_due` is waiting for the
next due reminder; the `reminders_clock` command enqueues `tick` every minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult, get_date_max

from carryover.homework.offline import submissions_prune
from carryover.lib.extensions import Registry

from .delivery import BATCH, deliver_batch, due, next_due_at
from .planning import clients_to_plan, plan_clients

# Apps above reminders that send something on the clock (support persons' nudges) run on the same tick.
tick_hooks: Registry[Callable[..., object]] = Registry("reminders_tick")

TASK_SECONDS = 50  # one run of deliver_due, so a worker is never held for long
MAX_WAITING_HELPERS = 8


def waiting(task_path: str, *, run_after: datetime | None = None):
    """Tasks not yet picked up: at `run_after`, or (without it) ready to run now."""
    tasks = DBTaskResult.objects.filter(task_path=task_path, status="READY")
    if run_after is not None:
        return tasks.filter(run_after=run_after)
    return tasks.filter(Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now()))


@task()
def deliver_due() -> int:
    sent, deadline = 0, time.monotonic() + TASK_SECONDS
    while time.monotonic() < deadline:
        claimed = deliver_batch(limit=BATCH)
        if not claimed:
            break
        # A full first batch means more is due: ask another free worker to help.
        if claimed == BATCH and sent == 0 and waiting(deliver_due.module_path).count() < MAX_WAITING_HELPERS:
            deliver_due.enqueue()
        sent += claimed
    else:
        deliver_due.enqueue()  # out of time with work left: hand over rather than hold the worker
    return sent


def wake_at(moments: Iterable[datetime]) -> None:
    """Make sure a deliver_due runs at each of these moments (one task per distinct second, rounded up so it
    never runs a moment too early and finds nothing due)."""
    whole_seconds = {m.replace(microsecond=0) + timedelta(seconds=1 if m.microsecond else 0) for m in moments}
    for moment in sorted(whole_seconds):
        if not waiting(deliver_due.module_path, run_after=moment).exists():
            deliver_due.using(run_after=moment).enqueue()


@task()
def tick() -> int:
    now = timezone.now()
    clients = clients_to_plan(now=now)
    wake_at(plan_clients(clients, now=now))
    if due(now).exists() and not waiting(deliver_due.module_path).exists():
        deliver_due.enqueue()
    upcoming = next_due_at()
    if upcoming is not None and upcoming > now:
        wake_at([upcoming])
    from .therapists import digests_send

    digests_send(now=now)
    for hook in tick_hooks:
        hook(now=now)
    submissions_prune(now=now)  # the offline keys a phone no longer resends
    # Finished ticks and deliveries say nothing the Reminder and Delivery rows don't: keep a day of them.
    DBTaskResult.objects.filter(
        task_path__startswith="carryover.reminders.", status="SUCCESSFUL", finished_at__lt=now - timedelta(days=1)
    ).delete()
    return len(clients)
