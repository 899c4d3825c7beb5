"""The PDQ index finds exactly what brute force over the hex strings finds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearinghouse.banks import pdq_index
from clearinghouse.banks.matcher import PackedIndex, distances

hashes = st.binary(min_size=32, max_size=32).map(bytes.hex)


def brute_force(values: list[str], query: str) -> list[int]:
    return [bin(int(value, 16) ^ int(query, 16)).count("1") for value in values]


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(hashes, min_size=0, max_size=60),
    more=st.lists(hashes, max_size=20),
    query=hashes,
    near=st.integers(0, 59),
    threshold=st.integers(0, 256),
    tail_rows=st.integers(0, 30),
)
def test_the_index_equals_brute_force(values, more, query, near, threshold, tail_rows):
    if values:  # make some hashes close to the query, where the threshold is decided
        flip = int(query, 16) ^ ((1 << (near % 40)) - 1)
        values[near % len(values)] = f"{flip:064x}"
    index = PackedIndex(tail_rows=tail_rows)
    everything = values + more
    for start, batch in ((0, values), (len(values), more)):  # grown in two steps
        if batch:
            index.append(range(start + 1, start + 1 + len(batch)), [1] * len(batch), batch)
            index.settle()
    thresholds = np.array([-1, threshold], dtype=np.int32)

    ids, found = index.within(np.frombuffer(bytes.fromhex(query), np.uint8), thresholds)

    expected = {
        row_id: distance
        for row_id, distance in enumerate(brute_force(everything, query), start=1)
        if distance <= threshold
    }
    assert dict(zip(ids.tolist(), found.tolist(), strict=True)) == expected


def test_a_bank_without_a_threshold_never_matches():
    index = PackedIndex()
    index.append([1, 2], [1, 2], ["00" * 32, "00" * 32])

    ids, _ = index.within(np.zeros(32, np.uint8), np.array([-1, 256, -1], dtype=np.int32))

    assert ids.tolist() == [1]


def near_copies(rng, originals: np.ndarray, max_bits: int) -> np.ndarray:
    """Each original with up to ``max_bits`` random bits flipped."""
    copies = originals.copy()
    bits = np.unpackbits(copies, axis=1)
    for row in bits:
        row[rng.choice(256, rng.integers(0, max_bits + 1), replace=False)] ^= 1
    return np.packbits(bits, axis=1)


@pytest.fixture(scope="module")
def large_index():
    """60,000 random hashes, added in steps so that the index holds several segments
    (indexed by multi-index hashing, not scanned) and a tail; bank 3 holds a third."""
    rng = np.random.default_rng(4)
    packed = rng.integers(0, 256, size=(60_000, 32), dtype=np.uint8)
    banks = np.where(np.arange(len(packed)) % 3 == 0, 3, 1).astype(np.int32)
    index = PackedIndex(tail_rows=5_000)
    for start, stop in ((0, 50_000), (50_000, 58_000), (58_000, 60_000)):
        index.append_words(
            np.arange(start, stop) + 100, banks[start:stop], packed[start:stop].view(np.uint64)
        )
        index.settle()
    queries = np.concatenate(
        [near_copies(rng, packed[rng.integers(0, len(packed), 150)], 45), packed[:5]]
    )
    return index, packed, banks, queries


@pytest.mark.parametrize("thresholds", [(31, 31), (0, 0), (10, 40), (31, -1), (64, 12)])
def test_multi_index_hashing_misses_nothing_at_any_threshold(large_index, thresholds):
    index, packed, banks, queries = large_index
    limits = np.full(4, -1, dtype=np.int32)
    limits[1], limits[3] = thresholds

    found = index.search(queries.view(np.uint64), limits)

    expected = set()
    for position, query in enumerate(queries):
        near = distances(packed, query).astype(np.int32)
        for row in np.flatnonzero(near <= limits[banks]):
            expected.add((position, int(row), int(near[row])))
    hits = list(zip(found.query.tolist(), found.row.tolist(), found.distance.tolist(), strict=True))
    assert len(hits) == len(set(hits))  # a row within reach of several chunks comes once
    assert set(hits) == expected
    assert expected  # the near copies within the threshold are there to find


def test_the_large_index_is_searched_by_probing_not_scanning(large_index):
    index, *_ = large_index

    assert [(segment.first, segment.last) for segment in index.segments] == [
        (0, 50_000),
        (50_000, 58_000),
    ]
    assert (index.indexed, index.size) == (58_000, 60_000)  # the last rows are scanned
    assert not index.segments[0].plan(31).scan


def test_batched_and_threaded_searches_agree_with_single_ones(large_index):
    index, _, _, queries = large_index
    limits = np.array([-1, 31, -1, 31], dtype=np.int32)
    words = queries.view(np.uint64)

    single = [set(index.search(words[i : i + 1], limits).row.tolist()) for i in range(20)]
    threaded = index.search_parallel(words[:20], limits, threads=2)

    assert [set(threaded.row[threaded.query == i].tolist()) for i in range(20)] == single


def test_each_plan_keeps_the_pigeonhole_bound():
    """A row within ``radius`` is missed only if every chunk differs by more than its
    probed radius: the chunk radii must add up (plus one each) to more than ``radius``."""
    rng = np.random.default_rng(0)
    words = rng.integers(0, 2**63, size=(300_000, 4), dtype=np.uint64)
    segment = pdq_index.Segment(words, 0, len(words))
    for radius in range(0, 48):
        plan = segment.plan(radius)
        if plan.scan:
            continue
        radii = [
            next(r for r in range(width + 1) if pdq_index.ball_size(width, r) == count)
            if count
            else -1
            for width, count in zip(segment.widths, plan.mask_counts, strict=True)
        ]
        assert sum(r + 1 for r in radii) > radius
