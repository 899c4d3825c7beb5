"""Encryption of personal fields at rest.

AES-256-GCM under a key derived (HKDF-SHA256) from ``settings.FIELD_ENCRYPTION_KEY``;
each value gets a fresh 96-bit nonce. A stored value reads ``v1:<base64(nonce|ciphertext)>``
so that a later key rotation can tell versions apart.
"""

from __future__ import annotations

import base64
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "v1:"


class DecryptionError(Exception):
    """A stored value was not encrypted under the configured key, or was altered."""


@functools.lru_cache(maxsize=4)
def _cipher(secret: str) -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"clearinghouse personal fields"
    ).derive(secret.encode())
    return AESGCM(key)


def encrypt(plaintext: str, *, context: bytes = b"") -> str:
    nonce = os.urandom(12)
    sealed = _cipher(settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, plaintext.encode(), context)
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt(stored: str, *, context: bytes = b"") -> str:
    if not stored.startswith(PREFIX):
        raise DecryptionError("value is not in the v1 encrypted format")
    raw = base64.b64decode(stored[len(PREFIX) :])
    try:
        plain = _cipher(settings.FIELD_ENCRYPTION_KEY).decrypt(raw[:12], raw[12:], context)
    except InvalidTag:
        raise DecryptionError("value does not decrypt under the configured key") from None
    return plain.decode()
