"""Fixtures shared by every test module.

The session already runs in a temporary data directory (``tests/plugins/session_env.py``).
Tests that run the ``clearinghouse`` command in a subprocess go through ``cli``: each data
directory it is given is a deployment of its own, on SQLite in that directory or, when
``DATABASE_URL`` names PostgreSQL, in a scratch database created for it and dropped at the
end of the session. A subprocess never touches the developer's database.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import pytest
from testdb import ensure_jurisdictions

CONSOLE_SCRIPT = Path(sys.executable).with_name("clearinghouse")


def unused_port() -> int:
    """A TCP port nothing listens on now (the kernel's pick, released at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ScratchDatabases:
    """One PostgreSQL database per data directory, beside the server of ``DATABASE_URL``,
    named ``<name>_cli_<random>``: created on first use, dropped by ``drop_all``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.parsed = dj_database_url.parse(url)
        self.names: dict[Path, str] = {}

    def _execute(self, statement: str, *names: str) -> None:
        """Runs ``statement`` with each ``{}`` standing for the quoted database name, on
        the server's maintenance database (a database cannot create or drop itself)."""
        import psycopg
        from psycopg import sql

        p = self.parsed
        given = {"user": p.get("USER"), "password": p.get("PASSWORD"), "host": p.get("HOST")}
        given["port"] = str(p["PORT"]) if p.get("PORT") else None
        params = {key: value for key, value in given.items() if value}
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))

    def _new_name(self) -> str:
        return f"{self.parsed['NAME'][:40]}_cli_{secrets.token_hex(4)}"

    def url_for(self, data_dir: Path) -> str:
        if data_dir not in self.names:
            name = self._new_name()
            self._execute("CREATE DATABASE {}", name)
            self.names[data_dir] = name
        return urlsplit(self.url)._replace(path=f"/{self.names[data_dir]}").geturl()

    def copy(self, source: Path, target: Path) -> None:
        """``target``'s database made a copy of ``source``'s (nobody may be connected
        to ``source``'s meanwhile)."""
        name = self._new_name()
        self._execute("CREATE DATABASE {} TEMPLATE {}", name, self.names[source.resolve()])
        self.names[target.resolve()] = name

    def drop_all(self) -> None:
        for name in self.names.values():
            # FORCE: a server that a failed test left running must not keep it alive.
            self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        self.names.clear()


