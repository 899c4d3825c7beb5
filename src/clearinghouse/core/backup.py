"""Backups: the whole database and the file vault, together, in one encrypted file.

The file is a sealed stream (``clearinghouse.core.sealed``: AES-256-GCM in authenticated
chunks, under a key derived from the backup key, which the file never holds). Inside,
a sequence of frames, each ``kind (1 byte) | length (4 bytes) | payload``:

- ``H`` the header (JSON): format, when, and the schema (every applied migration);
- per table, ``T`` (JSON: model and columns) then ``R`` frames of rows (JSON lists);
- per stored file, ``F`` (JSON: SHA-256 and size) then ``D`` frames of its bytes, as
  the vault stores them: still encrypted under their own keys, which the database
  holds wrapped under the vault key. The vault key is not in the backup: keep it, and
  the field key, apart from the backups;
- ``M`` the manifest (JSON): for each part (a table, the vault) how many rows or files
  and the SHA-256 of its frames, checked again on restore.

A restore checks the key and the schema first, then replaces everything in one
transaction, writing the files into a staging folder beside the vault; the files are
moved in only once the whole backup has verified and the transaction has committed.
Anything wrong (a wrong key, a damaged or truncated file) leaves the database and the
vault as they were.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from clearinghouse import config
from clearinghouse.audit import events, triggers
from clearinghouse.core import sealed, tables
from clearinghouse.media import vault
from clearinghouse.media.models import Blob

FORMAT = 1
ROWS_PER_FRAME = 1000
ROW_FRAME_BYTES = 4 * 1024 * 1024
FILE_FRAME_BYTES = 1024 * 1024
MAX_FRAME_BYTES = 64 * 1024 * 1024
VAULT_PART = "vault"
BACKUP_KEY = "CLEARINGHOUSE_BACKUP_KEY"
MIN_KEY_LENGTH = 16
_FRAME_HEAD = struct.Struct(">cI")

# Called with how many rows or file bytes were just done.
Advance = Callable[[int], None]


class BackupError(Exception):
    """A backup could not be written or restored; the message says why."""


@dataclass
class _Part:
    count: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)  # rows or file bytes

    def summary(self) -> dict:
        return {"count": self.count, "sha256": self.digest.hexdigest()}


def backup_key() -> str:
    """The key backups are encrypted with, from ``CLEARINGHOUSE_BACKUP_KEY`` or the file
    ``CLEARINGHOUSE_BACKUP_KEY_FILE`` names: never generated, never in a backup."""
    if BACKUP_KEY not in os.environ and f"{BACKUP_KEY}_FILE" not in os.environ:
        raise BackupError(
            f"set {BACKUP_KEY}, or {BACKUP_KEY}_FILE to a file holding it: the key that "
            "encrypts backups, to be kept apart from them"
        )
    try:
        secret = config.secret(BACKUP_KEY, data_dir=settings.DATA_DIR, generate=False)
    except config.ConfigurationError as error:
        raise BackupError(str(error)) from None
    if len(secret) < MIN_KEY_LENGTH:
        raise BackupError(f"{BACKUP_KEY} must be at least {MIN_KEY_LENGTH} characters long")
    return secret


def applied_migrations() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


# Frames --------------------------------------------------------------------------------


def _write_frame(out: sealed.SealedWriter, kind: bytes, payload: bytes) -> None:
    out.write(_FRAME_HEAD.pack(kind, len(payload)))
    out.write(payload)


def _json(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _read_frames(stream: BinaryIO) -> Iterator[tuple[bytes, bytes]]:
    while head := stream.read(_FRAME_HEAD.size):
        if len(head) < _FRAME_HEAD.size:
            raise BackupError("the backup ends inside a frame")
        kind, length = _FRAME_HEAD.unpack(head)
        if length > MAX_FRAME_BYTES:
            raise BackupError(f"a frame of {length} bytes: not a backup this program wrote")
        payload = stream.read(length)
        if len(payload) < length:
            raise BackupError("the backup ends inside a frame")
        yield kind, payload


# Writing -------------------------------------------------------------------------------


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database for the whole backup, without stopping
    writers: a repeatable-read transaction on PostgreSQL, a read transaction on SQLite
    (in WAL mode, writers go on)."""
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
    else:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield


def _write_table(out: sealed.SealedWriter, model, advance: Advance) -> _Part:
    part = _Part()
    _write_frame(
        out, b"T", _json({"model": model._meta.label_lower, "columns": tables.column_names(model)})
    )
    batch: list[bytes] = []
    size = 0
    for row in tables.iter_rows(model):
        encoded = _json(row)
        batch.append(encoded)
        size += len(encoded)
        if len(batch) == ROWS_PER_FRAME or size >= ROW_FRAME_BYTES:
            _write_rows(out, part, batch, advance)
            batch, size = [], 0
    _write_rows(out, part, batch, advance)
    return part


