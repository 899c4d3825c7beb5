"""The hashes of a file: cryptographic digests for exact matching, PDQ for images and
video PDQ for videos, for matching near-duplicates against the hash banks.

What a file is comes from its magic bytes, never its name. Images are decoded and shown
as a viewer would (``analysis.decode`` and ``analysis.as_displayed``) before PDQ, so the
hash is that of what a person sees. A file that cannot be decoded still gets its
cryptographic digests, with the reason its perceptual hash is missing.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from clearinghouse.media import analysis, magic, video

# PDQ hashes of lower quality (flat or tiny pictures) are kept, but never used to match.
MIN_MATCH_QUALITY = 50
CHUNK_BYTES = 1024 * 1024


@dataclass
class FileHashes:
    file: str
    media_type: str
    md5: str
    sha1: str
    sha256: str
    pdq: str | None = None
    pdq_quality: int | None = None
    vpdq: list[list] | None = None
    problem: str = ""

    @property
    def pdq_usable(self) -> bool:
        return self.pdq is not None and (self.pdq_quality or 0) >= MIN_MATCH_QUALITY

    def as_json(self) -> dict:
        """The record ``clearinghouse hash`` prints: images carry ``pdq``, videos ``vpdq``
        too, and a ``problem`` says why a perceptual hash is missing."""
        record: dict = {
            "file": self.file,
            "media_type": self.media_type,
            "md5": self.md5,
            "sha1": self.sha1,
            "sha256": self.sha256,
            "pdq": self.pdq,
            "pdq_quality": self.pdq_quality,
            "pdq_usable": self.pdq_usable,
        }
        if is_video(self.media_type):
            record["vpdq"] = self.vpdq
        if self.problem:
            record["problem"] = self.problem
        return record


class _Digests:
    def __init__(self) -> None:
        self.md5 = hashlib.md5(usedforsecurity=False)
        self.sha1 = hashlib.sha1(usedforsecurity=False)
        self.sha256 = hashlib.sha256()

    def update(self, data: bytes) -> None:
        for digest in (self.md5, self.sha1, self.sha256):
            digest.update(data)


def is_video(media_type: str) -> bool:
    return media_type.startswith("video/")


def image_pdq(data: bytes) -> tuple[str, int]:
    """PDQ hash and quality of an image's bytes as displayed, or ``analysis.Rejected``."""
    image = analysis.decode(data)
    with image:
        return analysis.pdq(analysis.as_displayed(image))


def hash_file(path: str | os.PathLike[str]) -> FileHashes:
    """All hashes of one file. Raises ``OSError`` if the file cannot be read; a file that
    reads but does not decode is hashed cryptographically, with a ``problem``.

    The file is read once: an image small enough to decode is held in memory for the
    decoder, anything else streams through the digests in chunks.
    """
    digests = _Digests()
    with open(path, "rb") as stream:
        head = stream.read(magic.HEAD_BYTES)
        media_type = magic.sniff(head)
        image_data = None
        is_image = media_type in analysis.DECODABLE_TYPES
        if is_image and os.fstat(stream.fileno()).st_size <= analysis.max_image_bytes():
            image_data = head + stream.read()
            digests.update(image_data)
        else:
            digests.update(head)
            while chunk := stream.read(CHUNK_BYTES):
                digests.update(chunk)
    hashes = FileHashes(
        file=str(path),
        media_type=media_type,
        md5=digests.md5.hexdigest(),
        sha1=digests.sha1.hexdigest(),
        sha256=digests.sha256.hexdigest(),
    )
    if is_image:
        _add_image_pdq(hashes, image_data)
    elif is_video(media_type):
        _add_vpdq(hashes, Path(path))
    return hashes


def _add_image_pdq(hashes: FileHashes, data: bytes | None) -> None:
    if data is None:
        hashes.problem = "the image is over the decode limit"
        return
    try:
        hashes.pdq, hashes.pdq_quality = image_pdq(data)
    except analysis.Rejected as rejected:
        hashes.problem = f"{rejected.status}: {rejected.problem}"


def _add_vpdq(hashes: FileHashes, path: Path) -> None:
    try:
        hashes.vpdq = video.vpdq(path)
    except video.Undecodable as error:
        hashes.problem = f"undecodable video: {error}"
