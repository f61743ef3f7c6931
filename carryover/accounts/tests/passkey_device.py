"""A passkey held in memory for HTTP-level tests: real P-256 keys and real WebAuthn structures, so allauth and fido2
verify challenges, origins, flags and signatures exactly as they do for a phone. (The browser test uses Chromium's
virtual authenticator instead.)

The test client's host is "testserver"; the origin is its https form, because fido2 accepts only https origins
(and http://localhost), as browsers do.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import AttestationObject, AttestedCredentialData, AuthenticatorData, CollectedClientData

ORIGIN = "https://testserver"
JS_DATA = re.compile(r'<script id="js_data" type="application/json">(.*?)</script>', re.DOTALL)
Flag = AuthenticatorData.FLAG


def js_data(content: bytes) -> dict[str, Any]:
    """The WebAuthn options a page hands to its script (allauth's `js_data` json_script)."""
    found = JS_DATA.search(content.decode())
    assert found, "the page carries no WebAuthn options"
    return json.loads(found.group(1))


class SoftPasskey:
    def __init__(self, *, origin: str = ORIGIN, user_verified: bool = True) -> None:
        self.origin = origin
        self.user_verified = user_verified
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.user_handle = b""
        self.rp_id = ""
        self.counter = 0

    def _flags(self, *extra: Flag) -> Flag:
        flags = Flag.UP
        for flag in extra:
            flags |= flag
        return flags | Flag.UV if self.user_verified else flags

    def create(self, options: dict[str, Any], *, discoverable: bool) -> dict[str, Any]:
        """navigator.credentials.create(): a new credential answering `options["publicKey"]`."""
        public_key = options["publicKey"]
        self.rp_id = public_key["rp"]["id"]
        self.user_handle = websafe_decode(public_key["user"]["id"])
        attested = AttestedCredentialData.create(
            b"\0" * 16, self.credential_id, ES256.from_cryptography_key(self.key.public_key())
        )
        auth_data = AuthenticatorData.create(
            hashlib.sha256(self.rp_id.encode()).digest(), self._flags(Flag.AT), 0, attested
        )
        client_data = CollectedClientData.create("webauthn.create", public_key["challenge"], self.origin)
        attestation = AttestationObject.create("none", auth_data, {})
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "attestationObject": websafe_encode(attestation),
            },
            "clientExtensionResults": {"credProps": {"rk": discoverable}},
        }

    def get(self, options: dict[str, Any]) -> dict[str, Any]:
        """navigator.credentials.get(): a signed assertion answering `options["publicKey"]`."""
        public_key = options["publicKey"]
        assert public_key.get("rpId", self.rp_id) == self.rp_id
        self.counter += 1
        auth_data = AuthenticatorData.create(hashlib.sha256(self.rp_id.encode()).digest(), self._flags(), self.counter)
        client_data = CollectedClientData.create("webauthn.get", public_key["challenge"], self.origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "authenticatorData": websafe_encode(auth_data),
                "signature": websafe_encode(signature),
                "userHandle": websafe_encode(self.user_handle),
            },
            "clientExtensionResults": {},
        }
