"""Managing hash banks: import, export, enable/disable, delete. Every change is audited.

An import file is CSV (``type,hash,label``, header optional) or JSON Lines
(``{"type", "hash", "label"}``). It is all-or-nothing, like the record import: every bad
line is reported as ``LineError`` (shown as ``FILE:LINE: reason``) and nothing is stored.
Re-importing the same file changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from clearinghouse.audit import events
from clearinghouse.banks.models import BankHash, HashBank

HEX_LENGTHS = {"md5": 32, "sha1": 40, "pdq": 64, "vpdq": 64}
_BANK_NAME = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
_HEX = re.compile(r"^[0-9a-f]+$")
_LABEL_MAX = BankHash._meta.get_field("label").max_length
MAX_LINE_CHARS = 64 * 1024


class BankError(Exception):
    """A bank operation that cannot be done (unknown bank, bad name)."""


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str


@dataclass
class ImportResult:
    bank: str
    added: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def stored(self) -> bool:
        return not self.errors


def get_bank(name: str) -> HashBank:
    try:
        return HashBank.objects.get(name=name)
    except HashBank.DoesNotExist:
        raise BankError(f"no bank named {name!r}") from None


def parse_entry(hash_type: object, value: object, label: object) -> tuple[str, str, str]:
    """A checked ``(type, hex, label)``; raises ``ValueError`` saying what is wrong."""
    if not isinstance(hash_type, str) or hash_type.strip().lower() not in HEX_LENGTHS:
        raise ValueError(f"unknown hash type (expected one of {', '.join(HEX_LENGTHS)})")
    hash_type = hash_type.strip().lower()
    if not isinstance(value, str):
        raise ValueError("hash must be a string of hex digits")
    value = value.strip().lower()
    if not _HEX.match(value):
        raise ValueError(f"{hash_type} hash is not hexadecimal")
    if len(value) != HEX_LENGTHS[hash_type]:
        raise ValueError(f"{hash_type} hash must be {HEX_LENGTHS[hash_type]} hex digits")
    label = "" if label is None else label
    if not isinstance(label, str):
        raise ValueError("label must be a string")
    if len(label) > _LABEL_MAX:
        raise ValueError(f"label is longer than {_LABEL_MAX} characters")
    return hash_type, value, label.strip()


def read_entries(text: str) -> Iterator[tuple[int, tuple[str, str, str] | LineError]]:
    """Each non-blank line's number and its entry or error; JSON Lines when the first
    non-blank line starts with ``{``, CSV otherwise."""
    lines = text.removeprefix("\ufeff").splitlines()
    first = next((line.lstrip() for line in lines if line.strip()), "")
    parse = _json_line if first.startswith("{") else _csv_line
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            yield number, LineError(number, f"line is longer than {MAX_LINE_CHARS} characters")
            continue
        try:
            entry = parse(line)
        except ValueError as error:
            yield number, LineError(number, str(error))
            continue
        if entry is not None:
            yield number, entry


def _json_line(line: str) -> tuple[str, str, str]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON: {error.msg} (column {error.colno})") from None
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    unknown = sorted(set(record) - {"type", "hash", "label"})
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}")
    return parse_entry(record.get("type"), record.get("hash"), record.get("label"))


def _csv_line(line: str) -> tuple[str, str, str] | None:
    try:
        row = next(csv.reader([line]))
    except csv.Error as error:
        raise ValueError(f"not valid CSV: {error}") from None
    if [cell.strip().lower() for cell in row[:3]] == ["type", "hash", "label"][: len(row)]:
        return None  # the header
    if len(row) not in (2, 3):
        raise ValueError(f"expected 2 or 3 columns (type,hash,label), found {len(row)}")
    return parse_entry(row[0], row[1], row[2] if len(row) == 3 else "")


def import_hashes(bank_name: str, path: str | Path, *, actor=None) -> ImportResult:
    """Add the hashes of one file to a bank (created if needed), all or nothing.

    A hash the bank already holds is left as it is, so importing a file twice adds
    nothing the second time. New PDQ hashes reach running matchers at their next refresh.
    """
    if not _BANK_NAME.match(bank_name):
        raise BankError("a bank name is letters, digits, '-' and '_' (at most 100)")
    text = Path(path).read_text(encoding="utf-8", errors="strict")
    result = ImportResult(bank=bank_name)
    entries: dict[tuple[str, str], str] = {}
    for _number, entry in read_entries(text):
        if isinstance(entry, LineError):
            result.errors.append(entry)
        else:
            entries.setdefault(entry[:2], entry[2])
    if result.errors:
        return result
    with transaction.atomic():
        bank, created = HashBank.objects.get_or_create(name=bank_name)
        if created:
            events.record("media:bank:created", actor=actor, subject=bank)
        known = set(bank.hashes.values_list("hash_type", "value"))
        new = [
            BankHash(bank=bank, hash_type=hash_type, value=value, label=label)
            for (hash_type, value), label in entries.items()
            if (hash_type, value) not in known
        ]
        BankHash.objects.bulk_create(new, batch_size=5000)
        result.added, result.unchanged = len(new), len(entries) - len(new)
        events.record(
            "media:bank:imported",
            actor=actor,
            subject=bank,
            file=Path(path).name,
            added=result.added,
            unchanged=result.unchanged,
        )
    return result


def export_rows(bank: HashBank) -> Iterable[tuple[str, str, str]]:
    return bank.hashes.order_by("hash_type", "id").values_list("hash_type", "value", "label")


def export_bank(bank_name: str, *, actor=None) -> str:
    """The bank as CSV (``type,hash,label`` with a header), importable as it is."""
    bank = get_bank(bank_name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["type", "hash", "label"])
    count = 0
    for row in export_rows(bank):
        writer.writerow(row)
        count += 1
    events.record("media:bank:exported", actor=actor, subject=bank, hashes=count)
    return out.getvalue()


def set_enabled(bank_name: str, enabled: bool, *, actor=None) -> HashBank:
    """Turn a bank's matching on or off; matchers see it at their next query."""
    with transaction.atomic():
        bank = get_bank(bank_name)
        bank.enabled = enabled
        bank.save(update_fields=["enabled"])
        action = "media:bank:enabled" if enabled else "media:bank:disabled"
        events.record(action, actor=actor, subject=bank)
    return bank


def delete_bank(bank_name: str, *, actor=None) -> int:
    """Delete a bank and its hashes; returns how many hashes went with it."""
    with transaction.atomic():
        bank = get_bank(bank_name)
        count = bank.hashes.count()
        events.record("media:bank:deleted", actor=actor, subject=bank, hashes=count)
        bank.delete()
    return count
