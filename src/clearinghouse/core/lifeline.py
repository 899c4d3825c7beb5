"""Processes that must not outlive the process that started them.

``clearinghouse serve`` starts the web server, whose worker processes run the
application. If the server is killed (SIGKILL, the OOM killer), the kernel kills the
web server (``PR_SET_PDEATHSIG``), but the web server's own workers would be left
running, still holding the port. So a worker started under ``serve`` (the environment
says so) watches its parent and leaves as soon as it is gone.
"""

from __future__ import annotations

import os
import threading
import time

ENVIRONMENT_FLAG = "CLEARINGHOUSE_SUPERVISED"
INTERVAL = 0.5


def watch_parent_if_supervised() -> None:
    if os.environ.get(ENVIRONMENT_FLAG) == "1":
        watch_parent()


def watch_parent(interval: float = INTERVAL) -> threading.Thread:
    """Ends this process (at once, as SIGKILL would) when its parent has ended."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    thread = threading.Thread(target=watch, name="lifeline", daemon=True)
    thread.start()
    return thread
