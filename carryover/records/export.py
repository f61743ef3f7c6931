"""What a client's export holds: every model of their data, field by field, as JSON with a published schema.

`SECTIONS` is the one list of what is exported. Each section names its model, how to find the client's rows, the
fields it exports and the fields it leaves out, each with the reason; `EXCLUDED_MODELS` names the models that hold
nothing of the client's to give them, with the reason. `records/tests/test_export_completeness.py` fails when a
model linked to a client, or a field of one, is in neither list, and plants a canary in every field to find it in
the export. The schema (`docs/export-schema.json`) is generated from the same list (`export_schema`), and a test
keeps the published file the same as the code.

Two audiences: the client's own export holds everything, private entries and unsent drafts included (it is their
data); the clinical file's export leaves out what the client kept private and adds risk alerts (the care team's
safety record, with their resolution notes: a client's request for those goes through the practice).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from carryover.accounts.models import CareLink, Membership, User
from carryover.homework.models import (
    Assignment,
    AssignmentRevision,
    Attachment,
    Comment,
    Draft,
    Entry,
    Goal,
    LadderItem,
    Notice,
    Occurrence,
    TemplateVersion,
    Visibility,
    Welcome,
)
from carryover.lib.crypto import EncryptedJSONField
from carryover.measures.models import MeasureResult, MeasureSharing, RiskAlert, SafetyPlan
from carryover.reminders.models import AssignmentReminder, Delivery, Reminder, ReminderSettings
from carryover.review.models import Session
from carryover.support.models import Encouragement, SupportLink, SupportPolicy
from carryover.together.models import ConfidenceCheck, Conversation, Step

from .models import Audience

FORMAT = "carryover-client-export"
VERSION = 1

Rows = Callable[[Membership], QuerySet]
# What the clinical file may hold of rows the client can mark private: a filter on the section's rows.
NOT_PRIVATE = Q(entry__visibility=Visibility.SHARED) | Q(entry__isnull=True)


@dataclass(frozen=True)
class Section:
    """One model's rows for one client. `shared` filters what the clinical file gets (None: none of it);
    `client` says whether the client's own export has it."""

    name: str
    model: type[models.Model]
    rows: Rows
    excluded: dict[str, str] = field(default_factory=dict)
    shared: Q | None = Q()
    client: bool = True

    def fields(self) -> list[models.Field]:
        return [f for f in self.model._meta.concrete_fields if f.name not in self.excluded]

    def for_audience(self, client: Membership, audience: str) -> QuerySet | None:
        if audience == Audience.CLIENT:
            return self.rows(client) if self.client else None
        return None if self.shared is None else self.rows(client).filter(self.shared)


def _by_client(model: type[models.Model]) -> Rows:
    return lambda client: model._default_manager.filter(client=client).order_by("pk")


