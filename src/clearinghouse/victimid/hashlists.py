"""Reading an agency's hash list: one row per file of the collection, its hashes only.

CSV with a header naming its columns, or JSON Lines (one object per line), with any of
``name`` (the agency's file name), ``md5``, ``sha1``, ``pdq`` and ``pdq_quality``. Every
row needs at least one hash. The list is read whole and checked before anything is
stored: any bad row rejects the list, and the error names the line and what is wrong.

A PDQ hash without ``pdq_quality`` is matched as given (tools that export PDQ often drop
the quality); with a quality under 50 it is kept but never matched, as for files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

COLUMNS = ("name", "md5", "sha1", "pdq", "pdq_quality")
HEX_LENGTHS = {"md5": 32, "sha1": 40, "pdq": 64}
MAX_ROWS = 1_000_000
MAX_LINE_CHARS = 4096
MAX_NAME_CHARS = 255
_HEX = re.compile(r"^[0-9a-f]+$")


class HashListError(ValueError):
    """The list cannot be accepted; ``str()`` says where and why."""


@dataclass(frozen=True)
class HashRow:
    name: str
    md5: str = ""
    sha1: str = ""
    pdq: str = ""
    pdq_quality: int | None = None


def parse(data: bytes) -> list[HashRow]:
    """Every row of the list, or ``HashListError`` for the first bad line."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise HashListError(f"the hash list is not UTF-8 text (byte {error.start})") from None
    lines = text.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if not first:
        raise HashListError("the hash list is empty")
    rows = list(_json_lines(lines) if first.startswith("{") else _csv_rows(lines))
    if not rows:
        raise HashListError("the hash list has a header but no rows")
    if len(rows) > MAX_ROWS:
        raise HashListError(f"the hash list has more than {MAX_ROWS:,} rows")
    return rows


def _csv_rows(lines: list[str]):
    header_number, header = next((n, line) for n, line in enumerate(lines, 1) if line.strip())
    columns = [cell.strip().lower() for cell in next(csv.reader([header]))]
    unknown = [column for column in columns if column not in COLUMNS]
    if unknown or len(set(columns)) != len(columns):
        raise HashListError(
            f"line {header_number}: the first line must name the columns, each once, from "
            f"{', '.join(COLUMNS)} (found {header.strip()[:80]!r})"
        )
    for number, line in enumerate(lines[header_number:], start=header_number + 1):
        if not line.strip():
            continue
        _check_length(number, line)
        try:
            cells = next(csv.reader([line]))
        except csv.Error as error:
            raise HashListError(f"line {number}: not valid CSV: {error}") from None
        if len(cells) != len(columns):
            raise HashListError(
                f"line {number}: expected {len(columns)} columns, found {len(cells)}"
            )
        yield _row(number, dict(zip(columns, cells, strict=True)))


def _json_lines(lines: list[str]):
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        _check_length(number, line)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise HashListError(f"line {number}: not valid JSON: {error.msg}") from None
        if not isinstance(record, dict):
            raise HashListError(f"line {number}: not a JSON object")
        unknown = sorted(set(record) - set(COLUMNS))
        if unknown:
            raise HashListError(f"line {number}: unknown field {unknown[0]!r}")
        yield _row(number, record)


def _check_length(number: int, line: str) -> None:
    if len(line) > MAX_LINE_CHARS:
        raise HashListError(f"line {number}: longer than {MAX_LINE_CHARS} characters")


def _row(number: int, record: dict) -> HashRow:
    try:
        hashes = {kind: _hex(kind, record.get(kind)) for kind in HEX_LENGTHS}
        quality = _quality(record.get("pdq_quality"))
        name = record.get("name") or ""
        if not isinstance(name, str) or len(name) > MAX_NAME_CHARS:
            raise ValueError(f"name must be text of at most {MAX_NAME_CHARS} characters")
    except ValueError as error:
        raise HashListError(f"line {number}: {error}") from None
    if not any(hashes.values()):
        raise HashListError(f"line {number}: no hash (give md5, sha1 or pdq)")
    return HashRow(name=name.strip() or f"row {number}", pdq_quality=quality, **hashes)


def _hex(kind: str, value: object) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{kind} must be a string of hex digits")
    value = value.strip().lower()
    if not _HEX.match(value) or len(value) != HEX_LENGTHS[kind]:
        raise ValueError(f"{kind} must be {HEX_LENGTHS[kind]} hex digits, not {value[:70]!r}")
    return value


def _quality(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        quality = int(value) if not isinstance(value, bool) else -1
    except (TypeError, ValueError):
        quality = -1
    if not 0 <= quality <= 100:
        raise ValueError("pdq_quality must be a whole number from 0 to 100")
    return quality


def as_csv(rows: list[HashRow]) -> str:
    """Rows back as a CSV hash list (for tests and the benchmark)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        quality = "" if row.pdq_quality is None else row.pdq_quality
        writer.writerow([row.name, row.md5, row.sha1, row.pdq, quality])
    return out.getvalue()
