"""Export zips and practice archives on their way to and from the file store, never whole in memory: the zip is
written to a temporary file on disk, encrypted from there in chunks (lib/crypto.py, `encrypt_to`) into another,
which the file store takes in chunks; a download decrypts chunk by chunk as it is sent, and the stored file is
deleted when the download ends (also when it stops half-way: the link was single-use either way). The practice's
FHIR Bulk Data files go the same way, and stay stored until they expire (`records/bulk.py`)."""

from __future__ import annotations

import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from carryover.lib.crypto import decrypt_chunks, encrypt_to
from carryover.lib.filestore import store_delete, store_open, store_put_file


def zip_to_store(fill: Callable[[zipfile.ZipFile], None]) -> tuple[str, int]:
    """Run `fill` on a new zip and store it encrypted; returns the stored name and the zip's size in bytes."""
    with tempfile.TemporaryFile() as plain:
        with zipfile.ZipFile(plain, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            fill(archive)
        size = plain.tell()
        plain.seek(0)
        return seal_to_store(plain), size


def seal_to_store(plain: BinaryIO) -> str:
    """Encrypt an open file, from where it stands, in chunks into the store; returns the stored name."""
    with tempfile.TemporaryFile() as sealed:
        encrypt_to(plain, sealed)
        sealed.seek(0)
        return store_put_file(f"exports/{uuid.uuid4().hex}.bin", sealed)


def stream(path: str) -> Iterator[bytes]:
    """The stored file's bytes, decrypted chunk by chunk as they are sent; the stored file stays. Opened here,
    before anything is sent: a store out of reach raises FileStoreError now (a 503) rather than half-way through
    a 200."""
    return _decrypted(store_open(path))


def stream_once(path: str) -> Iterator[bytes]:
    """Like `stream`, and the stored file is deleted when the stream ends or is closed (a single-use link)."""
    handle = store_open(path)
    return _send_then_delete(path, handle)


def _decrypted(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        yield from decrypt_chunks(handle)


def _send_then_delete(path: str, handle: BinaryIO) -> Iterator[bytes]:
    try:
        yield from _decrypted(handle)
    finally:
        store_delete(path)
