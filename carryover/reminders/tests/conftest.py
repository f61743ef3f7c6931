"""Reminder test helpers: a real SMTP server on loopback (aiosmtpd), assignments made by the homework services,
and a way to run what the workers run."""

from __future__ import annotations

import email
import socket
import threading
from email.message import Message

import pytest
import time_machine
from aiosmtpd.controller import Controller

from carryover.homework.tests.conftest import assign  # noqa: F401 - re-exported for the reminder tests

CANARY = "CANARY-suicidal-ideation-panic"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """An SMTP server's message handler: keeps every message; refuses addresses it is told to."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        self.refuse: dict[str, str] = {}  # address → SMTP reply, e.g. "550 no such user"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield sink
    controller.stop()


@pytest.fixture
def monday():
    """Monday 2 March 2026, 09:00 in London (GMT, the personas' zone)."""
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        yield clock


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def run_worker() -> int:
    """Run every task that is ready now, claimed and recorded as `db_worker` does it (db_worker itself closes
    the connection between tasks, which would end a test's transaction; real workers run in test_workers.py)."""
    from django_tasks_db.models import DBTaskResult

    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("run_after", "enqueued_at").first()) is not None:
        result.claim("test-worker")
        task_result = result.task_result
        result.set_successful(result.task.call(*task_result.args, **task_result.kwargs))
        ran += 1
    return ran
