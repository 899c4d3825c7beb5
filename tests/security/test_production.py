"""The production settings themselves (``CLEARINGHOUSE_ENV=production``), in a process of
their own: they pass Django's deployment checks, and what they serve is HTTPS only,
with HSTS, the strict policy and secure cookies."""

from __future__ import annotations

import json
import secrets
import subprocess

import pytest

HOST = "clearinghouse.example.org"
# Runs in ``clearinghouse shell``: a few requests through the whole stack, as the
# TLS-terminating proxy forwards them, and their headers printed as JSON.
PROBE = f"""
import json
from django.test import Client

client = Client(headers={{"host": "{HOST}"}})
answers = {{
    "http": client.get("/"),
    "https": client.get("/", headers={{"x-forwarded-proto": "https"}}),
    "login": client.get("/accounts/login/", headers={{"x-forwarded-proto": "https"}}),
}}
print(json.dumps({{
    name: {{"status": r.status_code, "headers": dict(r.items()),
            "cookies": {{k: dict(v) for k, v in r.cookies.items()}}}}
    for name, r in answers.items()
}}))
"""


@pytest.fixture
def production(cli, tmp_path):
    data_dir = tmp_path / "production"
    env = {
        **cli.env(data_dir),
        "CLEARINGHOUSE_ENV": "production",
        "CLEARINGHOUSE_SECRET_KEY": secrets.token_urlsafe(50),
        "CLEARINGHOUSE_FIELD_KEY": secrets.token_urlsafe(32),
        "CLEARINGHOUSE_VAULT_KEY": secrets.token_urlsafe(32),
        "CLEARINGHOUSE_ALLOWED_HOSTS": HOST,
    }
    env.pop("CLEARINGHOUSE_DEBUG", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cli.argv(args, data_dir, None),
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    return run


def test_production_passes_the_deployment_checks_and_serves_https_only(production):
    check = production("check", "--deploy", "--fail-level", "WARNING")
    assert check.returncode == 0, check.stdout + check.stderr

    probe = production("shell", "-c", PROBE)
    assert probe.returncode == 0, probe.stderr
    answers = json.loads(probe.stdout.strip().splitlines()[-1])

    assert answers["http"]["status"] == 301
    assert answers["http"]["headers"]["Location"] == f"https://{HOST}/"
    page = answers["https"]["headers"]
    assert answers["https"]["status"] == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    login = answers["login"]
    assert "no-store" in login["headers"]["Cache-Control"]
    csrf = login["cookies"]["csrftoken"]
    assert csrf["secure"] is True and csrf["httponly"] is True
