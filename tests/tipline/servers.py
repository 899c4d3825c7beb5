"""Helpers for tests that drive a real ``clearinghouse serve`` over HTTP: a server in a
process group of its own (so a test can SIGKILL the gunicorn arbiter and every worker
at once, as a power cut or the OOM killer would), a signed-in browser-like session
(cookies and CSRF, no JavaScript), and Python run inside a data directory through
``clearinghouse shell -c`` with a JSON answer."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import authenticator
import pytest

ANNOUNCEMENT = "Serving Clearinghouse at "
JSON_MARK = "JSON-ANSWER:"


def unused_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class GroupServer:
    """``clearinghouse serve`` leading a new session and process group."""

    url: str
    process: subprocess.Popen
    log: Path

    @property
    def port(self) -> int:
        return urlsplit(self.url).port

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> list[int]:
        """Pids of the group's processes that are still running (not zombies)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after ")".
            state, _ppid, pgrp = stat.rpartition(")")[2].split()[:3]
            if int(pgrp) == self.process.pid and state != "Z":
                pids.append(int(entry.name))
        return pids

    def kill(self, timeout: float = 30) -> None:
        """SIGKILL to the arbiter and every worker at once; returns when none runs."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout)
        deadline = time.monotonic() + timeout
        while self.alive():
            if time.monotonic() > deadline:
                pytest.fail(f"processes {self.alive()} outlived SIGKILL of their group")
            time.sleep(0.05)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (a graceful stop); SIGKILL if it has not ended in ``timeout``."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                pass
        self.kill()


def start_group_server(cli, data_dir: Path, log: Path, *, workers: int = 2, timeout=60):
    """Starts ``clearinghouse serve`` on a free loopback port in a new process group and
    returns once it announces that it serves."""
    port = unused_port()
    with log.open("a") as sink:
        process = cli.popen(
            *("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            data_dir=data_dir,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = GroupServer(f"http://127.0.0.1:{port}/", process, log)
    deadline = time.monotonic() + timeout
    while f"{ANNOUNCEMENT}{server.url}" not in server.output():
        if process.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"the server did not start on port {port}:\n{server.output()}")
        time.sleep(0.05)
    return server


def run_python(cli, data_dir: Path, code: str, timeout: float = 300):
    """Runs ``code`` with ``clearinghouse shell -c`` in the data directory; the code
    calls ``answer(value)`` once, and the value comes back (through JSON)."""
    prelude = (
        "import json as _json\n"
        f"def answer(value):\n    print({JSON_MARK!r} + _json.dumps(value), flush=True)\n"
    )
    ran = cli("shell", "-c", prelude + code, data_dir=data_dir, timeout=timeout)
    assert ran.returncode == 0, f"shell failed:\n{ran.stdout}\n{ran.stderr}"
    for line in ran.stdout.splitlines():
        if line.startswith(JSON_MARK):
            return json.loads(line[len(JSON_MARK) :])
    pytest.fail(f"no answer from the shell:\n{ran.stdout}\n{ran.stderr}")


# A signed-in session over HTTP ------------------------------------------------------------


@dataclass
class Page:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def json(self):
        return json.loads(self.body)


class WebSession:
    """A user agent with a cookie jar: Django's session and CSRF cookies, form posts
    with the CSRF token, no redirects followed (the test looks at each answer)."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"", headers=None) -> Page:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            page = Page(response.status, response.headers, response.read())
        finally:
            connection.close()
        for header in page.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return page

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str] | None = None) -> Page:
        """A form post with the CSRF token, as the site's own forms send it."""
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")  # any page with a form sets the CSRF cookie
        data = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **(fields or {})}
        return self.request(
            "POST",
            path,
            urlencode(data).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def log_in(self, username: str, password: str) -> None:
        form = self.get("/accounts/login/")
        assert form.status == 200, form.status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, "no CSRF token in the login form"
        signed_in = self.request(
            "POST",
            "/accounts/login/",
            urlencode(
                {
                    "csrfmiddlewaretoken": unescape(token.group(1)),
                    "username": username,
                    "password": password,
                }
            ).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert signed_in.status == 302, f"{username} could not sign in:\n{signed_in.text}"
        account = f"{self.host}:{self.port}|{username}"
        authenticator.remember(self.get("/accounts/second-factor/").text, account)
        coded = self.post("/accounts/second-factor/", {"code": authenticator.code(account)})
        assert coded.status == 302, f"{username}: the code was refused:\n{coded.text}"
        assert "sessionid" in self.cookies, "no session cookie after signing in"
