"""The export from the button to the zip: built by the real worker, the link emailed alone, fetched once by the
person who asked within 24 hours; private entries only in the client's own export; every step audited."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from carryover.audit.models import AuditEvent, Outcome
from carryover.homework.models import Entry
from carryover.records.models import ExportRequest, ExportStatus

# The real worker runs in its own transactions; slow: it builds the export archive with its PDF booklet.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def run_worker():
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def ask_and_get_link(client, user, url) -> str:
    client.force_login(user)
    mail.outbox.clear()
    assert client.post(url).status_code == 302
    run_worker()
    (message,) = mail.outbox
    user.refresh_from_db()
    assert message.to == [user.email]
    return (
        re.search(r"http\S+/downloads/\S+/", message.body)
        .group(0)
        .split("testserver")[-1]
        .replace("http://127.0.0.1:8000", "")
    )


def unzip(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def test_the_client_gets_everything_once_by_a_link_emailed_alone(client, personas, planted):
    link = ask_and_get_link(client, personas.bob, reverse("my_data_export"))
    body = mail.outbox[0].body
    assert not [c for c in planted.canaries.values() if c in body]  # nothing of the record in the email
    assert personas.practice.name not in body
    archive = unzip(client.get(link))
    names = set(archive.namelist())
    assert {"export.json", "booklet.html", "booklet.pdf"} <= names
    assert archive.read("booklet.pdf").startswith(b"%PDF")
    document = json.loads(archive.read("export.json"))
    text = json.dumps(document)
    private = [e.pk for e in Entry.objects.filter(client=planted.client, visibility="private")]
    assert private and {e["id"] for e in document["sections"]["entries"]} >= set(private)
    clinical_only = ("RiskAlert",)
    assert all(canary in text for where, canary in planted.canaries.items() if not where.startswith(clinical_only))
    files = [archive.read(item["file"]) for item in document["sections"]["attachments"]]
    assert len(files) == 2 and all(f.startswith(b"CANARY-FILE-BYTES") for f in files)
    # Used once: the second try is refused, audited, and the file is gone from the server.
    assert client.get(link).status_code == 404
    export = ExportRequest.objects.get()
    assert export.status == ExportStatus.DOWNLOADED and not (planted.files[0].parent.parent / export.path).exists()
    events = list(AuditEvent.objects.filter(object_type__startswith="export").order_by("id"))
    assert [(e.object_type, e.outcome) for e in events] == [
        ("export_built", Outcome.ALLOWED),
        ("export_download", Outcome.ALLOWED),
        ("export_download", Outcome.DENIED),
    ]


def test_the_link_works_for_nobody_else_and_not_after_24_hours(client, personas, planted):
    link = ask_and_get_link(client, personas.bob, reverse("my_data_export"))
    for stranger in (personas.erin, personas.alice, personas.charlie):
        client.force_login(stranger)
        assert client.get(link).status_code == 404
    client.force_login(personas.bob)
    assert client.get(link.replace(link.split("/")[-2], "x" * 43)).status_code == 404  # a guessed token
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
        client.force_login(personas.bob)  # signed in again, a day later
        assert client.get(link).status_code == 404
    assert ExportRequest.objects.get().status == ExportStatus.READY  # none of those used it up


def test_the_clinical_file_export_leaves_out_private_entries_and_adds_alerts(client, personas, planted):
    link = ask_and_get_link(client, personas.alice, reverse("client_records_export", args=[personas.bob.pk]))
    archive = unzip(client.get(link))
    document = json.loads(archive.read("export.json"))
    private = set(Entry.objects.filter(client=planted.client, visibility="private").values_list("pk", flat=True))
    assert document["audience"] == "therapist"
    assert not {e["id"] for e in document["sections"]["entries"]} & private
    assert document["sections"]["sessions"] and "drafts" not in document["sections"]
    assert len([n for n in archive.namelist() if n.startswith("files/")]) == 1  # the shared entry's photo only
    booklet = archive.read("booklet.html").decode()
    assert "Risk alerts" in booklet and "Unsent drafts" not in booklet


def test_a_worker_running_twice_builds_once(client, personas, planted):
    from carryover.records.services import export_build

    client.force_login(personas.bob)
    client.post(reverse("my_data_export"))
    run_worker()
    export = ExportRequest.objects.get()
    assert export_build(export_id=export.pk) is False
    assert len(mail.outbox) == 1
