"""Encryption of personal fields at rest.

AES-256-GCM under a key derived (HKDF-SHA256) from the writing key of the keyring
``settings.FIELD_ENCRYPTION_KEY`` (``clearinghouse.core.keyring``); each value gets a
fresh 96-bit nonce. A stored value reads ``v1:<base64(nonce|ciphertext)>``, with no key
id: it is opened under the writing key first, then under the others of the ring (the
tag tells which key is right).

There is no envelope (no per-value key to re-wrap): rotating the field key means
decrypting and encrypting every value again (``clearinghouse.core.rekey_fields``), and
recomputing the keyed digests made from the key (``digest_keys``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from clearinghouse.core import keyring

PREFIX = "v1:"


class DecryptionError(Exception):
    """A stored value was not encrypted under the configured key, or was altered."""


@functools.lru_cache(maxsize=8)
def _cipher(secret: str) -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"clearinghouse personal fields"
    ).derive(secret.encode())
    return AESGCM(key)


def _ring() -> list[str]:
    return [secret for _, secret in keyring.parse(settings.FIELD_ENCRYPTION_KEY)]


def encrypt(plaintext: str, *, context: bytes = b"") -> str:
    nonce = os.urandom(12)
    sealed = _cipher(_ring()[0]).encrypt(nonce, plaintext.encode(), context)
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt_with_position(stored: str, *, context: bytes = b"") -> tuple[str, int]:
    """The plaintext, and the position in the ring of the key that opened it (0: the
    writing key)."""
    if not stored.startswith(PREFIX):
        raise DecryptionError("value is not in the v1 encrypted format")
    raw = base64.b64decode(stored[len(PREFIX) :])
    for position, secret in enumerate(_ring()):
        try:
            return _cipher(secret).decrypt(raw[:12], raw[12:], context).decode(), position
        except InvalidTag:
            continue
    raise DecryptionError("value does not decrypt under any key of CLEARINGHOUSE_FIELD_KEY")


def decrypt(stored: str, *, context: bytes = b"") -> str:
    return decrypt_with_position(stored, context=context)[0]


def digest_keys(label: bytes) -> list[bytes]:
    """Keys for keyed digests of personal values (to find a value without decrypting
    it), one per key of the ring, the writing key's first: a digest is stored under the
    first and looked up under all, so look-ups hold while ``keys rotate`` recomputes the
    stored ones."""
    return [hashlib.sha256(label + secret.encode()).digest() for secret in _ring()]
