"""Webhooks a practice admin configures: events by type and ids, signed in the Standard Webhooks style, delivered
by the task worker with retries, backoff and a delivery log.

- Payload: `{"id": "msg_…", "type": "entry.submitted", "timestamp": …, "data": {"entry_id": 7, "client_id": 3}}`:
  no clinical text; the receiver fetches what it needs with a token, through the same access checks and audit.
- Signature (https://www.standardwebhooks.com): headers `webhook-id`, `webhook-timestamp` and `webhook-signature:
  v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" keyed with the secret's bytes>`.
- Delivery: rows claimed with a lease (as reminders are), so a worker killed mid-delivery loses nothing and sends
  at most that one event again, with the same id: receivers dedupe by `webhook-id`. Each failure waits longer
  (BACKOFF), a delivery gives up after MAX_ATTEMPTS, and an endpoint that fails DISABLE_AFTER times in a row is
  disabled and the practice's admins are emailed.
- SSRF: in production a webhook URL must be https and resolve only to public addresses (checked when it is saved
  and again before each delivery); redirects are never followed; a receiver that hangs times out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carryover.accounts.models import Membership, Role
from carryover.lib.i18n import language_for

from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)
BACKOFF = [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1)]
MAX_ATTEMPTS = len(BACKOFF) + 1
DISABLE_AFTER = 15  # failed attempts in a row (three events given up), then the endpoint is disabled
TIMEOUT_SECONDS = 10
BATCH = 20


class UnsafeUrl(ValueError):
    """A webhook URL this server will not call; the message says why."""


# --- Signing -------------------------------------------------------------------------------------------------------


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


# --- SSRF ----------------------------------------------------------------------------------------------------------


def resolve(host: str, port: int) -> list[str]:
    """Every address the name has now (the tests replace this with a fake resolver)."""
    return [str(info[4][0]).split("%")[0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def check_url(url: str) -> list[str]:
    """The addresses to connect to for `url`, checked; UnsafeUrl for an address this server must not call.

    The name is resolved once and every address it gives is checked; the caller connects to the returned addresses
    (`post`), so a second resolution (DNS rebinding: public when checked, private when connected) never happens.
    Outside production, loopback and private addresses are allowed (a receiver on the developer's machine, the
    tests' receiver)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl(_("Use an http(s) address."))
    production = not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    if production and parts.scheme != "https":
        raise UnsafeUrl(_("Use an https address."))
    try:
        found = resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError, ValueError) as error:
        raise UnsafeUrl(_("This host name does not resolve.")) from error
    if not found:
        raise UnsafeUrl(_("This host name does not resolve."))
    for address in found if production else []:
        ip = ipaddress.ip_address(address)
        if not ip.is_global or ip.is_multicast:
            raise UnsafeUrl(_("This address is private, loopback or reserved: webhooks go to public addresses only."))
    return found


# --- Emitting ------------------------------------------------------------------------------------------------------


def on_event(event_type: str, *, practice_id: int, data: dict) -> None:
    """The lib.events listener: an event row and a delivery per subscribed endpoint, and the worker woken, all in
    the caller's transaction."""
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(
            practice_id=practice_id, disabled_at__isnull=True, deleted_at__isnull=True
        )
        if event_type in e.events
    ]
    if not endpoints:
        return
    event = WebhookEvent.objects.create(
        public_id=f"msg_{uuid.uuid4().hex}", practice_id=practice_id, type=event_type, data=data
    )
    WebhookDelivery.objects.bulk_create([WebhookDelivery(event=event, endpoint=e) for e in endpoints])
    from .tasks import deliver_webhooks

    deliver_webhooks.enqueue()


def payload(event: WebhookEvent) -> bytes:
    body = {"id": event.public_id, "type": event.type, "timestamp": event.created_at.isoformat(), "data": event.data}
    return json.dumps(body, separators=(",", ":")).encode()


# --- Delivering ----------------------------------------------------------------------------------------------------


def lease() -> timedelta:
    """How long a claimed delivery is the claiming worker's (settings.WEBHOOK_LEASE_SECONDS, 2 minutes)."""
    return timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)


def claim(*, now: datetime, limit: int = BATCH) -> list[int]:
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )
    with transaction.atomic():
        rows = WebhookDelivery.objects.filter(due).order_by("next_attempt_at")
        ids = list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        # The conditional update is the claim on SQLite (no row locks): a row another worker took is not matched.
        WebhookDelivery.objects.filter(due, pk__in=ids).update(
            status=DeliveryStatus.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1
        )
        if ids:  # should this worker die mid-delivery, someone looks again once the lease has ended
            _wake_at(now + lease() + timedelta(seconds=1))
    return ids


