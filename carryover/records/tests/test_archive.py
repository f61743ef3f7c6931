"""The practice archive: built by the real worker with its progress on the admin's page, every client's clinical
file and FHIR resources, the practice's worksheets and members, the audit log with its verification; downloaded
once, by an admin of that practice."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from carryover.homework.models import Entry
from carryover.measures.tests.helpers import submit
from carryover.records.models import PracticeArchive

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_builds_and_downloads_the_archive_once(client, personas, journal_week):
    client.force_login(personas.admin)
    client.post(reverse("practice_archive"))
    progress = client.get(reverse("practice_archive"), headers={"HX-Request": "true"}).content.decode()
    submit(personas.alice, personas.bob, [1] * 9)
    assert "Building: 0 of" in progress and 'hx-trigger="every 3s"' in progress
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    archive = PracticeArchive.objects.get()
    assert (archive.status, archive.progress, archive.total) == ("ready", 2, 2)  # Bob and Erin
    page = client.get(reverse("practice_archive")).content.decode()
    assert "Download the archive" in page and "hx-trigger" not in page
    response = client.get(reverse("practice_archive_download", args=[archive.pk]))
    assert response.status_code == 200
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(bundle.namelist())
    assert {"members.json", "worksheets.json", "audit/events.jsonl", "audit/verification.json"} <= names
    assert {f"clients/{personas.bob.pk}/export.json", "fhir/Patient.ndjson", "fhir/Task.ndjson"} <= names
    assert json.loads(bundle.read("audit/verification.json"))["intact"] is True
    document = json.loads(bundle.read(f"clients/{personas.bob.pk}/export.json"))
    private = set(Entry.objects.filter(client=personas.bob.membership, visibility="private").values_list("pk", flat=1))
    assert private and not {e["id"] for e in document["sections"]["entries"]} & private
    assert {m["email"] for m in json.loads(bundle.read("members.json"))} >= {"alice@harbour.test", "admin@harbour.test"}
    assert client.get(reverse("practice_archive_download", args=[archive.pk])).status_code == 404  # once
    client.force_login(personas.alice)
    assert client.get(reverse("practice_archive_download", args=[archive.pk])).status_code == 404
