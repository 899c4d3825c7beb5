"""``clearinghouse serve``: the web server in a subprocess, spoken to over real HTTP."""

from __future__ import annotations

import signal
import socket
import sys
from urllib.request import urlopen

from clearinghouse.core.management.commands.serve import url_for

# What the demo does: the serve command through call_command, without the CLI's migration.
CALL_COMMAND = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
import django
django.setup()
from django.core.management import call_command
call_command(*sys.argv[1:])
"""


def get(url: str) -> tuple[int, str, bytes]:
    with urlopen(url, timeout=30) as response:  # noqa: S310 (a local test server)
        return response.status, response.headers["Content-Type"], response.read()


def test_it_serves_pages_and_static_files_then_stops_cleanly_on_sigterm(start_server, tmp_path):
    server = start_server(tmp_path)

    status, _, page = get(server.url + "accounts/login/")
    assert status == 200
    assert b"Clearinghouse" in page
    status, content_type, stylesheet = get(server.url + "static/admin/css/base.css")
    assert (status, content_type.split(";")[0]) == (200, "text/css")
    assert len(stylesheet) > 1000

    assert server.stop(signal.SIGTERM) == 0, server.output()
    assert '"GET /accounts/login/ HTTP/1.1" 200' in server.output()


def test_it_migrates_a_fresh_database_when_called_from_code(start_server, cli, tmp_path):
    server = start_server(tmp_path, program=[sys.executable, "-c", CALL_COMMAND])
    assert get(server.url + "accounts/login/")[0] == 200
    assert server.stop(signal.SIGINT) == 0, server.output()

    plan = cli("showmigrations", "--plan", data_dir=tmp_path)
    assert plan.returncode == 0, plan.stderr
    assert "[X]" in plan.stdout
    assert "[ ]" not in plan.stdout


def test_it_refuses_a_port_out_of_range(cli, tmp_path):
    result = cli("serve", "--port", "70000", data_dir=tmp_path, timeout=60)
    assert result.returncode != 0
    assert "--port 70000 is not a TCP port" in result.stderr


def test_it_refuses_a_port_that_is_not_a_number(cli, tmp_path):
    result = cli("serve", "--port", "eighty", data_dir=tmp_path, timeout=60)
    assert result.returncode != 0
    assert "argument --port: invalid int value: 'eighty'" in result.stderr


def test_it_refuses_a_port_already_taken(cli, tmp_path, free_port):
    with socket.create_server(("127.0.0.1", free_port)):
        result = cli("serve", "--port", str(free_port), data_dir=tmp_path, timeout=60)
    assert result.returncode != 0
    assert f"cannot listen on http://127.0.0.1:{free_port}/: Address already in use" in (
        result.stderr
    )


def test_it_refuses_zero_workers(cli, tmp_path, free_port):
    result = cli("serve", "--port", str(free_port), "--workers", "0", data_dir=tmp_path, timeout=60)
    assert result.returncode != 0
    assert "--workers 0: at least one worker is needed" in result.stderr


def test_it_shows_ipv6_addresses_in_brackets():
    assert url_for("::1", 8000) == "http://[::1]:8000/"
    assert url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