def _write_rows(out: sealed.SealedWriter, part: _Part, rows: list[bytes], advance: Advance) -> None:
    """One frame of rows (each already JSON), as a JSON list."""
    if not rows:
        return
    payload = b"[" + b",".join(rows) + b"]"
    part.count += len(rows)
    part.digest.update(payload)
    _write_frame(out, b"R", payload)
    advance(len(rows))


def _write_vault(out: sealed.SealedWriter, advance: Advance) -> _Part:
    part = _Part()
    for sha256 in Blob._base_manager.order_by("pk").values_list("sha256", flat=True).iterator():
        path = vault.path_for(sha256)
        try:
            stored = path.open("rb")
        except FileNotFoundError:
            raise BackupError(
                f"blob {sha256[:12]} is in the database but its file {path} is missing"
            ) from None
        with stored:
            size = os.fstat(stored.fileno()).st_size
            header = _json({"sha256": sha256, "size": size})
            _write_frame(out, b"F", header)
            part.digest.update(header)
            while data := stored.read(FILE_FRAME_BYTES):
                _write_frame(out, b"D", data)
                part.digest.update(data)
                advance(len(data))
        part.count += 1
    return part


def total_rows() -> int:
    return sum(model._base_manager.count() for model in tables.backed_up_models())


def total_vault_bytes() -> int:
    return sum(
        path.stat().st_size
        for path in map(vault.path_for, Blob._base_manager.values_list("sha256", flat=True))
        if path.exists()
    )


def write_backup(
    path: Path, secret: str, *, rows: Advance = lambda n: None, files: Advance = lambda n: None
) -> dict:
    """Writes the database and the vault into a new encrypted file at ``path`` and
    returns its manifest. The file appears only once complete (written aside, then
    renamed); an existing file is never replaced."""
    if path.exists():
        raise BackupError(f"{path} already exists: choose another name")
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as raw:
            out = sealed.SealedWriter(raw, secret)
            manifest = _write_everything(out, rows, files)
            out.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.link(draft, path)  # fails, rather than replaces, if the name was taken meanwhile
        _fsync_folder(path.parent)
        events.record("core:database:backed_up", file=path.name, **_totals(manifest))
    except FileExistsError:
        raise BackupError(f"{path} already exists: choose another name") from None
    finally:
        draft.unlink(missing_ok=True)
    return manifest


def _totals(manifest: dict) -> dict[str, int]:
    """How many rows and stored files a manifest lists."""
    parts = manifest["parts"]
    rows = sum(part["count"] for name, part in parts.items() if name != VAULT_PART)
    return {"rows": rows, "files": parts[VAULT_PART]["count"]}


def _write_everything(out: sealed.SealedWriter, rows: Advance, files: Advance) -> dict:
    parts: dict[str, _Part] = {}
    with _snapshot():
        header = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": applied_migrations(),
        }
        _write_frame(out, b"H", _json(header))
        for model in tables.backed_up_models():
            parts[model._meta.label_lower] = _write_table(out, model, rows)
        parts[VAULT_PART] = _write_vault(out, files)
    manifest = {"parts": {name: part.summary() for name, part in parts.items()}}
    _write_frame(out, b"M", _json(manifest))
    return manifest


# Restoring -----------------------------------------------------------------------------


def open_backup(raw: BinaryIO, secret: str) -> io.BufferedReader:
    """The backup's plaintext, verified as it is read; ``BackupError`` at once for a
    file that is not a backup or a wrong key."""
    try:
        return io.BufferedReader(sealed.SealedReader(raw, secret), buffer_size=FILE_FRAME_BYTES)
    except sealed.SealedError as error:
        raise BackupError(str(error)) from None


def _check_schema(header: dict) -> None:
    if header.get("format") != FORMAT:
        raise BackupError(f"backup format {header.get('format')}; this program reads {FORMAT}")
    theirs, ours = set(header["migrations"]), set(applied_migrations())
    if theirs != ours:
        missing = sorted(theirs - ours)[:5]
        extra = sorted(ours - theirs)[:5]
        raise BackupError(
            "the backup was made by another version of Clearinghouse (migrations only in "
            f"the backup: {missing or 'none'}; only here: {extra or 'none'}): restore it "
            "with the version that made it"
        )