def _wake_at(moment: datetime) -> None:
    from .tasks import deliver_webhooks

    deliver_webhooks.using(run_after=moment).enqueue()


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """One POST, no redirects followed, with a timeout: the status code (raises OSError on a network failure).

    The connection goes to the address `check_url` checked, never to a fresh resolution of the name; the request
    still names the host (the Host header, and for https the TLS server name and certificate check)."""
    addresses = check_url(url)  # again: a name may resolve elsewhere now than when it was saved
    parts = urlsplit(url)
    assert parts.hostname  # check_url refused an address without one
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
    connection._create_connection = lambda where, *args: _connect(addresses, where[1], *args)  # type: ignore[attr-defined]
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def _connect(addresses: list[str], port: int, *args) -> socket.socket:
    """`socket.create_connection`, to the checked addresses in turn instead of whatever the name resolves to now."""
    failure: OSError = OSError("No address to connect to")
    for address in addresses:
        try:
            return socket.create_connection((address, port), *args)
        except OSError as error:
            failure = error
    raise failure


def deliver_one(pk: int, *, now: datetime | None = None) -> str:
    delivery = WebhookDelivery.objects.select_related("event", "endpoint").get(pk=pk)
    endpoint, event = delivery.endpoint, delivery.event
    if endpoint.disabled_at or endpoint.deleted_at:
        WebhookDelivery.objects.filter(pk=pk).update(status=DeliveryStatus.FAILED, last_error="Endpoint disabled")
        return DeliveryStatus.FAILED
    body, stamp = payload(event), int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Carryover-Webhooks/1",
        "webhook-id": event.public_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(endpoint.secret, event.public_id, stamp, body),
    }
    code, error = None, ""
    try:
        code = post(endpoint.url, body, headers)
        if not 200 <= code < 300:
            error = f"The receiver answered {code}"
    except UnsafeUrl as unsafe:
        error = str(unsafe)[:200]
    except (OSError, http.client.HTTPException) as failure:  # refused, reset, timed out, bad TLS
        error = f"Could not deliver: {type(failure).__name__}"
    return _record(delivery, code=code, error=error, now=now or timezone.now())


def _record(delivery: WebhookDelivery, *, code: int | None, error: str, now: datetime) -> str:
    endpoint = delivery.endpoint
    with transaction.atomic():
        if not error:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.DELIVERED,
                delivered_at=now,
                last_status_code=code,
                last_error="",
                lease_until=None,
            )
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures_in_a_row=0)
            return DeliveryStatus.DELIVERED
        logger.warning("Webhook delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
        gave_up = delivery.attempts >= MAX_ATTEMPTS
        retry_at = now + BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
        if not gave_up:
            _wake_at(retry_at)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
            next_attempt_at=retry_at,
            last_status_code=code,
            last_error=error,
            lease_until=None,
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures_in_a_row=F("failures_in_a_row") + 1)
        endpoint.refresh_from_db()
        if endpoint.failures_in_a_row >= DISABLE_AFTER and endpoint.disabled_at is None:
            _disable(endpoint, now=now)
    return DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING


def _disable(endpoint: WebhookEndpoint, *, now: datetime) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(disabled_at=now)
    admins = Membership.objects.filter(practice_id=endpoint.practice_id, role=Role.ADMIN).select_related(
        "user", "practice"
    )
    for admin in admins:  # each in their own language; after commit: a mail server down must not undo the disabling
        with translation.override(language_for(admin.user, admin.practice)):
            subject, message = _("Carryover: a webhook endpoint was disabled"), _disabled_message(endpoint)
        transaction.on_commit(partial(send_mail, subject, message, None, [admin.user.email], fail_silently=True))


def _disabled_message(endpoint: WebhookEndpoint) -> str:
    return _(
        "Carryover stopped sending webhooks to %(host)s after %(failures)s failed attempts in a row. Check the "
        "receiver, then add the endpoint again on the practice's Webhooks page (%(page)s), where its delivery log "
        "is too."
    ) % {
        "host": urlsplit(endpoint.url).hostname or _("your receiver"),
        "failures": endpoint.failures_in_a_row,
        "page": settings.SITE_URL + reverse("webhooks"),
    }


def deliver_due(*, now: datetime | None = None) -> int:
    ids = claim(now=now or timezone.now())
    for pk in ids:
        deliver_one(pk, now=now)
    return len(ids)
