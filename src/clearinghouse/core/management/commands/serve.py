"""``clearinghouse serve``: the platform behind a real web server, ready for real traffic.

One command is a whole deployment behind a TLS-terminating proxy. This process is a
small supervisor; it runs, as its children:

- the web server: granian (a web server written in Rust) running the WSGI application
  in ``--workers`` processes; WhiteNoise, in the middleware, serves the static files;
- task workers (``db_worker``, which analyse uploaded files);
- the scheduler of periodic jobs (``clearinghouse scheduler``).

None of them outlives the supervisor: a normal stop (SIGTERM, Ctrl+C) stops them first,
and the kernel kills them if the supervisor dies any other way (``PR_SET_PDEATHSIG``;
the web server's own worker processes leave as soon as their parent is gone, see
``clearinghouse.wsgi``). One that dies on its own is started again, later each time it
dies again at once.

Why granian and not gunicorn (which the project used first): on the reporting API,
measured on the same 2-core machine and the same code, gunicorn's request handling took
3.0 to 4.0 ms of CPU per report (submit + finish) in every worker and thread layout
tried, granian 2.2 to 2.5 ms, and the rest of a report costs about 2.7 ms: the
difference is most of the headroom to the intake goal (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from clearinghouse.cli import migrate_if_needed
from clearinghouse.core import lifeline

# Each web worker runs the application in this many threads: a slow client then holds a
# thread, not a process.
THREADS_PER_WORKER = 4
# How long the web server has to start listening.
READY_TIMEOUT = 120

logger = logging.getLogger("clearinghouse.serve")

# How long the web server and the background processes have to finish what they are
# doing on a normal stop (SIGTERM); on Ctrl+C (SIGINT) they have QUICK_STOP.
GRACEFUL_TIMEOUT = 20
QUICK_STOP = 3

# A background process that dies is started again after RESTART_DELAY, then twice as
# long each time it dies again within STABLE_AFTER seconds, up to MAX_RESTART_DELAY.
RESTART_DELAY = 1.0
MAX_RESTART_DELAY = 60.0
STABLE_AFTER = 30.0

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _linux_prctl():
    """libc's ``prctl``, loaded once here: a child between fork and exec may call it but
    must not load a library."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


_PRCTL = _linux_prctl()


def dies_with_parent(parent: int):
    """The ``preexec_fn`` of a background process: the kernel sends it SIGKILL when its
    parent dies, however that dies (SIGKILL, the OOM killer, a crash). An analysis cut
    short this way is enqueued again by the scheduler (``enqueue_pending``)."""

    def arm() -> None:
        if _PRCTL is not None:
            _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the arm: nobody else will
            os._exit(1)

    return arm


@dataclass
class Child:
    """One background process: its command line, and when to (re)start it."""

    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    start_at: float = 0.0  # time.monotonic() from which it may be started
    delay: float = RESTART_DELAY


def background_commands(task_workers: int, scheduler: bool) -> list[Child]:
    command = [sys.executable, "-m", "clearinghouse.cli"]
    children = [
        Child(f"task worker {number}", [*command, "db_worker", "--no-reload", "--skip-checks"])
        for number in range(1, task_workers + 1)
    ]
    if scheduler:
        children.append(Child("scheduler", [*command, "scheduler", "--skip-checks"]))
    return children


def describe_exit(status: int | None) -> str:
    if status is None:  # somebody else reaped it first
        return "ended"
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with status {code}"


