"""Drawings, photos and voice recordings: checked by content (not by name), encrypted on disk, never public."""

from __future__ import annotations

import base64
import binascii
import uuid
from pathlib import Path

from django.conf import settings

from carryover.lib.crypto import decrypt_bytes, encrypt_bytes

from .models import Attachment, AttachmentKind, Draft

# First bytes of the formats each kind accepts, and the content type we serve them with.
SIGNATURES: dict[str, list[tuple[bytes, int, str]]] = {
    AttachmentKind.DRAWING: [(b"\x89PNG\r\n\x1a\n", 0, "image/png")],
    AttachmentKind.PHOTO: [
        (b"\xff\xd8\xff", 0, "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
        (b"WEBP", 8, "image/webp"),
        (b"ftypheic", 4, "image/heic"),
        (b"ftypmif1", 4, "image/heif"),
    ],
    AttachmentKind.AUDIO: [
        (b"\x1a\x45\xdf\xa3", 0, "audio/webm"),
        (b"OggS", 0, "audio/ogg"),
        (b"ftyp", 4, "audio/mp4"),
        (b"WAVE", 8, "audio/wav"),
        (b"ID3", 0, "audio/mpeg"),
        (b"\xff\xfb", 0, "audio/mpeg"),
    ],
}
KIND_OF_FIELD = {"drawing": AttachmentKind.DRAWING, "photo": AttachmentKind.PHOTO, "audio": AttachmentKind.AUDIO}
NOUN = {AttachmentKind.DRAWING: "drawing", AttachmentKind.PHOTO: "photo", AttachmentKind.AUDIO: "recording"}


class AttachmentError(ValueError):
    pass


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(n // 1024, 1)} KB"


def sniff(kind: str, data: bytes) -> str:
    for signature, offset, content_type in SIGNATURES[kind]:
        if data[offset : offset + len(signature)] == signature:
            return content_type
    allowed = {"drawing": "a PNG image", "photo": "a JPEG, PNG, WebP or HEIC photo", "audio": "an audio recording"}
    raise AttachmentError(f"That file isn't {allowed[kind]}. Please try another.")


def decode_data_url(text: str) -> bytes:
    """The drawing canvas sends `data:image/png;base64,…`."""
    if not text.startswith("data:image/png;base64,"):
        raise AttachmentError("The drawing could not be read. Please try again.")
    try:
        return base64.b64decode(text.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise AttachmentError("The drawing could not be read. Please try again.") from None


def attachment_store(*, draft: Draft, field_key: str, field_type: str, data: bytes) -> Attachment:
    kind = KIND_OF_FIELD[field_type]
    limit = settings.ATTACHMENT_MAX_BYTES[kind]
    if len(data) > limit:
        raise AttachmentError(
            f"That {NOUN[kind]} is {_size(len(data))}; the limit is {_size(limit)}. "
            "Please try a smaller or shorter one."
        )
    if not data:
        raise AttachmentError(f"That {NOUN[kind]} is empty. Please try again.")
    content_type = sniff(kind, data)
    relative = f"attachments/{draft.client_id}/{uuid.uuid4().hex}.bin"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encrypt_bytes(data))
    return Attachment.objects.create(
        client=draft.client, draft=draft, field_key=field_key, kind=kind, content_type=content_type, size=len(data),
        path=relative,
    )  # fmt: skip


def attachment_read(attachment: Attachment) -> bytes:
    return decrypt_bytes((Path(settings.MEDIA_ROOT) / attachment.path).read_bytes())
