"""Shared bits of the benchmarks: the installed command, a clean environment, the machine."""

from __future__ import annotations

import datetime
import os
import platform
import socket
import statistics
import sys
from pathlib import Path

CLI = Path(sys.executable).with_name("clearinghouse")


def environment(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CLEARINGHOUSE_") and key != "DATABASE_URL"
    }
    env["CLEARINGHOUSE_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, {datetime.date.today().isoformat()}"
    )


def summary(seconds: list[float]) -> str:
    return (
        f"median {statistics.median(seconds):.1f} s, min {min(seconds):.1f} s, "
        f"max {max(seconds):.1f} s over {len(seconds)} runs"
    )
