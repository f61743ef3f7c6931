"""Claiming due reminders and sending them: exactly once per reminder where the channel allows it.

A worker claims a small batch in one short transaction (SKIP LOCKED on PostgreSQL; on SQLite a conditional
update does the same job), holding each row for a lease. Before sending it records the attempt on the Delivery
row and commits; after sending it records the outcome on that row and commits (one update). So a crash between
the two leaves the row "sending" with an expired lease: another worker sends it again with the same idempotency
key. A channel that honours the key shows it once; for SMTP that is the one message that may arrive twice, per
crash. The batch's reminders are finished from their delivery rows at the end of the batch (a crash before that:
the next worker finishes them from the rows, sending nothing again).
"""

from __future__ import annotations

import logging
import traceback
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone, translation

from carryover.lib.i18n import language_for

from .channels import ChannelError, Message, send
from .models import Channel, Delivery, DeliveryStatus, Reminder, ReminderSettings, ReminderStatus
from .planning import open_work

logger = logging.getLogger(__name__)
NOTHING_LEFT = "Nothing left to do that day"
BATCH = 20  # claimed at once: fewer round trips, while a crash strands few (until their lease ends)
MAX_ATTEMPTS = 3  # per channel, then the next channel the client chose
BACKOFF = [timedelta(minutes=1), timedelta(minutes=4)]


def lease() -> timedelta:
    return timedelta(seconds=settings.REMINDER_LEASE_SECONDS)


def catch_up() -> timedelta:
    return timedelta(minutes=settings.REMINDER_CATCH_UP_MINUTES)


def due(now: datetime):
    return Reminder.objects.filter(
        Q(status=ReminderStatus.SCHEDULED, next_attempt_at__lte=now)
        | Q(status=ReminderStatus.SENDING, lease_until__lt=now)
    )


def claim_due(*, limit: int = BATCH, now: datetime | None = None) -> tuple[uuid.UUID, list[int]]:
    now = now or timezone.now()
    claim = uuid.uuid4()
    with transaction.atomic():
        # Two queries that each walk a partial index in order, rather than one OR that sorts every due row.
        expired = Reminder.objects.filter(status=ReminderStatus.SENDING, lease_until__lt=now).order_by("lease_until")
        scheduled = Reminder.objects.filter(status=ReminderStatus.SCHEDULED, next_attempt_at__lte=now).order_by(
            "next_attempt_at"
        )
        ids: list[int] = []
        for candidates in (expired, scheduled):
            if len(ids) < limit:
                if connection.features.has_select_for_update_skip_locked:
                    candidates = candidates.select_for_update(skip_locked=True)
                ids += list(candidates.values_list("pk", flat=True)[: limit - len(ids)])
        # Repeating the condition makes the claim safe where rows cannot be locked (SQLite): a row another
        # worker claimed in between no longer matches, and stays theirs.
        due(now).filter(pk__in=ids).update(status=ReminderStatus.SENDING, claim=claim, lease_until=now + lease())
    return claim, list(Reminder.objects.filter(pk__in=ids, claim=claim).values_list("pk", flat=True))


