"""Fixtures for the operations tests: a local S3 server, and the file store pointed at a fresh bucket of it."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest

from carryover.homework.tests.conftest import monday  # noqa: F401 (the homework tests' clock, shared)

from .s3 import S3Server


@pytest.fixture(scope="session")
def s3_server():
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings) -> str:
    """A fresh, empty bucket, and the app's file store pointed at it."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage(bucket)}
    return bucket


@pytest.fixture
def postgres_databases():
    """Fresh databases on the test run's PostgreSQL server (never its own database), dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")
    server = url.rsplit("/", 1)[0]
    made: list[str] = []

    def new() -> str:
        name = f"carryover_tmp_{uuid.uuid4().hex[:10]}"
        subprocess.run(["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True, timeout=60)
        made.append(name)
        return f"{server}/{name}"

    yield new
    for name in made:
        subprocess.run(
            ["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], timeout=60
        )