class Children:
    """The server's child processes, run from the supervisor (its main thread:
    the parent-death signal follows the thread that started a child)."""

    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self.stopping = False
        self.log = logger

    def running(self) -> list[Child]:
        return [child for child in self.children if child.process is not None]

    def start_due(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if child.process is None and not self.stopping and now >= child.start_at:
                self.start(child, now)

    def start(self, child: Child, now: float) -> None:
        try:
            child.process = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
                child.argv,
                stdin=subprocess.DEVNULL,
                # A group of their own: a Ctrl+C in the terminal reaches the server, which
                # stops them in order, not them directly.
                process_group=0,
                # preexec_fn is safe here: the supervisor runs no other thread.
                preexec_fn=dies_with_parent(os.getpid()),
            )
        except OSError as error:  # no memory or no process slot left: try again later
            child.started = now
            self.delay_restart(child, f"{child.name.capitalize()} could not start ({error})")
            return
        child.started = now
        self.log.info("Started %s (pid: %s)", child.name, child.process.pid)

    def reap(self) -> None:
        """Collects the children that have ended; each is started again later unless the
        server is stopping."""
        for child in self.running():
            try:
                pid, status = os.waitpid(child.process.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = child.process.pid, None
            if pid == 0:
                continue
            child.process.returncode = os.waitstatus_to_exitcode(status) if status else 0
            self.ended(child, describe_exit(status))

    def ended(self, child: Child, how: str) -> None:
        pid, child.process = child.process.pid, None
        if self.stopping:
            self.log.info("%s (pid: %s) stopped: it %s", child.name.capitalize(), pid, how)
        else:
            self.delay_restart(child, f"{child.name.capitalize()} (pid: {pid}) {how}")

    def delay_restart(self, child: Child, what: str) -> None:
        now = time.monotonic()
        if now - child.started >= STABLE_AFTER:
            child.delay = RESTART_DELAY
        child.start_at = now + child.delay
        self.log.error("%s; starting it again in %.0f s", what, child.delay)
        child.delay = min(child.delay * 2, MAX_RESTART_DELAY)

    def signal(self, signum: int) -> None:
        # os.kill, not Popen.send_signal: that would reap an ended child behind reap().
        for child in self.running():
            try:
                os.kill(child.process.pid, signum)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        """Asks every child to stop (SIGTERM: a task or job under way is finished)."""
        self.stopping = True
        self.signal(signal.SIGTERM)

    def wait(self, deadline: float) -> None:
        """Waits for the children to stop until ``deadline`` (monotonic), then kills the
        ones still running."""
        while self.running() and time.monotonic() < deadline:
            self.reap()
            time.sleep(0.05)
        self.signal(signal.SIGKILL)
        for child in self.running():
            try:
                os.waitpid(child.process.pid, 0)
            except ChildProcessError:
                pass
            child.process.returncode = -signal.SIGKILL
            self.ended(child, "was killed by SIGKILL: it did not stop in time")


def default_workers() -> int:
    """One web worker process a CPU core (each runs ``THREADS_PER_WORKER`` threads)."""
    return max(1, min(os.cpu_count() or 1, 8))


def web_server(host: str, port: int, workers: int) -> Child:
    """The web server, as a child process: granian running ``clearinghouse.wsgi``."""
    return Child(
        "web server",
        [
            sys.executable, "-m", "granian",
            "--interface", "wsgi",
            "--host", host,
            "--port", str(port),
            "--workers", str(workers),
            "--blocking-threads", str(THREADS_PER_WORKER),
            "--no-ws",
            "--access-log",
            "--log-level", "info",
            "--workers-kill-timeout", str(GRACEFUL_TIMEOUT),
            "--respawn-failed-workers",
            "clearinghouse.wsgi:application",
        ],
    )  # fmt: skip


def accepting(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Supervisor:
    """Runs the children until SIGTERM or SIGINT, then stops them in order."""

    def __init__(self, web: Child, background: list[Child]) -> None:
        self.web = web
        self.children = Children([web, *background])
        self.stop_signal: int | None = None

    def request_stop(self, signum, frame) -> None:
        self.stop_signal = signum

    def run(self, host: str, port: int, announce) -> None:
        previous = {
            signum: signal.signal(signum, self.request_stop)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            self.children.start_due()
            self.wait_until_ready(host, port)
            if self.stop_signal is None:
                announce()
            while self.stop_signal is None:
                self.children.reap()
                self.children.start_due()
                time.sleep(0.1)
        finally:
            quick = self.stop_signal == signal.SIGINT
            deadline = time.monotonic() + (QUICK_STOP if quick else GRACEFUL_TIMEOUT + 5)
            self.children.terminate()
            self.children.wait(deadline)
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def wait_until_ready(self, host: str, port: int) -> None:
        """Until the web server accepts connections; a web server that ends first (it
        could not load the application, say) stops everything with its error."""
        deadline = time.monotonic() + READY_TIMEOUT
        probe = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host  # noqa: S104
        while self.stop_signal is None and not accepting(probe, port):
            self.children.reap()
            if self.web.process is None:
                raise CommandError("the web server stopped before it was ready (see above)")
            if time.monotonic() > deadline:
                raise CommandError(f"the web server did not listen within {READY_TIMEOUT} s")
            self.children.start_due()
            time.sleep(0.1)


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def check_can_listen(host: str, port: int) -> None:
    """Fail with one clear line now rather than let the web server fail to bind and
    exit with a log message."""
    if not 1 <= port <= 65535:
        raise CommandError(f"--port {port} is not a TCP port: use a number from 1 to 65535")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise CommandError(f"--host {host!r}: {error.strerror}") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise CommandError(
                f"cannot listen on {url_for(host, port)}: {error.strerror}"
            ) from None


class Command(BaseCommand):
    help = "Serve the platform (static files included) until SIGTERM or Ctrl+C."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="web worker processes (default: one a CPU core, at most 8)",
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=settings.TASK_WORKERS,
            help="background task workers (db_worker) to run beside the server; 0 where "
            "they run on their own (default: CLEARINGHOUSE_TASK_WORKERS, else 1)",
        )
        parser.add_argument(
            "--scheduler",
            action=argparse.BooleanOptionalAction,
            default=settings.SCHEDULER,
            help="run the scheduler of periodic jobs beside the server "
            "(default: CLEARINGHOUSE_SCHEDULER, else on)",
        )

    def handle(
        self,
        *args,
        host: str,
        port: int,
        workers: int,
        task_workers: int,
        scheduler: bool,
        **options,
    ) -> None:
        if workers < 1:
            raise CommandError(f"--workers {workers}: at least one worker is needed")
        if task_workers < 0:
            raise CommandError(f"--task-workers {task_workers}: give 0 or more")
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            task_workers = 0  # tasks run where they are enqueued: there is no queue
        check_can_listen(host, port)
        migrate_if_needed(verbosity=options.get("verbosity", 1))
        # The children open their own connections.
        connections.close_all()
        # The web server's workers leave when the web server is gone (``lifeline``).
        os.environ[lifeline.ENVIRONMENT_FLAG] = "1"

        url = url_for(host, port)
        supervisor = Supervisor(
            web_server(host, port, workers), background_commands(task_workers, scheduler)
        )
        supervisor.run(host, port, announce=lambda: self.announce(url))

    def announce(self, url: str) -> None:
        self.stdout.write(f"Serving Clearinghouse at {url} (Ctrl+C or SIGTERM stops it)")
        self.stdout.flush()
