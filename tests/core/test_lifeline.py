"""``core.lifeline``: a process started under ``clearinghouse serve`` leaves when its
parent is gone, as the web server's workers must when the web server is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

GRANDCHILD = textwrap.dedent(
    """
    import sys, time
    from clearinghouse.core import lifeline
    lifeline.watch_parent_if_supervised()
    print("watching", flush=True)
    time.sleep(60)
    """
)

PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdout=sys.stdout)
    print(child.pid, flush=True)
    time.sleep(60)
    """
)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def start_family(supervised: bool) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "CLEARINGHOUSE_SUPERVISED": "1" if supervised else "0"}
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, GRANDCHILD], stdout=subprocess.PIPE, text=True, env=env
    )
    with parent.stdout:
        grandchild = int(parent.stdout.readline())
        assert parent.stdout.readline().strip() == "watching"
    return parent, grandchild


def test_a_supervised_process_leaves_when_its_parent_is_killed():
    parent, grandchild = start_family(supervised=True)

    parent.send_signal(signal.SIGKILL)
    parent.wait()

    deadline = time.monotonic() + 10
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(grandchild)


def test_outside_serve_nothing_is_watched():
    parent, grandchild = start_family(supervised=False)
    try:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        time.sleep(1.5)  # three times the watcher's interval

        assert alive(grandchild)
    finally:
        os.kill(grandchild, signal.SIGKILL)
