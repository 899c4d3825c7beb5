"""Image hashing throughput, decode + MD5 + SHA-1 + PDQ of generated 1024-pixel JPEGs:
ours (``clearinghouse.media.hashing.hash_file``, which also takes SHA-256 and shows the
image as displayed: EXIF orientation, palettes, alpha, CMYK, 16-bit) versus
threatexchange's photo hasher (``pdq_hasher.pdq_from_bytes``, under ``PdqSignal``, with
``hashlib`` MD5 and SHA-1 beside it), side by side, each in its own process, one file at a time.

    python benchmarks/image_hashing.py --peer-python /tmp/venv-peer/bin/python \\
        [--files 200] [--rounds 3]

The pictures are synthetic (gradients, blocks and noise, 1024 x 768 and 768 x 1024).
Both sides must give the same PDQ hash for every file; the best of ``--rounds`` passes
over the files is reported for each, in wall-clock and CPU time. The peer runs twice: as
shipped, and with the C allocator settings ours applies to itself
(``clearinghouse.core.allocator``).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_pictures(folder: Path, count: int) -> list[Path]:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(11)
    paths = []
    for number in range(count):
        width, height = (1024, 768) if number % 2 == 0 else (768, 1024)
        y, x = np.mgrid[0:height, 0:width]
        phase = rng.integers(1, 9)
        pixels = np.stack(
            [x * 255 // width, y * 255 // height, ((x // phase) ^ (y // phase)) % 256], axis=-1
        )
        top, left = rng.integers(0, height // 2), rng.integers(0, width // 2)
        pixels[top : top + height // 3, left : left + width // 3] = rng.integers(0, 256, 3)
        pixels = pixels + rng.integers(0, 24, pixels.shape)
        out = io.BytesIO()
        Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB").save(out, "JPEG", quality=85)
        path = folder / f"picture-{number:04d}.jpg"
        path.write_bytes(out.getvalue())
        paths.append(path)
    return paths


def hash_ours(path: Path) -> str:
    from clearinghouse.media.hashing import hash_file

    return hash_file(path).pdq or ""


def hash_peer(path: Path) -> str:
    """What ``PdqSignal.hash_from_bytes`` does, without its dropping of hashes of
    quality below 50 (ours keeps them, flagged), and the digests beside it."""
    from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_bytes

    data = path.read_bytes()
    hashlib.md5(data, usedforsecurity=False).hexdigest()
    hashlib.sha1(data, usedforsecurity=False).hexdigest()
    return pdq_from_bytes(data)[0]


def run_worker(side: str, folder: Path, rounds: int) -> dict:
    if side == "ours":
        import django

        from clearinghouse.core import allocator

        allocator.tune()  # as every `clearinghouse` process (and the web server's) does

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
        django.setup()
    hasher = hash_ours if side == "ours" else hash_peer
    paths = sorted(folder.glob("*.jpg"))
    hashes = [hasher(path) for path in paths[:2]]  # warm up imports
    wall = cpu = float("inf")
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        hashes = [hasher(path) for path in paths]
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return {
        "files": len(paths),
        "per_s": round(len(paths) / wall, 1),  # wall clock
        "per_cpu_s": round(len(paths) / cpu, 1),  # what the work costs on a shared machine
        "hashes": hashes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", help="the interpreter where threatexchange is")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", choices=("ours", "peer"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_worker(args.worker, args.folder, args.rounds)))
        return
    if not args.peer_python:
        parser.error("--peer-python is required (a venv with threatexchange)")
    from common import machine

    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        write_pictures(Path(folder), args.files)
        results = {}
        for name, side, python, extra_env in sides(args.peer_python):
            command = [python, __file__, "--worker", side, "--folder", folder]
            done = subprocess.run(
                [*command, "--rounds", str(args.rounds)],
                capture_output=True,
                text=True,
                env={**os.environ, **extra_env},
            )
            if done.returncode != 0:
                sys.exit(f"{name} failed:\n{done.stderr}")
            results[name] = json.loads(done.stdout)
    ours = results["ours"]
    for name in results:
        if name != "ours":
            pairs = zip(ours["hashes"], results[name]["hashes"], strict=True)
            results[name]["same_pdq_as_ours"] = sum(a == b for a, b in pairs)
    for result in results.values():
        del result["hashes"]
    print(json.dumps(results, indent=1))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for name, peer in results.items():
        if name != "ours":
            print(
                f"ratio (ours / {name}): {ours['per_s'] / peer['per_s']:.2f}x wall clock, "
                f"{ours['per_cpu_s'] / peer['per_cpu_s']:.2f}x CPU time"
            )


def sides(peer_python: str) -> tuple:
    """Ours (which tunes the C allocator itself, as every ``clearinghouse`` process does:
    ``clearinghouse.core.allocator``); the peer as shipped; and the peer given the same
    allocator settings through glibc's environment variables, so the ratio does not rest
    on that tuning alone."""
    tuned = {
        "MALLOC_MMAP_THRESHOLD_": str(16 * 1024 * 1024),
        "MALLOC_TRIM_THRESHOLD_": str(64 * 1024 * 1024),
    }
    return (
        ("ours", "ours", sys.executable, {}),
        ("peer", "peer", peer_python, {}),
        ("peer, same allocator settings", "peer", peer_python, tuned),
    )


if __name__ == "__main__":
    main()
