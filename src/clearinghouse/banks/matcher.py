"""Matching hashes against the enabled banks.

MD5 and SHA-1 are looked up in the database (an exact index). PDQ and video-PDQ frame
hashes are range-searched in memory by ``clearinghouse.banks.pdq_index``: multi-index
hashing compiled with numba, exact (100% recall at any threshold), thousands of lookups
a second against ten million hashes.

The index lives per process. It is loaded once and then refreshed incrementally: each
refresh reads only the rows with an id above the largest one already loaded, and new rows
are searched by a scan until there are enough of them to index, so a hash added to a bank
is matchable at the next query (or within ``refresh_seconds``) without a rebuild. Bank
state (enabled, threshold, deleted) is read at query time, and every hit is confirmed
against the database, so disabled or deleted banks never match.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from clearinghouse.banks.models import BankHash, HashBank
from clearinghouse.banks.pdq_index import PackedIndex, pack_words

__all__ = ["Match", "Matcher", "PackedIndex", "get_matcher", "pack", "distances"]

MIN_QUALITY = 50  # PDQ hashes of lower quality are kept but never used to match
VIDEO_MATCH_FRACTION = 0.8


@dataclass(frozen=True)
class Match:
    bank: str
    label: str
    hash_type: str
    distance: int
    value: str

    def as_dict(self) -> dict:
        return {
            "bank": self.bank,
            "label": self.label,
            "hash_type": self.hash_type,
            "distance": self.distance,
            "hash": self.value,
        }


def pack(hex_hashes: Sequence[str]) -> np.ndarray:
    """PDQ hex strings as a ``uint8[n, 32]`` array (the hex's byte order)."""
    raw = bytes.fromhex("".join(hex_hashes))
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(hex_hashes), 32)


