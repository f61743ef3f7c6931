"""Reminder test helpers: a real SMTP server on loopback (aiosmtpd), assignments made by the homework services,
and a way to run what the workers run."""

from __future__ import annotations

import base64
import email
import io
import json
import logging
import os
import socket
import threading
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
import time_machine
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command

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
        self.after_accept = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        if self.after_accept is not None:
            self.after_accept()  # e.g. kill the sender before it hears "250": an ambiguous send
        return "250 Message accepted"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(settings):
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
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


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakePushService:
    """A push service on loopback: records each request, answers 201, or 410 for endpoints marked gone. It
    honours the Topic header the way real services collapse messages: one shown per topic."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {key.lower(): value for key, value in self.headers.items()}
                service.requests.append({"path": self.path, "headers": headers, "body": body})
                self.send_response(410 if "gone" in self.path else 201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def shown(self) -> dict[str, dict]:
        return {r["headers"]["topic"]: r for r in self.requests if "gone" not in r["path"]}


class Device:
    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = b64(public)

    def read(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


@pytest.fixture
def push(settings):
    out = io.StringIO()
    call_command("vapid_keys", stdout=out)
    keys = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = keys["VAPID_PRIVATE_KEY"], keys["VAPID_PUBLIC_KEY"]
    service = FakePushService()
    yield service
    service.server.shutdown()
