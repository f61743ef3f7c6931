"""`/readyz`: 200 when the database, the file store, the task queue's workers and the reminders clock are all well;
503 naming only the ones that failed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from carryover.lib.models import Heartbeat
from carryover.lib.tests.test_serve import ROOT, free_port
from carryover.reminders.tasks import tick

from .s3 import S3Server


@pytest.fixture
def clock_alive(db):
    Heartbeat.beat("reminders_clock")


def test_ready_when_every_dependency_answers(client, clock_alive):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")  # balancers probe by address: no host check
    assert (response.status_code, response.content) == (200, b"ready\n")
    assert response["Cache-Control"] == "no-store"
    assert client.get("/healthz").status_code == 200  # the liveness probe is unchanged


def test_a_clock_that_never_ticked_or_stopped_ticking_is_named(client, db, settings):
    assert client.get("/readyz").content == b"not ready: reminders clock\n"
    with time_machine.travel(timezone.now() - timedelta(seconds=settings.READY_HEARTBEAT_MAX_AGE + 5)):
        Heartbeat.beat("reminders_clock")
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"not ready: reminders clock\n")
    Heartbeat.beat("reminders_clock")
    assert client.get("/readyz").status_code == 200


def test_a_queue_no_worker_serves_is_a_stale_worker(client, clock_alive, settings):
    with time_machine.travel(timezone.now() - timedelta(seconds=settings.READY_HEARTBEAT_MAX_AGE - 30)):
        tick.enqueue()
    assert client.get("/readyz").status_code == 200  # waiting, but not yet too long
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        Heartbeat.beat("reminders_clock")
        response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"not ready: worker\n")


def test_a_stopped_file_store_is_named(client, clock_alive, settings):
    server = S3Server()
    server.start()
    settings.STORAGES = {**settings.STORAGES, "default": server.storage(server.new_bucket())}
    assert client.get("/readyz").status_code == 200
    server.stop()
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"not ready: file store\n")


@pytest.mark.slow  # a Python process
def test_a_stopped_database_is_named_and_nothing_else_is_said(tmp_path):
    # A real PostgreSQL connection refused: nothing listens on this loopback port, as when the server is stopped.
    env = {**os.environ, "DATABASE_URL": f"postgres://carryover@127.0.0.1:{free_port()}/carryover", "DB_POOL": "0"}
    env["CARRYOVER_VAR_DIR"] = str(tmp_path)
    probe = (
        "import django; django.setup(); from django.test import Client; r = Client().get('/readyz'); "
        "print(r.status_code, repr(r.content.decode()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "carryover.settings", "LOG_LEVEL": "CRITICAL"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "503 'not ready: database\\n'", result.stderr[-2000:]
