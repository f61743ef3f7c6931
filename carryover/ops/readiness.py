"""What `/readyz` checks and what the metrics report about the queue: the database, the file store, whether the
task queue is being served, and whether the reminders clock is ticking."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from carryover.lib.filestore import store_check
from carryover.lib.models import Heartbeat

logger = logging.getLogger(__name__)


def queue_lag_seconds(now: datetime | None = None) -> float:
    """How long the oldest task that is due has waited for a worker (0 when none is waiting).

    This is the workers' heartbeat as the rest of the deployment sees it: every worker on every machine takes due
    tasks, and the clocks put one in at least every minute, so while any worker is alive nothing waits long.
    """
    now = now or timezone.now()
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    at_once = ready.filter(run_after=get_date_max()).aggregate(oldest=Min("enqueued_at"))["oldest"]
    scheduled = ready.filter(run_after__lte=now).exclude(run_after=get_date_max()).aggregate(oldest=Min("run_after"))
    due_since = [moment for moment in (at_once, scheduled["oldest"]) if moment is not None]
    return max((now - min(due_since)).total_seconds(), 0.0) if due_since else 0.0


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _worker() -> bool:
    return queue_lag_seconds() <= settings.READY_HEARTBEAT_MAX_AGE


def _clock() -> bool:
    age = Heartbeat.age_seconds("reminders_clock")
    return age is not None and age <= settings.READY_HEARTBEAT_MAX_AGE


CHECKS = {"database": _database, "file store": store_check, "worker": _worker, "reminders clock": _clock}


def failed_checks() -> list[str]:
    """The names of the checks that failed, in a fixed order. Without the database the others cannot be asked."""
    failed: list[str] = []
    for name, check in CHECKS.items():
        if failed == ["database"] and name in {"worker", "reminders clock"}:
            continue  # they read the database: "database" already says what is wrong
        try:
            ok = check()
        except Exception as error:  # any failure means "not ready"; the reason goes to the log, not the probe
            logger.warning("readiness check %s failed: %s", name, type(error).__name__)
            ok = False
        if not ok:
            failed.append(name)
    return failed
