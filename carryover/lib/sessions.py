"""Sessions in the database, encrypted like the rest of what people write (lib/crypto.py).

A session holds what the app keeps between requests: form text kept after a time-out (lib/recovery.py), flash
messages that name people, allauth's sign-in state with the email typed. Django's own store only signs it, so
anyone reading the table or a backup could read it; here the signed value is also a Fernet token. A value that
does not decrypt (a key retired, a row edited) is an empty session: the person signs in again.
"""

from typing import Any

from cryptography.fernet import InvalidToken
from django.contrib.sessions.backends import db

from .crypto import decrypt_bytes, encrypt_bytes


class SessionStore(db.SessionStore):
    def encode(self, session_dict: dict[str, Any]) -> str:
        return encrypt_bytes(super().encode(session_dict).encode()).decode()

    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        token = session_data.encode() if isinstance(session_data, str) else session_data
        try:
            signed = decrypt_bytes(token).decode()
        except (InvalidToken, ValueError):
            return {}
        return super().decode(signed)
