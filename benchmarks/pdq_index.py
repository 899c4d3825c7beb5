"""PDQ range search at distance <= 31 against banks of random hashes: our index
(``clearinghouse.banks.pdq_index``) versus threatexchange's ``PDQIndex`` (faiss
``IndexBinaryMultiHash``, the index of the Hasher-Matcher-Actioner), side by side.

    python benchmarks/pdq_index.py --peer-python /tmp/venv-peer/bin/python \\
        [--sizes 1000000 10000000] [--queries 2000] [--recall-queries 200]

Each side runs in its own process (the peer in its own interpreter, where
``threatexchange`` and ``faiss-cpu`` are installed; nothing of it is in the project), one
after the other, on the same hashes and queries drawn from a fixed seed (checked by a
digest). Half the queries are bank hashes with 0 to 31 random bits flipped, half are
random. Measured: build time, resident memory added by the build and the process's peak,
lookups per second one at a time and batched, recall against brute force (numpy, over the
first ``--recall-queries`` queries) and the time from adding a new hash to its first match.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

THRESHOLD = 31
SEED = 20261124


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def bank_hashes(size: int) -> np.ndarray:
    return np.random.default_rng(SEED).integers(0, 256, size=(size, 32), dtype=np.uint8)


def queries_for(bank: np.ndarray, count: int) -> np.ndarray:
    """Half near copies of bank hashes (0 to 31 bits flipped), half random hashes,
    interleaved."""
    rng = np.random.default_rng(SEED + 1)
    queries = rng.integers(0, 256, size=(count, 32), dtype=np.uint8)
    bits = np.unpackbits(bank[rng.integers(0, len(bank), count // 2)], axis=1)
    for row in bits:
        row[rng.choice(256, rng.integers(0, THRESHOLD + 1), replace=False)] ^= 1
    queries[::2][: len(bits)] = np.packbits(bits, axis=1)
    return queries


def new_hash() -> np.ndarray:
    return np.random.default_rng(SEED + 2).integers(0, 256, size=32, dtype=np.uint8)


def digest(*arrays: np.ndarray) -> str:
    sha = hashlib.sha256()
    for array in arrays:
        sha.update(array.tobytes())
    return sha.hexdigest()[:16]


class Clock:
    """Wall-clock and CPU seconds (all threads) of a block: on a shared machine the CPU
    time says what the work costs when other processes take turns on the cores."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def rates(self, count: int) -> list[float]:
        """``[per wall-clock second, per CPU second]``."""
        return [round(count / self.wall, 1), round(count / max(self.cpu, 1e-9), 1)]


# -- ours --------------------------------------------------------------------------------


def run_ours(size: int, query_count: int, recall_count: int) -> dict:
    from clearinghouse.banks.pdq_index import PackedIndex

    bank = bank_hashes(size)
    queries = queries_for(bank, query_count)
    words, query_words = bank.view(np.uint64), queries.view(np.uint64)
    limits = np.array([-1, THRESHOLD], dtype=np.int32)
    warm = PackedIndex(tail_rows=10)  # compile (or load the compiled code) first
    warm.append_words(np.arange(100_000), np.ones(100_000, np.int32), words[:100_000])
    warm.search(query_words[:2], limits)
    del warm
    before = rss_mb()
    started = time.perf_counter()
    index = PackedIndex()
    index.append_words(np.arange(size), np.ones(size, np.int32), words)
    index.settle()
    build = time.perf_counter() - started
    after = rss_mb()

    with Clock() as one_at_a_time:
        for position in range(query_count):
            index.search(query_words[position : position + 1], limits)
    with Clock() as batched:
        index.search(query_words, limits)
    with Clock() as batched_2_threads:
        index.search_parallel(query_words, limits, threads=2)

    found = index.search(query_words[:recall_count], limits)
    hits = zip(found.query.tolist(), found.row.tolist(), found.distance.tolist(), strict=True)
    results = sorted(hits)

    added = new_hash().view(np.uint64).reshape(1, 4)
    started = time.perf_counter()
    index.append_words([size], [1], added)
    assert size in index.search(added, limits).row.tolist()
    new_match = time.perf_counter() - started
    return {
        "build_s": round(build, 2),
        "rss_added_mb": round(after - before),
        "index_mb": round(index.nbytes / 1e6),
        "peak_rss_mb": round(peak_rss_mb()),
        "one_at_a_time_per_s": one_at_a_time.rates(query_count),
        "batched_per_s": batched.rates(query_count),
        "batched_2_threads_per_s": batched_2_threads.rates(query_count),
        "new_hash_matches_after_ms": round(new_match * 1000, 3),
        "digest": digest(bank, queries),
        "results": results,
    }


