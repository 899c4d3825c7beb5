"""Hashes of a file for matching, from ``clearinghouse.media.hashing`` (the one place
files are hashed: magic-byte typing, PDQ of the image as displayed, video PDQ), plus the
eight rotations and flips of an image's PDQ for rotation-aware matching."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from clearinghouse.media import analysis
from clearinghouse.media import hashing as media_hashing


@dataclass
class FileHashes:
    md5: str
    sha1: str
    pdq: list[str] = field(default_factory=list)  # the image's hash, or its 8 variants
    pdq_quality: int | None = None
    vpdq: list[tuple[str, int]] = field(default_factory=list)  # (frame hash, quality)


def hash_file(path: str | Path, *, dihedral: bool = False) -> FileHashes:
    found = media_hashing.hash_file(path)
    hashes = FileHashes(found.md5, found.sha1, pdq_quality=found.pdq_quality)
    if found.pdq is not None:
        hashes.pdq = [found.pdq]
        if dihedral:
            with analysis.decode(Path(path).read_bytes()) as image:
                pixels = np.ascontiguousarray(np.asarray(analysis.as_displayed(image)))
            hashes.pdq, hashes.pdq_quality = pdq_hashes(pixels, dihedral=True)
    if found.vpdq:
        hashes.vpdq = [(frame_hash, quality) for _, quality, frame_hash, _ in found.vpdq]
    return hashes


def pdq_hashes(pixels: np.ndarray, *, dihedral: bool = False) -> tuple[list[str], int]:
    """The PDQ hex of RGB pixels (with its 7 rotations/flips when ``dihedral``) and
    its quality."""
    import pdqhash

    if dihedral:
        vectors, quality = pdqhash.compute_dihedral(pixels)
    else:
        vector, quality = pdqhash.compute(pixels)
        vectors = [vector]
    return [np.packbits(v.astype(np.uint8)).tobytes().hex() for v in vectors], int(quality)
