"""Exact PDQ range search by multi-index hashing, compiled to native code with numba.

A 256-bit hash is cut into ``m`` chunks of about ``log2(rows)`` bits each, and every chunk
has a table of the rows by that chunk's value (counting-sorted: ``offsets`` and ``rows``).
A query probes, in chunk ``i``, every value within ``t_i`` bits of its own chunk, and
verifies each row found there by its full Hamming distance. Whatever the hashes, no row
within ``T`` bits of the query is missed when ``sum(t_i + 1) > T``: a row outside every
probed ball differs by at least ``t_i + 1`` bits in each chunk, so by more than ``T`` in
all (the pigeonhole principle). The budget ``t_i`` is spread by the cost of each probe and
each candidate; where probing would cost more than reading every row (a loose threshold
or a small segment), the segment is scanned instead. Either way recall is 100%.

The rows live in growing arrays. Tables cover them in contiguous *segments*; the newest
rows (the *tail*, at most ``TAIL_ROWS``) are scanned, so a hash is matchable as soon as it
is appended. When the tail grows past that, it becomes a segment, and a segment merges
with the one before it while that one is less than ``MERGE_FACTOR`` times larger: few
segments, each rebuilt a logarithmic number of times.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic

TAIL_ROWS = 16_384  # newest rows scanned rather than indexed
MERGE_FACTOR = 4
MAX_WIDTH = 24  # bits of the widest chunk (its table has 2**24 offsets, 64 MiB)
MIN_WIDTH = 8
# Relative costs used to plan a search: a probe and a candidate are each a cache miss;
# scanning a row is a sequential read of 32 bytes.
PROBE_COST = 1.0
CANDIDATE_COST = 1.0
SCAN_COST = 0.06

_U64 = np.uint64
# Compiled code is cached beside this file when it may be written there (a few seconds
# saved at each process's first search), and compiled afresh otherwise.
_CACHE = os.access(os.path.dirname(__file__), os.W_OK) or "NUMBA_CACHE_DIR" in os.environ


@intrinsic
def _popcount(typingctx, value):
    """The CPU's population count of a ``uint64`` (``popcnt``)."""
    signature = types.uint64(types.uint64)

    def codegen(context, builder, sig, args):
        return builder.ctpop(args[0])

    return signature, codegen


@numba.njit(cache=_CACHE, nogil=True, inline="always")
def _chunk_value(words, row, start, width):
    """Bits ``[start, start + width)`` of row ``row`` of ``words`` (``uint64[n, 4]``)."""
    word = start >> 6
    shift = start & 63
    value = words[row, word] >> _U64(shift)
    if shift + width > 64:
        value |= words[row, word + 1] << _U64(64 - shift)
    return value & ((_U64(1) << _U64(width)) - _U64(1))


@numba.njit(cache=_CACHE, nogil=True)
def _build_table(words, first, last, start, width, offsets, rows):
    """Counting sort of rows ``[first, last)`` by one chunk: ``rows[offsets[v]:offsets[v+1]]``
    are the rows whose chunk is ``v``."""
    for row in range(first, last):
        offsets[_chunk_value(words, row, start, width) + _U64(1)] += 1
    for value in range(1, len(offsets)):
        offsets[value] += offsets[value - 1]
    for row in range(first, last):
        value = _chunk_value(words, row, start, width)
        rows[offsets[value]] = row
        offsets[value] += 1
    for value in range(len(offsets) - 1, 0, -1):  # back to the starts
        offsets[value] = offsets[value - 1]
    offsets[0] = 0


@numba.njit(cache=_CACHE, nogil=True, inline="always")
def _distance(words, row, query, q):
    return np.int64(
        _popcount(words[row, 0] ^ query[q, 0])
        + _popcount(words[row, 1] ^ query[q, 1])
        + _popcount(words[row, 2] ^ query[q, 2])
        + _popcount(words[row, 3] ^ query[q, 3])
    )


@numba.njit(cache=_CACHE, nogil=True, inline="always")
def _emit(q, row, distance, out_query, out_row, out_distance, found):
    if found < len(out_row):
        out_query[found] = q
        out_row[found] = row
        out_distance[found] = distance
    return found + 1


