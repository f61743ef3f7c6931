"""Import a client's export (the zip, or its export.json; a FHIR Bundle: records/fhir_import.py) from another
Carryover into this practice, so a client who changes practice keeps their history. All or nothing: one
transaction, and nothing is written until the whole file has been read and checked against the published schema.

What comes across: the account's name and time zone (under the address the new therapist gives), goals, the fear
ladder, assignments with their revisions and occurrences, entries (private ones stay private), comments, notices,
drafts, photos, drawings and recordings (from the zip), scores, the safety plan and sessions. What does not: the
old practice's people (comments keep their words, not their author), reminder history and settings (the new
practice's reminders start afresh), risk alerts (the new care team starts its own safety record), care links,
support persons and their kind words (a support person is invited afresh: their address is not the new practice's
to use unasked), review conversations and confidence checks (the new therapist's conversations start with them;
what was agreed is in the assignments' revisions), and the welcome dismissal.
Worksheets are matched to this Carryover's built-in of the same key and version, or else become a worksheet of the
importing therapist, as the export describes it.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction

from carryover.accounts.models import CareLink, Membership, Role, User
from carryover.accounts.services import InvitationError, invitation_create
from carryover.audit.models import Action
from carryover.homework.models import Attachment, Template, TemplateKind, TemplateVersion
from carryover.homework.schema import SchemaError, check_schema
from carryover.lib.crypto import encrypt_bytes
from carryover.lib.filestore import FileStoreError, store_delete, store_put
from carryover.measures.instruments import MEASURES

from .erasure import audit_client
from .export import SECTIONS, export_schema

MAX_IMPORT_BYTES = 512 * 1024 * 1024  # a zip larger than this is refused before it is opened


class ImportRefused(ValueError):
    """Why a file cannot be imported, in words for the therapist. Nothing was written."""


def read_upload(data: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The export's JSON and its files, from a zip or a bare export.json."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused("That file is larger than any Carryover export we can import (512 MB).")
    files: dict[str, bytes] = {}
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if sum(info.file_size for info in archive.infolist()) > MAX_IMPORT_BYTES:
                    raise ImportRefused("That zip unpacks to more than any Carryover export (512 MB).")
                if "export.json" not in names:
                    raise ImportRefused("That zip has no export.json: it is not a Carryover export.")
                files = {name: archive.read(name) for name in names if name.startswith("files/")}
                data = archive.read("export.json")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
            raise ImportRefused("That zip could not be opened: it may be damaged. Nothing was imported.") from error
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportRefused("That file is neither a Carryover export zip nor its export.json.") from error
    try:
        jsonschema.validate(document, export_schema())
    except jsonschema.ValidationError as error:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        raise ImportRefused(f"That export does not match the Carryover export format (at {where}).") from error
    return document, files


SECTION = {section.name: section for section in SECTIONS}
Maps = dict[str, dict[int, int]]


def _row(section_name: str, item: dict[str, Any], links: dict[str, Any]) -> dict[str, Any]:
    """A new row's fields from an exported record: keys through `links` (an id map, or a fixed value)."""
    data: dict[str, Any] = {}
    for model_field in SECTION[section_name].fields():
        name = model_field.attname
        if model_field.primary_key:
            continue
        if name in links:
            link = links[name]
            data[name] = link if not isinstance(link, dict) else link.get(item[name])
            if data[name] is None and item[name] is not None:
                raise ImportRefused(f"In {section_name}, record {item['id']} points to something not in the export.")
        elif isinstance(model_field, models.ForeignKey):
            data[name] = None  # a person of the old practice
        else:
            try:
                data[name] = model_field.to_python(item[name])
            except ValidationError as error:
                raise ImportRefused(f"In {section_name}, {name} of record {item['id']} is not valid.") from error
    return data


def _copy(document: dict, section_name: str, links: dict[str, Any], **fixed: Any) -> dict[int, int]:
    model = SECTION[section_name].model
    made = {}
    for item in document["sections"].get(section_name, []):
        made[item["id"]] = model._default_manager.create(**{**_row(section_name, item, links), **fixed}).pk
    return made


def _worksheets(document: dict, therapist: Membership) -> dict[int, int]:
    versions = {}
    for sheet in document["worksheets"]:
        local = TemplateVersion.objects.filter(
            template__key=sheet["key"], template__practice__isnull=True, number=sheet["number"]
        ).first()
        if local is None or not sheet["key"]:
            try:
                check_schema(sheet["schema"])
            except SchemaError as error:
                raise ImportRefused(f"The worksheet “{sheet['name'][:60]}” in the export is not valid.") from error
            kind = sheet["kind"] if sheet["kind"] in TemplateKind.values else TemplateKind.ACTIVITY
            template = Template.objects.create(practice=therapist.practice, owner=therapist.user, kind=kind)
            local = TemplateVersion.objects.create(
                template=template,
                number=1,
                name=sheet["name"][:120],
                instructions=sheet["instructions"],
                rationale="",
                schema=sheet["schema"],
                created_by=therapist.user,
            )
        versions[sheet["id"]] = local.pk
    return versions


