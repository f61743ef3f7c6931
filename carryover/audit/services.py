"""Writing to the audit log, sealing it into the chain, and verifying it.

Requests append events without any shared lock (`audit_record`); the worker seals them into the hash chain in
batches and checkpoints the chain's end outside the database (`audit_seal`, run by the `seal` task every few
seconds); `audit_verify` checks all three. Design and limits: docs/security.md, "Audit log".
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

from django.db import models, transaction
from django.utils import timezone

from carryover.accounts.models import User
from carryover.lib.middleware import request_id_var

from .checkpoints import (
    Checkpoint,
    CheckpointStoreError,
    checkpoint_append,
    checkpoint_last,
    checkpoint_path,
    checkpoint_ready,
    checkpoints_read,
)
from .models import GENESIS, Action, AuditChainHead, AuditEvent, Outcome, audit_key

SEAL_BATCH = 1000
# Sealing runs every few seconds; events waiting longer than this mean no worker or clock is running.
SEAL_OVERDUE = timedelta(minutes=10)


def audit_record(
    *,
    actor_id: int | None,
    practice_id: int | None,
    client_id: int | None,
    action: Action | str,
    object_type: str,
    object_id: str | int = "",
    outcome: Outcome | str = Outcome.ALLOWED,
) -> AuditEvent:
    """Append one event, signed on its own: one INSERT and no lock shared with other requests."""
    event = AuditEvent(
        at=timezone.now(),
        actor_id=actor_id,
        practice_id=practice_id,
        client_id=client_id,
        action=str(action),
        object_type=object_type,
        object_id=str(object_id),
        outcome=str(outcome),
        request_id=request_id_var.get(),
    )
    event.mac = event.compute_mac()
    event.save()
    return event


def audit_seal(*, limit: int = SEAL_BATCH) -> int:
    """Link the oldest unsealed events into the chain, then checkpoint the chain's end. Returns how many.

    Any number of workers may run this: sealing holds the chain head's lock, so batches follow one another and
    each event is sealed once. Events are taken in insertion order among those committed; one whose request
    commits late is simply sealed in a later batch. The checkpoint is written in a second transaction, under the
    head's lock again, for a head that is already committed: the file never names a chain end that a rollback
    undid, and its lines stay in chain order.
    """
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        # Fail before sealing anything, so a broken store never leaves sealed events without a checkpoint.
        path = checkpoint_ready(chain_started=_checkpointed(head))
        events = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:limit])
        seq, prev_hash = head.last_seq, head.last_hash
        for event in events:
            seq += 1
            event.seq, event.prev_hash = seq, prev_hash
            event.hash = prev_hash = event.compute_hash()
        # The plain QuerySet: sealing is the one update the database allows (audit/triggers.py).
        sealing: models.QuerySet[AuditEvent] = models.QuerySet(model=AuditEvent)
        sealing.bulk_update(events, ["seq", "prev_hash", "hash"], batch_size=200)
        if events:
            AuditChainHead.objects.filter(id=1).update(last_seq=seq, last_hash=prev_hash)
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(id=1)
        last = checkpoint_last(path)
        if head.last_seq and (last is None or (last.seq, last.hash) != (head.last_seq, head.last_hash)):
            checkpoint_append(path=path, seq=head.last_seq, hash=head.last_hash, at=timezone.now())
    return len(events)


def audit_store_check() -> None:
    """Raise CheckpointStoreError now if sealing would fail on the checkpoint store (for `audit_clock`)."""
    head = AuditChainHead.objects.filter(id=1).first()
    checkpoint_ready(chain_started=head is not None and _checkpointed(head))


def _checkpointed(head: AuditChainHead) -> bool:
    """Whether a checkpoint file must already exist: its last event was sealed by this design, which always
    checkpoints. A chain sealed only before checkpoints existed (no `mac`) may start its file."""
    return head.last_seq > 0 and AuditEvent.objects.filter(seq=head.last_seq).exclude(mac="").exists()


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    sealed: int = 0
    unsealed: int = 0
    oldest_unsealed: datetime | None = None
    last_checkpoint: Checkpoint | None = None


def audit_verify(*, now: datetime | None = None) -> Verification:
    """Check every sealed event against its neighbours, the chain head and the checkpoints outside the
    database, and every unsealed event against its own signature.

    Sealing may go on meanwhile, so the head and the checkpoint file's length are read first and the chain
    after: whatever they record was committed before, so the chain read later must contain it (it may only
    have grown). What this cannot see, and says so: an unsealed event removed before sealing leaves no trace
    (the worker seals every few seconds), nor does removing sealed events newer than the last checkpoint
    (written just after each seal)."""
    result = Verification()
    problems = result.problems
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    try:
        path: Path | None = checkpoint_path()
    except CheckpointStoreError as error:
        problems.append(str(error))
        path = None
    checkpoints = _checkpoints(path, problems) if path else iter(())
    pending = next(checkpoints, None)
    expected_seq, prev_hash = 1, GENESIS
    for event in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        seq = cast(int, event.seq)  # sealed events only
        problems += _event_problems(event, seq, expected_seq, prev_hash, (head_seq, head_hash))
        while pending is not None and pending.seq <= seq:
            problems += _checkpoint_problems(pending, seq, event.hash)
            result.last_checkpoint, pending = pending, next(checkpoints, None)
        expected_seq, prev_hash = seq + 1, event.hash
        result.sealed += 1
    _end_problems(result, expected_seq - 1, [pending, *checkpoints] if pending else [], path)
    if head is None and expected_seq > 1:
        problems.append("the chain head is missing")
    elif expected_seq - 1 < head_seq:
        problems.append(
            f"the chain ends at event {expected_seq - 1} but its head records event {head_seq} (events removed?)"
        )
    _verify_unsealed(result, now=now or timezone.now())
    return result


def _event_problems(event: AuditEvent, seq: int, expected_seq: int, prev_hash: str, head: tuple[int, str]) -> list[str]:
    problems = []
    if seq != expected_seq:
        problems.append(f"event {seq}: expected sequence number {expected_seq} (an event is missing or inserted)")
    if event.prev_hash != prev_hash:
        problems.append(f"event {seq}: does not link to the event before it")
    if event.compute_hash() != event.hash or (event.mac and event.compute_mac() != event.mac):
        problems.append(f"event {seq}: contents do not match its hash (edited)")
    if seq == head[0] and event.hash != head[1]:
        problems.append(f"event {seq}: differs from the chain head (the chain was rewritten)")
    return problems


def _checkpoint_problems(checkpoint: Checkpoint, seq: int, event_hash: str) -> list[str]:
    """A checkpoint at or before sealed event `seq`: it must record that very event, or an event still there."""
    if checkpoint.seq == seq and checkpoint.hash != event_hash:
        return [f"event {seq}: differs from the checkpoint of {checkpoint.at} (the chain was rewritten)"]
    if checkpoint.seq < seq:
        return [f"checkpoint line {checkpoint.line}: event {checkpoint.seq} it records is missing"]
    return []


def _end_problems(result: Verification, last_seq: int, beyond: list[Checkpoint], path: Path | None) -> None:
    """Checkpoints past the chain's end mean its newest events were removed; a chain no checkpoint records could
    lose them unnoticed."""
    if beyond:
        newest = max(beyond, key=lambda c: c.seq)
        result.problems.append(
            f"the chain ends at event {last_seq} but the checkpoint of {newest.at} records event {newest.seq}: "
            f"events {last_seq + 1} to {newest.seq} were removed"
        )
    elif last_seq and result.last_checkpoint is None and path and path.exists():
        result.problems.append("no checkpoint records the chain: removing its newest events would go unnoticed")


def _checkpoints(path: Path, problems: list[str]) -> Iterator[Checkpoint]:
    """Checkpoints in chain order, as far as the file reached when called; what is wrong with the file or a
    line goes into `problems`."""
    if not path.exists():
        if AuditEvent.objects.filter(seq__isnull=False).exists():
            problems.append(f"the audit checkpoint file {path} is missing: removed events could not be detected")
        return
    newest = 0
    for item in checkpoints_read(path, upto=path.stat().st_size):
        if isinstance(item, str):
            problems.append(item)
        elif item.seq < newest:
            problems.append(f"checkpoint line {item.line} goes back to event {item.seq} (the file was edited)")
        else:
            newest = item.seq
            yield item


def _verify_unsealed(result: Verification, *, now: datetime) -> None:
    for event in AuditEvent.objects.filter(seq__isnull=True).order_by("id").iterator(chunk_size=2000):
        if not event.mac or event.compute_mac() != event.mac:
            result.problems.append(f"unsealed event (id {event.pk}): contents do not match its signature (edited)")
        if result.oldest_unsealed is None or event.at < result.oldest_unsealed:
            result.oldest_unsealed = event.at
        result.unsealed += 1
    if result.oldest_unsealed and now - result.oldest_unsealed > SEAL_OVERDUE:
        result.problems.append(
            f"{result.unsealed} events are waiting to be sealed since {result.oldest_unsealed:%Y-%m-%d %H:%M} UTC: "
            "is a worker running, with `audit_clock`?"
        )


def audit_people(*, practice_id: int, events: Iterable[AuditEvent]) -> dict[int, str]:
    """How the practice's audit page names each actor and client on it.

    Refused requests log whatever id the requester typed, under the requester's practice, so an id here may
    belong to another practice. Only this practice's people become emails; any other id becomes a reference
    that is stable within this practice (repeated probes of one person line up) but names nobody and differs
    from one practice to the next, so it cannot be matched up across practices either.
    """
    ids = {pk for event in events for pk in (event.actor_id, event.client_id) if pk is not None}
    members = User.objects.filter(membership__practice_id=practice_id, pk__in=ids).values_list("pk", "email")
    labels = {pk: email for pk, email in members}
    for pk in ids - labels.keys():
        labels[pk] = f"Not in this practice (ref {_opaque_reference(practice_id=practice_id, person_id=pk)})"
    return labels


def _opaque_reference(*, practice_id: int, person_id: int) -> str:
    message = f"audit-person-reference|{practice_id}|{person_id}".encode()
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()[:10]
