"""Bulk import of records from JSON Lines (records.md, "Import").

A file is one unit. Its lines are validated and written inside one transaction; the
whole file is read even after a bad line, so that every bad line is reported at once;
and if there was any, the transaction is rolled back and nothing from the file remains.

Lines are read one at a time and written in batches of ``BATCH_SIZE``, looking up per
batch which ids are already stored, so memory stays flat however large the file.
Re-importing a line is a no-op: each record keeps the digest of the line it came from.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone
from pydantic import ValidationError

from clearinghouse.audit import events
from clearinghouse.core import rows
from clearinghouse.imports.lines import BadLine, Oversized, line_size, parse_line, read_lines
from clearinghouse.imports.records import KINDS, Organizations, RecordKind, Refused
from clearinghouse.imports.schemas import describe
from clearinghouse.imports.seen import Mention, SeenIds
from clearinghouse.tipline.models import ReportFile

BATCH_SIZE = 1000
# Errors kept on the result; every one still goes to ``on_error``.
MAX_KEPT_ERRORS = 1000

Progress = Callable[[int], None]
ErrorSink = Callable[["LineError"], None]


@dataclass
class TypeCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class LineError:
    line: int | None  # None: the file as a whole
    reason: str


@dataclass
class ImportResult:
    """What one file did. A rejected file stored nothing, and its counts are empty."""

    name: str
    lines: int = 0  # read, blank ones included
    counts: dict[str, TypeCounts] = field(default_factory=dict)
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0

    @property
    def stored(self) -> bool:
        return self.error_count == 0

    def total(self, outcome: str) -> int:
        return sum(getattr(counts, outcome) for counts in self.counts.values())

    def summary(self) -> dict:
        """Counts only, fit for the audit trail."""
        return {
            "lines": self.lines,
            "created": self.total("created"),
            "updated": self.total("updated"),
            "unchanged": self.total("unchanged"),
            "by_type": {kind: vars(counts) for kind, counts in sorted(self.counts.items())},
        }


def import_file(
    path: str | Path,
    *,
    update: bool = False,
    progress: Progress | None = None,
    on_error: ErrorSink | None = None,
) -> ImportResult:
    """Import one JSON Lines file as a unit (see the module docstring).

    ``progress`` is called now and then with the number of bytes read so far;
    ``on_error`` with each bad line, in line order, as soon as it is found.
    Raises ``OSError`` when the file cannot be opened.
    """
    with open(path, "rb", buffering=1024 * 1024) as stream:
        return import_lines(
            str(path), read_lines(stream), update=update, progress=progress, on_error=on_error
        )


def import_lines(
    name: str,
    lines: Iterable[bytes | str],
    *,
    update: bool = False,
    progress: Progress | None = None,
    on_error: ErrorSink | None = None,
) -> ImportResult:
    """Import the lines of one file (``bytes`` or ``str``, each one line), named
    ``name`` in errors and in the audit trail. ``import_file`` in all but the source.

    With ``update``, a line whose id is stored with other content replaces the stored
    record instead of being an error.
    """
    result = ImportResult(name)
    try:
        with transaction.atomic():
            _FileImport(result, update=update, on_error=on_error).run(lines, progress)
            if result.stored:
                events.record("imports:file:imported", file=name, **result.summary())
            else:
                transaction.set_rollback(True)
    except DatabaseError as error:  # the commit itself failed
        _add_error(
            result,
            LineError(None, f"the database refused the file: {_first_line(error)}"),
            on_error,
        )
    if not result.stored:
        result.counts.clear()
        events.record("imports:file:rejected", file=name, bad_lines=result.error_count)
    return result


@dataclass
class _Pending:
    """A valid line waiting for its batch to be written."""

    line: int
    external_id: str
    digest: str
    values: dict
    files: list[dict[str, str]]
    stored_pk: int | None = None  # of the record this line replaces

    @property
    def mention(self) -> Mention:
        return Mention(self.digest, self.line)


_TYPE_NAME = re.compile(r"[a-z_]{1,40}")


class _FileImport:
    def __init__(self, result: ImportResult, *, update: bool, on_error: ErrorSink | None):
        self.result = result
        self.update = update
        self.on_error = on_error
        self.organizations = Organizations()
        self.seen = SeenIds()
        self.pending: dict[str, list[_Pending]] = defaultdict(list)
        self.pending_count = 0
        self.errors: list[LineError] = []  # those of the batch, reported at its end

    def run(self, lines: Iterable[bytes | str | Oversized], progress: Progress | None) -> None:
        bytes_read = 0
        for number, raw in enumerate(lines, start=1):
            bytes_read += line_size(raw)
            self.result.lines = number
            self._take(number, raw)
            if self.pending_count >= BATCH_SIZE or len(self.errors) >= BATCH_SIZE:
                self._flush()
                if progress:
                    progress(bytes_read)
        self._flush()
        if progress:
            progress(bytes_read)
        self.seen.close()

    def _take(self, number: int, raw: bytes | str | Oversized) -> None:
        try:
            parsed = parse_line(raw, first=number == 1)
            if parsed is None:
                return
            record, digest = parsed
            kind_name, kind = _kind(record)
            line = kind.schema.model_validate(record)
            values = kind.values(line, self.organizations)
        except (BadLine, Refused) as error:
            return self._error(number, str(error))
        except ValidationError as error:
            return self._error(number, describe(error))
        self.pending[kind_name].append(
            _Pending(number, line.id, digest, values, kind.files(line) if kind.files else [])
        )
        self.pending_count += 1

    def _error(self, line: int, reason: str) -> None:
        self.errors.append(LineError(line, reason))

    # -- writing a batch -------------------------------------------------------------------

    def _flush(self) -> None:
        for kind_name, batch in self.pending.items():
            self._write(kind_name, KINDS[kind_name], batch)
        self.pending.clear()
        self.pending_count = 0
        for error in sorted(self.errors, key=lambda error: error.line or 0):
            _add_error(self.result, error, self.on_error)
        self.errors.clear()

    def _write(self, kind_name: str, kind: RecordKind, batch: list[_Pending]) -> None:
        counts = self.result.counts.setdefault(kind_name, TypeCounts())
        firsts = self._first_mentions(kind_name, batch, counts)
        stored = {
            external_id: (pk, digest)
            for external_id, pk, digest in kind.model.objects.filter(
                external_id__in=[pending.external_id for pending in firsts]
            ).values_list("external_id", "pk", "import_digest")
        }
        new: list[_Pending] = []
        changed: list[_Pending] = []
        for pending in firsts:
            if pending.external_id not in stored:
                new.append(pending)
                continue
            pk, digest = stored[pending.external_id]
            if digest == pending.digest:
                counts.unchanged += 1
            elif self.update:
                pending.stored_pk = pk
                changed.append(pending)
            else:
                self._error(pending.line, _conflict(kind_name, pending.external_id, digest))
        counts.created += self._apply(new, lambda part: self._insert(kind, part))
        counts.updated += self._apply(changed, lambda part: self._replace(kind, part))

    def _first_mentions(
        self, kind_name: str, batch: list[_Pending], counts: TypeCounts
    ) -> list[_Pending]:
        """The lines of the batch whose id has not come up earlier in the file. A repeat
        with the same content counts as unchanged; with other content it is an error."""
        firsts: dict[str, _Pending] = {}
        for pending in batch:
            firsts.setdefault(pending.external_id, pending)
        earlier = self.seen.earlier(kind_name, list(firsts))
        self.seen.add(
            kind_name,
            {
                external_id: pending.mention
                for external_id, pending in firsts.items()
                if external_id not in earlier
            },
        )
        kept = []
        for pending in batch:
            first = earlier.get(pending.external_id) or firsts[pending.external_id].mention
            if first.line == pending.line:
                kept.append(pending)
            elif first.digest == pending.digest:
                counts.unchanged += 1
            else:
                self._error(
                    pending.line,
                    f"{kind_name} '{pending.external_id}' already came "
                    f"up on line {first.line} with other content",
                )
        return kept

    def _apply(self, batch: list[_Pending], write: Callable[[list[_Pending]], None]) -> int:
        """Write the batch in one go; when the database refuses, write it one line at a
        time to name the lines it refuses. Returns how many lines were written."""
        if not batch:
            return 0
        try:
            with transaction.atomic():
                write(batch)
            return len(batch)
        except DatabaseError:
            pass
        written = 0
        for pending in batch:
            try:
                with transaction.atomic():
                    write([pending])
                written += 1
            except DatabaseError as error:
                self._error(pending.line, f"the database refused the record: {_first_line(error)}")
        return written

    def _insert(self, kind: RecordKind, batch: list[_Pending]) -> None:
        rows.insert(
            kind.model,
            [
                {
                    "external_id": pending.external_id,
                    "import_digest": pending.digest,
                    **pending.values,
                }
                for pending in batch
            ],
        )
        if kind.files:
            pks = dict(
                kind.model.objects.filter(
                    external_id__in=[pending.external_id for pending in batch]
                ).values_list("external_id", "pk")
            )
            _add_files([pks[pending.external_id] for pending in batch], batch)

    def _replace(self, kind: RecordKind, batch: list[_Pending]) -> None:
        now = timezone.now()
        records = [
            kind.model(
                pk=pending.stored_pk,
                external_id=pending.external_id,
                import_digest=pending.digest,
                updated_at=now,
                **pending.values,
            )
            for pending in batch
        ]
        kind.model.objects.bulk_update(records, ["import_digest", "updated_at", *batch[0].values])
        if kind.files:
            ReportFile.objects.filter(report__in=[record.pk for record in records]).delete()
            _add_files([record.pk for record in records], batch)


def _add_files(report_pks: list[int], batch: list[_Pending]) -> None:
    files = [
        {"report_id": report_pk, "position": position, **values}
        for report_pk, pending in zip(report_pks, batch, strict=True)
        for position, values in enumerate(pending.files, start=1)
    ]
    if files:
        rows.insert(ReportFile, files)


def _kind(record: dict) -> tuple[str, RecordKind]:
    if "type" not in record:
        raise BadLine("missing field 'type'")
    kind_name = record["type"]
    if not isinstance(kind_name, str):
        raise BadLine("'type' should be a string")
    if kind_name not in KINDS:
        shown = f" '{kind_name}'" if _TYPE_NAME.fullmatch(kind_name) else ""
        raise BadLine(f"unknown type{shown}")
    return kind_name, KINDS[kind_name]


def _conflict(kind_name: str, external_id: str, stored_digest: str) -> str:
    if not stored_digest:
        return (
            f"{kind_name} '{external_id}' already exists, entered outside an import "
            "(use --update to overwrite it)"
        )
    return (
        f"{kind_name} '{external_id}' is already stored with other content "
        "(use --update to replace it)"
    )


def _add_error(result: ImportResult, error: LineError, on_error: ErrorSink | None) -> None:
    result.error_count += 1
    if len(result.errors) < MAX_KEPT_ERRORS:
        result.errors.append(error)
    if on_error:
        on_error(error)


def _first_line(error: Exception) -> str:
    """The database's message without its DETAIL lines, which may quote values."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
