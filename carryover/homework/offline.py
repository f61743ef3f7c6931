"""Answers typed with no signal: what a phone sends when the connection returns, applied once.

The phone (static `carryover/offline.js`) keeps what the client typed offline, encrypted, and sends it here under a
key it made. Each answer comes with the value the page showed before the client changed it (its *base*): if the
server's draft still holds the base, only the phone changed it and its value is taken; if the draft changed too
(typed on another device meanwhile), both are kept — the newer as the answer, the other under `_other` in the
draft, which the form shows beside the question — and a finished submission waits for the client to look.

The rules for a step (which inputs it has, where a name belongs) stay in `flow.py` and `schema.py`; the send is
the worksheet flow's own (`RiskWatch.draft_send`, which scores a questionnaire as the questionnaire's own flow does),
so the crisis screen, the score and the care team's one alert work as online."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import JsonResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import schema as worksheet
from . import services
from .hooks import risk_watch
from .models import AssignmentStatus, Draft, Occurrence, OfflineSubmission
from .outcome import sent_values

# A phone sends a key again only until it hears back, so a month covers a phone left in a drawer; after that the key
# is forgotten. A late replay of a sent activity is still refused (already sent); nothing is ever applied twice.
KEPT_FOR = timedelta(days=30)
OTHER = "_other"  # in Draft.raw: {input name: the value that lost a conflict}, shown on the form
MAX_INPUTS = 400
HELD_PAUSED = _(
    "This activity is paused or finished, so what you typed offline was not sent. It is kept on this phone; "
    "talk to your therapist if you want to carry on with it."
)
HELD_SENT = _(
    "This activity was already sent from another device, so what you typed offline was not added. It is kept on "
    "this phone for you to read."
)
NEEDS_LOOK = _("Your answers are saved. A few need a look before this can be sent: open the activity to finish it.")
CONFLICT = _(
    "Your answers are saved. Some were also changed on another device: both are kept. Open the activity to check "
    "them, then press Save."
)
SAVED = _("Your answers from this phone are saved. You can carry on with the activity.")
SENT = _("Sent. Well done for making time for this.")
UNREADABLE = _("This phone sent answers Carryover could not read. They are kept on the phone.")
NOT_YOURS = _("This phone sent a submission Carryover could not accept. It is kept on the phone.")


class OfflineError(ValueError):
    """A submission that cannot be read: the phone is told why and keeps it."""


class OfflineHeld(Exception):
    """A submission that cannot be applied now (the activity paused, ended or already sent): not recorded, so the
    phone keeps it and the same key can be sent again later."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.result = {"status": "held", "message": str(message)}


@dataclass(frozen=True)
class OfflinePayload:
    key: uuid.UUID
    values: dict[str, list[str]]  # input name -> every value the form had under it, as FormData gives them
    bases: dict[str, list[str]]
    saved_at: datetime
    finish: bool

    @classmethod
    def parse(cls, body: bytes) -> OfflinePayload:
        try:
            data = json.loads(body)
            key = uuid.UUID(str(data["key"]))
            saved_at = datetime.fromtimestamp(int(data["saved_at"]) / 1000, tz=UTC)
            values, bases = _inputs(data["values"]), _inputs(data.get("bases") or {})
        except (ValueError, KeyError, TypeError, OverflowError, OSError) as error:
            raise OfflineError(
                "This phone sent answers Carryover could not read. They are kept on the phone."
            ) from error
        return cls(key=key, values=values, bases=bases, saved_at=saved_at, finish=bool(data.get("finish")))


def _inputs(data: Any) -> dict[str, list[str]]:
    if not isinstance(data, dict) or len(data) > MAX_INPUTS:
        raise ValueError("inputs")
    inputs = {}
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        if name[:2] not in ("f-", "o-", "a-") or not all(isinstance(v, str) for v in values):
            raise ValueError(name)
        inputs[name] = values
    return inputs


def _raw(draft: Draft, inputs: dict[str, list[str]]) -> dict[str, Any]:
    """The inputs as the worksheet flow reads a POST of them (one home for how a form becomes a draft)."""
    post = QueryDict(mutable=True)
    for name, values in inputs.items():
        post.setlist(name, values)
    return {**worksheet.raw_from_post(draft.template_version.schema, post), **sent_values(post)}


def _same(one: Any, other: Any) -> bool:
    return (one or "") == (other or "")  # a missing answer, "" and [] are all "nothing typed"


