"""Encryption at rest for what clients write (answers, notes, attachments).

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`; MultiFernet lets keys rotate: the first key in
FIELD_ENCRYPTION_KEYS encrypts, every listed key decrypts.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from typing import Any

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
