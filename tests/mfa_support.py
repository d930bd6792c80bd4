"""A passkey made in software, for rows the tests plant directly (the attack
suite's world): a real P-256 key and a real "none" attestation that allauth and
fido2 parse as they would a browser's. Journeys use Chromium's own virtual
authenticator instead (tests/browser/test_passkey_journey.py)."""

import base64
import hashlib
import json
import os

from allauth.mfa.webauthn.internal.auth import WebAuthn
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def registration(rp_id="localhost", origin="http://localhost", challenge=None, resident=True):
    """A browser's registration response (the JSON allauth stores)."""
    key = ec.generate_private_key(ec.SECP256R1())
    credential_id = os.urandom(16)
    attested = AttestedCredentialData.create(
        b"\0" * 16, credential_id, ES256.from_cryptography_key(key.public_key())
    )
    flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT
    auth_data = AuthenticatorData.create(
        hashlib.sha256(rp_id.encode()).digest(), flags, 0, attested
    )
    attestation = AttestationObject.create("none", auth_data, {})
    client_data = CollectedClientData.create(
        type="webauthn.create", challenge=challenge or os.urandom(16), origin=origin
    )
    return {
        "id": b64(credential_id),
        "rawId": b64(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": b64(bytes(client_data)),
            "attestationObject": b64(bytes(attestation)),
        },
        "clientExtensionResults": {"credProps": {"rk": resident}},
        "authenticatorAttachment": "platform",
    }


def add_passkey(user, name="My phone"):
    """A passkey on ``user``'s account, stored as allauth stores one."""
    return WebAuthn.add(user, name, json.loads(json.dumps(registration()))).instance
