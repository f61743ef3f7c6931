"""Writing to and verifying the audit chain."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils import timezone

from carryover.accounts.models import User
from carryover.lib.middleware import request_id_var

from .models import GENESIS, Action, AuditChainHead, AuditEvent, Outcome, audit_key


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
    """Append one event. Writers queue on the chain head row, so the chain stays linear across processes."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor_id=actor_id,
            practice_id=practice_id,
            client_id=client_id,
            action=str(action),
            object_type=object_type,
            object_id=str(object_id),
            outcome=str(outcome),
            request_id=request_id_var.get(),
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        AuditChainHead.objects.filter(id=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


def audit_verify() -> Iterator[str]:
    """Yield one line per problem: an edited, deleted, inserted or reordered event breaks the chain."""
    expected_seq, prev_hash = 1, GENESIS
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            yield f"event {event.seq}: expected sequence number {expected_seq} (an event is missing or inserted)"
        if event.prev_hash != prev_hash:
            yield f"event {event.seq}: does not link to the event before it"
        if event.compute_hash() != event.hash:
            yield f"event {event.seq}: contents do not match its hash (edited)"
        expected_seq, prev_hash = event.seq + 1, event.hash
    head = AuditChainHead.objects.filter(id=1).first()
    last_seq = expected_seq - 1
    if head is None:
        if last_seq:
            yield "the chain head is missing"
    elif (head.last_seq, head.last_hash) != (last_seq, prev_hash):
        yield f"the chain ends at event {last_seq} but its head records event {head.last_seq} (events removed?)"


def audit_people(*, practice_id: int, events: Iterable[AuditEvent]) -> dict[int, str]:
    """How the practice's audit page names each actor and client on it.

    Refused requests log whatever id the requester typed, under the requester's practice, so an id here may
    belong to another practice. Only this practice's people become emails; any other id becomes a reference
    that is stable within this practice (repeated probes of one person line up) but names nobody and differs
    from one practice to the next, so it cannot be matched up across practices either.
    """
    ids = {e.actor_id for e in events} | {e.client_id for e in events}
    ids.discard(None)
    members = User.objects.filter(membership__practice_id=practice_id, pk__in=ids).values_list("pk", "email")
    labels = {pk: email for pk, email in members}
    for pk in ids - labels.keys():
        labels[pk] = f"Not in this practice (ref {_opaque_reference(practice_id=practice_id, person_id=pk)})"
    return labels


def _opaque_reference(*, practice_id: int, person_id: int) -> str:
    message = f"audit-person-reference|{practice_id}|{person_id}".encode()
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()[:10]
