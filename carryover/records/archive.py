"""The practice archive, for a practice leaving Carryover: every client's record (the clinical file's JSON export and
the FHIR resources as NDJSON), the practice's own worksheets, its members, and the audit log with the result of
verifying its chain. Built by the worker, client by client, so the admin's page can show how far it has got.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import asdict

from django.db import transaction
from django.utils import timezone

from carryover.accounts.models import Membership, Practice, Role, User
from carryover.audit.models import Action, AuditEvent, Outcome
from carryover.audit.services import audit_record, audit_verify
from carryover.homework.models import TemplateVersion

from .export import client_export_build, json_value
from .fhir import practice_ndjson
from .models import LINK_LIFETIME, Audience, ExportStatus, PracticeArchive
from .zipstore import stream_once, zip_to_store

AUDIT_FIELDS = ["seq", "at", "actor_id", "practice_id", "client_id", "action", "object_type", "object_id", "outcome"]


def archive_request(*, practice: Practice, actor: User) -> PracticeArchive:
    from .tasks import build_archive

    with transaction.atomic():
        archive = PracticeArchive.objects.create(practice=practice, requested_by=actor)
        build_archive.enqueue(archive.pk)
        _audit(archive, actor_id=actor.pk, object_type="practice_archive")
    return archive


def _practice_files(practice: Practice) -> dict[str, str]:
    members = Membership.objects.filter(practice=practice).select_related("user").order_by("pk")
    versions = TemplateVersion.objects.filter(template__practice=practice).select_related("template").order_by("pk")
    events = AuditEvent.objects.filter(practice_id=practice.pk).order_by("id")
    verification = audit_verify()
    return {
        "members.json": json.dumps(
            [
                {
                    "id": m.user_id,
                    "email": m.user.email,
                    "name": m.user.name,
                    "role": m.role,
                    "since": json_value(m.created_at),
                }
                for m in members
            ],
            indent=1,
        ),
        "worksheets.json": json.dumps(
            [
                {
                    "template": v.template_id,
                    "number": v.number,
                    "name": v.name,
                    "kind": v.template.kind,
                    "schema": v.schema,
                }
                for v in versions
            ],
            indent=1,
        ),
        "audit/events.jsonl": "".join(
            json.dumps({name: json_value(getattr(e, name)) for name in AUDIT_FIELDS}) + "\n"
            for e in events.iterator(chunk_size=2000)
        ),
        "audit/verification.json": json.dumps(
            {**asdict(verification), "intact": not verification.problems}, default=str, indent=1
        ),
    }


def _member(member: Membership) -> dict:
    user = member.user
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "role": member.role,
        "since": json_value(member.created_at),
    }


def _worksheet(version: TemplateVersion) -> dict:
    return {"template": version.template_id, "number": version.number, "name": version.name, "schema": version.schema}


def archive_build(*, archive_id: int) -> bool:
    """Build the archive (run by the worker; a second run of a built archive does nothing)."""
    archive = PracticeArchive.objects.select_related("practice").get(pk=archive_id)
    if archive.status != ExportStatus.QUEUED:
        return False
    clients = list(Membership.objects.filter(practice=archive.practice, role=Role.CLIENT).select_related("user"))
    PracticeArchive.objects.filter(pk=archive.pk).update(total=len(clients), progress=0)

    def fill(bundle: zipfile.ZipFile) -> None:
        for done, client in enumerate(clients, start=1):
            document = client_export_build(client=client, audience=Audience.THERAPIST)
            bundle.writestr(f"clients/{client.user_id}/export.json", json.dumps(document, indent=1))
            PracticeArchive.objects.filter(pk=archive.pk).update(progress=done)
        with practice_ndjson(clients) as ndjson:
            for kind, file in ndjson.items():
                with bundle.open(f"fhir/{kind}.ndjson", "w") as entry:
                    shutil.copyfileobj(file.handle, entry)
        for name, text in _practice_files(archive.practice).items():
            bundle.writestr(name, text)

    relative, size = zip_to_store(fill)
    PracticeArchive.objects.filter(pk=archive.pk).update(
        status=ExportStatus.READY, path=relative, size=size, expires_at=timezone.now() + LINK_LIFETIME
    )
    return True


def archive_take(*, archive: PracticeArchive, actor: User) -> Iterator[bytes] | None:
    """The archive's zip, once, within 24 hours, as a stream; None when it is not (or no longer) there."""
    with transaction.atomic():
        locked = PracticeArchive.objects.select_for_update().get(pk=archive.pk)
        if not locked.link_usable():
            return None
        stream = stream_once(locked.path)  # opened first: a store out of reach leaves the link unused
        PracticeArchive.objects.filter(pk=locked.pk).update(
            status=ExportStatus.DOWNLOADED, downloaded_at=timezone.now()
        )
        _audit(locked, actor_id=actor.pk, object_type="practice_archive_download")
    return stream


def _audit(archive: PracticeArchive, *, actor_id: int, object_type: str) -> None:
    audit_record(
        actor_id=actor_id,
        practice_id=archive.practice_id,
        client_id=None,
        action=Action.EXPORT,
        object_type=object_type,
        object_id=archive.pk,
        outcome=Outcome.ALLOWED,
    )
