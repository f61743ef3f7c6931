"""A client with one row of every kind of their data, and a canary planted in every text field of each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import models
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
    Template,
    Visibility,
    Welcome,
)
from carryover.homework.tests.conftest import monday  # noqa: F401  (fixture)
from carryover.lib.crypto import EncryptedJSONField, encrypt_bytes
from carryover.measures.models import MeasureResult, MeasureSharing, RiskAlert, SafetyPlan
from carryover.records.export import SECTIONS
from carryover.reminders.models import AssignmentReminder, Delivery, Reminder, ReminderSettings
from carryover.review.models import Session
from carryover.review.tests.conftest import journal_week  # noqa: F401  (fixture)
from carryover.support.models import Encouragement, SupportLink, SupportPolicy
from carryover.together.models import ConfidenceCheck, Conversation, Step

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, EncryptedJSONField)
FILE_CANARY = b"CANARY-FILE-BYTES"


@dataclass
class Planted:
    client: Membership
    rows: dict[type[models.Model], list[models.Model]]
    canaries: dict[str, str] = field(default_factory=dict)  # "Model.field#pk" -> canary
    files: list[Path] = field(default_factory=list)


def _activity(client, therapist, **extra) -> Assignment:
    version = Template.objects.filter(practice__isnull=True, kind="activity").first().latest_version()
    return Assignment.objects.create(
        practice=client.practice,
        client=client,
        therapist=therapist,
        template_version=version,
        content={"title": "Walk"},
        schedule_kind="daily",
        start_date=dt.date(2026, 3, 2),
        **extra,
    )


def make_record(client_user: User, therapist_user: User) -> dict[type[models.Model], list[models.Model]]:
    """One row of each model that holds the client's data, plain and valid, two entries (one private)."""
    client, therapist = client_user.membership, therapist_user.membership
    now = timezone.now()
    goal = Goal.objects.create(client=client, text={"text": "Sleep", "steps": []}, created_by=therapist_user)
    assignment = _activity(client, therapist, goal=goal)
    occurrence = Occurrence.objects.create(assignment=assignment, client=client, due_date=dt.date(2026, 3, 2))
    entry_kw = {"client": client, "assignment": assignment, "template_version": assignment.template_version}
    shared = Entry.objects.create(occurrence=occurrence, outcome="done", done_on=dt.date(2026, 3, 2), **entry_kw)
    private = Entry.objects.create(
        outcome="partial",
        fraction=Decimal("0.5"),
        visibility=Visibility.PRIVATE,
        done_on=dt.date(2026, 3, 3),
        **entry_kw,
    )
    draft = Draft.objects.create(client=client, template_version=assignment.template_version, raw={"f-x": "y"})
    reminder = Reminder.objects.create(
        client=client,
        key="digest",
        assignment=assignment,
        local_date=dt.date(2026, 3, 2),
        fire_at=now,
        next_attempt_at=now,
    )
    return {
        CareLink: list(CareLink.objects.filter(client=client)),
        Goal: [goal],
        LadderItem: [LadderItem.objects.create(client=client, description="Lift", suds=40)],
        Assignment: [assignment],
        AssignmentRevision: [AssignmentRevision.objects.create(assignment=assignment, number=1, snapshot={"a": 1})],
        Occurrence: [occurrence],
        Entry: [shared, private],
        Draft: [draft],
        Attachment: [_attachment(client, shared), _attachment(client, private)],
        Notice: [Notice.objects.create(assignment=assignment, client=client, reason="other", note="hard")],
        Comment: [Comment.objects.create(entry=shared, author=therapist_user, text="Well done")],
        MeasureResult: [
            MeasureResult.objects.create(
                client=client, entry=shared, measure="phq9", total=12, band="moderate", taken_on=dt.date(2026, 3, 2)
            )
        ],
        SafetyPlan: [SafetyPlan.objects.create(client=client, content={"warning_signs": "x"})],
        MeasureSharing: [MeasureSharing.objects.create(client=client, charts_shared=True)],
        ReminderSettings: [ReminderSettings.objects.create(client=client)],
        AssignmentReminder: [AssignmentReminder.objects.create(assignment=assignment)],
        Reminder: [reminder],
        Delivery: [Delivery.objects.create(reminder=reminder, channel="email", scheduled_at=now)],
        Session: [Session.objects.create(client=client, therapist=therapist, date=dt.date(2026, 3, 1))],
        RiskAlert: [RiskAlert.objects.create(practice=client.practice, client=client, source="help_now")],
        User: [client_user],
        Membership: [client],
        Welcome: [Welcome.objects.create(client=client)],
        **_support_and_review(client, therapist, assignment),
    }


def _support_and_review(client: Membership, therapist: Membership, assignment: Assignment) -> dict:
    """A support person with a kind word, the minor's policy, and a finished review conversation with a step and
    a confidence check: the rows the support and together apps keep of the client's."""
    link = SupportLink.objects.create(client=client, name="Jo", email="jo@support.test")
    conversation = Conversation.objects.create(client=client, started_by=therapist, since=dt.date(2026, 3, 2))
    step = Step.objects.create(
        conversation=conversation, position=1, kind="assignment", assignment=assignment, learned="Too long", plan={}
    )
    check = ConfidenceCheck.objects.create(
        assignment=assignment, origin="session", first=5, rating=8, note="Shorter helps", conversation=conversation
    )
    return {
        SupportLink: [link],
        SupportPolicy: [SupportPolicy.objects.create(client=client, is_minor=True, min_days=True)],
        Encouragement: [Encouragement.objects.create(link=link, text="Go Bob")],
        Conversation: [conversation],
        Step: [step],
        ConfidenceCheck: [check],
    }


def _attachment(client: Membership, entry: Entry) -> Attachment:
    relative = f"attachments/{client.pk}/canary-{entry.pk}.bin"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encrypt_bytes(FILE_CANARY + str(entry.pk).encode()))
    return Attachment.objects.create(
        client=client, entry=entry, field_key="pic", kind="photo", content_type="image/png", size=20, path=relative
    )


def plant_canaries(rows: dict[type[models.Model], list[models.Model]]) -> dict[str, str]:
    """Overwrite every exported free-text field of every row with its own canary (short enough for any column)."""
    canaries: dict[str, str] = {}
    exported = {section.model: {f.name for f in section.fields()} for section in SECTIONS}
    for model, objects in rows.items():
        for obj in objects:
            updates = {}
            for model_field in model._meta.concrete_fields:
                # A field with choices (visibility, status, role) says who sees the row: its value is checked as
                # exported, not overwritten.
                if (
                    isinstance(model_field, TEXT_FIELDS)
                    and model_field.name in exported[model]
                    and not model_field.choices
                ):
                    canary = f"Q{len(canaries):04d}Z"
                    canaries[f"{model.__name__}.{model_field.name}#{obj.pk}"] = canary
                    updates[model_field.name] = f"{canary}@c.test" if model_field.name == "email" else canary
            model._default_manager.filter(pk=obj.pk).update(**updates)
    return canaries


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "private")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def planted(personas, media) -> Planted:
    rows = make_record(personas.bob, personas.alice)
    canaries = plant_canaries(rows)
    files = [Path(media) / a.path for a in rows[Attachment]]
    return Planted(
        client=Membership.objects.get(pk=personas.bob.membership.pk), rows=rows, canaries=canaries, files=files
    )
