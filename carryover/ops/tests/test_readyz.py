"""`/readyz`: 200 when the database, the file store, the task queue's workers and the reminders clock are all well;
503 naming only the ones that failed. PostgreSQL stopped for real: a node pointed at a private server answers 503
"database" while it is down and is ready again, without a restart, once it is back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from carryover.lib.models import Heartbeat
from carryover.lib.tests.test_serve import ROOT, demo_env, free_port, wait_for
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


def postgres_bin() -> Path:
    """The newest installed PostgreSQL server's programs (initdb, pg_ctl), or skip."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda path: int(path.parts[-3]))
    if not found or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("needs PostgreSQL's server programs and a PostgreSQL test run (for the schema)")
    return found[-1].parent


class PrivateCluster:
    """A PostgreSQL server of this test's own on a loopback port, in a temporary folder: started, stopped and
    started again like a real database machine, then removed. (initdb refuses root: run as `postgres` then.)"""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir, self.port = bin_dir, free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="carryover-pg-"))
        self.data = self.folder / "data"
        self.url = f"postgres://carryover@127.0.0.1:{self.port}/carryover"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")

    def run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(as_postgres + command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "carryover", "--auth=trust", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "log")
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "-t", "60", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "60", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_cluster(db):
    """A private server holding the app's schema (copied from this run's test database) and a clock heartbeat."""
    cluster = PrivateCluster(postgres_bin())
    try:
        cluster.init()
        cluster.start()
        server = cluster.url.rsplit("/", 1)[0]
        subprocess.run(["psql", f"{server}/postgres", "-qc", "CREATE DATABASE carryover"], check=True, timeout=60)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            (test_database,) = cursor.fetchone()
        source = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{test_database}"
        schema = subprocess.run(
            ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", source],
            check=True,
            capture_output=True,
            timeout=120,
        ).stdout
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", cluster.url], input=schema, check=True, timeout=120)
        beat = f"INSERT INTO {Heartbeat._meta.db_table} (name, beat_at) VALUES ('reminders_clock', now())"
        subprocess.run(["psql", cluster.url, "-qc", beat], check=True, timeout=60)
        yield cluster
    finally:
        cluster.remove()


def probe(base: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def probe_until(base: str, expected: tuple[int, str], seconds: float = 60) -> tuple[int, str]:
    deadline = time.monotonic() + seconds
    answer = probe(base)
    while answer != expected and time.monotonic() < deadline:
        time.sleep(0.5)
        answer = probe(base)
    return answer


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("pool", ["1", "0"])
def test_a_node_names_its_stopped_postgresql_and_recovers_when_it_starts_again(tmp_path, private_cluster, pool):
    env = {**demo_env(tmp_path), "DATABASE_URL": private_cluster.url, "DB_POOL": pool, "DB_POOL_TIMEOUT": "3"}
    env.update(READY_HEARTBEAT_MAX_AGE="600", LOG_LEVEL="CRITICAL")
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "carryover.wsgi", "--bind", f"127.0.0.1:{port}"]
    node = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", seconds=60)
        assert probe_until(base, (200, "ready\n")) == (200, "ready\n")
        private_cluster.stop()
        assert probe(base) == (503, "not ready: database\n")  # and nothing about the server, its address or error
        assert node.poll() is None  # the node itself carries on
        private_cluster.start()
        assert probe_until(base, (200, "ready\n")) == (200, "ready\n")  # the same node, without a restart
    finally:
        node.terminate()
        node.wait(timeout=30)
