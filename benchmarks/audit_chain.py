"""The audit trail's hash chain, in process: what writing an event costs, and how fast the
sealer and ``audit verify`` go, on SQLite and (given a server) PostgreSQL.

    python benchmarks/audit_chain.py [--postgres postgres://postgres@127.0.0.1:5432/postgres]
        [--events 20000] [--baseline-src DIR] [--trials 3]

Each database is a scratch one (a fresh data directory for SQLite; a new database on the
given server, dropped afterwards), migrated, then measured in a child process:

- ``insert``: ``events.record`` for ``--events`` events, each its own transaction
  (autocommit, as a request outside ``atomic`` writes one), best of three rounds;
- ``insert in one transaction``: the same inside one ``atomic`` block (as an import does);
- ``seal``: ``chain.seal()`` over everything written, events per second;
- ``verify``: ``chain.verify()`` over the whole chain, events per second.

``--baseline-src`` points at a copy of ``src/`` from before the chain (no seal columns, no
triggers): its inserts are measured the same way, on fresh databases, for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import environment, machine

ROUNDS = 3


def child(events_count: int, with_chain: bool) -> dict:
    """Runs in the child process, on the database of its environment."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from clearinghouse.audit import events

    call_command("migrate", verbosity=0, skip_checks=True)

    def insert_rate(atomic: bool) -> float:
        best = 0.0
        for _ in range(ROUNDS):
            clock = time.perf_counter()
            if atomic:
                with transaction.atomic():
                    for n in range(events_count):
                        events.record("tipline:report:viewed", via="benchmark", number=n)
            else:
                for n in range(events_count):
                    events.record("tipline:report:viewed", via="benchmark", number=n)
            best = max(best, events_count / (time.perf_counter() - clock))
        return best

    result = {"insert": insert_rate(False), "insert in one transaction": insert_rate(True)}
    if with_chain:
        from clearinghouse.audit import chain

        total = 2 * ROUNDS * events_count
        clock = time.perf_counter()
        assert chain.seal() == total
        result["seal"] = total / (time.perf_counter() - clock)
        clock = time.perf_counter()
        verdict = chain.verify()
        assert verdict.ok and verdict.verified == total, verdict
        result["verify"] = total / (time.perf_counter() - clock)
    return result


def measure(database_url: str | None, events_count: int, src: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as data_dir:
        env = environment(Path(data_dir), database_url)
        if src is not None:
            env["PYTHONPATH"] = f"{src}{os.pathsep}{Path(__file__).parent}"
        code = (
            "import json, audit_chain; "
            f"print(json.dumps(audit_chain.child({events_count}, {src is None})))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        return json.loads(done.stdout.strip().splitlines()[-1])


def scratch_postgres(url: str) -> tuple[str, str]:
    import psycopg

    name = f"clearinghouse_bench_{uuid.uuid4().hex[:8]}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name, f"{base}/{name}"


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(postgres: str | None, events_count: int, src: Path | None) -> dict:
    if postgres is None:
        return measure(None, events_count, src)
    name, url = scratch_postgres(postgres)
    try:
        return measure(url, events_count, src)
    finally:
        drop_postgres(postgres, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="a PostgreSQL server's URL (scratch databases)")
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--baseline-src", type=Path, help="src/ from before the chain")
    parser.add_argument(
        "--trials", type=int, default=3, help="runs of each tree, alternated (median shown)"
    )
    args = parser.parse_args()
    print(machine())
    databases = [("SQLite", None)] + ([("PostgreSQL", args.postgres)] if args.postgres else [])
    trees = [("with the chain", None)]
    if args.baseline_src:
        trees.append(("before the chain", args.baseline_src.resolve()))
    for label, url in databases:
        # Alternated, so that the machine's other load weighs on both trees alike.
        results = {tree: [] for tree, _ in trees}
        for _ in range(args.trials):
            for tree, src in trees:
                results[tree].append(run(url, args.events, src))
        for tree, runs in results.items():
            rates = ", ".join(
                f"{key} {statistics.median(run[key] for run in runs):,.0f}/s" for key in runs[0]
            )
            print(f"{label}, {tree} (median of {len(runs)}): {rates}", flush=True)


if __name__ == "__main__":
    main()
