"""Collection review: files per second for a 100,000-file synthetic collection, with 1
and 2 task workers (issue 4, Child Victim Identification).

    python benchmarks/cvip_review.py [--files 100000] [--workers 1,2] [--bank 10000]
        [--mode hashes|images] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
        [--no-sqlite]

What is measured: a submission is made (through ``victimid.services``, as the portal and
the API make it), then N real ``clearinghouse db_worker`` processes are started, and the
clock runs from their start until the submission is marked processed (every file hashed
if need be, matched against the identified-series banks, its result written). files/s
is the collection's size divided by that time. The intake (parsing and storing the
submission) is timed separately.

The collection:

- ``hashes`` (default): a hash list of N rows (MD5, SHA-1 and PDQ of quality 100 each),
  random except that 1% of rows carry a bank's MD5 and 1% a PDQ within distance 8 of a
  bank's PDQ. Each row costs what a file costs after hashing: two exact look-ups and a
  PDQ range search (through ``banks.matcher``), and its result write.
- ``images``: N small PNGs (64x64, smooth random colour waves, nothing depicted), stored
  encrypted in the vault at intake, then read back, decoded and PDQ-hashed by the
  workers. The vault also queues its own analysis of every new file, which the same
  workers run: that is part of what a collection of files costs the platform.

The banks: one identified-series bank of ``--bank`` MD5 and ``--bank`` PDQ hashes. Each
configuration gets a fresh data directory (SQLite) or a scratch database (PostgreSQL).
The matched count is checked against what the collection holds (for images, at least
the banked 1%: a few random pictures also fall within PDQ distance 31 of a banked one).
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import psycopg
from common import CLI, environment, machine

SETUP = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
import django
django.setup()
from clearinghouse.cli import migrate_if_needed
migrate_if_needed()
import numpy as np
from clearinghouse.accounts.models import Organization, User
from clearinghouse.banks.models import BankHash, HashBank

rng = np.random.default_rng(4)
agency = Organization.objects.create(kind="law_enforcement", name="Bench PD", jurisdiction_id="AR")
User.objects.create(username="officer", role="officer", organization=agency)
bank = HashBank.objects.create(name="series-bench", label="Bench series")
md5s = [rng.bytes(16).hex() for _ in range({bank})]
pdqs = [rng.bytes(32).hex() for _ in range({bank})]
rows = [BankHash(bank=bank, hash_type="md5", value=v, label="Bench series") for v in md5s]
rows += [BankHash(bank=bank, hash_type="pdq", value=v, label="Bench series") for v in pdqs]
BankHash.objects.bulk_create(rows, batch_size=5000)
"""

SUBMIT_HASHES = """
from clearinghouse.victimid import hashlists, services

def near(hex_hash):
    bits = bytearray(bytes.fromhex(hex_hash))
    for bit in rng.choice(256, 8, replace=False):
        bits[bit // 8] ^= 1 << (bit % 8)
    return bits.hex()

rng = np.random.default_rng({seed})
bank_md5 = list(BankHash.objects.filter(hash_type="md5").values_list("value", flat=True))
bank_pdq = list(BankHash.objects.filter(hash_type="pdq").values_list("value", flat=True))
rows = []
for n in range({files}):
    md5 = bank_md5[n % len(bank_md5)] if n % 100 == 0 else rng.bytes(16).hex()
    pdq = near(bank_pdq[n % len(bank_pdq)]) if n % 100 == 50 else rng.bytes(32).hex()
    rows.append(hashlists.HashRow(f"IMG_{{n:06}}.jpg", md5, rng.bytes(20).hex(), pdq, 100))
data = hashlists.as_csv(rows).encode()
officer = User.objects.get(username="officer")
started = time.monotonic()
submission = services.submit_hash_list(agency, officer, data, channel="api")
print(submission.pk, time.monotonic() - started, {files} // 100 * 2)
"""