def merge_by_field(
    current: dict[str, Any], values: dict[str, Any], bases: dict[str, Any], *, phone_newer: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the answers to save, the values kept aside): per input, the phone's value where only the phone changed
    it; where both changed, the newer one, and the other kept aside."""
    updates: dict[str, Any] = {}
    others: dict[str, Any] = {}
    for name, value in values.items():
        server = current.get(name)
        if _same(server, value):
            continue
        # Never saved on the server (a default the page showed, like "shared"), or unchanged there since the phone
        # saw it: only the phone changed it.
        if server is None or name not in bases or _same(server, bases[name]):
            updates[name] = value
        elif phone_newer:
            updates[name], others[name] = value, server
        else:
            others[name] = value
    return updates, others


def submissions_prune(*, now: datetime) -> int:
    """Forget the keys of submissions received more than `KEPT_FOR` ago (the reminders clock calls this)."""
    deleted, _counts = OfflineSubmission.objects.filter(received_at__lt=now - KEPT_FOR).delete()
    return deleted


def offline_reply(*, occurrence: Occurrence, body: bytes) -> JsonResponse:
    """What the phone is told about a submission it sent (the activity's own page for a worksheet, a questionnaire's
    for a questionnaire, so each page knows its own): 200 applied, 409 held on the phone, 400 unreadable."""
    try:
        result = offline_apply(occurrence=occurrence, payload=OfflinePayload.parse(body))
    except OfflineError as error:
        return JsonResponse({"status": "invalid", "message": str(error)}, status=400)
    except OfflineHeld as held:
        return JsonResponse(held.result, status=409)
    return JsonResponse(result)


def offline_apply(*, occurrence: Occurrence, payload: OfflinePayload) -> dict[str, Any]:
    """Apply a phone's submission once: the result the phone is told (a replay of the key gets it again).
    Raises OfflineHeld when it cannot be applied now, OfflineError for a key that is not this client's."""
    client = occurrence.client
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = OfflineSubmission.objects.create(key=payload.key, client=client, occurrence=occurrence)
        except IntegrityError:
            first = OfflineSubmission.objects.filter(key=payload.key, client=client).first()
            if first is None:
                raise OfflineError(str(NOT_YOURS)) from None
            return first.result
        result = _apply(occurrence, payload)
        record.result = result
        record.save(update_fields=["result"])
    return result


def _apply(occurrence: Occurrence, payload: OfflinePayload) -> dict[str, Any]:
    if Occurrence.objects.filter(pk=occurrence.pk, entry__isnull=False).exists():
        raise OfflineHeld(HELD_SENT)
    if occurrence.assignment.status != AssignmentStatus.ACTIVE:
        raise OfflineHeld(HELD_PAUSED)
    draft = services.draft_for(
        client=occurrence.client, occurrence=occurrence, version=occurrence.assignment.template_version
    )
    updates, others = merge_by_field(
        draft.raw,
        _raw(draft, payload.values),
        _raw(draft, payload.bases),
        phone_newer=payload.saved_at > draft.updated_at,
    )
    if others:
        updates[OTHER] = {**draft.raw.get(OTHER, {}), **others}
    before = dict(draft.raw)
    services.draft_save(draft=draft, updates=updates)
    crisis = risk_watch().draft_saved(draft=draft, before=before)
    result = _send(draft, conflicts=sorted(others), finish=payload.finish)
    if crisis or result.pop("crisis", False):  # as online: the lines at once, whatever else happened
        result.update(status="crisis", url=reverse("crisis_support"))
    return result


def _send(draft: Draft, *, conflicts: list[str], finish: bool) -> dict[str, Any]:
    """Send a finished submission the way the flow's Save does, unless both sides changed an answer: then the
    client sees both first."""
    activity = draft.occurrence.start_url() if draft.occurrence else reverse("client_home")
    if conflicts:
        return {"status": "conflict", "message": str(CONFLICT), "url": activity, "conflicts": conflicts}
    if not finish:
        return {"status": "saved", "message": str(SAVED), "url": activity}
    try:
        _, crisis = risk_watch().draft_send(draft=draft, outcome=None)
    except services.SubmissionError as error:
        if "form" in error.errors:  # sent meanwhile (`DraftGone`; a questionnaire's own "already sent")
            raise OfflineHeld(HELD_SENT) from None
        return {"status": "needs_look", "message": str(NEEDS_LOOK), "url": activity}
    return {"status": "sent", "message": str(SENT), "url": reverse("client_home"), "crisis": crisis}
