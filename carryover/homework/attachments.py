"""Drawings, photos and voice recordings: read and checked (media.py), within a per-client quota, encrypted before
they reach the file store (lib/filestore.py: this machine's disk or an S3-compatible bucket), never public."""

from __future__ import annotations

import base64
import binascii
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from carryover.accounts.models import Membership
from carryover.lib.crypto import decrypt_bytes, encrypt_bytes
from carryover.lib.filestore import FileStoreError, store_delete, store_get, store_put

from .media import MediaError, audio_type, clean_image
from .models import Attachment, AttachmentKind, Draft

# Pillow format names each image kind accepts. Photos from iPhones arrive as JPEG: Safari converts HEIC when a
# page asks for "image/*", and HEIC would need a codec plugin to decode.
IMAGE_FORMATS: dict[str, tuple[str, ...]] = {
    AttachmentKind.DRAWING: ("PNG",),
    AttachmentKind.PHOTO: ("JPEG", "PNG", "WEBP"),
}
NOUN = {AttachmentKind.DRAWING: "drawing", AttachmentKind.PHOTO: "photo", AttachmentKind.AUDIO: "recording"}


class AttachmentError(ValueError):
    pass


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(n // 1024, 1)} KB"


def checked_content(kind: AttachmentKind, data: bytes) -> tuple[bytes, str]:
    """What is stored (images re-encoded without metadata, recordings as sent) and its content type."""
    try:
        if kind == AttachmentKind.AUDIO:
            return data, audio_type(data)
        return clean_image(data, formats=IMAGE_FORMATS[kind])
    except MediaError:
        allowed = {
            "drawing": "a PNG image",
            "photo": "a JPEG, PNG or WebP photo that opens",
            "audio": "a recording in a format we can play (WebM, Ogg, MP4/M4A, WAV or MP3)",
        }
        raise AttachmentError(f"That file isn't {allowed[kind]}. Please try another.") from None


def storage_used(client: Membership) -> int:
    return Attachment.objects.filter(client=client).aggregate(total=Sum("size"))["total"] or 0


def decode_data_url(text: str) -> bytes:
    """The drawing canvas sends `data:image/png;base64,…`."""
    if not text.startswith("data:image/png;base64,"):
        raise AttachmentError("The drawing could not be read. Please try again.")
    try:
        return base64.b64decode(text.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise AttachmentError("The drawing could not be read. Please try again.") from None


def attachment_store(*, draft: Draft, field_key: str, field_type: str, data: bytes) -> Attachment:
    kind = AttachmentKind(field_type)  # an attachment's kind is its field's type (fields.ATTACHMENT_TYPES)
    limit = settings.ATTACHMENT_MAX_BYTES[kind]
    if len(data) > limit:
        raise AttachmentError(
            f"That {NOUN[kind]} is {_size(len(data))}; the limit is {_size(limit)}. "
            "Please try a smaller or shorter one."
        )
    if not data:
        raise AttachmentError(f"That {NOUN[kind]} is empty. Please try again.")
    data, content_type = checked_content(kind, data)
    with transaction.atomic():
        # The client's row is the lock: two uploads at once cannot both squeeze under the quota.
        client = Membership.objects.select_for_update().get(pk=draft.client_id)
        used, quota = storage_used(client), settings.ATTACHMENT_QUOTA_BYTES
        if used + len(data) > quota:
            raise AttachmentError(
                f"There's no more room for this {NOUN[kind]} ({_size(len(data))}): your photos, drawings and "
                f"recordings already use {_size(used)} of the {_size(quota)} each person has. Everything you "
                "wrote is kept. You could put this one into words instead, or tell your therapist."
            )
        try:
            relative = store_put(f"attachments/{draft.client_id}/{uuid.uuid4().hex}.bin", encrypt_bytes(data))
        except FileStoreError:
            raise AttachmentError(
                f"This {NOUN[kind]} couldn't be saved just now. Everything you wrote is kept; please try again in a "
                "few minutes."
            ) from None
        return Attachment.objects.create(
            client=client,
            draft=draft,
            field_key=field_key,
            kind=kind,
            content_type=content_type,
            size=len(data),
            path=relative,
        )


def attachment_read(attachment: Attachment) -> bytes:
    return decrypt_bytes(store_get(attachment.path))


def attachment_reclean(*, attachment: Attachment) -> bool:
    """Re-encode an image stored before uploads were decoded (issue 11, item 13), dropping its EXIF/GPS.

    True if it was rewritten; False for recordings, and for an image that does not decode, which is left as it
    was for a person to look at (it is only ever served to the client and their therapist, as an image).
    """
    if attachment.kind == AttachmentKind.AUDIO:
        return False
    try:
        data, content_type = clean_image(attachment_read(attachment), formats=IMAGE_FORMATS[attachment.kind])
    except MediaError:
        return False
    # A new file, then the row, then the old file goes: a crash part-way leaves a readable attachment.
    relative = store_put(f"attachments/{attachment.client_id}/{uuid.uuid4().hex}.bin", encrypt_bytes(data))
    Attachment.objects.filter(pk=attachment.pk).update(path=relative, content_type=content_type, size=len(data))
    store_delete(attachment.path)
    return True
