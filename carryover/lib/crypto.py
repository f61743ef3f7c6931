"""Encryption at rest for what clients write (answers, notes, attachments).

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`; MultiFernet lets keys rotate: the first key in
FIELD_ENCRYPTION_KEYS encrypts, every listed key decrypts.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, BinaryIO

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        # Development default: derived from SECRET_KEY. Production sets its own keys (see settings).
        derived = hashlib.sha256(b"carryover-field-encryption:" + settings.SECRET_KEY.encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return _fernet(keys)


def encrypt_bytes(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return fernet().decrypt(token)


# Large files (export zips) are encrypted in chunks so that neither side holds them whole: a header, then per chunk
# a 4-byte length and a Fernet token of (8-byte index, 1-byte last flag, data). The index and the flag make a
# reordered, repeated or truncated file fail to decrypt instead of yielding a different file.
CHUNKED_HEADER = b"CO-CHUNKED-1\n"
CHUNK_BYTES = 1024 * 1024


def encrypt_to(source: BinaryIO, target: BinaryIO, *, chunk_bytes: int = CHUNK_BYTES) -> None:
    key = fernet()
    target.write(CHUNKED_HEADER)
    index, chunk = 0, source.read(chunk_bytes)
    while True:
        following = source.read(chunk_bytes)
        token = key.encrypt(index.to_bytes(8, "big") + (b"\x00" if following else b"\x01") + chunk)
        target.write(len(token).to_bytes(4, "big") + token)
        if not following:
            return
        index, chunk = index + 1, following


def decrypt_chunks(source: BinaryIO) -> Iterator[bytes]:
    """The plaintext of `encrypt_to`'s output, chunk by chunk (a file of one whole Fernet token is read whole).
    Raises InvalidToken, or ValueError for a reordered or truncated file."""
    head = source.read(len(CHUNKED_HEADER))
    if head != CHUNKED_HEADER:
        yield decrypt_bytes(head + source.read())
        return
    key, expected, last = fernet(), 0, False
    while size := source.read(4):
        if last:
            raise ValueError("data after the last chunk")
        plain = key.decrypt(source.read(int.from_bytes(size, "big")))
        if int.from_bytes(plain[:8], "big") != expected:
            raise ValueError("chunks out of order")
        expected, last = expected + 1, plain[8:9] == b"\x01"
        yield plain[9:]
    if not last:
        raise ValueError("the file was cut short")


class EncryptedJSONField(models.TextField):
    """A JSON value stored as a Fernet token: readable by the app, opaque in the database and its backups."""

    # For django-stubs: what the field accepts and returns (any JSON value), not a str like TextField's.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return fernet().encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()

    def from_db_value(self, value: str | None, expression, connection) -> Any:
        if value is None:
            return None
        return json.loads(fernet().decrypt(value.encode()))

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj) -> str:
        return json.dumps(self.value_from_object(obj))
