"""Webhooks end to end: a receiver on loopback verifies each signature with its own code; payloads carry ids and
event types only; failures are retried with backoff and logged, an endpoint failing again and again is disabled
and its admins emailed; a hanging receiver times out; a worker that dies mid-delivery loses nothing; private and
loopback addresses are refused in production (SSRF)."""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import hmac
import json
import socket
import ssl
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carryover.api import webhooks
from carryover.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from carryover.homework import services as homework
from carryover.homework.tests.conftest import assign
from carryover.measures import services as measures
from carryover.measures.tests.helpers import submit

from .helpers import call, is_problem, token_for
from .receiver import Receiver

CANARY = "canary-webhook-private-words"
ALL = [
    "alert.raised",
    "alert.acknowledged",
    "alert.resolved",
    "entry.submitted",
    "notice.created",
    "assignment.changed",
]


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def add_endpoint(client, personas, url: str, events=None) -> dict:
    response = call(
        client, "post", "/api/v1/practice/webhooks", token_for(personas.admin), {"url": url, "events": events or ALL}
    )
    assert response.status_code == 201, response.content
    return response.json()


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """The receiver's side, written from the Standard Webhooks description rather than from api/webhooks.py."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = headers["webhook-id"].encode() + b"." + headers["webhook-timestamp"].encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    given = [part.split(",", 1)[1] for part in headers["webhook-signature"].split()]
    return any(hmac.compare_digest(expected, sig) for sig in given)


def test_events_arrive_signed_with_ids_only(client, personas, receiver, monday):
    endpoint = add_endpoint(client, personas, receiver.url)
    assert endpoint["secret"].startswith("whsec_")
    assignment = assign(personas.alice, personas.bob, key="journal")  # assignment.changed
    occurrence = assignment.occurrences.order_by("due_date").first()
    draft = homework.draft_for(
        client=personas.bob.membership, occurrence=occurrence, version=assignment.template_version
    )
    homework.draft_save(draft=draft, updates={"f-entry": CANARY, "o-outcome": "done"})
    homework.entry_submit(draft=draft)  # entry.submitted
    homework.notice_create(client=personas.bob.membership, assignment=assignment, reason="unclear", note=CANARY)
    alert = submit(personas.alice, personas.bob, [1] * 9).entry.risk_alert  # alert.raised (and the measure's)
    measures.alert_acknowledge(alert=alert, actor=personas.alice)
    measures.alert_resolve(alert=alert, actor=personas.alice, note=CANARY)
    assert DBTaskResult.objects.filter(task_path="carryover.api.tasks.deliver_webhooks").exists()  # the worker woken
    assert webhooks.deliver_due() >= 6
    kinds = set()
    for headers, body in receiver.received:
        assert verify(endpoint["secret"], headers, body)
        assert not verify(endpoint["secret"], headers, body + b" ")
        assert CANARY.encode() not in body
        event = json.loads(body)
        assert event["id"] == headers["webhook-id"] and all(key.endswith("_id") for key in event["data"])
        kinds.add(event["type"])
    assert kinds == set(ALL)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_failures_back_off_then_give_up_and_disable_the_endpoint_with_an_email(
    client, personas, monday, django_capture_on_commit_callbacks
):
    failing = Receiver(status=500)
    try:
        add_endpoint(client, personas, failing.url, ["assignment.changed"])
        now = timezone.now()
        for n in range(3):  # three events, each tried MAX_ATTEMPTS times
            assign(personas.alice, personas.bob, key="journal", title=f"Try {n}")
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(webhooks.MAX_ATTEMPTS):
                webhooks.deliver_due(now=now)
                log = WebhookDelivery.objects.order_by("id").first()
                assert log.last_status_code == 500 and log.last_error == "The receiver answered 500"
                now = log.next_attempt_at + timedelta(seconds=1)
        assert len(failing.received) == 3 * webhooks.MAX_ATTEMPTS
        assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
        endpoint = WebhookEndpoint.objects.get()
        assert endpoint.disabled_at is not None and endpoint.failures_in_a_row == webhooks.DISABLE_AFTER
        assert [m.to for m in mail.outbox] == [[personas.admin.email]]
        assert "disabled" in mail.outbox[0].subject and CANARY not in mail.outbox[0].body
        log = call(client, "get", f"/api/v1/practice/webhooks/{endpoint.pk}/deliveries", token_for(personas.admin))
        assert log.json()["items"][0]["attempts"] == webhooks.MAX_ATTEMPTS
    finally:
        failing.close()


def test_a_receiver_that_hangs_is_a_logged_failure_not_a_stuck_worker(client, personas, monday, monkeypatch):
    hanging = Receiver(delay=3)
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 0.5)
    try:
        add_endpoint(client, personas, hanging.url, ["assignment.changed"])
        assign(personas.alice, personas.bob, key="journal")
        webhooks.deliver_due()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.last_error) == (DeliveryStatus.PENDING, "Could not deliver: TimeoutError")
        assert delivery.next_attempt_at > timezone.now()
    finally:
        hanging.close()


def test_a_worker_killed_mid_delivery_loses_nothing(client, personas, receiver, monday):
    add_endpoint(client, personas, receiver.url, ["assignment.changed"])
    assign(personas.alice, personas.bob, key="journal")
    now = timezone.now()
    claimed = webhooks.claim(now=now)  # a worker claims, then dies before recording anything
    assert len(claimed) == 1
    assert webhooks.deliver_due(now=now) == 0  # its lease still holds
    assert webhooks.deliver_due(now=now + webhooks.lease() + timedelta(seconds=1)) == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    assert len(receiver.received) == 1


def test_private_and_loopback_addresses_are_refused_in_production(client, personas, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    token = token_for(personas.admin)
    for url in (
        "http://example.com/hook",  # not https
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "ftp://example.com/",
    ):
        body = {"url": url, "events": ["alert.raised"]}
        problem = is_problem(call(client, "post", "/api/v1/practice/webhooks", token, body), 422)
        assert problem["errors"][0]["field"] == "url", url
    assert not WebhookEndpoint.objects.exists()
    # An endpoint saved when it was allowed is checked again before each delivery, and nothing is sent.
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    add_endpoint(client, personas, "http://127.0.0.1:9/hook", ["assignment.changed"])
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assign(personas.alice, personas.bob, key="journal")
    webhooks.deliver_due()
    assert WebhookDelivery.objects.get().last_error == "Use an https address."


PUBLIC, PRIVATE = "93.184.216.34", "127.0.0.1"


def test_dns_rebinding_cannot_swap_in_a_private_address_after_the_check(client, personas, settings, monkeypatch):
    """A name that answers public when checked and private a moment later: the delivery connects to the address
    it checked (pinned), never to a second resolution."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    answers = iter([[PUBLIC], [PUBLIC]])  # at save, then the delivery's check; any later lookup: private
    lookups, connected = [], []

    def fake_resolve(host, port):
        lookups.append((host, port))
        return next(answers, [PRIVATE])

    def fake_connect(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError  # no network in tests: where it went is what counts

    monkeypatch.setattr(webhooks, "resolve", fake_resolve)
    monkeypatch.setattr(webhooks.socket, "create_connection", fake_connect)
    add_endpoint(client, personas, "https://hooks.example.test/in", ["assignment.changed"])
    assign(personas.alice, personas.bob, key="journal")
    webhooks.deliver_due()
    assert connected == [(PUBLIC, 443)]
    assert lookups == [("hooks.example.test", 443)] * 2
    assert WebhookDelivery.objects.get().last_error == "Could not deliver: ConnectionRefusedError"
    # The next attempt resolves again, gets the private address, refuses it and connects nowhere.
    webhooks.deliver_due(now=timezone.now() + timedelta(hours=1))
    assert connected == [(PUBLIC, 443)]
    assert WebhookDelivery.objects.get().last_error.startswith("This address is private, loopback or reserved")


def test_a_pinned_connection_still_names_the_host(client, personas, monkeypatch, tmp_path):
    """Connected to the checked address, the request still carries the name: the Host header over http, the TLS
    server name (and the certificate check against it) over https."""
    plain = Receiver()
    try:
        port = plain.server.server_port
        add_endpoint(client, personas, f"http://localhost:{port}/in", ["assignment.changed"])
        monkeypatch.setattr(webhooks, "resolve", lambda host, port: ["127.0.0.1"])
        assign(personas.alice, personas.bob, key="journal")
        webhooks.deliver_due()
        assert [headers["Host"] for headers, _ in plain.received] == [f"localhost:{port}"]
    finally:
        plain.close()
    names: list[str] = []
    with tls_listener(tmp_path, names) as tls_port, pytest.raises(ssl.SSLCertVerificationError):
        webhooks.post(f"https://localhost:{tls_port}/in", b"{}", {})  # a self-signed certificate: refused
    assert names == ["localhost"]


@contextlib.contextmanager
def tls_listener(folder, names: list[str]):
    """A TLS listener on loopback for one handshake, recording the server name the client asked for."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    context.sni_callback = lambda sock, server_name, ctx: names.append(server_name)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)

    def serve():
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            conn.settimeout(5)
            with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        thread.join(timeout=5)
        listener.close()


def test_the_admins_webhooks_page_adds_lists_logs_and_turns_off(client, personas, receiver, settings):
    """The HTML page, on the same form and services as the API: the secret shown once, the SSRF refusal as a
    message on the field, the delivery log, and turning an endpoint off."""
    from django.urls import reverse

    client.force_login(personas.admin)
    page = reverse("webhooks")
    assert reverse("webhooks") in client.get(reverse("practice_home")).content.decode()
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    refused = client.post(page, {"url": "https://127.0.0.1/hook", "events": ["entry.submitted"]})
    assert refused.status_code == 200 and "webhooks go to public addresses only" in refused.content.decode()
    assert not WebhookEndpoint.objects.exists()
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    added = client.post(page, {"url": receiver.url, "events": ["assignment.changed"]}, follow=True)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in added.content.decode() and added["Cache-Control"] == "no-store"
    assert endpoint.secret not in client.get(page).content.decode()  # once
    assign(personas.alice, personas.bob, key="journal")
    webhooks.deliver_due()
    log = client.get(reverse("webhook_detail", args=[endpoint.pk])).content.decode()
    assert "assignment.changed" in log and "Delivered" in log and endpoint.secret not in log
    client.post(reverse("webhook_remove", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.deleted_at is not None and receiver.url not in client.get(page).content.decode()
    api = call(client, "get", "/api/v1/practice/webhooks", token_for(personas.admin)).json()
    assert api["items"] == []  # the API sees the same endpoints