# -- the peer ----------------------------------------------------------------------------


def run_peer(size: int, query_count: int, recall_count: int) -> dict:
    from threatexchange.signal_type.pdq.pdq_index import PDQIndex

    bank = bank_hashes(size)
    queries = queries_for(bank, query_count)
    text = bank.tobytes().hex()
    hexes = [text[start : start + 64] for start in range(0, len(text), 64)]
    del text
    query_hexes = [query.tobytes().hex() for query in queries]
    before = rss_mb()
    started = time.perf_counter()
    index = PDQIndex(zip(hexes, range(size), strict=True))
    build = time.perf_counter() - started
    after = rss_mb()

    with Clock() as one_at_a_time:
        for query in query_hexes:
            index.query(query)
    with Clock() as batched:  # the faiss index under PDQIndex takes a batch (OpenMP)
        index.index.search_with_distance_in_result(query_hexes, THRESHOLD)

    results = sorted(
        (position, match.metadata, match.similarity_info.distance)
        for position, query in enumerate(query_hexes[:recall_count])
        for match in index.query(query)
    )

    added = new_hash().tobytes().hex()
    started = time.perf_counter()
    index.add(added, size)
    assert size in [match.metadata for match in index.query(added)]
    new_match = time.perf_counter() - started
    return {
        "build_s": round(build, 2),
        "rss_added_mb": round(after - before),
        "peak_rss_mb": round(peak_rss_mb()),
        "one_at_a_time_per_s": one_at_a_time.rates(query_count),
        "batched_per_s": batched.rates(query_count),
        "new_hash_matches_after_ms": round(new_match * 1000, 3),
        "digest": digest(bank, queries),
        "results": results,
    }


# -- the comparison ----------------------------------------------------------------------


def brute_force(size: int, query_count: int, recall_count: int) -> set[tuple[int, int, int]]:
    bank = bank_hashes(size)
    queries = queries_for(bank, query_count)[:recall_count].view(np.uint64)
    words = bank.view(np.uint64)
    truth = set()
    for position, query in enumerate(queries):
        near = np.bitwise_count(words ^ query).sum(axis=1, dtype=np.int32)
        truth |= {(position, int(row), int(near[row])) for row in np.flatnonzero(near <= 31)}
    return truth


def worker(python: str, side: str, size: int, args) -> dict:
    command = [python, __file__, "--worker", side, "--size", str(size)]
    command += ["--queries", str(args.queries), "--recall-queries", str(args.recall_queries)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{side} at {size:,} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def compare(args) -> None:
    from common import machine

    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}")
    for size in args.sizes:
        truth = brute_force(size, args.queries, args.recall_queries)
        sides = {}
        for side, python in (("ours", sys.executable), ("peer", args.peer_python)):
            sides[side] = result = worker(python, side, size, args)
            found = {tuple(hit) for hit in result.pop("results")}
            result["recall"] = round(len(found & truth) / len(truth), 4)
            result["false_hits"] = len(found - truth)
            result["load_average_after"] = round(os.getloadavg()[0], 2)
        assert sides["ours"].pop("digest") == sides["peer"].pop("digest"), "different data"
        ours, peer = sides["ours"], sides["peer"]
        print(f"\n{size:,} hashes; {len(truth)} true matches in the recall queries")
        print(json.dumps(sides, indent=1))
        print(
            "ratios (ours / peer), wall clock [CPU time]: one at a time "
            f"{ratio(ours, peer, 'one_at_a_time_per_s', 'one_at_a_time_per_s')}, batched "
            f"{ratio(ours, peer, 'batched_2_threads_per_s', 'batched_per_s')}, build "
            f"{peer['build_s'] / ours['build_s']:.1f}x faster, memory added "
            f"{ours['rss_added_mb'] / peer['rss_added_mb']:.2f} of the peer's"
        )


def ratio(ours: dict, peer: dict, our_key: str, peer_key: str) -> str:
    wall, cpu = (ours[our_key][i] / peer[peer_key][i] for i in (0, 1))
    return f"{wall:.1f}x [{cpu:.1f}x]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", help="the interpreter where threatexchange is")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--recall-queries", type=int, default=200)
    parser.add_argument("--worker", choices=("ours", "peer"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run = run_ours if args.worker == "ours" else run_peer
        print(json.dumps(run(args.size, args.queries, args.recall_queries)))
    elif not args.peer_python:
        parser.error("--peer-python is required (a venv with threatexchange and faiss-cpu)")
    else:
        compare(args)


if __name__ == "__main__":
    main()
