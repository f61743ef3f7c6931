"""Import of a client's export into another practice: the round trip keeps the timeline, the summary and the
scores the same; a corrupt, foreign, tampered or oversized file is refused with a clear message and nothing is
half-imported."""

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError

from carryover.accounts.models import Membership, User
from carryover.lib.crypto import decrypt_chunks
from carryover.lib.filestore import store_names
from carryover.measures.models import MeasureResult
from carryover.measures.tests.helpers import submit
from carryover.records import importer
from carryover.records.importer import ImportRefused, client_import
from carryover.records.models import Audience, ExportRequest
from carryover.records.services import export_build, export_request
from carryover.records.tests.conftest import _attachment
from carryover.review.models import Session
from carryover.review.services import session_record
from carryover.review.summary import build_summary
from carryover.review.timeline import timeline_events
from carryover.review.windows import Window

WINDOW = Window(date(2026, 3, 1), date(2026, 3, 9))
TODAY = date(2026, 3, 9)


def exported_zip(personas) -> bytes:
    export = export_request(client=personas.bob.membership, actor=personas.bob, audience=Audience.CLIENT)
    export_build(export_id=export.pk)
    export.refresh_from_db()
    with (Path(settings.MEDIA_ROOT) / export.path).open("rb") as handle:
        return b"".join(decrypt_chunks(handle))


@pytest.fixture
def bobs_history(personas, journal_week, media):
    submit(personas.alice, personas.bob, [2, 2, 1, 1, 1, 1, 1, 1, 0])
    session_record(therapist=personas.alice.membership, client=personas.bob.membership, date=date(2026, 3, 1))
    return exported_zip(personas)


def picture(client: Membership) -> dict:
    """What a therapist sees: the timeline, the summary's figures and the scores (ids and links aside)."""
    sessions = list(Session.objects.for_client(client))
    summary = build_summary(client, WINDOW, sessions, today=TODAY)
    totals = summary.totals
    return {
        "timeline": [
            (e.day, e.at, e.kind, e.title, e.detail, e.words, e.private) for e in timeline_events(client, WINDOW)
        ],
        "totals": [getattr(totals, n) for n in ("due", "done", "partial", "skipped", "missed", "pending", "credit")],
        "summary": (summary.private_count, summary.free_practice, summary.barrier_counts, str(summary.questionnaires)),
        "entries": [(e.done_on, e.outcome, e.content) for e in summary.entries],
        "scores": list(MeasureResult.objects.filter(client=client).values_list("measure", "total", "band", "taken_on")),
    }


def test_round_trip_keeps_the_timeline_summary_and_scores(personas, bobs_history):
    before = picture(personas.bob.membership)
    moved = client_import(therapist=personas.charlie.membership, data=bobs_history, email="bob@elsewhere.test")
    assert moved.practice == personas.other_practice and moved.user.name == "Bob Client"
    after = picture(moved)
    assert before["timeline"] and before["scores"] and before["summary"][0] == 2  # two private entries
    assert after == before
    assert moved.attachments.count() == personas.bob.membership.attachments.count()


def test_an_import_that_fails_after_storing_files_leaves_none_behind(personas, journal_week, media, monkeypatch):
    _attachment(personas.bob.membership, personas.bob.membership.entries.first())
    data = exported_zip(personas)
    before = set(store_names("attachments"))

    def refuse(**row):
        raise DatabaseError("the database refused the row")

    monkeypatch.setattr(importer.Attachment.objects, "create", refuse)
    with pytest.raises(ImportRefused, match="none of it was imported"):
        client_import(therapist=personas.charlie.membership, data=data, email="bob@elsewhere.test")
    assert set(store_names("attachments")) == before and not User.objects.filter(email="bob@elsewhere.test").exists()


def test_a_bare_export_json_imports_too(personas, bobs_history):
    with zipfile.ZipFile(io.BytesIO(bobs_history)) as archive:
        data = archive.read("export.json")
    moved = client_import(therapist=personas.charlie.membership, data=data, email="bob@elsewhere.test")
    assert picture(moved)["scores"] == picture(personas.bob.membership)["scores"]


def _rezip(original: bytes, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        document = json.loads(archive.read("export.json"))
    change(document)
    return json.dumps(document).encode()


def _unknown_band(document):
    document["sections"]["measure_results"][0]["band"] = "catastrophic"


def _too_long_name(document):
    document["sections"]["account"][0]["name"] = "x" * 151


def _dangling_entry(document):
    document["sections"]["entries"][0]["assignment_id"] = 999999


def _negative_minutes(document):
    document["sections"]["assignments"][0]["minutes"] = -5


def _bad_date(document):
    document["sections"]["occurrences"][0]["due_date"] = "2026-02-31"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_unknown_band, "band we do not know"),
        (_too_long_name, "does not match the Carryover export format"),
        (_dangling_entry, "points to something not in the export"),
        (_negative_minutes, "does not match the Carryover export format"),
        (_bad_date, "is not valid"),
    ],
)
def test_a_tampered_export_is_refused_and_nothing_is_kept(personas, bobs_history, change, message):
    counts = {model: model.objects.count() for model in (User, Membership, MeasureResult, Session)}
    with pytest.raises(ImportRefused, match=message):
        client_import(therapist=personas.charlie.membership, data=_rezip(bobs_history, change), email="b@e.test")
    assert counts == {model: model.objects.count() for model in counts}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 this is not really a zip", "could not be opened"),
        (b"\x89PNG\r\n\x1a\n", "neither a Carryover export zip nor its export.json"),
        (b'{"resourceType": "Bundle", "type": "collection"}', "exactly one Patient"),
        (b'{"sections": {}, "resourceType": "Bundle"}', "not valid FHIR R4"),
        (b'{"format": "carryover-export", "sections": []}', "does not match the Carryover export format"),
    ],
)
def test_a_corrupt_or_foreign_file_is_refused(personas, data, message):
    with pytest.raises(ImportRefused, match=message):
        client_import(therapist=personas.charlie.membership, data=data, email="b@e.test")


def test_a_zip_without_an_export_or_too_large_is_refused(personas, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("holiday.jpg", b"\xff\xd8" * 1000)
    with pytest.raises(ImportRefused, match="no export.json"):
        client_import(therapist=personas.charlie.membership, data=buffer.getvalue(), email="b@e.test")
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", 100)
    with pytest.raises(ImportRefused, match="larger than"):
        client_import(therapist=personas.charlie.membership, data=b"{" + b" " * 200 + b"}", email="b@e.test")


def test_an_address_already_in_use_is_refused(personas, bobs_history):
    with pytest.raises(ImportRefused, match="already has an account"):
        client_import(therapist=personas.charlie.membership, data=bobs_history, email="DANA@elsewhere.test")
    assert ExportRequest.objects.count() == 1


def test_the_import_page_imports_and_says_what_is_wrong(client, personas, bobs_history):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(personas.charlie)
    url = reverse("client_import")
    refused = client.post(url, {"upload": SimpleUploadedFile("x.zip", b"PK\x03\x04junk"), "email": "b@e.test"})
    assert refused.status_code == 400 and "could not be opened" in refused.content.decode()
    upload = SimpleUploadedFile("carryover-export.zip", bobs_history, content_type="application/zip")
    response = client.post(url, {"upload": upload, "email": "bob@elsewhere.test"})
    moved = User.objects.get(email="bob@elsewhere.test")
    assert response.status_code == 302 and response.url == reverse("client_records", args=[moved.pk])
    assert client.get(response.url).status_code == 200  # Charlie now looks after the imported client
