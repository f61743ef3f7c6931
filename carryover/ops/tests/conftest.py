"""Fixtures for the operations tests: a local S3 server, and the file store pointed at a fresh bucket of it."""

from __future__ import annotations

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
