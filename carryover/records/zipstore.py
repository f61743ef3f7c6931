"""Export zips and practice archives on their way to and from the file store, never whole in memory: the zip is
written to a temporary file on disk, encrypted from there in chunks (lib/crypto.py, `encrypt_to`) into another,
which the file store takes in chunks; a download decrypts chunk by chunk as it is sent, and the stored file is
deleted when the download ends (also when it stops half-way: the link was single-use either way)."""

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
    with tempfile.TemporaryFile() as plain, tempfile.TemporaryFile() as sealed:
        with zipfile.ZipFile(plain, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            fill(archive)
        size = plain.tell()
        plain.seek(0)
        encrypt_to(plain, sealed)
        sealed.seek(0)
        return store_put_file(f"exports/{uuid.uuid4().hex}.bin", sealed), size


def stream_once(path: str) -> Iterator[bytes]:
    """The stored zip's bytes, chunk by chunk; the stored file is deleted when the stream ends or is closed.
    The file is opened here, before anything is sent: a store out of reach raises FileStoreError now (a 503 page,
    and the caller's transaction leaves the link unused) rather than half-way through a 200."""
    handle = store_open(path)
    return _send_then_delete(path, handle)


def _send_then_delete(path: str, handle: BinaryIO) -> Iterator[bytes]:
    try:
        with handle:
            yield from decrypt_chunks(handle)
    finally:
        store_delete(path)
