"""The records app's zips on an S3-compatible store (moto on loopback): a client's export and a practice archive are
built by the real worker into the bucket as ciphertext only, come back through the access-checked download once,
and leave the bucket when taken; an export the store will not give back answers a plain 503 and stays usable for a
later try."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from carryover.homework.attachments import attachment_read
from carryover.homework.models import Attachment
from carryover.lib.crypto import decrypt_chunks
from carryover.records.models import ExportRequest, ExportStatus, PracticeArchive
from carryover.records.tests.test_export_download import ask_and_get_link, run_worker, unzip

from .test_filestore import moto_checks_credentials, upload_drawing

pytestmark = pytest.mark.django_db(transaction=True)  # the real worker runs in its own transactions


def exports_in(s3_server, bucket: str) -> dict[str, bytes]:
    return {name: data for name, data in s3_server.objects(bucket).items() if name.startswith("exports/")}


def assert_ciphertext_of_a_zip(stored: bytes) -> None:
    """What the bucket holds is the app's ciphertext: no zip header, no file name, yet the app reads a zip from it."""
    assert not stored.startswith(b"PK") and b"export.json" not in stored
    assert b"".join(decrypt_chunks(io.BytesIO(stored))).startswith(b"PK\x03\x04")


def test_a_clients_export_is_built_into_the_bucket_and_taken_from_it_once(
    client, personas, monday, s3_server, s3_bucket
):
    drawing_id = upload_drawing(client, personas)  # the export reads this file from the bucket too
    link = ask_and_get_link(client, personas.bob, reverse("my_data_export"))
    (stored,) = exports_in(s3_server, s3_bucket).values()
    assert_ciphertext_of_a_zip(stored)
    client.force_login(personas.alice)
    assert client.get(link).status_code == 404  # not hers: the bucket's copy stays where it is
    client.force_login(personas.bob)
    archive = unzip(client.get(link))
    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert [archive.read(name) for name in files] == [attachment_read(Attachment.objects.get(pk=drawing_id))]
    assert exports_in(s3_server, s3_bucket) == {}  # taken once, then gone from the store
    assert client.get(link).status_code == 404


def test_a_store_refusing_the_read_keeps_the_export_for_a_later_try(client, personas, monday, s3_server, s3_bucket):
    link = ask_and_get_link(client, personas.bob, reverse("my_data_export"))
    with moto_checks_credentials(s3_server):
        refused = client.get(link)
    assert refused.status_code == 503 and "Nothing was lost or used up" in refused.content.decode()
    assert s3_bucket not in refused.content.decode() and refused["Retry-After"] == "60"
    assert ExportRequest.objects.get().status == ExportStatus.READY and exports_in(s3_server, s3_bucket)
    assert unzip(client.get(link)).read("export.json")  # the link still works once the store is back


def test_a_practice_archive_is_built_into_the_bucket_and_taken_from_it_once(client, personas, s3_server, s3_bucket):
    client.force_login(personas.admin)
    client.post(reverse("practice_archive"))
    run_worker()
    archive = PracticeArchive.objects.get()
    (stored,) = exports_in(s3_server, s3_bucket).values()
    assert archive.status == ExportStatus.READY and archive.path in s3_server.objects(s3_bucket)
    assert_ciphertext_of_a_zip(stored)
    response = client.get(reverse("practice_archive_download", args=[archive.pk]))
    assert response.status_code == 200 and "members.json" in unzip(response).namelist()
    assert exports_in(s3_server, s3_bucket) == {}
    assert client.get(reverse("practice_archive_download", args=[archive.pk])).status_code == 404
