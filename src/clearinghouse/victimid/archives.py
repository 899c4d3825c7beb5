"""Reading a ZIP archive of a collection's files, with the guards an untrusted archive
needs: a cap on members and on each member's size (checked on the declared sizes before
anything is extracted, and again on the bytes actually read, since the directory can
lie), and a refusal of members that inflate past ``MAX_RATIO`` (decompression bombs).

An upload can carry at most Django's ``DATA_UPLOAD_MAX_NUMBER_FILES`` files (100 by
default); an archive is how a collection of thousands of files is sent in one go.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

MAX_RATIO = 200  # a real photo or video barely compresses; 200:1 is a bomb
MAX_TOTAL_BYTES = 64 * 1024**3


class ArchiveError(ValueError):
    """The archive is refused; ``str()`` says why."""


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    info: zipfile.ZipInfo


def open_archive(upload: BinaryIO) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(f"not a readable ZIP archive ({error})") from None


def checked_members(archive: zipfile.ZipFile, *, max_files: int, max_bytes: int) -> list[Member]:
    """The archive's files (directories skipped), or ``ArchiveError`` before any is read."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    if not members:
        raise ArchiveError("the archive holds no files")
    if len(members) > max_files:
        raise ArchiveError(f"the archive holds more than {max_files:,} files")
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise ArchiveError(f"{info.filename}: encrypted members are not accepted")
        if info.file_size > max_bytes:
            raise ArchiveError(f"{info.filename}: larger than {max_bytes:,} bytes")
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1024**2:
            raise ArchiveError(f"{info.filename}: inflates more than {MAX_RATIO}:1 (a bomb?)")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise ArchiveError(f"the archive inflates to more than {MAX_TOTAL_BYTES:,} bytes")
    return [
        Member(PurePosixPath(info.filename).name[:255], info.file_size, info) for info in members
    ]


def read_members(
    archive: zipfile.ZipFile, members: list[Member]
) -> Iterator[tuple[Member, BinaryIO]]:
    """Each member with a stream of its bytes (CRC checked by ``zipfile`` at the end)."""
    for member in members:
        with archive.open(member.info) as stream:
            yield member, stream