SECTIONS: list[Section] = [
    Section(
        "account",
        User,
        lambda client: User.objects.filter(pk=client.user_id),
        excluded={"password": "a one-way hash of the password: a secret, and says nothing about the person"},
    ),
    Section("membership", Membership, lambda client: Membership.objects.filter(pk=client.pk)),
    Section("care_links", CareLink, _by_client(CareLink)),
    Section("goals", Goal, _by_client(Goal)),
    Section("fear_ladder", LadderItem, _by_client(LadderItem)),
    Section("assignments", Assignment, _by_client(Assignment)),
    Section(
        "assignment_revisions",
        AssignmentRevision,
        lambda client: AssignmentRevision.objects.filter(assignment__client=client).order_by("pk"),
    ),
    Section("occurrences", Occurrence, _by_client(Occurrence)),
    Section("entries", Entry, _by_client(Entry), shared=Q(visibility=Visibility.SHARED)),
    # What was typed and never sent: the client's alone, as on their phone.
    Section("drafts", Draft, _by_client(Draft), shared=None),
    Section(
        "attachments",
        Attachment,
        _by_client(Attachment),
        excluded={"path": "the encrypted file's name on the server; the file itself is in the zip (`file`)"},
        shared=Q(entry__visibility=Visibility.SHARED),
    ),
    Section("notices", Notice, _by_client(Notice)),
    Section(
        "comments",
        Comment,
        lambda client: Comment.objects.filter(entry__client=client).order_by("pk"),
        shared=Q(entry__visibility=Visibility.SHARED),
    ),
    Section("measure_results", MeasureResult, _by_client(MeasureResult), shared=NOT_PRIVATE),
    Section("safety_plan", SafetyPlan, _by_client(SafetyPlan)),
    Section("measure_sharing", MeasureSharing, _by_client(MeasureSharing)),
    Section(
        "reminder_settings",
        ReminderSettings,
        _by_client(ReminderSettings),
        excluded={"feed_token_hash": "a hash of the calendar feed's secret link"},
    ),
    Section(
        "assignment_reminders",
        AssignmentReminder,
        lambda client: AssignmentReminder.objects.filter(assignment__client=client).order_by("pk"),
    ),
    Section(
        "reminders",
        Reminder,
        _by_client(Reminder),
        excluded={
            "lease_until": "the worker's lock while sending: bookkeeping with no meaning afterwards",
            "claim": "the worker's lock while sending: bookkeeping with no meaning afterwards",
        },
    ),
    Section(
        "reminder_deliveries",
        Delivery,
        lambda client: Delivery.objects.filter(reminder__client=client).order_by("pk"),
        excluded={"idempotency_key": "a random key that stops a reminder going twice: no meaning afterwards"},
    ),
    # When they met (and the short, deliberately non-clinical note): the client's as much as the practice's.
    Section("sessions", Session, _by_client(Session)),
    Section("risk_alerts", RiskAlert, _by_client(RiskAlert), client=False),
    Section("welcome", Welcome, _by_client(Welcome)),
    # Who the client shares with and what: the therapist sees the links and the scope on the client's page.
    Section("support_links", SupportLink, _by_client(SupportLink)),
    Section("support_policy", SupportPolicy, _by_client(SupportPolicy)),
    # Kind words a support person sent: shown on the client's Today only, never to the care team.
    Section(
        "encouragements",
        Encouragement,
        lambda client: Encouragement.objects.filter(link__client=client).order_by("pk"),
        shared=None,
    ),
    # Review conversations: what was talked about and agreed in session, and how sure the client was.
    Section("conversations", Conversation, _by_client(Conversation)),
    Section(
        "conversation_steps",
        Step,
        lambda client: Step.objects.filter(conversation__client=client).order_by("pk"),
        shared=NOT_PRIVATE,
    ),
    Section(
        "confidence_checks",
        ConfidenceCheck,
        lambda client: ConfidenceCheck.objects.filter(assignment__client=client).order_by("pk"),
    ),
]

# Models linked to a client that hold nothing to give them, each with the reason.
EXCLUDED_MODELS: dict[str, str] = {
    "measures.AlertEmail": "which clinicians were emailed about an alert: the care team's delivery log",
    "reminders.PushSubscription": "a device's push address and keys: secrets that let a server reach the phone",
    "reminders.TherapistDigest": "a therapist's own email setting, not the client's",
    "records.ExportRequest": "the bookkeeping of exports themselves; each export is in the audit log",
    "records.Closure": "the closure request itself: erasure reads it, and records what it did in it",
    "homework.ScheduleRefresh": "the day the client's occurrences were last made concrete: a cache, the occurrences "
    "themselves are exported",
    "homework.Favourite": "a therapist's own library shortcut (linked to the therapist's membership), not the client's",
    "homework.OfflineSubmission": "the keys a phone sent offline answers under and what it was told (a status and a "
    "standard message): bookkeeping with no answers in it; the answers are in the drafts and entries exported",
    "support.Nudge": "one row a day that a nudge email was (or was not) sent: the worker's delivery log, holding no "
    "words; the nudge time itself is in support_links",
}


def json_value(value: Any) -> Any:
    """A field's value as JSON: dates and times in ISO 8601, decimals as strings (exact), ids as numbers."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def record(section: Section, obj: models.Model) -> dict[str, Any]:
    return {f.attname: json_value(getattr(obj, f.attname)) for f in section.fields()}


def _worksheets(client: Membership) -> list[dict[str, Any]]:
    """The worksheet versions the client's assignments and entries were written for: what their answers mean."""
    used = Q(pk__in=Assignment.objects.filter(client=client).values("template_version_id")) | Q(
        pk__in=Entry.objects.filter(client=client).values("template_version_id")
    )
    versions = TemplateVersion.objects.filter(used).select_related("template").order_by("pk")
    return [
        {
            "id": v.pk,
            "key": v.template.key,
            "kind": v.template.kind,
            "number": v.number,
            "name": v.name,
            "instructions": v.instructions,
            "schema": v.schema,
        }
        for v in versions
    ]