def distances(packed: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Hamming distance from one packed query (``uint8[32]``) to every row of ``packed``
    (``uint8[n, 32]``), by brute force: the reference the index is checked against."""
    return np.bitwise_count(np.bitwise_xor(packed, query)).sum(axis=1, dtype=np.uint16)


class Matcher:
    """Matches hashes against the enabled banks. One per process is enough (``get_matcher``);
    it is safe to share between threads."""

    def __init__(self, refresh_seconds: float = 0.0) -> None:
        self.refresh_seconds = refresh_seconds
        self.indexes = {"pdq": PackedIndex(), "vpdq": PackedIndex()}
        self.max_id = 0
        self.full_loads = 0
        self._refreshed_at = -float("inf")
        self._lock = threading.RLock()  # refresh and search never interleave

    # -- keeping the index current -------------------------------------------------------

    def refresh(self, *, force: bool = False) -> int:
        """Load the PDQ rows added since the last refresh; returns how many were loaded."""
        with self._lock:
            now = time.monotonic()
            if not force and now - self._refreshed_at < self.refresh_seconds:
                return 0
            self._refreshed_at = now
            newest = BankHash.objects.order_by("-id").values_list("id", flat=True).first() or 0
            if newest < self.max_id:  # rows vanished under us (a rollback): start over
                self.indexes = {"pdq": PackedIndex(), "vpdq": PackedIndex()}
                self.max_id = 0
            if self.max_id == 0:
                self.full_loads += 1
            return self._load_since(self.max_id)

    def _load_since(self, after_id: int, batch: int = 100_000) -> int:
        loaded = 0
        rows = BankHash.objects.filter(id__gt=after_id, hash_type__in=tuple(self.indexes))
        rows = rows.order_by("id").values_list("id", "bank_id", "hash_type", "value")
        while chunk := list(rows.filter(id__gt=self.max_id)[:batch]):
            for hash_type, index in self.indexes.items():
                picked = [row for row in chunk if row[2] == hash_type]
                if picked:
                    ids, bank_ids, _, values = zip(*picked, strict=True)
                    index.append(ids, bank_ids, values)
            self.max_id = chunk[-1][0]
            loaded += len(chunk)
        return loaded

    # -- matching --------------------------------------------------------------------------

    def match_exact(self, hash_type: str, value: str) -> list[Match]:
        """Banks holding this MD5 or SHA-1 (or exact PDQ) hash."""
        rows = BankHash.objects.filter(hash_type=hash_type, value=value.lower(), bank__enabled=True)
        return [
            Match(row.bank.name, row.label, hash_type, 0, row.value)
            for row in rows.select_related("bank").order_by("bank__name")
        ]

    def match_pdq(self, hashes: str | Sequence[str], quality: int | None) -> list[Match]:
        """Bank PDQ hashes within their bank's threshold of the image's hash.

        ``hashes`` is one PDQ hash, or several (the eight dihedral variants of the image,
        for rotation/flip-aware matching): a bank hash matches at its smallest distance to
        any of them. A query of quality below 50 matches nothing.
        """
        if quality is None or quality < MIN_QUALITY:
            return []
        queries = pack_words([hashes] if isinstance(hashes, str) else list(hashes))
        thresholds = self._thresholds()
        with self._lock:
            self.refresh()
            found = self.indexes["pdq"].search(queries, thresholds)
            hit_ids = self.indexes["pdq"].ids[found.row]
        best: dict[int, int] = {}
        for row_id, distance in zip(hit_ids.tolist(), found.distance.tolist(), strict=True):
            best[row_id] = min(distance, best.get(row_id, distance))
        return self._confirmed(best, "pdq")

    def match_video(self, frames: Sequence[tuple[str, int]]) -> list[Match]:
        """Bank videos matched by a video given as ``(pdq_hex, quality)`` per frame.

        A video is a bag of frame hashes (a bank video is its ``vpdq`` rows of one label):
        it matches when at least 80% of the query's usable frames (quality >= 50) are
        within the bank's threshold of some frame of it. The distance reported is the
        largest of those frames' nearest distances.
        """
        usable = [pdq for pdq, quality in frames if quality >= MIN_QUALITY]
        if not usable:
            return []
        thresholds = self._thresholds()
        with self._lock:
            self.refresh()
            found = self.indexes["vpdq"].search(pack_words(usable), thresholds)
            hit_ids = self.indexes["vpdq"].ids[found.row]
        nearest_per_frame: list[dict[int, int]] = [{} for _ in usable]
        for frame, row_id, distance in zip(
            found.query.tolist(), hit_ids.tolist(), found.distance.tolist(), strict=True
        ):
            nearest_per_frame[frame][row_id] = distance
        row_ids = {row_id for nearest in nearest_per_frame for row_id in nearest}
        rows = BankHash.objects.filter(id__in=row_ids, bank__enabled=True).select_related("bank")
        video_of = {row.id: (row.bank.name, row.label) for row in rows}
        frames_matched: dict[tuple[str, str], list[int]] = {}
        for nearest in nearest_per_frame:
            per_video: dict[tuple[str, str], int] = {}
            for row_id, distance in nearest.items():
                if (video := video_of.get(row_id)) is not None:
                    per_video[video] = min(distance, per_video.get(video, distance))
            for video, distance in per_video.items():
                frames_matched.setdefault(video, []).append(distance)
        return [
            Match(bank, label, "vpdq", max(found), "")
            for (bank, label), found in sorted(frames_matched.items())
            if len(found) >= VIDEO_MATCH_FRACTION * len(usable)
        ]

    def _thresholds(self) -> np.ndarray:
        """Per bank id, its PDQ threshold, or -1 when it is disabled or gone."""
        banks = list(HashBank.objects.values_list("id", "enabled", "pdq_threshold"))
        size = max((bank[0] for bank in banks), default=0) + 1
        thresholds = np.full(size, -1, dtype=np.int32)
        for bank_id, enabled, threshold in banks:
            if enabled:
                thresholds[bank_id] = threshold
        return thresholds

    def _confirmed(self, best: dict[int, int], hash_type: str) -> list[Match]:
        """The hits that the database still holds, in an enabled bank, as ``Match``es."""
        if not best:  # most files match nothing: no query for them
            return []
        rows = BankHash.objects.filter(id__in=best, hash_type=hash_type, bank__enabled=True)
        matches = [
            Match(row.bank.name, row.label, hash_type, best[row.id], row.value)
            for row in rows.select_related("bank")
        ]
        return sorted(matches, key=lambda match: (match.distance, match.bank, match.value))


_matcher: Matcher | None = None
_matcher_lock = threading.Lock()


def get_matcher() -> Matcher:
    """This process's matcher (for long-running workers), refreshing at most every second."""
    global _matcher
    with _matcher_lock:
        if _matcher is None:
            _matcher = Matcher(refresh_seconds=1.0)
        return _matcher
