"""Concurrent writers on a real deployment (its own SQLite file or PostgreSQL database),
in threads of another process, while the sealer runs: every event is sealed exactly
once into a valid chain; ``clearinghouse audit verify`` says so, and says otherwise once
an event is changed behind the triggers' back."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

WRITERS = Path(__file__).with_name("audit_writers.py")


def run_writers(cli, data_dir: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(WRITERS), *args],
        env=cli.env(data_dir),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def deployment(cli, tmp_path: Path) -> Path:
    data_dir = tmp_path / "deployment"
    migrated = cli("migrate", "-v", "0", "--skip-checks", data_dir=data_dir)
    assert migrated.returncode == 0, migrated.stderr
    return data_dir


def test_concurrent_writers_are_all_sealed_exactly_once(cli, tmp_path):
    data_dir = deployment(cli, tmp_path)

    written = run_writers(cli, data_dir, "write", "8", "50")

    counts = re.search(r"recorded=(\d+) sealed_during=(\d+)", written)
    assert counts and int(counts[1]) == 400
    assert int(counts[2]) > 0  # the sealer ran while the writers wrote
    sealed = cli("audit", "seal", data_dir=data_dir)
    assert sealed.returncode == 0, sealed.stderr
    verified = cli("audit", "verify", data_dir=data_dir)
    assert verified.returncode == 0, verified.stderr
    assert "Verified 400 sealed events, head 400:" in verified.stdout
    assert "0 awaiting their seal" in verified.stdout


def test_verify_exits_non_zero_naming_the_changed_event(cli, tmp_path):
    data_dir = deployment(cli, tmp_path)
    run_writers(cli, data_dir, "write", "1", "5")
    assert cli("audit", "seal", data_dir=data_dir).returncode == 0
    head = cli("audit", "head", data_dir=data_dir)
    assert re.fullmatch(r"5:[0-9a-f]{64}\n", head.stdout), head.stdout + head.stderr

    tampered = run_writers(cli, data_dir, "tamper", "3")
    verified = cli("audit", "verify", data_dir=data_dir)

    assert tampered.strip() == "tampered"
    assert verified.returncode == 1
    assert "BROKEN: hash mismatch at event id 3 (sequence 3," in verified.stderr
    assert "UNPROTECTED: append-only triggers missing" in verified.stderr