def client_export_build(*, client: Membership, audience: str) -> dict[str, Any]:
    """The client's record as one JSON document for `audience` (docs/export-schema.json). For the API's
    per-client export as much as for the zip."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for section in SECTIONS:
        rows = section.for_audience(client, audience)
        if rows is not None:
            sections[section.name] = [record(section, obj) for obj in rows]
    for item in sections.get("attachments", []):
        item["file"] = attachment_name(item)
    return {
        "format": FORMAT,
        "version": VERSION,
        "audience": audience,
        "exported_at": timezone.now().isoformat(),
        "practice": {"id": client.practice_id, "name": client.practice.name, "country": client.practice.country},
        "worksheets": _worksheets(client),
        "sections": sections,
    }


EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "audio/webm": "webm", "audio/ogg": "ogg"}


def attachment_name(item: dict[str, Any]) -> str:
    """Where an attachment's file is in the zip."""
    return f"files/{item['id']}-{item['field_key']}.{EXTENSIONS.get(item['content_type'], 'bin')}"


# --- The published schema --------------------------------------------------------------------------------------

JSON_TYPES: list[tuple[type[models.Field], dict[str, Any]]] = [
    (EncryptedJSONField, {}),  # any JSON value: what the client or therapist wrote
    (models.JSONField, {}),
    (models.BooleanField, {"type": "boolean"}),
    (models.ForeignKey, {"type": "integer"}),
    (models.AutoField, {"type": "integer"}),
    (models.BigAutoField, {"type": "integer"}),
    (models.IntegerField, {"type": "integer"}),
    (models.FloatField, {"type": "number"}),
    (models.DecimalField, {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}),
    (models.DateTimeField, {"type": "string", "format": "date-time"}),
    (models.DateField, {"type": "string", "format": "date"}),
    (models.TimeField, {"type": "string", "format": "time"}),
    (models.UUIDField, {"type": "string"}),
    (models.CharField, {"type": "string"}),
    (models.TextField, {"type": "string"}),
]


INTEGER_RANGES: list[tuple[type[models.Field], int, int]] = [
    (models.PositiveSmallIntegerField, 0, 32767),
    (models.PositiveIntegerField, 0, 2147483647),
    (models.PositiveBigIntegerField, 0, 2**63 - 1),
    (models.SmallIntegerField, -32768, 32767),
    (models.IntegerField, -(2**31), 2**31 - 1),
]


def field_schema(model_field: models.Field) -> dict[str, Any]:
    """The JSON Schema of one field, as strict as the database: an import checked by it cannot fail to store."""
    schema = next(dict(s) for kind, s in JSON_TYPES if isinstance(model_field, kind))
    if isinstance(model_field, models.CharField) and model_field.max_length:
        schema["maxLength"] = model_field.max_length
    if model_field.choices:
        values = [value for value, _ in model_field.flatchoices]
        schema["enum"] = values + [""] * model_field.blank + [None] * model_field.null
    ranges = [r for r in INTEGER_RANGES if isinstance(model_field, r[0])]
    if ranges and not model_field.is_relation:
        schema["minimum"], schema["maximum"] = ranges[0][1], ranges[0][2]
    if model_field.null and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    if model_field.help_text:
        schema["description"] = str(model_field.help_text)
    return schema


def _section_schema(section: Section) -> dict[str, Any]:
    properties = {f.attname: field_schema(f) for f in section.fields()}
    if section.model is Attachment:
        properties["file"] = {"type": "string", "description": "The file's path inside the zip."}
    audiences = ["client"] * section.client + ["therapist"] * (section.shared is not None)
    return {
        "type": "array",
        "description": f"{section.model._meta.verbose_name_plural} (in the export for: {', '.join(audiences)})",
        "items": {
            "type": "object",
            "properties": properties,
            "required": sorted(properties),
            "additionalProperties": False,
        },
    }


def export_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of `client_export_build`'s output, published as docs/export-schema.json."""
    worksheet_keys = ["id", "key", "kind", "number", "name", "instructions", "schema"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://carryover.example/schemas/client-export-v1.json",
        "title": "Carryover client export, version 1",
        "type": "object",
        "required": ["format", "version", "audience", "exported_at", "practice", "worksheets", "sections"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": FORMAT},
            "version": {"const": VERSION},
            "audience": {"enum": list(Audience.values)},
            "exported_at": {"type": "string", "format": "date-time"},
            "practice": {"type": "object", "required": ["id", "name", "country"]},
            "worksheets": {"type": "array", "items": {"type": "object", "required": worksheet_keys}},
            "sections": {
                "type": "object",
                "additionalProperties": False,
                "properties": {section.name: _section_schema(section) for section in SECTIONS},
            },
        },
    }
