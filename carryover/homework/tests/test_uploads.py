"""Uploads are read, not trusted by their first bytes (issue 11, item 13): images decode and are re-encoded without
metadata, recordings parse as whole containers, and each client has a storage quota."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from carryover.homework import services as hw
from carryover.homework.attachments import AttachmentError, attachment_read, attachment_store
from carryover.homework.media import MediaError, audio_type, ogg_crc
from carryover.homework.models import Attachment

from .conftest import assign
from .media_samples import GPS_IFD, M4A, WEBM, image, mp3, ogg_opus, wav
from .test_attachments import journal


@pytest.fixture
def draft(personas, monday, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hw.builtin_sync()  # an earlier transactional test's flush may have emptied the built-in library
    assignment = assign(personas.alice, personas.bob, key="journal", formats=["write", "draw", "voice"])
    occurrence = assignment.occurrences.order_by("due_date").first()
    return hw.draft_for(client=personas.bob.membership, occurrence=occurrence, version=assignment.template_version)


def store(draft, field_type: str, data: bytes) -> Attachment:
    return attachment_store(draft=draft, field_key=field_type, field_type=field_type, data=data)


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_photo_location_and_other_exif_are_stripped(draft, fmt):
    original = image(fmt, gps=True)
    assert opened(original).getexif().get_ifd(GPS_IFD), "the sample must carry a GPS position"
    attachment = store(draft, "photo", original)
    stored = attachment_read(attachment)
    assert attachment.content_type == f"image/{fmt.lower()}" and opened(stored).format == fmt
    assert not opened(stored).getexif() and not opened(stored).getexif().get_ifd(GPS_IFD)
    assert b"Exif" not in stored and b"eXIf" not in stored and b"EXIF" not in stored
    assert attachment.size == len(stored)


def test_a_sideways_photo_is_stored_upright_once_its_orientation_tag_is_gone(draft):
    stored = opened(attachment_read(store(draft, "photo", image("JPEG", (40, 20), rotated=True))))
    assert stored.size == (20, 40)  # turned, not just re-tagged
    red, green, blue = stored.convert("RGB").getpixel((10, 5))
    assert blue > red  # the blue left half is now on top, as the phone showed it


def test_what_rides_behind_a_valid_image_is_not_stored(draft):
    payload = b"<script>alert(1)</script>PK\x03\x04"
    stored = attachment_read(store(draft, "drawing", image("PNG") + payload))
    assert payload not in stored and opened(stored).size == (40, 20)


def test_large_photos_are_scaled_down_and_pixel_bombs_refused(draft):
    big = store(draft, "photo", image("JPEG", (4000, 3000)))
    assert opened(attachment_read(big)).size == (2560, 1920)
    bomb = io.BytesIO()
    Image.new("1", (8000, 8000)).save(bomb, format="PNG")  # 64 megapixels in a few kilobytes
    with pytest.raises(AttachmentError, match="isn't a JPEG, PNG or WebP photo"):
        store(draft, "photo", bomb.getvalue())


@pytest.mark.parametrize(
    "field_type, data",
    [
        ("photo", b"\xff\xd8\xff\xe0" + b"\x00" * 200),  # JPEG's first bytes, then nothing
        ("photo", image("JPEG", (200, 200))[:400]),  # cut short
        ("photo", b"GIF89a" + image("PNG")),  # a format not accepted, whatever follows
        ("drawing", image("JPEG")),  # drawings come from the canvas as PNG
        ("drawing", b"\x89PNG\r\n\x1a\n" + b"0" * 64),
    ],
)
def test_images_that_do_not_decode_are_refused(draft, field_type, data):
    with pytest.raises(AttachmentError, match="Please try another"):
        store(draft, field_type, data)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "data, content_type",
    [(WEBM, "audio/webm"), (M4A, "audio/mp4"), (ogg_opus(), "audio/ogg"), (wav(), "audio/wav"), (mp3(), "audio/mpeg")],
)
def test_real_recordings_are_accepted_as_sent(draft, data, content_type):
    attachment = store(draft, "audio", data)
    assert attachment.content_type == content_type and attachment_read(attachment) == data


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


@pytest.mark.parametrize(
    "data",
    [
        # The first bytes the old check trusted, followed by nothing of the container.
        b"\x1a\x45\xdf\xa3" + b"\x00" * 200,
        b"OggS" + b"\x00" * 200,
        b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 200,
        b"RIFF\x00\x00\x00\x00WAVE" + b"\x00" * 200,
        b"ID3" + b"\x00" * 200,
        b"\xff\xfb" + b"\x00" * 200,
        # Real recordings cut short or tampered with.
        WEBM[: len(WEBM) // 2],
        M4A[: len(M4A) // 2],
        ogg_opus()[:-5],
        _flip(ogg_opus(), 40),  # a page checksum no longer matches
        wav().replace(b"fmt ", b"junk"),  # samples without a format
        _flip(mp3(frames=2), 10 + 417),  # the second frame's header is broken
        # Images and documents sent as recordings.
        image("JPEG"),
        b"%PDF-1.7\n" + b"\x00" * 200,
    ],
)
def test_files_that_are_not_whole_recordings_are_refused(draft, data):
    with pytest.raises(AttachmentError, match="isn't a recording in a format we can play"):
        store(draft, "audio", data)


def test_ogg_checksum_matches_the_published_check_value():
    # CRC-32/CKSUM's check value for "123456789" is 0x765E7680; Ogg's CRC is the same without the final XOR.
    assert ogg_crc(b"123456789") == 0x765E7680 ^ 0xFFFFFFFF


def test_a_recording_with_a_video_track_is_not_a_voice_note():
    moov_with_video = M4A.replace(b"soun", b"vide")
    with pytest.raises(MediaError):
        audio_type(moov_with_video)


def test_quota_refuses_with_a_clear_message_and_keeps_the_written_answer(client, personas, monday, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_QUOTA_BYTES = len(WEBM) + len(WEBM) // 2
    _, url = journal(personas)
    client.force_login(personas.bob)
    first = {"f-voice-file": SimpleUploadedFile("a.webm", WEBM, "audio/webm"), "go": "next"}
    assert client.post(f"{url}?step=0", first).status_code == 302
    second = {"f-entry": "keep this", "f-voice-file": SimpleUploadedFile("b.webm", WEBM, "audio/webm"), "go": "next"}
    page = client.post(f"{url}?step=0", second).content.decode()
    assert "There&#x27;s no more room for this recording (10 KB)" in page
    assert "already use 10 KB of the 15 KB each person has" in page and "keep this" in page
    assert Attachment.objects.count() == 1


def test_lowering_the_quota_keeps_existing_files_and_refuses_new_ones(draft, settings):
    kept = store(draft, "audio", WEBM)
    settings.ATTACHMENT_QUOTA_BYTES = 1024
    with pytest.raises(AttachmentError, match="no more room"):
        store(draft, "audio", wav())
    assert attachment_read(kept) == WEBM


def test_the_quota_is_per_client(draft, personas, settings):
    settings.ATTACHMENT_QUOTA_BYTES = len(WEBM)
    store(draft, "audio", WEBM)
    assignment = assign(personas.alice, personas.erin, key="journal", formats=["voice"])
    occurrence = assignment.occurrences.order_by("due_date").first()
    erins = hw.draft_for(client=personas.erin.membership, occurrence=occurrence, version=assignment.template_version)
    assert store(erins, "audio", WEBM).client_id == personas.erin.membership.pk


@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_cannot_both_squeeze_under_the_quota(draft, settings):
    settings.ATTACHMENT_QUOTA_BYTES = len(WEBM) + len(WEBM) // 2
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def upload() -> None:
        try:
            start.wait()
            store(draft, "audio", WEBM)
            outcomes.append("stored")
        except AttachmentError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "stored"]
    assert Attachment.objects.count() == 1


def test_images_stored_before_the_upgrade_lose_their_location(draft, settings):
    """attachments_reclean: what was stored when only first bytes were checked is re-encoded in place."""
    from pathlib import Path

    from django.core.management import call_command

    from carryover.lib.crypto import encrypt_bytes

    old_photo = store(draft, "photo", image("JPEG"))
    old_file = Path(settings.MEDIA_ROOT) / old_photo.path
    old_file.write_bytes(encrypt_bytes(image("JPEG", gps=True)))  # as the old code kept it
    junk = store(draft, "drawing", image("PNG"))
    (Path(settings.MEDIA_ROOT) / junk.path).write_bytes(encrypt_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64))
    voice = store(draft, "audio", WEBM)

    out = io.StringIO()
    call_command("attachments_reclean", stdout=out)
    assert "Re-encoded: 1. Left as they were (they do not decode): 1." in out.getvalue()
    old_photo.refresh_from_db()
    assert not opened(attachment_read(old_photo)).getexif().get_ifd(GPS_IFD)
    assert not old_file.exists()
    assert attachment_read(voice) == WEBM
