"""Files on an S3-compatible store (moto on loopback): stored as ciphertext, served only through the access-checked
view, and a store that cannot be reached refuses the upload kindly, keeping what was written."""

from __future__ import annotations

import base64
import contextlib
import os
import subprocess
import sys
import urllib.request

import pytest
from django.urls import reverse

from carryover.homework.attachments import attachment_read, attachment_reclean
from carryover.homework.models import Attachment, Entry
from carryover.homework.tests.media_samples import image
from carryover.homework.tests.test_attachments import journal
from carryover.lib.crypto import decrypt_bytes
from carryover.lib.filestore import FileStoreError, store_check, store_get, store_names, store_put
from carryover.lib.tests.test_serve import ROOT

pytestmark = pytest.mark.slow  # a local S3 server (moto)

PNG = image("PNG")


def upload_drawing(client, personas) -> str:
    """Bob draws, sends and shares; the drawing's attachment id."""
    _, url = journal(personas, formats=("write", "draw"))
    client.force_login(personas.bob)
    drawing = "data:image/png;base64," + base64.b64encode(PNG).decode()
    response = client.post(f"{url}?step=0", {"f-entry": "kept", "f-drawing-drawing": drawing, "go": "next"})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(f"{url}?step=outcome", {"o-outcome": "done", "go": "next"})
    client.post(f"{url}?step=after", {"a-visibility": "shared", "go": "finish"})
    return Entry.objects.get().answers["drawing"]


def test_a_drawing_goes_to_the_bucket_encrypted_and_comes_back_through_the_checked_view(
    client,
    personas,
    monday,
    s3_server,
    s3_bucket,
):
    drawing_id = upload_drawing(client, personas)
    attachment = Attachment.objects.get(pk=drawing_id)
    objects = s3_server.objects(s3_bucket)
    assert list(objects) == [attachment.path]
    ciphertext = objects[attachment.path]
    assert b"PNG" not in ciphertext and b"IHDR" not in ciphertext  # the store never sees the image
    assert decrypt_bytes(ciphertext) == attachment_read(attachment)
    client.force_login(personas.alice)
    served = client.get(reverse("attachment_view", args=[drawing_id]))
    assert served.status_code == 200 and served.content == attachment_read(attachment)
    client.force_login(personas.charlie)
    assert client.get(reverse("attachment_view", args=[drawing_id])).status_code == 404


def test_recleaning_replaces_the_object_and_removes_the_old_one(client, personas, monday, s3_server, s3_bucket):
    attachment = Attachment.objects.get(pk=upload_drawing(client, personas))
    old_path = attachment.path
    assert attachment_reclean(attachment=attachment)
    attachment.refresh_from_db()
    assert list(s3_server.objects(s3_bucket)) == [attachment.path] and attachment.path != old_path


def test_a_wrong_bucket_refuses_the_upload_and_keeps_the_writing(client, personas, monday, s3_server, settings):
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage("no-such-bucket")}
    _, url = journal(personas, formats=("write", "draw"))
    client.force_login(personas.bob)
    drawing = "data:image/png;base64," + base64.b64encode(PNG).decode()
    response = client.post(f"{url}?step=0", {"f-entry": "keep these words", "f-drawing-drawing": drawing, "go": "next"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "couldn&#x27;t be saved just now" in page and "keep these words" in page
    assert "no-such-bucket" not in page and "NoSuchBucket" not in page
    assert not Attachment.objects.exists()


def test_refused_credentials_are_one_clear_error_and_write_nothing(s3_server, s3_bucket):
    assert store_put("probe/one.bin", b"ciphertext") == "probe/one.bin"
    assert store_get("probe/one.bin") == b"ciphertext" and store_names("probe") == ["probe/one.bin"]
    assert store_check()
    with moto_checks_credentials(s3_server), pytest.raises(FileStoreError, match="could not save a file"):
        store_put("probe/two.bin", b"x")
    with moto_checks_credentials(s3_server):
        assert not store_check()
    assert store_names("probe") == ["probe/one.bin"]  # nothing half-written


def test_a_stopped_store_fails_the_check_without_raising(settings):
    from .s3 import S3Server

    server = S3Server()
    server.start()
    bucket = server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": server.storage(bucket)}
    assert store_check()
    server.stop()
    assert not store_check()
    with pytest.raises(FileStoreError, match="could not read a file"):
        store_get("anything.bin")


@contextlib.contextmanager
def moto_checks_credentials(server):
    """moto accepts any key unless told to check; with checks on, a key it never issued is refused, as an expired
    or revoked key is by a real store. (moto's switch is process-wide: always put back.)"""

    def allow_unsigned(count: bytes) -> None:
        request = urllib.request.Request(f"{server.url}/moto-api/reset-auth", data=count)
        request.add_header("Content-Type", "text/plain")  # moto reads the body raw, not as a form
        urllib.request.urlopen(request, timeout=5).close()

    allow_unsigned(b"0")
    try:
        yield
    finally:
        allow_unsigned(b"inf")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"FILE_STORE": "s3", "S3_ACCESS_KEY_ID": "k", "S3_SECRET_ACCESS_KEY": "s"}, "FILE_STORE=s3 needs S3_BUCKET"),
        ({"FILE_STORE": "ftp"}, "FILE_STORE must be 'local'"),
    ],
)
def test_an_incomplete_file_store_setting_refuses_to_start(tmp_path, setting, message):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("S3_")}
    env.update(setting, CARRYOVER_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="carryover.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and message in result.stderr
