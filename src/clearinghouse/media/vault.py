"""The file vault: every file's bytes, encrypted at rest and known by their SHA-256.

``VAULT_DIR/ab/cd/<sha256>`` holds one file's ciphertext. A file is written once, through
a temporary file in ``VAULT_DIR/tmp`` that is fsynced and then renamed into place, so a
crash leaves either the whole file under its name or a temporary file for ``sweep_temp``.
A ``Blob`` row exists only for a file that is on disk for good: nothing acknowledged is
lost, and nothing half-written is ever counted.

Stored format (version 1)::

    b"CHV1" | nonce prefix (8 random bytes) | segment 0 | segment 1 | ... | last segment

Each segment is up to 64 KiB of plaintext sealed with AES-256-GCM under the file's own
random key (a 16-byte tag each). The nonce is the prefix followed by the segment's 32-bit
counter; the associated data is the header and a byte saying whether the segment is the
last. Reordered, altered, truncated or extended files therefore fail to open (the
"STREAM" construction of Hoang, Reyhanitabar, Rogaway and Vizár).

The file key is wrapped (AES-256-GCM) under a key derived from the writing key of the
keyring ``settings.VAULT_KEY`` (``clearinghouse.core.keyring``), bound to the file's
SHA-256 so a wrapped key cannot be moved to another blob:
``wrapped_key = format (1 byte: 2) | key id (4) | nonce (12) | sealed key (32 + 16)``.
Format 1, written before keyrings, has no key id and is tried under every key of the
ring; ``clearinghouse keys rotate`` re-wraps both under the writing key.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import secrets
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from clearinghouse.core import keyring
from clearinghouse.media import magic
from clearinghouse.media.models import Blob

logger = logging.getLogger(__name__)

FORMAT_MAGIC = b"CHV1"
NONCE_PREFIX_BYTES = 8
HEADER_BYTES = len(FORMAT_MAGIC) + NONCE_PREFIX_BYTES
SEGMENT_BYTES = 64 * 1024
TAG_BYTES = 16
MAX_SEGMENTS = 2**32
KEY_VERSION = 2
LEGACY_KEY_VERSION = 1
DEFAULT_MAX_FILE_BYTES = 2 * 1024**3
TEMP_SUFFIX = ".part"


class VaultError(Exception):
    """Base of the vault's own errors."""


class TooLarge(VaultError):
    """The stream held more bytes than the caller allowed; nothing was stored."""


class Tampered(VaultError):
    """A stored file does not open under its key: altered, truncated, reordered or
    replaced since it was written."""


class WrongKey(VaultError):
    """A blob's wrapped key does not open under the configured vault key."""


def max_file_bytes() -> int:
    return getattr(settings, "VAULT_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES)


def vault_dir() -> Path:
    return Path(settings.VAULT_DIR)


def temp_dir() -> Path:
    return vault_dir() / "tmp"


def path_for(sha256: str) -> Path:
    """Where the ciphertext of the file with this SHA-256 lives."""
    return vault_dir() / sha256[:2] / sha256[2:4] / sha256


# Keys ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _key_encryption_cipher(secret: str) -> AESGCM:
    # The label of format 1, kept so that keys wrapped before keyrings still open.
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"clearinghouse vault key wrapping v1",
    ).derive(secret.encode())
    return AESGCM(key)


def _wrapping_context(sha256: str) -> bytes:
    return b"clearinghouse vault file key " + sha256.encode()


def wrap_key(file_key: bytes, sha256: str) -> bytes:
    identifier, secret = keyring.writing(settings.VAULT_KEY)
    nonce = os.urandom(12)
    sealed = _key_encryption_cipher(secret).encrypt(nonce, file_key, _wrapping_context(sha256))
    return bytes([KEY_VERSION]) + identifier + nonce + sealed


def wrapping_key_id(wrapped: bytes) -> bytes | None:
    """The id of the key a file key is wrapped under; None for format 1 (no id)."""
    wrapped = bytes(wrapped)
    if wrapped[:1] != bytes([KEY_VERSION]):
        return None
    return wrapped[1 : 1 + keyring.KEY_ID_BYTES]


