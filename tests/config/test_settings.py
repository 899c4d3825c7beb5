"""Settings come from the environment and fail fast on a bad value."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

CLI = Path(sys.executable).with_name("clearinghouse")


def run(tmp_path, *args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CLEARINGHOUSE_") and key != "DATABASE_URL"
    }
    environment["CLEARINGHOUSE_DATA_DIR"] = str(tmp_path / "data")
    environment.update(env)
    return subprocess.run(
        [str(CLI), *args], env=environment, capture_output=True, text=True, timeout=120
    )


def production(**extra):
    return {
        "CLEARINGHOUSE_ENV": "production",
        "CLEARINGHOUSE_SECRET_KEY": secrets.token_urlsafe(50),
        "CLEARINGHOUSE_FIELD_KEY": secrets.token_urlsafe(32),
        "CLEARINGHOUSE_VAULT_KEY": secrets.token_urlsafe(32),
        "CLEARINGHOUSE_ALLOWED_HOSTS": "clearinghouse.example.org",
        **extra,
    }


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = run(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CLEARINGHOUSE_ENV": "prod"}, "CLEARINGHOUSE_ENV='prod' is not one of"),
        ({"CLEARINGHOUSE_DEBUG": "maybe"}, "CLEARINGHOUSE_DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "bogus://x"}, "DATABASE_URL"),
        ({"CLEARINGHOUSE_NATIONAL_FIGURES": "some"}, "CLEARINGHOUSE_NATIONAL_FIGURES='some'"),
        (
            {"CLEARINGHOUSE_ENV": "production"},
            "CLEARINGHOUSE_SECRET_KEY (or CLEARINGHOUSE_SECRET_KEY_FILE) must be set",
        ),
        (production(CLEARINGHOUSE_DEBUG="1"), "CLEARINGHOUSE_DEBUG cannot be on in production"),
        (production(CLEARINGHOUSE_ALLOWED_HOSTS=""), "CLEARINGHOUSE_ALLOWED_HOSTS must be set"),
        (
            production(CLEARINGHOUSE_FIELD_KEY_FILE="/nonexistent/key"),
            "set CLEARINGHOUSE_FIELD_KEY or CLEARINGHOUSE_FIELD_KEY_FILE, not both",
        ),
    ],
)
def test_it_refuses_a_bad_setting_by_name(tmp_path, env, message):
    result = run(tmp_path, "check", **env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_secrets_can_come_from_files(tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text(secrets.token_urlsafe(50) + "\n")
    env = production(CLEARINGHOUSE_SECRET_KEY_FILE=str(key_file))
    del env["CLEARINGHOUSE_SECRET_KEY"]
    assert run(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env).returncode == 0
    env["CLEARINGHOUSE_SECRET_KEY_FILE"] = str(tmp_path / "missing")
    result = run(tmp_path, "check", **env)
    assert "CLEARINGHOUSE_SECRET_KEY_FILE=" in result.stderr and result.returncode != 0


def test_a_fresh_data_directory_is_created_migrated_and_keeps_its_secrets(tmp_path):
    result = run(tmp_path, "factsheet", "--state", "AR", "--year", "2023")
    assert result.returncode == 0, result.stderr
    assert (
        "**In 2023, 0 CyberTipline reports were made available to law enforcement in Arkansas.**"
        in result.stdout
    )
    data = tmp_path / "data"
    assert (data / "clearinghouse.sqlite3").exists()
    key = (data / "secrets" / "clearinghouse_field_key").read_text()
    assert oct((data / "secrets" / "clearinghouse_field_key").stat().st_mode & 0o777) == "0o600"
    assert run(tmp_path, "factsheet", "--state", "AR", "--year", "2023").returncode == 0
    assert (data / "secrets" / "clearinghouse_field_key").read_text() == key


def test_the_data_directory_can_be_given_on_the_command_line(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    result = run(
        tmp_path,
        "--data-dir",
        str(elsewhere),
        "factsheet",
        "--state",
        "TX",
        "--year",
        "2022",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "clearinghouse.sqlite3").exists()
    assert '"state": "TX"' in result.stdout


def test_factsheet_rejects_an_unknown_state_clearly(tmp_path):
    result = run(tmp_path, "factsheet", "--state", "ZZ", "--year", "2023")
    assert result.returncode == 1
    assert "'ZZ' is not a US state, district or territory code" in result.stderr
    assert "Traceback" not in result.stderr


def test_factsheet_writes_each_format_to_a_file(tmp_path):
    for fmt, marker in (
        ("text", b"Arkansas Data"),
        ("markdown", b"## NCMEC's"),
        ("html", b"<!doctype html>"),
        ("json", b'"figures"'),
        ("pdf", b"%PDF-"),
    ):
        out = tmp_path / f"sheet.{fmt}"
        result = run(
            tmp_path,
            "factsheet",
            "--state",
            "AR",
            "--year",
            "2023",
            "--format",
            fmt,
            "--output",
            str(out),
        )
        assert result.returncode == 0, result.stderr
        assert marker in out.read_bytes()
