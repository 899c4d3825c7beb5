"""Bulk import throughput: `clearinghouse import` of generated JSON Lines into a fresh
database, lines per second, on SQLite and (with --postgres URL) PostgreSQL.

    python benchmarks/import_throughput.py [--lines 200000] [--postgres postgres://...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from common import CLI, environment, machine


def write(path: Path, lines) -> int:
    count = 0
    with path.open("w") as handle:
        for line in lines:
            handle.write(json.dumps(line, separators=(",", ":")) + "\n")
            count += 1
    return count


def peer_support(n):
    for i in range(n):
        yield {
            "type": "peer_support",
            "id": f"hope-{i}",
            "family_id": f"family-{i // 3}",
            "state": "AR",
            "supported_at": f"2023-{1 + i % 12:02d}-15T12:00:00Z",
        }


def tipline_reports(n):
    for i in range(n):
        yield {
            "type": "tipline_report",
            "id": f"report-{i}",
            "received_at": "2023-05-01T00:00:00Z",
            "incident_type": "Child Pornography (possession, manufacture, and distribution)",
            "reporting_org": "Example Platform 1",
            "jurisdiction": {"country": "US", "state": "AR"},
            "made_available_at": "2023-05-02T00:00:00Z",
            "files": [
                {"md5": f"{i:032x}", "sha1": f"{i:040x}", "media_type": "image/jpeg"}
                for _ in range(2)
            ],
        }


def missing_cases(n):
    for i in range(n):
        yield {
            "type": "missing_case",
            "id": f"case-{i}",
            "reported_at": "2023-05-01T00:00:00Z",
            "state": "AR",
            "case_type": "endangered_runaway",
            "missing_from_care": True,
            "reported_by": "child_welfare",
            "child": {
                "first_name": "Synthetic",
                "last_name": f"Child-{i}",
                "date_of_birth": "2010-01-01",
                "sex": "U",
            },
        }


def timed_import(path: Path, data_dir: Path, database_url: str | None) -> float:
    env = environment(data_dir, database_url)
    subprocess.run([str(CLI), "migrate", "-v0"], env=env, check=True)
    started = time.monotonic()
    subprocess.run([str(CLI), "import", "--quiet", str(path)], env=env, check=True)
    return time.monotonic() - started


def scratch_postgres(url: str):
    name = f"clearinghouse_bench_{uuid.uuid4().hex[:8]}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name, url.rsplit("/", 1)[0] + f"/{name}", admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to measure too")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print("| records | lines | database | seconds | lines/s |")
    print("|---|---:|---|---:|---:|")
    kinds = [
        ("peer_support", peer_support, args.lines),
        ("tipline_report (2 files each)", tipline_reports, args.lines // 4),
        ("missing_case (encrypted child)", missing_cases, args.lines // 4),
    ]
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for label, generate, n in kinds:
            path = scratch / f"{generate.__name__}.jsonl"
            count = write(path, generate(n))
            targets = [("SQLite", None)]
            if args.postgres:
                targets.append(("PostgreSQL", args.postgres))
            for database, url in targets:
                data_dir = scratch / f"data-{generate.__name__}-{database}"
                if url:
                    name, url, admin = scratch_postgres(url)
                try:
                    seconds = timed_import(path, data_dir, url)
                finally:
                    if url:
                        with psycopg.connect(admin, autocommit=True) as connection:
                            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                print(
                    f"| {label} | {count:,} | {database} | {seconds:.1f} | {count / seconds:,.0f} |"
                )


if __name__ == "__main__":
    main()
