"""``clearinghouse serve``: the platform behind gunicorn, ready for real traffic.

Gunicorn runs in this process (no second program to install or configure); WhiteNoise,
already in the middleware, serves the static files, so one command is a whole
deployment behind a TLS-terminating proxy.
"""

from __future__ import annotations

import os
import socket

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from gunicorn.app.base import BaseApplication

from clearinghouse.cli import migrate_if_needed

# Each worker runs this many threads: a slow client then holds a thread, not a process.
THREADS_PER_WORKER = 4


def default_workers() -> int:
    """Gunicorn's rule of thumb, two workers a core plus one, capped for small hosts."""
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def check_can_listen(host: str, port: int) -> None:
    """Fail with one clear line now rather than let gunicorn retry a taken port for
    seconds and then exit with a log message."""
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


class Server(BaseApplication):
    """Gunicorn configured from code: no configuration file, no command line of its own."""

    def __init__(self, options: dict, when_ready) -> None:
        self.options = options
        self.when_ready = when_ready
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            # Settings that an older gunicorn lacks (control_socket_disable) are left out.
            if key in self.cfg.settings:
                self.cfg.set(key, value)
        self.cfg.set("when_ready", lambda arbiter: self.when_ready())

    def load(self):
        from clearinghouse.geo import resolve
        from clearinghouse.wsgi import application

        # Loaded once in the master before it forks the workers (``preload_app``), not
        # by each worker's first request while a client waits.
        resolve.warm_up()
        return application


class Command(BaseCommand):
    help = "Serve the platform with gunicorn (static files included) until SIGTERM or Ctrl+C."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="worker processes (default: two a CPU core plus one, at most 8)",
        )

    def handle(self, *args, host: str, port: int, workers: int, **options) -> None:
        if workers < 1:
            raise CommandError(f"--workers {workers}: at least one worker is needed")
        check_can_listen(host, port)
        migrate_if_needed(verbosity=options.get("verbosity", 1))
        # Workers are forked: none of them may inherit the master's database connection.
        connections.close_all()

        url = url_for(host, port)
        server = Server(
            {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "threads": THREADS_PER_WORKER,
                "worker_class": "gthread",
                # Load the application (and ``warm_up``) once in the master; the workers
                # are forked with it loaded instead of each loading it on its own.
                "preload_app": True,
                "accesslog": "-",
                "errorlog": "-",
                "loglevel": "info",
                "proc_name": "clearinghouse",
                "graceful_timeout": 20,
                # Gunicorn 24+ opens a control socket at one fixed path per user, which a
                # second server (a test run beside a demo) would fight over.
                "control_socket_disable": True,
            },
            when_ready=lambda: self.announce(url),
        )
        master = os.getpid()
        try:
            server.run()
        except SystemExit as stop:
            # A forked worker ends with SystemExit too: it must never return into the
            # caller's code (call_command from the demo) as if it were the master.
            if os.getpid() != master:
                raise
            if stop.code not in (0, None):
                raise CommandError(f"the server stopped with status {stop.code}") from None

    def announce(self, url: str) -> None:
        self.stdout.write(f"Serving Clearinghouse at {url} (Ctrl+C or SIGTERM stops it)")
        self.stdout.flush()
