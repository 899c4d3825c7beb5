"""From a fresh data directory to a serving web UI: `clearinghouse demo` until the
Arkansas 2023 sheet page answers 200. The issue's goal: under 60 seconds on 2 cores.

    python benchmarks/demo_ready.py [--runs 3]
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import CLI, environment, free_port, machine, summary

TIMEOUT = 180


def one_run() -> float:
    with tempfile.TemporaryDirectory() as scratch:
        port = free_port()
        started = time.monotonic()
        server = subprocess.Popen(
            [str(CLI), "demo", "--port", str(port)],
            env=environment(Path(scratch)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/impact/AR/2023/"
            while time.monotonic() - started < TIMEOUT:
                if server.poll() is not None:
                    raise SystemExit(f"demo exited with {server.returncode}")
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                        if response.status == 200 and b"5,070" in response.read():
                            return time.monotonic() - started
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.2)
            raise SystemExit(f"no answer from {url} within {TIMEOUT} s")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    seconds = [one_run() for _ in range(runs)]
    print(f"machine: {machine()}")
    print(f"fresh data dir -> sheet page served: {summary(seconds)}")


if __name__ == "__main__":
    main()
