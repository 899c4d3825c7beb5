"""``clearinghouse serve`` runs the background work beside the web server: task workers that
analyse uploaded files and the scheduler, which never outlive the server and are
started again when they die."""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from PIL import Image

from clearinghouse.core.management.commands.serve import Child, Children, background_commands

STARTED = re.compile(r"Started (task worker \d+|scheduler) \(pid: (\d+)\)")

# Waits (up to a minute) until every stored file has been analysed; prints their state.
ANALYSED = """
import json, os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
import django
django.setup()
from clearinghouse.media.models import Blob

deadline = time.monotonic() + 60
while True:
    blobs = list(Blob.objects.values_list("media_type", "status", "analysed_at"))
    if (blobs and all(analysed for *_, analysed in blobs)) or time.monotonic() > deadline:
        break
    time.sleep(0.2)
print(json.dumps([[kind, status, analysed is not None] for kind, status, analysed in blobs]))
"""


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 40, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def report_with_a_file(base_url: str, data: bytes) -> str:
    """Sends the public report form with one file, as a browser does; returns the
    confirmation page."""
    browser = build_opener(HTTPCookieProcessor(CookieJar()))
    form = browser.open(base_url + "report/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    fields = {
        "csrfmiddlewaretoken": token,
        "incident_type": "online_enticement",
        "incident_date": "2024-03-02",
        "description": "An adult sent my child this picture.",
    }
    boundary = secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="picture.png"'
        f"\r\nContent-Type: image/png\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = Request(  # noqa: S310 (a local test server)
        base_url + "report/",
        data=b"".join(parts),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": base_url + "report/",
        },
    )
    with browser.open(request, timeout=30) as response:
        return response.read().decode()


def started(server, count: int, timeout: float = 60) -> dict[str, int]:
    """The pid of each background process, once ``count`` have been started."""
    deadline = time.monotonic() + timeout
    while len(found := dict(STARTED.findall(server.output()))) < count:
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.1)
    return {name: int(pid) for name, pid in found.items()}


def children_of(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                children.append(int(entry.name))
    return children


def descendants_of(pid: int) -> list[int]:
    """Children, their children and so on (the web server's own workers included)."""
    found, frontier = [], [pid]
    while frontier:
        children = [child for parent in frontier for child in children_of(parent)]
        found += children
        frontier = children
    return found


def running(pids) -> list[int]:
    """The pids that are still processes (a zombie has ended)."""
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def wait_until_gone(pids, timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while running(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return running(pids)


@pytest.fixture(scope="module")
def deployment(cli, tmp_path_factory) -> Path:
    """One data directory for the module's servers (one after the other), migrated once."""
    data_dir = tmp_path_factory.mktemp("background")
    migrated = cli("migrate", "-v", "0", data_dir=data_dir)
    assert migrated.returncode == 0, migrated.stderr
    return data_dir


def test_uploads_are_analysed_and_the_workers_die_with_a_killed_server(
    start_server, cli, deployment
):
    server = start_server(deployment, "--task-workers", "1")
    first = started(server, 2)
    assert set(first) == {"task worker 1", "scheduler"}

    confirmation = report_with_a_file(server.url, png())
    assert "P" in confirmation
    analysed = subprocess.run(
        [sys.executable, "-c", ANALYSED],
        env=cli.env(deployment),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(analysed.stdout) == [["image/png", "ok", True]], server.output()

    # A worker that dies is started again.
    os.kill(first["task worker 1"], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while (again := started(server, 2)["task worker 1"]) == first["task worker 1"]:
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.1)
    assert f"Task worker 1 (pid: {first['task worker 1']}) was killed by SIGKILL" in (
        server.output()
    )

    # The server dies at once (SIGKILL, the OOM killer): nothing it started survives it,
    # not even the web server's own worker processes, which hold the port.
    processes = descendants_of(server.process.pid)
    assert {again, first["scheduler"]} <= set(processes)
    assert len(processes) >= 5  # web server and its 2 workers, task worker, scheduler
    server.process.kill()
    server.process.wait()
    assert wait_until_gone(processes) == [], server.output()


def test_a_normal_stop_stops_the_background_processes(start_server, deployment):
    server = start_server(deployment, "--task-workers", "2")
    pids = started(server, 3)
    assert set(pids) == {"task worker 1", "task worker 2", "scheduler"}
    deadline = time.monotonic() + 60  # each has set up its signal handlers
    while not (
        server.output().count("Starting worker worker_id=") == 2 and "Scheduler " in server.output()
    ):
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.1)

    assert server.stop(signal.SIGTERM) == 0, server.output()
    assert running(pids.values()) == []
    for name, pid in pids.items():
        assert f"{name.capitalize()} (pid: {pid}) stopped: it exited with status 0" in (
            server.output()
        )


def test_none_run_when_they_run_elsewhere():
    assert background_commands(0, scheduler=False) == []
    assert [child.name for child in background_commands(2, scheduler=True)] == [
        "task worker 1",
        "task worker 2",
        "scheduler",
    ]


def test_it_refuses_a_negative_number_of_task_workers(cli, deployment):
    result = cli("serve", "--task-workers", "-1", "--no-scheduler", data_dir=deployment, timeout=60)
    assert result.returncode != 0
    assert "--task-workers -1: give 0 or more" in result.stderr


class Log:
    """The supervisor's log, as far as the children use it."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str, *args) -> None:
        self.lines.append(message % args)

    error = info


def test_a_child_that_keeps_dying_is_started_again_later_each_time():
    flaky = Child("flaky", [sys.executable, "-c", "raise SystemExit(3)"])
    children = Children([flaky])
    children.log = Log()
    pids: list[int] = []
    deadline = time.monotonic() + 30
    while len(pids) < 3:
        assert time.monotonic() < deadline, children.log.lines
        children.reap()
        children.start_due()
        if flaky.process is not None and flaky.process.pid not in pids:
            pids.append(flaky.process.pid)
        time.sleep(0.02)
    children.terminate()
    children.wait(time.monotonic() + 10)

    assert f"Flaky (pid: {pids[0]}) exited with status 3; starting it again in 1 s" in (
        children.log.lines
    )
    assert f"Flaky (pid: {pids[1]}) exited with status 3; starting it again in 2 s" in (
        children.log.lines
    )
    assert running(pids) == []