def _unwrapping_candidates(wrapped: bytes, sha256: str) -> tuple[list[str], bytes]:
    """The keys that may open a wrapped key, and what they must open."""
    if wrapped[:1] == bytes([KEY_VERSION]):
        identifier = wrapped[1 : 1 + keyring.KEY_ID_BYTES]
        secret = keyring.by_id(settings.VAULT_KEY).get(identifier)
        if secret is None:
            raise WrongKey(
                f"blob {sha256[:12]}: wrapped under key {identifier.hex()}, which "
                "CLEARINGHOUSE_VAULT_KEY does not hold"
            )
        return [secret], wrapped[1 + keyring.KEY_ID_BYTES :]
    if wrapped[:1] == bytes([LEGACY_KEY_VERSION]):
        return [secret for _, secret in keyring.parse(settings.VAULT_KEY)], wrapped[1:]
    raise WrongKey(f"blob {sha256[:12]}: unknown key version")


def unwrap_key(wrapped: bytes, sha256: str) -> bytes:
    secrets_to_try, body = _unwrapping_candidates(bytes(wrapped), sha256)
    for secret in secrets_to_try:
        try:
            return _key_encryption_cipher(secret).decrypt(
                body[:12], body[12:], _wrapping_context(sha256)
            )
        except InvalidTag:
            continue
    raise WrongKey(f"blob {sha256[:12]}: key does not open under the vault key")


# Segments ----------------------------------------------------------------------------


class _Segments:
    """Seals or opens the segments of one file, in order."""

    def __init__(self, file_key: bytes, header: bytes) -> None:
        self.cipher = AESGCM(file_key)
        self.header = header
        self.counter = 0

    def _next(self, last: bool) -> tuple[bytes, bytes]:
        if self.counter >= MAX_SEGMENTS:
            raise VaultError("file has too many segments")
        nonce = self.header[len(FORMAT_MAGIC) :] + self.counter.to_bytes(4, "big")
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
            raise Tampered(f"segment {self.counter - 1} does not verify") from None