@numba.njit(cache=_CACHE, nogil=True)
def _scan(words, bank_ids, limits, first, last, query, out_query, out_row, out_distance, found):
    """Every row of ``[first, last)`` within its bank's limit of each query."""
    for q in range(len(query)):
        for row in range(first, last):
            bank = bank_ids[row]
            if bank < len(limits):
                distance = _distance(words, row, query, q)
                if distance <= limits[bank]:
                    found = _emit(q, row, distance, out_query, out_row, out_distance, found)
    return found


BLOCK = 4096  # candidates gathered before they are verified


@numba.njit(cache=_CACHE, nogil=True)
def _probe(
    words,
    bank_ids,
    limits,
    starts,
    widths,
    offsets,
    offset_bases,
    rows,
    row_bases,
    masks,
    mask_bases,
    mask_counts,
    radii,
    query,
    out_query,
    out_row,
    out_distance,
    found,
):
    """Multi-index hashing: in chunk ``c``, the rows whose chunk value is the query's
    XOR one of its ``mask_counts[c]`` masks (all values within ``radii[c]`` bits), each
    verified by its full distance.

    Each step runs over all probes before the next (bucket bounds, then candidate rows,
    then distances), so the memory reads of one step are independent of each other and
    the processor overlaps their cache misses."""
    bucket_first = np.empty(len(masks), dtype=np.int64)
    bucket_last = np.empty(len(masks), dtype=np.int64)
    bucket_chunk = np.empty(len(masks), dtype=np.int64)
    candidates = np.empty(BLOCK, dtype=np.int64)
    candidate_chunks = np.empty(BLOCK, dtype=np.int64)
    for q in range(len(query)):
        buckets = 0
        for c in range(len(starts)):
            own = _chunk_value(query, q, starts[c], widths[c])
            offset_base = offset_bases[c]
            for m in range(mask_bases[c], mask_bases[c] + mask_counts[c]):
                value = offset_base + np.int64(own ^ masks[m])
                bucket_first[buckets] = row_bases[c] + offsets[value]
                bucket_last[buckets] = row_bases[c] + offsets[value + 1]
                bucket_chunk[buckets] = c
                buckets += bucket_last[buckets] > bucket_first[buckets]
        gathered = 0
        for b in range(buckets):
            at = bucket_first[b]
            while at < bucket_last[b]:
                candidates[gathered] = rows[at]
                candidate_chunks[gathered] = bucket_chunk[b]
                gathered += 1
                at += 1
                if gathered == BLOCK:
                    found = _verify(
                        words, bank_ids, limits, starts, widths, radii, candidates,
                        candidate_chunks, gathered, query, q, out_query, out_row,
                        out_distance, found,
                    )  # fmt: skip
                    gathered = 0
        found = _verify(
            words, bank_ids, limits, starts, widths, radii, candidates, candidate_chunks,
            gathered, query, q, out_query, out_row, out_distance, found,
        )  # fmt: skip
    return found


@numba.njit(cache=_CACHE, nogil=True, inline="always")
def _verify(
    words,
    bank_ids,
    limits,
    starts,
    widths,
    radii,
    candidates,
    candidate_chunks,
    count,
    query,
    q,
    out_query,
    out_row,
    out_distance,
    found,
):
    """The candidates within their bank's limit. A row within reach of several chunks is
    reported by the first of them only (the others see it is within an earlier one's
    radius), so each row is reported once without a set."""
    for k in range(count):
        row = candidates[k]
        distance = _distance(words, row, query, q)
        bank = bank_ids[row]
        if bank < len(limits) and distance <= limits[bank]:
            first = True
            for c in range(candidate_chunks[k]):
                bits = _chunk_value(words, row, starts[c], widths[c]) ^ _chunk_value(
                    query, q, starts[c], widths[c]
                )
                if np.int64(_popcount(bits)) <= radii[c]:
                    first = False
                    break
            if first:
                found = _emit(q, row, distance, out_query, out_row, out_distance, found)
    return found


# -- segments and plans ------------------------------------------------------------------


def chunk_widths(rows: int) -> list[int]:
    """Chunk widths (summing to 256) for a segment of ``rows``: about ``log2(rows)`` bits,
    so a bucket holds about one row."""
    count = round(256 / max(math.log2(max(rows, 2)), 1))
    count = min(256 // MIN_WIDTH, max(math.ceil(256 / MAX_WIDTH), count))
    wide = 256 % count  # this many chunks are one bit wider
    return [256 // count + 1] * wide + [256 // count] * (count - wide)


@cache
def flip_masks(width: int, radius: int) -> np.ndarray:
    """Every ``width``-bit mask of at most ``radius`` bits set, fewest bits first."""
    masks = [0]
    for bits in range(1, radius + 1):
        for positions in itertools.combinations(range(width), bits):
            masks.append(sum(1 << position for position in positions))
    return np.array(masks, dtype=np.uint64)


def ball_size(width: int, radius: int) -> int:
    return sum(math.comb(width, bits) for bits in range(radius + 1))


@dataclass
class Plan:
    """How one segment is searched at one radius: masks per chunk, or a scan."""

    scan: bool
    masks: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))
    mask_bases: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    mask_counts: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    radii: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # -1: unprobed