def _files(document: dict, files: dict[str, bytes], client: Membership, maps: Maps, stored: list[str]) -> None:
    for item in document["sections"].get("attachments", []):
        data = files.get(item["file"])
        if data is None or item["entry_id"] not in maps["entries"]:
            continue  # a bare export.json carries no files; a draft's file is not kept
        relative = store_put(f"attachments/{client.pk}/{uuid.uuid4().hex}.bin", encrypt_bytes(data))
        stored.append(relative)
        row = _row("attachments", item, {"client_id": client.pk, "entry_id": maps["entries"], "draft_id": None})
        Attachment.objects.create(**row, path=relative)


def new_client(*, therapist: Membership, email: str, name: str, time_zone: str | None) -> Membership:
    """The imported client's account (no password yet), membership and care link with the importing therapist,
    audited, and their invitation: the worker emails them a link to set a password and sign in for the first time
    (accounts' invitation rules: `imported_account_for`). Inside the importer's transaction: a refused import
    sends nothing."""
    user = User.objects.create_user(email=email, name=name, **({"time_zone": time_zone} if time_zone else {}))
    client = Membership.objects.create(user=user, practice=therapist.practice, role=Role.CLIENT)
    CareLink.objects.create(practice=therapist.practice, therapist=therapist, client=client)
    audit_client(client, actor_id=therapist.user_id, action=Action.CREATE, object_type="client_import")
    try:
        invitation_create(inviter=therapist.user, email=email, role=Role.CLIENT, name=name)
    except InvitationError as error:
        raise ImportRefused(str(error)) from error
    return client


def client_import(*, therapist: Membership, data: bytes, email: str) -> Membership:
    """Create the client (at `email`) in the therapist's practice, with their whole exported history, linked to the
    therapist: from a Carryover export (zip or export.json), or from a FHIR R4 Bundle (records/fhir_import.py).
    Raises ImportRefused, having written nothing, for anything that is not a sound export."""
    from .fhir_import import bundle_import, is_bundle

    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused("That file is larger than any Carryover export we can import (512 MB).")
    if User.objects.filter(email__iexact=email).exists():
        raise ImportRefused("Someone already has an account at that address. Use the address the client will use here.")
    try:
        if is_bundle(data):
            return bundle_import(therapist=therapist, data=data, email=email)
        return _export_import(therapist=therapist, data=data, email=email)
    except DatabaseError as error:  # a value the checks allow but the database does not: nothing was kept
        raise ImportRefused("Part of that export could not be stored, so none of it was imported.") from error


def _export_import(*, therapist: Membership, data: bytes, email: str) -> Membership:
    document, files = read_upload(data)
    _check_scores(document)
    account = document["sections"]["account"][0]
    stored: list[str] = []
    try:
        with transaction.atomic():
            client = new_client(therapist=therapist, email=email, name=account["name"], time_zone=account["time_zone"])
            maps = _history(document, therapist, client)
            _files(document, files, client, maps, stored)
    except BaseException:
        _forget(stored)
        raise
    return client


def _forget(names: list[str]) -> None:
    """Files stored for an import that was then rolled back: no row names them, so they go too (as far as the store
    allows: it may be what failed; what stays is ciphertext nobody can reach)."""
    for name in names:
        try:
            store_delete(name)
        except FileStoreError:
            return


def _check_scores(document: dict) -> None:
    """A score names a measure and band this Carryover knows: pages read the band's label from it."""
    for item in document["sections"].get("measure_results", []):
        measure = MEASURES.get(item["measure"])
        if measure is None or item["band"] not in {band for _, _, band, _ in measure["bands"]}:
            raise ImportRefused(f"Score {item['id']} in the export names a questionnaire or band we do not know.")


def _history(document: dict, therapist: Membership, client: Membership) -> Maps:
    maps: Maps = {"versions": _worksheets(document, therapist)}
    mine = {"client_id": client.pk}
    maps["goals"] = _copy(document, "goals", mine)
    _copy(document, "fear_ladder", mine)
    maps["assignments"] = _copy(
        document,
        "assignments",
        {
            **mine,
            "practice_id": therapist.practice_id,
            "therapist_id": therapist.pk,
            "template_version_id": maps["versions"],
            "goal_id": maps["goals"],
        },
    )
    _copy(document, "assignment_revisions", {"assignment_id": maps["assignments"]})
    maps["occurrences"] = _copy(document, "occurrences", {**mine, "assignment_id": maps["assignments"]})
    versioned = {**mine, "template_version_id": maps["versions"]}
    maps["entries"] = _copy(
        document,
        "entries",
        {**versioned, "assignment_id": maps["assignments"], "occurrence_id": maps["occurrences"]},
    )
    _copy(document, "drafts", {**versioned, "occurrence_id": maps["occurrences"]})
    _copy(document, "comments", {"entry_id": maps["entries"]})
    _copy(document, "notices", {**mine, "assignment_id": maps["assignments"]})
    _copy(document, "measure_results", {**mine, "entry_id": maps["entries"]})
    _copy(document, "safety_plan", mine)
    _copy(document, "sessions", {**mine, "therapist_id": therapist.pk})
    return maps