class _Loader:
    """Applies the frames after the header: rows into the tables, files into the staging
    folder, each part summed as it goes and checked against the manifest at the end."""

    def __init__(self, staging: Path, advance: Advance) -> None:
        self.staging = staging
        self.advance = advance
        self.parts: dict[str, _Part] = {}
        self.table: tables.TableWriter | None = None
        self.current: _Part | None = None
        self.file = None
        self.file_bytes_left = 0
        self.manifest: dict | None = None

    def apply(self, kind: bytes, payload: bytes) -> None:
        if self.manifest is not None:
            raise BackupError("the backup goes on after its manifest")
        handlers = {
            b"T": self.table_start,
            b"R": self.rows,
            b"F": self.file_start,
            b"D": self.file_data,
            b"M": self.finish,
        }
        if kind not in handlers:
            raise BackupError(f"unknown frame {kind!r}: not a backup this program wrote")
        handlers[kind](payload)

    def _part(self, name: str) -> _Part:
        if name in self.parts:
            raise BackupError(f"the backup holds {name} twice")
        self.parts[name] = _Part()
        return self.parts[name]

    def table_start(self, payload: bytes) -> None:
        self._close_file()
        start = json.loads(payload)
        model = _model(start["model"])
        try:
            self.table = tables.TableWriter(model, start["columns"])
        except ValueError as error:
            raise BackupError(str(error)) from None
        self.current = self._part(start["model"])

    def rows(self, payload: bytes) -> None:
        if self.table is None or self.current is None:
            raise BackupError("rows outside a table")
        rows = json.loads(payload)
        self.table.insert(rows)
        self.current.count += len(rows)
        self.current.digest.update(payload)
        self.advance(len(payload))

    def file_start(self, payload: bytes) -> None:
        self._close_file()
        self.table = None
        if VAULT_PART not in self.parts:
            self._part(VAULT_PART)
        start = json.loads(payload)
        sha256 = start["sha256"]
        if len(sha256) != 64 or not all(char in "0123456789abcdef" for char in sha256):
            raise BackupError(f"a stored file named {sha256!r}")
        path = self.staging / sha256[:2] / sha256[2:4] / sha256
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        self.file_bytes_left = start["size"]
        self.parts[VAULT_PART].count += 1
        self.parts[VAULT_PART].digest.update(payload)
        self.advance(len(payload))

    def file_data(self, payload: bytes) -> None:
        if self.file is None:
            raise BackupError("file bytes outside a file")
        self.file.write(payload)
        self.file_bytes_left -= len(payload)
        self.parts[VAULT_PART].digest.update(payload)
        self.advance(len(payload))

    def _close_file(self) -> None:
        if self.file is not None:
            if self.file_bytes_left:
                raise BackupError(f"{self.file.name}: not the size the backup recorded")
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            self.file = None

    def finish(self, payload: bytes) -> None:
        self._close_file()
        self.manifest = json.loads(payload)
        expected = self.manifest["parts"]
        found = {name: part.summary() for name, part in self.parts.items()}
        found.setdefault(VAULT_PART, _Part().summary())
        for name in sorted(set(expected) | set(found)):
            if expected.get(name) != found.get(name):
                raise BackupError(
                    f"{name}: the manifest says {expected.get(name)}, the backup holds "
                    f"{found.get(name)}"
                )


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        raise BackupError(f"the backup holds {label}, which this installation does not") from None


def restore_backup(path: Path, secret: str, *, force: bool = False, advance: Advance) -> dict:
    """Replaces the database and the vault's files with the backup's and returns its
    manifest. Refuses a database that holds data unless ``force``. ``advance`` is told
    how many bytes of the backup were applied."""
    try:
        raw = path.open("rb")
    except OSError as error:
        raise BackupError(f"{path}: {error.strerror}") from None
    with raw:
        frames = _read_frames(open_backup(raw, secret))
        kind, payload = _first(frames)
        if kind != b"H":
            raise BackupError("the backup does not start with its header")
        _check_schema(json.loads(payload))
        if not force and (holding := tables.holds_data()):
            raise BackupError(
                f"this database already holds data ({', '.join(holding[:5])}, ...): "
                "restore into an empty one, or pass --force to replace everything"
            )
        staging = vault.temp_dir() / f"restore-{secrets.token_hex(8)}"
        staging.mkdir(parents=True)
        try:
            manifest = _restore_database(frames, staging, advance, path.name)
            _move_into_vault(staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    ContentType.objects.clear_cache()
    return manifest


def _first(frames: Iterator[tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    try:
        return next(frames)
    except StopIteration:
        raise BackupError("the backup is empty") from None
    except sealed.SealedError as error:
        raise BackupError(str(error)) from None


def _restore_database(frames, staging: Path, advance: Advance, name: str) -> dict:
    loader = _Loader(staging, advance)
    try:
        # One transaction; the audit trail's append-only triggers are lifted in it, since
        # the backup's trail replaces this one whole (as ``flush`` erases it).
        with triggers.lifted():
            tables.clear_all()
            for kind, payload in frames:
                loader.apply(kind, payload)
            if loader.manifest is None:
                raise BackupError("the backup ends before its manifest: it was cut short")
            tables.reset_sequences()
            connection.check_constraints()
            # The first event of the restored trail after the backup's own.
            events.record("core:database:restored", file=name, **_totals(loader.manifest))
    except sealed.SealedError as error:
        raise BackupError(str(error)) from None
    finally:
        if loader.file is not None:
            loader.file.close()  # a file cut short: the staging folder goes anyway
    return loader.manifest


def _move_into_vault(staging: Path) -> None:
    """Moves the staged files to their places in the vault (renames, on one file
    system), making each folder's new entries durable."""
    folders: set[Path] = set()
    for staged in staging.glob("*/*/*"):
        final = vault.path_for(staged.name)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, final)
        folders.add(final.parent)
    for folder in folders:
        _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