class Segment:
    """The tables of rows ``[first, last)``, one per chunk."""

    def __init__(self, words: np.ndarray, first: int, last: int) -> None:
        self.first, self.last = first, last
        self.widths = np.array(chunk_widths(last - first), dtype=np.int64)
        self.starts = np.concatenate(([0], np.cumsum(self.widths)[:-1])).astype(np.int64)
        sizes = (1 << self.widths) + 1
        self.offset_bases = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        self.row_bases = np.arange(len(self.widths), dtype=np.int64) * (last - first)
        self.offsets = np.zeros(int(sizes.sum()), dtype=np.int64 if last > 2**31 else np.int32)
        self.rows = np.empty(len(self.widths) * (last - first), dtype=np.uint32)
        for chunk, (start, width) in enumerate(zip(self.starts, self.widths, strict=True)):
            base, size = self.offset_bases[chunk], sizes[chunk]
            _build_table(
                words,
                first,
                last,
                start,
                width,
                self.offsets[base : base + size],
                self.rows[self.row_bases[chunk] : self.row_bases[chunk] + last - first],
            )
        self._plans: dict[int, Plan] = {}

    @property
    def size(self) -> int:
        return self.last - self.first

    @property
    def nbytes(self) -> int:
        return self.offsets.nbytes + self.rows.nbytes

    def plan(self, radius: int) -> Plan:
        """The cheapest exact search for ``radius``: chunk radii ``t_i`` with
        ``sum(t_i + 1) > radius``, given greedily to the chunk where one more bit costs
        least, or a scan when that is cheaper."""
        if radius not in self._plans:
            self._plans[radius] = self._make_plan(radius)
        return self._plans[radius]

    def _make_plan(self, radius: int) -> Plan:
        widths = self.widths.tolist()
        radii = [-1] * len(widths)

        def cost(width: int, chunk_radius: int) -> float:
            probes = ball_size(width, chunk_radius) if chunk_radius >= 0 else 0
            return probes * (PROBE_COST + CANDIDATE_COST * self.size / 2**width)

        for _ in range(radius + 1):
            chunk = min(
                range(len(widths)),
                key=lambda c: cost(widths[c], radii[c] + 1) - cost(widths[c], radii[c]),
            )
            radii[chunk] += 1
            if radii[chunk] >= widths[chunk]:
                return Plan(scan=True)
        total = sum(cost(width, r) for width, r in zip(widths, radii, strict=True))
        if total >= SCAN_COST * self.size:
            return Plan(scan=True)
        masks = [
            flip_masks(w, r) if r >= 0 else np.empty(0, np.uint64)
            for w, r in zip(widths, radii, strict=True)
        ]
        counts = np.array([len(m) for m in masks], dtype=np.int64)
        bases = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        return Plan(False, np.concatenate(masks), bases, counts, np.array(radii, np.int64))


# -- the index ---------------------------------------------------------------------------


@dataclass
class Found:
    """Hits of a search: per hit, the query's position, the row and the distance."""

    query: np.ndarray
    row: np.ndarray
    distance: np.ndarray


def pack_words(hex_hashes: Sequence[str]) -> np.ndarray:
    """PDQ hex strings as ``uint64[n, 4]`` (the bytes of the hex, in order)."""
    raw = bytes.fromhex("".join(hex_hashes))
    return np.frombuffer(raw, dtype=np.uint64).reshape(len(hex_hashes), 4)