class Cli:
    """Runs the ``clearinghouse`` console script of this virtualenv on a data directory."""

    def __init__(self, default_data_dir: Path, databases: ScratchDatabases | None) -> None:
        self.default_data_dir = default_data_dir
        self.databases = databases

    def env(self, data_dir: Path) -> dict[str, str]:
        env = {**os.environ, "CLEARINGHOUSE_DATA_DIR": str(data_dir)}
        if self.databases is not None:
            env["DATABASE_URL"] = self.databases.url_for(data_dir.resolve())
        return env

    def copy(self, source: Path, target: Path) -> None:
        """A deployment copied: ``source``'s data directory (its database file, if on
        SQLite; its keys and vault) into ``target``, and its PostgreSQL database."""
        shutil.copytree(source, target, dirs_exist_ok=True)
        if self.databases is not None:
            self.databases.copy(source, target)

    def argv(self, args: tuple[str, ...], data_dir: Path, program: list[str] | None) -> list[str]:
        if program is not None:
            return [*program, *args]
        if not CONSOLE_SCRIPT.exists():
            pytest.fail(f"{CONSOLE_SCRIPT} is missing: install the project (pip install -e .)")
        return [str(CONSOLE_SCRIPT), "--data-dir", str(data_dir), *args]

    def __call__(
        self,
        *args: str,
        data_dir: Path | None = None,
        timeout: float = 600,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        data_dir = data_dir or self.default_data_dir
        return subprocess.run(
            self.argv(args, data_dir, None),
            env=self.env(data_dir),
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input,
            check=False,
        )

    def popen(
        self, *args: str, data_dir: Path | None = None, program: list[str] | None = None, **kwargs
    ) -> subprocess.Popen:
        """The command left running (a server); ``program`` replaces the console script,
        e.g. ``[sys.executable, "-c", code]``, with the same environment."""
        data_dir = data_dir or self.default_data_dir
        return subprocess.Popen(
            self.argv(args, data_dir, program), env=self.env(data_dir), **kwargs
        )


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Sends ``sig`` and returns the exit status once the server has ended."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                pytest.fail(f"the server ignored signal {sig} for {timeout}s:\n{self.output()}")
        return self.process.returncode


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The session's temporary data directory (the settings' ``DATA_DIR``)."""
    from django.conf import settings

    assert str(settings.DATA_DIR) == os.environ["CLEARINGHOUSE_DATA_DIR"], "session_env not loaded"
    return settings.DATA_DIR


@pytest.fixture
def free_port() -> int:
    return unused_port()


@pytest.fixture(scope="session")
def cli(data_dir: Path):
    url = os.environ.get("DATABASE_URL", "")
    postgres = url and "postgresql" in dj_database_url.parse(url)["ENGINE"]
    databases = ScratchDatabases(url) if postgres else None
    yield Cli(data_dir, databases)
    if databases is not None:
        databases.drop_all()


@dataclass(frozen=True)
class DemoDeployment:
    data_dir: Path
    output: str  # what ``clearinghouse demo`` printed: its users and their passwords
    seconds: float  # how long the command took


@pytest.fixture(scope="session")
def demo_template(cli: Cli, tmp_path_factory: pytest.TempPathFactory) -> DemoDeployment:
    """``clearinghouse demo --no-serve`` run once a test process, as a newcomer runs it:
    never used itself, only copied by ``demo_deployment`` (it takes half a minute)."""
    data_dir = tmp_path_factory.mktemp("demo-template")
    started = time.monotonic()
    demo = cli("demo", "--no-serve", data_dir=data_dir)
    seconds = time.monotonic() - started
    assert demo.returncode == 0, f"clearinghouse demo --no-serve failed:\n{demo.stderr}"
    return DemoDeployment(data_dir, demo.stdout, seconds)


@pytest.fixture(scope="session")
def demo_deployment(cli: Cli, demo_template: DemoDeployment, tmp_path_factory):
    """``demo_deployment(name)``: a deployment of its own holding the demo's world, a
    copy of ``demo_template`` that the caller may change."""

    def copy(name: str) -> DemoDeployment:
        data_dir = tmp_path_factory.mktemp(name)
        cli.copy(demo_template.data_dir, data_dir)
        return DemoDeployment(data_dir, demo_template.output, demo_template.seconds)

    return copy


@pytest.fixture(scope="session")
def start_server(cli: Cli, tmp_path_factory: pytest.TempPathFactory):
    """``start_server(data_dir, *extra_args, program=None)``: ``clearinghouse serve --port
    <free> --workers 2 *extra_args`` (those arguments after ``program`` instead, if given),
    returned once it says it is serving; servers still running at the end are stopped."""
    servers: list[RunningServer] = []

    def start(
        data_dir: Path, *args: str, program: list[str] | None = None, timeout: float = 60
    ) -> RunningServer:
        port = unused_port()
        log = tmp_path_factory.mktemp("server") / "server.log"
        with log.open("w") as sink:
            process = cli.popen(
                *("serve", "--port", str(port), "--workers", "2", *args),
                data_dir=data_dir,
                program=program,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        server = RunningServer(f"http://127.0.0.1:{port}/", process, log)
        servers.append(server)
        deadline = time.monotonic() + timeout
        while f"Serving Clearinghouse at {server.url}" not in server.output():
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop(signal.SIGKILL)
                pytest.fail(f"the server did not start on port {port}:\n{server.output()}")
            time.sleep(0.1)
        return server

    yield start
    for server in servers:
        server.stop()


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _jurisdictions(request):
    """The jurisdictions a migration loads are there for every database test: the flush
    after a test that commits erases them, and with the suite spread over processes
    (``make test`` runs pytest-xdist) any test may follow such a one."""
    uses_database = request.node.get_closest_marker("django_db") is not None
    if not uses_database and DATABASE_FIXTURES.isdisjoint(request.fixturenames):
        return
    request.getfixturevalue("_django_db_helper")
    ensure_jurisdictions()
