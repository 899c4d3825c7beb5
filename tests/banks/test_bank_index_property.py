"""The packed index finds exactly what brute force over the hex strings finds."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from clearinghouse.banks.matcher import PackedIndex

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
)
def test_the_index_equals_brute_force(values, more, query, near, threshold):
    if values:  # make some hashes close to the query, where the threshold is decided
        flip = int(query, 16) ^ ((1 << (near % 40)) - 1)
        values[near % len(values)] = f"{flip:064x}"
    index = PackedIndex()
    everything = values + more
    for start, batch in ((0, values), (len(values), more)):  # grown in two steps
        if batch:
            index.append(range(start + 1, start + 1 + len(batch)), [1] * len(batch), batch)
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