class PackedIndex:
    """Bit-packed PDQ hashes with their row ids and bank ids, searched exactly within each
    bank's threshold. Not thread-safe: the matcher holds a lock around it."""

    def __init__(self, tail_rows: int = TAIL_ROWS) -> None:
        self.tail_rows = tail_rows
        self.size = 0
        self.words = np.empty((0, 4), dtype=np.uint64)
        self.ids = np.empty(0, dtype=np.int64)
        self.bank_ids = np.empty(0, dtype=np.int32)
        self.segments: list[Segment] = []

    @property
    def indexed(self) -> int:
        return self.segments[-1].last if self.segments else 0

    @property
    def nbytes(self) -> int:
        arrays = self.words.nbytes + self.ids.nbytes + self.bank_ids.nbytes
        return arrays + sum(segment.nbytes for segment in self.segments)

    def append(self, ids: Sequence[int], bank_ids: Sequence[int], values: Sequence[str]) -> None:
        """Adds hex hashes; they match from the next search on."""
        self.append_words(ids, bank_ids, pack_words(values))

    def append_words(self, ids, bank_ids, words: np.ndarray) -> None:
        needed = self.size + len(words)
        if needed > len(self.ids):  # a quarter to spare: adding a hash rarely copies all
            capacity = max(needed + needed // 4, 1024)
            self.words = _grown(self.words, capacity)
            self.ids = _grown(self.ids, capacity)
            self.bank_ids = _grown(self.bank_ids, capacity)
        self.words[self.size : needed] = words
        self.ids[self.size : needed] = ids
        self.bank_ids[self.size : needed] = bank_ids
        self.size = needed

    def settle(self) -> None:
        """Turns a tail grown past ``tail_rows`` into a segment, merging small segments."""
        if self.size - self.indexed <= self.tail_rows:
            return
        first = self.indexed
        while self.segments and self.segments[-1].size < MERGE_FACTOR * (self.size - first):
            first = self.segments.pop().first
        self.segments.append(Segment(self.words, first, self.size))

    def within(self, query: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row ids and distances of the rows within their bank's threshold of ``query``
        (32 bytes). ``thresholds[bank_id]`` is -1 for a bank that must not match."""
        words = np.ascontiguousarray(query).view(np.uint64).reshape(1, 4)
        found = self.search(words, thresholds)
        return self.ids[found.row], found.distance

    def search(self, queries: np.ndarray, thresholds: np.ndarray) -> Found:
        """Every (query, row) pair within the row's bank threshold, each pair once.
        ``queries`` is ``uint64[q, 4]``."""
        self.settle()
        limits = np.asarray(thresholds, dtype=np.int32)
        radius = int(limits.max(initial=-1))
        if radius < 0 or not self.size or not len(queries):
            return _found([], [], [])
        capacity = 64 + 4 * len(queries)
        while True:
            out = _outputs(capacity)
            count = self._search_into(queries, limits, radius, out)
            if count <= capacity:
                return _found(*(array[:count] for array in out))
            capacity = count

    def search_parallel(self, queries: np.ndarray, thresholds: np.ndarray, threads: int) -> Found:
        """``search`` with the queries split between ``threads`` threads (the compiled
        search releases the GIL)."""
        self.settle()
        parts = np.array_split(np.arange(len(queries)), threads)
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(lambda p: (p, self.search(queries[p], thresholds)), parts))
        return Found(
            np.concatenate([p[found.query] for p, found in results]),
            np.concatenate([found.row for _, found in results]),
            np.concatenate([found.distance for _, found in results]),
        )

    def _search_into(self, queries, limits, radius, out) -> int:
        found = 0
        for segment in self.segments:
            plan = segment.plan(radius)
            if plan.scan:
                found = _scan(
                    self.words, self.bank_ids, limits, segment.first, segment.last, queries,
                    *out, found,
                )  # fmt: skip
            else:
                found = _probe(
                    self.words, self.bank_ids, limits, segment.starts, segment.widths,
                    segment.offsets, segment.offset_bases, segment.rows, segment.row_bases,
                    plan.masks, plan.mask_bases, plan.mask_counts, plan.radii, queries, *out,
                    found,
                )  # fmt: skip
        return _scan(
            self.words, self.bank_ids, limits, self.indexed, self.size, queries, *out, found
        )


def _outputs(capacity: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.empty(capacity, dtype=np.int64),
        np.empty(capacity, dtype=np.int64),
        np.empty(capacity, dtype=np.int64),
    )


def _found(query, row, distance) -> Found:
    return Found(
        np.asarray(query, dtype=np.int64),
        np.asarray(row, dtype=np.int64),
        np.asarray(distance, dtype=np.int64),
    )


def _grown(array: np.ndarray, capacity: int) -> np.ndarray:
    grown = np.empty((capacity, *array.shape[1:]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown
