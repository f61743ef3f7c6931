"""A real `db_worker` SIGKILLed in the middle of a webhook delivery (its receiver has the request and stalls before
answering): nothing is lost, and once the lease ends a second worker delivers the same event again, with the same
`webhook-id` (receivers dedupe by it). Exactly one successful delivery is recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from carryover.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from carryover.api.webhooks import new_secret
from carryover.homework.services import builtin_sync
from carryover.homework.tests.conftest import assign

from .receiver import Receiver

WORKER = [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--verbosity", "0"]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def start_worker(name: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "WEBHOOK_LEASE_SECONDS": "2"}
    return subprocess.Popen([*WORKER, "--worker-id", name], env=env, cwd=settings.BASE_DIR)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_a_db_worker_killed_mid_delivery_loses_nothing_and_sends_the_event_once_more(transactional_db, personas):
    receiver = Receiver(delays=[60])  # the first request stalls: the worker is killed while it waits
    builtin_sync()  # transactional tests start from an empty library
    WebhookEndpoint.objects.create(
        practice=personas.practice, url=receiver.url, secret=new_secret(), events=["assignment.changed"]
    )
    assign(personas.alice, personas.bob, key="journal", start_date=timezone.now().date().isoformat())
    delivery = WebhookDelivery.objects.get()
    victim = start_worker("victim")
    second = None
    try:
        assert wait_until(lambda: len(receiver.received) == 1, 60), "the first worker never reached the receiver"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=20)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENDING, 1)  # in flight when it died
        second = start_worker("after")
        delivered = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.DELIVERED)
        assert wait_until(delivered.exists, 60), "nobody delivered it after the lease"
    finally:
        stop(victim)
        if second is not None:
            stop(second)
        receiver.close()
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_status_code == 204
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 1
    ids = [headers["webhook-id"] for headers, _ in receiver.received]
    assert len(ids) == 2 and len(set(ids)) == 1  # the one in flight, sent again with the same id