def _read_full(stream: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end of the stream (reads may come short)."""
    parts: list[bytes] = []
    wanted = size
    while wanted:
        part = stream.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _chunks_with_last(stream: BinaryIO, size: int) -> Iterator[tuple[bytes, bool]]:
    """Chunks of ``size`` bytes, each with whether it is the last (one, maybe empty, at
    least): one chunk of look-ahead, so memory stays constant."""
    current = _read_full(stream, size)
    while True:
        following = _read_full(stream, size) if len(current) == size else b""
        yield current, not following
        if not following:
            return
        current = following


# Writing -----------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _make_dirs(path: Path) -> None:
    """Creates ``path`` and any missing parents, making each new entry durable."""
    if path.is_dir():
        return
    _make_dirs(path.parent)
    path.mkdir(exist_ok=True)
    _fsync_dir(path.parent)


class _Digests:
    def __init__(self) -> None:
        self.md5 = hashlib.md5(usedforsecurity=False)
        self.sha1 = hashlib.sha1(usedforsecurity=False)
        self.sha256 = hashlib.sha256()

    def update(self, data: bytes) -> None:
        for digest in (self.md5, self.sha1, self.sha256):
            digest.update(data)


def _write_temp(stream: BinaryIO, file_key: bytes, max_bytes: int) -> tuple[Path, Blob, bytes]:
    """Encrypts the stream into a new, fsynced temporary file; returns it with an unsaved
    blob holding the hashes and size, and the leading bytes for typing."""
    _make_dirs(temp_dir())
    temp = temp_dir() / f"{secrets.token_hex(16)}{TEMP_SUFFIX}"
    header = FORMAT_MAGIC + os.urandom(NONCE_PREFIX_BYTES)
    segments = _Segments(file_key, header)
    digests = _Digests()
    size, head = 0, b""
    try:
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(header)
            for chunk, last in _chunks_with_last(stream, SEGMENT_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(f"more than {max_bytes} bytes")
                digests.update(chunk)
                if len(head) < magic.HEAD_BYTES:
                    head += chunk[: magic.HEAD_BYTES - len(head)]
                out.write(segments.seal(chunk, last=last))
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    blob = Blob(
        sha256=digests.sha256.hexdigest(),
        md5=digests.md5.hexdigest(),
        sha1=digests.sha1.hexdigest(),
        size=size,
    )
    return temp, blob, head


def put(
    stream: BinaryIO | bytes,
    *,
    declared_name: str | None = None,
    declared_type: str | None = None,
    max_bytes: int | None = None,
) -> Blob:
    """Stores a file's bytes, read once from ``stream``, and returns its ``Blob``.

    The same bytes stored before (or concurrently) give back the existing blob. The
    type is decided by the magic bytes; ``declared_name`` and ``declared_type`` are what
    the sender claimed, kept only to catch mislabelled files. ``max_bytes`` defaults to
    ``settings.VAULT_MAX_FILE_BYTES`` (2 GiB); past it ``TooLarge`` is raised and nothing
    is kept. A new blob is analysed by a background task once the transaction commits.
    """
    if isinstance(stream, bytes | bytearray | memoryview):
        stream = io.BytesIO(stream)
    if max_bytes is None:
        max_bytes = max_file_bytes()
    file_key = AESGCM.generate_key(bit_length=256)
    temp, blob, head = _write_temp(stream, file_key, max_bytes)
    try:
        existing = Blob.objects.filter(sha256=blob.sha256).first()
        if existing is not None:
            if not path_for(existing.sha256).exists():
                _restore(existing, temp, file_key)
            return existing
        blob.media_type = magic.sniff(head)
        blob.declared_type = magic.declared(declared_name, declared_type)[:100]
        blob.wrapped_key = wrap_key(file_key, blob.sha256)
        try:
            _commit(blob, temp)
        except IntegrityError:
            # Stored by a concurrent writer between our look-up and our insert.
            return Blob.objects.get(sha256=blob.sha256)
    finally:
        temp.unlink(missing_ok=True)
    transaction.on_commit(functools.partial(_enqueue_analysis, blob.pk), robust=True)
    return blob


def _commit(blob: Blob, temp: Path) -> None:
    """Inserts the row and moves the file into place in one transaction. The unique
    SHA-256 holds a concurrent writer of the same bytes at its insert until this
    transaction ends, so the file at the final path is always the one whose key the
    committed row holds; a crash before the commit leaves at most an unreferenced file
    there, which the next writer of those bytes replaces."""
    final = path_for(blob.sha256)
    with transaction.atomic():
        blob.save(force_insert=True)
        _make_dirs(final.parent)
        os.replace(temp, final)
        _fsync_dir(final.parent)


def _restore(blob: Blob, temp: Path, file_key: bytes) -> None:
    """Puts back the file of a known blob whose ciphertext is missing from disk (say, a
    volume restored from an older backup), under the new copy's key."""
    with transaction.atomic():
        locked = Blob.objects.select_for_update().get(pk=blob.pk)
        final = path_for(locked.sha256)
        if final.exists():
            return
        logger.warning("restoring the missing file of %s", locked)
        locked.wrapped_key = wrap_key(file_key, locked.sha256)
        locked.save(update_fields=["wrapped_key"])
        _make_dirs(final.parent)
        os.replace(temp, final)
        _fsync_dir(final.parent)
    blob.wrapped_key = locked.wrapped_key


def _enqueue_analysis(blob_id: int) -> None:
    from clearinghouse.media.tasks import analyse_blob

    analyse_blob.enqueue(blob_id)


def sweep_temp(older_than: timedelta | float = timedelta(hours=1)) -> int:
    """Removes temporary files that writers left behind (a crash, a kill) and returns how
    many. ``older_than`` (a timedelta or seconds) spares files still being written."""
    seconds = older_than.total_seconds() if isinstance(older_than, timedelta) else older_than
    cutoff = time.time() - seconds
    removed = 0
    if not temp_dir().is_dir():
        return 0
    for temp in temp_dir().glob(f"*{TEMP_SUFFIX}"):
        try:
            if temp.stat().st_mtime <= cutoff:
                temp.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def sweep_orphans(older_than: timedelta = timedelta(days=1)) -> int:
    """Deletes stored files that no record refers to, and returns how many.

    Bytes can outlive their purpose: an upload whose report was finished or retracted
    while the bytes were being written is refused, but its bytes were already stored;
    a record can be deleted. Any model with a foreign key to ``Blob`` counts as a
    reference, whatever app it is in. ``older_than`` spares bytes whose record is still
    being written. Each file is deleted under a lock on its row, after checking again
    that nothing refers to it: a writer that takes the row's lock first (see
    ``lock_for_reference``) keeps it.
    """
    cutoff = timezone.now() - older_than
    references = [
        Exists(relation.related_model._base_manager.filter(**{relation.field.name: OuterRef("pk")}))
        for relation in Blob._meta.related_objects
    ]
    unreferenced = Blob.objects.filter(created_at__lt=cutoff)
    for reference in references:
        unreferenced = unreferenced.filter(~reference)
    removed = 0
    for pk in list(unreferenced.values_list("pk", flat=True)):
        with transaction.atomic():
            locked = Blob.objects.select_for_update().filter(pk=pk).first()
            if locked is None or not unreferenced.filter(pk=pk).exists():
                continue
            locked.delete()
            final = path_for(locked.sha256)
            transaction.on_commit(functools.partial(final.unlink, missing_ok=True))
        removed += 1
    if removed:
        logger.info("removed %d stored files that no record refers to", removed)
    return removed


def lock_for_reference(blob: Blob) -> bool:
    """Locks a stored file's row until the end of the caller's transaction, in which the
    caller then refers to it; False when ``sweep_orphans`` has just removed it (the
    caller should store the bytes again)."""
    return Blob.objects.select_for_update().filter(pk=blob.pk).exists()


# Reading -----------------------------------------------------------------------------


def iter_plaintext(blob: Blob) -> Iterator[bytes]:
    """The blob's bytes, segment by segment, each verified before it is given out.
    Raises ``Tampered`` (part of the bytes may already have been given) or ``WrongKey``."""
    file_key = unwrap_key(blob.wrapped_key, blob.sha256)
    with path_for(blob.sha256).open("rb") as stored:
        header = stored.read(HEADER_BYTES)
        if len(header) != HEADER_BYTES or not header.startswith(FORMAT_MAGIC):
            raise Tampered(f"blob {blob.sha256[:12]}: not a vault file")
        segments = _Segments(file_key, header)
        total = 0
        for sealed, last in _chunks_with_last(stored, SEGMENT_BYTES + TAG_BYTES):
            plaintext = segments.open(sealed, last=last)
            total += len(plaintext)
            yield plaintext
    if total != blob.size:
        raise Tampered(f"blob {blob.sha256[:12]}: {total} bytes stored, {blob.size} recorded")


def read(blob: Blob) -> bytes:
    """The blob's whole plaintext, verified (``Tampered`` on any alteration)."""
    data = b"".join(iter_plaintext(blob))
    if hashlib.sha256(data).hexdigest() != blob.sha256:
        raise Tampered(f"blob {blob.sha256[:12]}: content does not match its SHA-256")
    return data


class _PlaintextReader(io.RawIOBase):
    def __init__(self, segments: Iterator[bytes]) -> None:
        self.segments = segments
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            self.pending = next(self.segments, None)
            if self.pending is None:
                self.pending = b""
                return 0
        count = min(len(buffer), len(self.pending))
        buffer[:count] = self.pending[:count]
        self.pending = self.pending[count:]
        return count

    def close(self) -> None:
        close = getattr(self.segments, "close", None)
        if close is not None:
            close()
        super().close()


def open_stream(blob: Blob) -> io.BufferedReader:
    """A readable binary file of the blob's plaintext, decrypted and verified as it is
    read (``Tampered`` from ``read`` on any alteration). Close it when done."""
    return io.BufferedReader(_PlaintextReader(iter_plaintext(blob)), buffer_size=SEGMENT_BYTES)


def thumbnail(blob: Blob, size: int = 96) -> bytes | None:
    """A small, heavily blurred JPEG of an image blob, for lists: shapes and colours, never
    the clear picture. None for anything that is not a decodable image."""
    from clearinghouse.media import analysis

    if not analysis.may_be_image(blob) or blob.status in analysis.UNDECODABLE:
        return None
    return analysis.blurred_thumbnail(blob, size)