class Sender:
    """Sends one claimed batch: reads what it needs for the whole batch at once, reuses one SMTP connection, and
    records each send's outcome on its Delivery row on its own, right after the send (one update, so a crash
    repeats at most the message in flight); the batch's sent reminders are then finished in one statement."""

    def __init__(self) -> None:
        self.connection = get_connection()
        self.connected = False

    def close(self) -> None:
        if self.connected:
            self.connection.close()

    def deliver_many(self, ids: list[int], claim: uuid.UUID) -> dict[int, str]:
        reminders = list(
            Reminder.objects.filter(pk__in=ids, claim=claim)
            .select_related("client__user", "client__practice")
            .order_by("next_attempt_at", "pk")
        )
        if not reminders:
            return {}
        client_ids = list({r.client_id for r in reminders})
        settings_of = {s.client_id: s for s in ReminderSettings.objects.filter(client_id__in=client_ids)}
        days = [r.local_date for r in reminders]
        work = open_work(client_ids, min(days), max(days))
        now = timezone.now()
        outcomes: dict[int, str] = {}
        to_send: list[tuple[Reminder, str, int, list[str]]] = []
        for reminder in reminders:
            setting = settings_of.get(reminder.client_id) or ReminderSettings(client_id=reminder.client_id)
            count = len(reminder.about(work.get((reminder.client_id, reminder.local_date), set())))
            channels = [c for c in setting.channels if c in Channel.values] or [Channel.IN_APP]
            verdict = self.not_sent(reminder, setting, count, channels, now)
            if verdict is None:
                to_send.append((reminder, channels[reminder.channel_index], count, channels))
            else:
                outcomes[reminder.pk] = self.finish(reminder, claim, *verdict)
        outcomes.update(self.send_all(to_send, claim))
        return outcomes

    def send_all(self, to_send: list[tuple[Reminder, str, int, list[str]]], claim: uuid.UUID) -> dict[int, str]:
        # The delivery rows (and their idempotency keys) exist before anything is sent, so a send repeated after
        # a crash carries the same key.
        Delivery.objects.bulk_create(
            [Delivery(reminder=r, channel=channel, scheduled_at=r.fire_at) for r, channel, _, _ in to_send],
            ignore_conflicts=True,
        )
        deliveries = {
            (d.reminder_id, d.channel): d for d in Delivery.objects.filter(reminder__in=[r for r, *_ in to_send])
        }
        outcomes: dict[int, str] = {}
        try:
            for reminder, channel, count, channels in to_send:
                delivery = deliveries[(reminder.pk, channel)]
                if delivery.status == DeliveryStatus.SENT:
                    # Sent by a worker that died before finishing the reminder: finished now, not sent again.
                    outcomes[reminder.pk] = "sent"
                else:
                    outcomes[reminder.pk] = self.send_one(reminder, claim, delivery, count, channels)
        finally:
            finish_sent([pk for pk, outcome in outcomes.items() if outcome == "sent"], claim)
        return outcomes

    @staticmethod
    def not_sent(
        reminder: Reminder, setting: ReminderSettings, count: int, channels: list[str], now: datetime
    ) -> tuple[str, str] | None:
        """Why this reminder ends without a send (status, reason), or None to send it now."""
        if not setting.enabled:
            return ReminderStatus.CANCELLED, "Reminders are off"
        if count == 0:
            return ReminderStatus.CANCELLED, NOTHING_LEFT
        if now - reminder.fire_at > catch_up():
            late = int((now - reminder.fire_at).total_seconds() // 60)
            return ReminderStatus.SKIPPED, f"Too late to be useful ({late} min late)"
        if reminder.channel_index >= len(channels):
            return ReminderStatus.FAILED, "No channel left to try"
        return None

    def send_one(self, reminder: Reminder, claim: uuid.UUID, delivery: Delivery, count: int, channels) -> str:
        if delivery.channel == Channel.EMAIL and not self.connected:
            try:
                self.connection.open()  # kept open for the whole batch
                self.connected = True
            except OSError:
                pass  # the send below reports it, as for any other failure
        delivery.attempts += 1
        try:
            client = reminder.client
            with translation.override(language_for(client.user, client.practice)):  # the client's, not the worker's
                response = send(
                    delivery.channel,
                    reminder,
                    delivery,
                    Message.build(reminder, count),
                    connection=self.connection,
                    titles=self.titles(reminder) if delivery.channel == Channel.PUSH else [],
                )
        except ChannelError as error:
            return self.failed(reminder, claim, delivery, error, channels)
        except Exception as error:  # noqa: BLE001 - one broken reminder must not stop the batch or the worker
            # The frames (code lines) but not the error's message, which could quote a title a client let through.
            logger.error(
                "Reminder %s: unexpected %s while sending\n%s",
                reminder.pk,
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
            return self.failed(
                reminder, claim, delivery, ChannelError(f"Unexpected error ({type(error).__name__})"), channels
            )
        # The send is on record the moment this commits; the reminder row follows with the rest of the batch (in
        # finish_sent), or from this row should the worker die first.
        with transaction.atomic():
            unflushed_commit()
            now = timezone.now()
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.SENT,
                attempts=F("attempts") + 1,
                provider_response=response,
                error="",
                sent_at=now,
                updated_at=now,
            )
        return "sent"

    def titles(self, reminder: Reminder) -> list[str]:
        """Titles only for push devices whose owner opted in; never used by any other channel."""
        from carryover.homework.models import Assignment

        if not reminder.client.push_subscriptions.filter(show_titles=True).exists():
            return []
        day = (reminder.client_id, reminder.local_date)
        ids = reminder.about(open_work([reminder.client_id], reminder.local_date, reminder.local_date).get(day, set()))
        return [a.title for a in Assignment.objects.filter(pk__in=ids).order_by("pk")]

    def failed(self, reminder, claim, delivery: Delivery, error: ChannelError, channels: list[str]) -> str:
        now = timezone.now()
        retry = not error.permanent and delivery.attempts < MAX_ATTEMPTS
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.RETRYING if retry else DeliveryStatus.FAILED,
                error=error.message,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
            if retry:
                from .tasks import wake_at

                wait = BACKOFF[min(delivery.attempts - 1, len(BACKOFF) - 1)]
                self.finish(reminder, claim, ReminderStatus.SCHEDULED, error.message, next_attempt_at=now + wait)
                wake_at([now + wait])
                return "retry"
            if reminder.channel_index + 1 < len(channels):
                self.finish(
                    reminder,
                    claim,
                    ReminderStatus.SCHEDULED,
                    error.message,
                    channel_index=reminder.channel_index + 1,
                    next_attempt_at=now,
                )
                return "fallback"
            self.finish(reminder, claim, ReminderStatus.FAILED, f"Could not be sent: {error.message}"[:200])
        return "failed"

    def finish(self, reminder: Reminder, claim: uuid.UUID, status: str, reason: str, **fields) -> str:
        Reminder.objects.filter(pk=reminder.pk, claim=claim).update(
            status=status, reason=reason[:200], claim=None, lease_until=None, **fields
        )
        return status


def finish_sent(ids: list[int], claim: uuid.UUID) -> None:
    """These claimed reminders' deliveries are recorded sent: the reminders are finished as sent, each with its
    delivery's time and channel, in one statement."""
    if not ids:
        return
    sent = Delivery.objects.filter(reminder=OuterRef("pk"), status=DeliveryStatus.SENT).order_by("-sent_at")
    Reminder.objects.filter(pk__in=ids, claim=claim).update(
        status=ReminderStatus.SENT,
        reason="",
        claim=None,
        lease_until=None,
        sent_at=Subquery(sent.values("sent_at")[:1]),
        sent_channel=Subquery(sent.values("channel")[:1]),
    )


def unflushed_commit() -> None:
    """This transaction's commit returns before PostgreSQL has flushed it to disk (`synchronous_commit = off`, for
    this transaction only, so it is safe behind PgBouncer in transaction mode): for the outcome of a send, whose
    wait for the disk was a fifth of each send. The claim and the delivery rows with their keys, written before
    any send, stay flushed. Should the database itself crash within the moment before the flush, the outcome is
    lost, the row is still "sending" under its lease, and it is sent again when the lease ends: the one duplicate
    per crash this module already allows. Never an inconsistency: PostgreSQL loses whole transactions or none."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def deliver_batch(*, limit: int = BATCH) -> int:
    """Claim and send up to `limit` due reminders; returns how many were claimed (0: nothing is due)."""
    claim, ids = claim_due(limit=limit)
    if not ids:
        return 0
    sender = Sender()
    try:
        sender.deliver_many(ids, claim)
    finally:
        sender.close()
    return len(ids)


def next_due_at() -> datetime | None:
    return (
        Reminder.objects.filter(status=ReminderStatus.SCHEDULED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
