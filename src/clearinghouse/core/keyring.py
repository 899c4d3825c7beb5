"""Keyrings: a master key setting may hold several keys, so one can be replaced without
downtime (see ``clearinghouse keys``).

The keys are separated by white space (in a ``*_FILE``, one a line). The first is the
one new material is wrapped with; the others are still accepted for reading, until
``keys rotate`` has moved everything to the first and they can be removed. Each key is
known by an id derived from it (4 bytes, shown as 8 hex digits), stored beside what it
wraps, so reading picks the right key without trying each and ``keys status`` can
count what each key still holds.
"""

from __future__ import annotations

import functools

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_ID_BYTES = 4


class KeyringError(Exception):
    """A keyring setting holds no key."""


@functools.lru_cache(maxsize=16)
def key_id(secret: str) -> bytes:
    """The key's id: derived one way, it says nothing useful about the key."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_ID_BYTES, salt=None, info=b"clearinghouse key id"
    ).derive(secret.encode())


@functools.lru_cache(maxsize=16)
def parse(value: str) -> tuple[tuple[bytes, str], ...]:
    """The keys of a keyring setting as ``(id, key)``, the writing key first."""
    keys = tuple(dict.fromkeys(value.split()))
    if not keys:
        raise KeyringError("the keyring holds no key")
    return tuple((key_id(key), key) for key in keys)


def writing(value: str) -> tuple[bytes, str]:
    """The id and key new material is wrapped with."""
    return parse(value)[0]


def by_id(value: str) -> dict[bytes, str]:
    return dict(parse(value))
