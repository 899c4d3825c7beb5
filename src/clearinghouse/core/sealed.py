"""An encrypted, authenticated byte stream of any length, for backups.

Written and read a chunk at a time, so memory stays flat however large the stream.

Format (version 1)::

    b"CHBK" | version (1 byte) | salt (16) | nonce prefix (8) | key check (32) | chunks

The key is derived from a passphrase-grade secret with scrypt and the random salt, so the
same secret gives a different key for every stream and a stolen backup costs an attacker
scrypt work per guess. scrypt gives 64 bytes: the first 32 are the AES-256-GCM key, the
SHA-256 of the other 32 is the key check, which tells a wrong secret from a damaged file
before anything is read.

Each chunk is up to 1 MiB of plaintext sealed with AES-256-GCM (a 16-byte tag each), every
chunk but the last exactly 1 MiB. The nonce is the prefix followed by the chunk's 32-bit
counter; the associated data is the header and a byte saying whether the chunk is the
last. A reordered, altered, truncated or extended stream therefore fails to open (the
"STREAM" construction, as the file vault uses).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"CHBK"
VERSION = 1
SALT_BYTES = 16
NONCE_PREFIX_BYTES = 8
CHECK_BYTES = 32
HEADER_BYTES = len(MAGIC) + 1 + SALT_BYTES + NONCE_PREFIX_BYTES + CHECK_BYTES
CHUNK_BYTES = 1024 * 1024
TAG_BYTES = 16
MAX_CHUNKS = 2**32
# scrypt at 2**15 x 8: 32 MiB of memory and about a tenth of a second per derivation.
SCRYPT_N = 2**15
SCRYPT_R = 8


class SealedError(Exception):
    """Base of the errors of reading a sealed stream."""


class NotSealed(SealedError):
    """The file is not a sealed stream of a version this program reads."""


class WrongSecret(SealedError):
    """The secret given is not the one the stream was sealed with."""


class Damaged(SealedError):
    """The stream was altered, truncated, reordered or extended after it was sealed."""


def _derive(secret: str, salt: bytes) -> tuple[AESGCM, bytes]:
    material = Scrypt(salt=salt, length=64, n=SCRYPT_N, r=SCRYPT_R, p=1).derive(secret.encode())
    return AESGCM(material[:32]), hashlib.sha256(material[32:]).digest()


class _Chunks:
    """Seals or opens the chunks of one stream, in order."""

    def __init__(self, cipher: AESGCM, header: bytes, nonce_prefix: bytes) -> None:
        self.cipher = cipher
        self.header = header
        self.nonce_prefix = nonce_prefix
        self.counter = 0

    def _next(self, last: bool) -> tuple[bytes, bytes]:
        if self.counter >= MAX_CHUNKS:
            raise SealedError("stream has too many chunks")
        nonce = self.nonce_prefix + self.counter.to_bytes(4, "big")
        self.counter += 1
        return nonce, self.header + (b"\x01" if last else b"\x00")

    def seal(self, plaintext: bytes, *, last: bool) -> bytes:
        nonce, associated = self._next(last)
        return self.cipher.encrypt(nonce, plaintext, associated)

    def open(self, sealed: bytes, *, last: bool) -> bytes:
        nonce, associated = self._next(last)
        try:
            return self.cipher.decrypt(nonce, sealed, associated)
        except InvalidTag:
            raise Damaged(
                f"chunk {self.counter - 1} does not verify: the file was altered or truncated"
            ) from None


class SealedWriter:
    """Encrypts what is written to it into ``out``; ``close`` seals the last chunk (and
    must be called, or the stream does not open)."""

    def __init__(self, out: BinaryIO, secret: str) -> None:
        salt, nonce_prefix = os.urandom(SALT_BYTES), os.urandom(NONCE_PREFIX_BYTES)
        cipher, check = _derive(secret, salt)
        header = MAGIC + bytes([VERSION]) + salt + nonce_prefix + check
        out.write(header)
        self.out = out
        self.chunks = _Chunks(cipher, header, nonce_prefix)
        self.pending = bytearray()

    def write(self, data: bytes) -> None:
        self.pending += data
        # At least one byte stays pending: the last chunk is sealed only by ``close``.
        while len(self.pending) > CHUNK_BYTES:
            self.out.write(self.chunks.seal(bytes(self.pending[:CHUNK_BYTES]), last=False))
            del self.pending[:CHUNK_BYTES]

    def close(self) -> None:
        self.out.write(self.chunks.seal(bytes(self.pending), last=True))
        self.pending.clear()


def _read_full(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end of the stream."""
    parts: list[bytes] = []
    wanted = size
    while wanted:
        part = stream.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _sealed_chunks(stream: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """Each sealed chunk with whether it is the last (one chunk of look-ahead)."""
    size = CHUNK_BYTES + TAG_BYTES
    current = _read_full(stream, size)
    while True:
        following = _read_full(stream, size) if len(current) == size else b""
        yield current, not following
        if not following:
            return
        current = following


class SealedReader(io.RawIOBase):
    """The plaintext of a sealed stream, each chunk verified before any of it is given.
    Raises ``NotSealed`` or ``WrongSecret`` at once, ``Damaged`` when a chunk fails."""

    def __init__(self, stream: BinaryIO, secret: str) -> None:
        header = _read_full(stream, HEADER_BYTES)
        if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
            raise NotSealed("not a Clearinghouse backup (or cut short in its header)")
        if header[len(MAGIC)] != VERSION:
            raise NotSealed(f"backup format {header[len(MAGIC)]}; this program reads {VERSION}")
        start = len(MAGIC) + 1
        salt = header[start : start + SALT_BYTES]
        nonce_prefix = header[start + SALT_BYTES : start + SALT_BYTES + NONCE_PREFIX_BYTES]
        cipher, check = _derive(secret, salt)
        if not hmac.compare_digest(check, header[-CHECK_BYTES:]):
            raise WrongSecret("the backup key does not open this backup")
        self.chunks = _Chunks(cipher, header, nonce_prefix)
        self.sealed = _sealed_chunks(stream)
        self.pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            item = next(self.sealed, None)
            if item is None:
                return 0
            sealed, last = item
            self.pending = memoryview(self.chunks.open(sealed, last=last))
        count = min(len(buffer), len(self.pending))
        buffer[:count] = self.pending[:count]
        self.pending = self.pending[count:]
        return count
