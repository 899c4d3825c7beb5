"""From the bytes of an import file to JSON objects, one line at a time.

This is where untrusted input is first touched, so sizes are checked before anything is
decoded or parsed, and nothing that goes wrong here raises anything but ``BadLine``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

MAX_LINE_BYTES = 1024 * 1024
_SKIP_CHUNK = 64 * 1024


class BadLine(Exception):
    """What is wrong with one line. The message never quotes the line: it may hold
    personal data, and errors end up on terminals and in logs."""


@dataclass(frozen=True)
class Oversized:
    """A line longer than ``MAX_LINE_BYTES``, skipped without being held in memory."""

    size: int


def read_lines(stream: BinaryIO) -> Iterator[bytes | Oversized]:
    """Every line of ``stream`` (newline included), holding at most one line of
    ``MAX_LINE_BYTES`` at a time."""
    while line := stream.readline(MAX_LINE_BYTES + 2):  # room for a closing "\r\n"
        if len(line.rstrip(b"\r\n")) <= MAX_LINE_BYTES:
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n") and (line := stream.readline(_SKIP_CHUNK)):
            size += len(line)
        yield Oversized(size)


def line_size(raw: bytes | str | Oversized) -> int:
    return raw.size if isinstance(raw, Oversized) else len(raw)


def parse_line(raw: bytes | str | Oversized, *, first: bool = False) -> tuple[dict, str] | None:
    """The JSON object on a line and its digest, or None for a blank line.

    The digest is the SHA-256 of the object's canonical JSON (keys sorted, no spaces),
    so that the same record written with other spacing or key order is the same line.
    """
    if isinstance(raw, Oversized):
        raise BadLine(f"line is longer than {MAX_LINE_BYTES // 1024 // 1024} MiB")
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw.rstrip(b"\r\n")) > MAX_LINE_BYTES:
        raise BadLine(f"line is longer than {MAX_LINE_BYTES // 1024 // 1024} MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadLine(f"not valid UTF-8 (byte {error.start + 1})") from None
    if first:
        text = text.removeprefix("\ufeff")
    if not text.strip():
        return None
    record = _load(text)
    return record, _digest(record)


def _load(text: str) -> dict:
    try:
        record = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise BadLine(f"not valid JSON: {error.msg} (column {error.colno})") from None
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        raise BadLine(f"not valid JSON: {error}") from None
    except RecursionError:
        raise BadLine("not valid JSON: nested too deeply") from None
    if not isinstance(record, dict):
        raise BadLine("not a JSON object")
    return record


def _object(pairs: list[tuple[str, object]]) -> dict:
    record = dict(pairs)
    if len(record) != len(pairs):
        keys = [key for key, _ in pairs]
        repeated = next(key for key in keys if keys.count(key) > 1)
        raise BadLine(f"field '{printable_name(repeated)}' appears twice")
    return record


def _constant(name: str) -> None:
    raise BadLine(f"not valid JSON: {name} is not a number in JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_constant)
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _digest(record: dict) -> str:
    try:
        canonical = _CANONICAL.encode(record).encode("utf-8")
    except UnicodeEncodeError:
        raise BadLine("a \\u escape stands for half a character (a lone surrogate)") from None
    return hashlib.sha256(canonical).hexdigest()


def printable_name(name: str) -> str:
    """A field name fit to quote in an error: the names are ours, but a bad line may put
    anything in their place."""
    shown = name[:40]
    if not shown.isprintable():
        shown = shown.encode("ascii", "backslashreplace").decode()
    return shown + ("..." if len(name) > 40 else "")