SUBMIT_IMAGES = """
import io
from PIL import Image
from clearinghouse.banks.models import BankHash
from clearinghouse.media import hashing
from clearinghouse.victimid import services

rng = np.random.default_rng({seed})
y, x = np.mgrid[0:64, 0:64] / 64

class Upload(io.BytesIO):
    def __init__(self, name, data):
        super().__init__(data)
        self.name, self.size = name, len(data)

def picture():
    pixels = np.zeros((64, 64, 3))
    for channel in range(3):
        for _ in range(3):
            fx, fy, phase = rng.uniform(0.5, 4, 2).tolist() + [rng.uniform(0, 6.3)]
            pixels[..., channel] += np.sin(2 * np.pi * (fx * x + fy * y) + phase)
    out = io.BytesIO()
    Image.fromarray(np.clip(128 + 30 * pixels, 0, 255).astype(np.uint8)).save(out, "PNG")
    return out.getvalue()

uploads = [Upload(f"IMG_{{n:06}}.png", picture()) for n in range({files})]
# 1% of the pictures go into the series bank (their own PDQ), so they match.
known = [hashing.image_pdq(uploads[n].getvalue())[0] for n in range(0, {files}, 100)]
bank = HashBank.objects.get(name="series-bench")
BankHash.objects.bulk_create(
    [BankHash(bank=bank, hash_type="pdq", value=v, label="Bench series") for v in known],
    ignore_conflicts=True,
)
officer = User.objects.get(username="officer")
started = time.monotonic()
submission = services.submit_files(agency, officer, uploads, channel="api")
print(submission.pk, time.monotonic() - started, len(known))
"""


class Target:
    """One deployment: a data directory and its database (SQLite, or scratch PostgreSQL)."""

    def __init__(self, scratch: Path, postgres: str | None) -> None:
        self.data_dir = scratch / f"data-{uuid.uuid4().hex[:6]}"
        self.data_dir.mkdir()
        self.name = self.url = self.admin = None
        if postgres:
            self.name = f"clearinghouse_bench_{uuid.uuid4().hex[:8]}"
            self.admin = postgres.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(self.admin, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')
            self.url = postgres.rsplit("/", 1)[0] + f"/{self.name}"
        self.env = environment(self.data_dir, self.url)
        self.env["CLEARINGHOUSE_TASKS_BACKEND"] = "database"

    def python(self, code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            sys.exit(done.stderr)
        return done.stdout.strip()

    def query(self, sql: str, *params):
        if self.url:
            with psycopg.connect(self.url) as connection:
                return connection.execute(sql.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.data_dir / "clearinghouse.sqlite3", timeout=60) as connection:
            return connection.execute(sql, params).fetchall()

    def drop(self) -> None:
        if self.name:
            with psycopg.connect(self.admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE "{self.name}" WITH (FORCE)')


def review(target: Target, submission_id: int, workers: int) -> float:
    """Seconds from starting ``workers`` db_workers until the submission is processed."""
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [str(CLI), "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
            env=target.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        query = "SELECT processed_at FROM victimid_cvipsubmission WHERE id = ?"
        while not target.query(query, submission_id)[0][0]:
            time.sleep(0.2)
        return time.monotonic() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait()


def measure(args, workers: int, postgres: str | None, scratch: Path, seed: int) -> str:
    target = Target(scratch, postgres)
    try:
        target.python(SETUP.format(bank=args.bank))
        submit = SUBMIT_HASHES if args.mode == "hashes" else SUBMIT_IMAGES
        output = target.python(_submit(submit, args, seed))
        submission_id, intake, expected = output.split()
        seconds = review(target, int(submission_id), workers)
        matched = target.query(
            "SELECT COUNT(*) FROM victimid_cvipitem WHERE submission_id = ? AND matched = ?",
            int(submission_id),
            True,
        )[0][0]
        # Among 100,000 smooth random pictures a few land within PDQ distance 31 of a
        # banked one (near-duplicates by PDQ's measure), so images may match a few more.
        exact = args.mode == "hashes"
        if matched < int(expected) or (exact and matched != int(expected)):
            sys.exit(f"matched {matched} files, expected {expected}")
        database = "PostgreSQL" if postgres else "SQLite"
        return (
            f"| {args.mode} | {args.files:,} | {database} | {workers} | {float(intake):.1f} | "
            f"{seconds:.1f} | {args.files / seconds:,.0f} | {matched:,} |"
        )
    finally:
        target.drop()


def _submit(template: str, args, seed: int) -> str:
    prelude = SETUP.split("rng = ")[0] + "agency = Organization.objects.get(name='Bench PD')\n"
    return prelude + template.format(files=args.files, seed=seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--bank", type=int, default=10_000)
    parser.add_argument("--mode", choices=("hashes", "images"), default="hashes")
    parser.add_argument("--postgres", help="a PostgreSQL server URL to measure on as well")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print("| collection | files | database | workers | intake s | review s | files/s | matched |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    targets = ([] if args.no_sqlite else [None]) + ([args.postgres] if args.postgres else [])
    with tempfile.TemporaryDirectory(prefix="cvip-bench-") as scratch:
        for postgres in targets:
            for seed, workers in enumerate(int(w) for w in args.workers.split(",")):
                print(measure(args, workers, postgres, Path(scratch), seed), flush=True)


if __name__ == "__main__":
    main()
