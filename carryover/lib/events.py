"""Domain events, by type and ids only: how a lower app tells whoever listens that something happened, without
importing them (the API's webhooks listen: api/webhooks.py).

A service calls `emit` inside the transaction of the change, so a rolled-back change announces nothing. The data
is ids, never clinical text: a listener that needs more fetches it through the access helpers.
"""

from __future__ import annotations

from collections.abc import Callable

from .extensions import Registry

ALERT_RAISED = "alert.raised"
ALERT_ACKNOWLEDGED = "alert.acknowledged"
ALERT_RESOLVED = "alert.resolved"
ENTRY_SUBMITTED = "entry.submitted"
NOTICE_CREATED = "notice.created"  # "this isn't working for me"
ASSIGNMENT_CHANGED = "assignment.changed"
EVENT_TYPES = (ALERT_RAISED, ALERT_ACKNOWLEDGED, ALERT_RESOLVED, ENTRY_SUBMITTED, NOTICE_CREATED, ASSIGNMENT_CHANGED)

Listener = Callable[..., None]  # (event_type, *, practice_id, data: dict[str, int | str])
listeners: Registry[Listener] = Registry("domain events")


def emit(event_type: str, *, practice_id: int, **ids: int | str | None) -> None:
    assert event_type in EVENT_TYPES, event_type
    data = {key: value for key, value in ids.items() if value is not None}
    for listener in listeners:
        listener(event_type, practice_id=practice_id, data=data)
