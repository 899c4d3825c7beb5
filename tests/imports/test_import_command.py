"""``clearinghouse import FILE [FILE ...] [--update] [--quiet]``."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clearinghouse.support.models import PeerSupport

BAD_LINE = '{"type": "peer_support", "id": "bad", "state": "AR"}'


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``call_command("import", ...)``."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=stdout, stderr=stderr)
        code = 0
    except CommandError as error:
        stderr.write(f"CommandError: {error}\n")
        code = error.returncode
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.mark.django_db
def test_it_imports_a_file_and_says_what_it_stored(jsonl, many):
    path = jsonl(*many(3))

    code, out, err = run(str(path))

    assert (code, err) == (0, "")
    assert out == f"{path}: 3 created, 0 updated, 0 unchanged (peer_support 3)\n"
    assert PeerSupport.objects.count() == 3


@pytest.mark.django_db
def test_it_exits_1_and_lists_each_bad_line_as_file_colon_line(jsonl, many):
    path = jsonl(*many(2), BAD_LINE, "{oops", *many(2, start=5))

    code, out, err = run(str(path))

    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{path}:3: missing field 'family_id'; missing field 'supported_at'",
        f"{path}:4: not valid JSON: Expecting property name enclosed in double quotes (column 2)",
        f"{path}: rejected, 2 bad lines; nothing from it was stored",
        "CommandError: 1 of 1 files rejected; nothing from it was stored",
    ]
    assert not PeerSupport.objects.exists()


@pytest.mark.django_db
def test_each_file_is_its_own_unit(jsonl, many):
    first = jsonl(*many(3), name="first.jsonl")
    second = jsonl(*many(3, start=10), BAD_LINE, name="second.jsonl")
    third = jsonl(*many(2, start=20), name="third.jsonl")

    code, out, err = run(str(first), str(second), str(third))

    assert code == 1
    assert out.splitlines() == [
        f"{first}: 3 created, 0 updated, 0 unchanged (peer_support 3)",
        f"{third}: 2 created, 0 updated, 0 unchanged (peer_support 2)",
    ]
    assert f"{second}:4: missing field 'family_id'" in err
    assert err.endswith("CommandError: 1 of 3 files rejected; nothing from it was stored\n")
    assert sorted(PeerSupport.objects.values_list("external_id", flat=True)) == [
        "PS-0", "PS-1", "PS-2", "PS-20", "PS-21",
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error_and_nothing_is_imported(jsonl, many, tmp_path):
    present = jsonl(*many(2))

    code, _, err = run(str(present), str(tmp_path / "absent.jsonl"), str(tmp_path))

    assert code == 1
    assert err == (
        f"CommandError: nothing imported: {tmp_path / 'absent.jsonl'}: no such file; "
        f"{tmp_path}: is a directory\n"
    )
    assert not PeerSupport.objects.exists()


@pytest.mark.django_db
def test_a_conflicting_reimport_fails_unless_update(jsonl, record):
    assert run(str(jsonl(record("peer_support", "P-1"), name="first.jsonl")))[0] == 0
    changed = jsonl(record("peer_support", "P-1", state="TX"), name="changed.jsonl")

    refused = run(str(changed))
    updated = run("--update", str(changed))
    again = run(str(changed))

    assert refused[0] == 1
    assert f"{changed}:1: peer_support 'P-1' is already stored with other content" in refused[2]
    assert updated[:2] == (0, f"{changed}: 0 created, 1 updated, 0 unchanged (peer_support 1)\n")
    assert again[:2] == (0, f"{changed}: 0 created, 0 updated, 1 unchanged (peer_support 1)\n")
    assert PeerSupport.objects.get().state_id == "TX"


@pytest.mark.django_db
def test_quiet_prints_no_summary_but_still_the_bad_lines(jsonl, many):
    good, bad = jsonl(*many(2), name="good.jsonl"), jsonl(BAD_LINE, name="bad.jsonl")

    assert run("--quiet", str(good)) == (0, "", "")
    code, out, err = run("--quiet", str(bad))

    assert (code, out) == (1, "")
    assert err.startswith(f"{bad}:1: missing field 'family_id'")


# -- the real command line -----------------------------------------------------------------


COMMAND = str(Path(sys.executable).with_name("clearinghouse"))


def cli_env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "CLEARINGHOUSE_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)  # its own database, never the one of the test run
    return env


def cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    """``clearinghouse ...`` in a fresh process, on a SQLite database in ``data_dir``."""
    return subprocess.run(  # noqa: S603 - our own entry point
        [COMMAND, *args],
        env=cli_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_line_exits_0_then_1_without_a_traceback(jsonl, many, tmp_path):
    data_dir = tmp_path / "data"
    good = jsonl(*many(5), name="good.jsonl")
    bad = jsonl(*many(5, start=10), BAD_LINE, name="bad.jsonl")

    first = cli("import", str(good), data_dir=data_dir)  # migrates the fresh data dir first
    second = cli("import", str(good), str(bad), data_dir=data_dir)

    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == f"{good}: 5 created, 0 updated, 0 unchanged (peer_support 5)\n"
    assert second.returncode == 1
    assert second.stdout == f"{good}: 0 created, 0 updated, 5 unchanged (peer_support 5)\n"
    assert second.stderr.splitlines() == [
        f"{bad}:6: missing field 'family_id'; missing field 'supported_at'",
        f"{bad}: rejected, 1 bad line; nothing from it was stored",
        "CommandError: 1 of 2 files rejected; nothing from it was stored",
    ]
    assert "Traceback" not in second.stderr


def test_the_command_line_rejects_a_missing_file(tmp_path):
    result = cli("import", str(tmp_path / "absent.jsonl"), data_dir=tmp_path / "data")

    assert result.returncode == 1
    assert result.stderr == (
        f"CommandError: nothing imported: {tmp_path / 'absent.jsonl'}: no such file\n"
    )


def test_a_terminal_sees_a_progress_bar_with_the_bad_lines_above_it(jsonl, many, tmp_path):
    bad = jsonl(*many(3000), BAD_LINE, name="bad.jsonl")
    terminal, stderr = pty.openpty()
    process = subprocess.Popen(  # noqa: S603 - our own entry point
        [COMMAND, "import", str(bad)],
        env={**cli_env(tmp_path / "data"), "COLUMNS": "200"},
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    os.close(stderr)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the process has closed its end
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)

    assert process.wait(timeout=120) == 1
    text = shown.decode()
    assert "━" in text and re.search(r"\d/\d+\.\d kB", text)  # a bar, by bytes read
    assert f"{bad}:3001: missing field 'family_id'" in text
    assert "Traceback" not in text
