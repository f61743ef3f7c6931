"""The audit sealing task, queued every few seconds by the `audit_clock` command (as `reminders_clock` queues the
reminders tick). Any number of workers may run it at once: `audit_seal` takes turns on the chain head."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .checkpoints import CheckpointStoreError
from .models import AuditEvent
from .services import SEAL_BATCH, audit_seal

logger = logging.getLogger(__name__)
TASK_SECONDS = 30  # one run, so a worker is never held for long; the clock queues the next


@task()
def seal() -> int:
    sealed, deadline = 0, time.monotonic() + TASK_SECONDS
    while time.monotonic() < deadline:
        try:
            batch = audit_seal()
        except CheckpointStoreError as error:
            # Loud on purpose: events keep being written, but none is sealed until the store is fixed.
            logger.error("Audit sealing stopped: %s", error)
            raise
        sealed += batch
        if batch < SEAL_BATCH:
            break
    # A finished seal says nothing the chain does not: keep an hour of them.
    DBTaskResult.objects.filter(
        task_path=seal.module_path, status="SUCCESSFUL", finished_at__lt=timezone.now() - timedelta(hours=1)
    ).delete()
    return sealed


def seal_needed() -> bool:
    """Something to seal and no seal already waiting: an idle night queues nothing (the partial index on
    unsealed events makes the first question cheap)."""
    if DBTaskResult.objects.filter(task_path=seal.module_path, status="READY").exists():
        return False
    return AuditEvent.objects.filter(seq__isnull=True).exists()
