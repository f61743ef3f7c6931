"""The webhook worker task: deliver what is due (any number may run at once; rows are claimed with a lease)."""

from __future__ import annotations

from django_tasks import task

from . import webhooks


@task()
def deliver_webhooks() -> int:
    sent = webhooks.deliver_due()
    if sent == webhooks.BATCH:
        deliver_webhooks.enqueue()  # more may be due: hand over rather than hold the worker
    return sent
