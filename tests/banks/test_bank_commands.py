"""``clearinghouse banks ...`` and ``clearinghouse match FILE...``."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clearinghouse.banks.models import BankHash, HashBank

PDQ_DIR = Path("/work/shared/testdata/pdq")


def run(*args: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=stdout, stderr=stderr)
        code = 0
    except CommandError as error:
        stderr.write(f"CommandError: {error}\n")
        code = error.returncode
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def bridge_bank_file(hash_file_of, expected_pdq):
    bridge = expected_pdq["bridge-1-original.jpg"]
    small = expected_pdq["small.jpg"]
    return hash_file_of(
        "type,hash,label",
        f"md5,{bridge['md5']},bridge bytes",
        f"pdq,{bridge['pdq']},bridge picture",
        f"pdq,{small['pdq']},small picture",
    )


@pytest.mark.django_db
def test_it_imports_lists_exports_and_deletes_a_bank(bridge_bank_file, tmp_path):
    assert run("banks", "import", "--bank", "series-1", str(bridge_bank_file)) == (
        0,
        f"{bridge_bank_file}: 3 added, 0 unchanged\n",
        "",
    )
    code, out, _ = run("banks", "import", "--bank", "series-1", str(bridge_bank_file))
    assert out == f"{bridge_bank_file}: 0 added, 3 unchanged\n"
    assert run("banks", "disable", "series-1")[1] == "series-1: disabled\n"
    assert run("banks", "list")[1] == "series-1\tdisabled\tthreshold 31\t3 hashes\n"
    assert run("banks", "enable", "series-1")[1] == "series-1: enabled\n"

    output = tmp_path / "out.csv"
    run("banks", "export", "--bank", "series-1", "--output", str(output))
    assert run("banks", "export", "--bank", "series-1")[1] == output.read_text()
    assert output.read_text().splitlines()[0] == "type,hash,label"
    assert len(output.read_text().splitlines()) == 4

    assert run("banks", "delete", "series-1")[1] == "series-1: deleted with 3 hashes\n"
    assert not HashBank.objects.exists()


@pytest.mark.django_db
def test_a_bad_import_lists_file_colon_line_and_stores_nothing(hash_file_of):
    path = hash_file_of(f"md5,{'a' * 32},ok", "pdq,xyz,bad")

    code, out, err = run("banks", "import", "--bank", "series-1", str(path))

    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{path}:2: pdq hash is not hexadecimal",
        f"CommandError: {path}: rejected, 1 bad line; nothing from it was stored",
    ]
    assert not BankHash.objects.exists()


@pytest.mark.django_db
def test_an_unknown_bank_is_an_error():
    code, _, err = run("banks", "enable", "nope")
    assert (code, err) == (1, "CommandError: no bank named 'nope'\n")


@pytest.mark.django_db
def test_match_prints_each_files_matches_as_json_lines(bridge_bank_file):
    run("banks", "import", "--bank", "series-1", str(bridge_bank_file))
    files = [
        PDQ_DIR / name for name in ("bridge-1-original.jpg", "small.jpg", "bridge-2-rotate-90.jpg")
    ]

    code, out, err = run("match", *map(str, files))

    assert (code, err) == (0, "")
    original, small, rotated = (json.loads(line) for line in out.splitlines())
    assert original["file"] == str(files[0])
    assert {
        (m["bank"], m["label"], m["hash_type"], m["distance"]) for m in original["matches"]
    } == {
        ("series-1", "bridge bytes", "md5", 0),
        ("series-1", "bridge picture", "pdq", 0),
    }
    assert small["pdq_quality"] < 50
    assert small["matches"] == []  # its own hash is in the bank, but quality 0 never matches
    assert rotated["matches"] == []


@pytest.mark.django_db
def test_match_with_rotations_finds_a_rotated_copy(bridge_bank_file):
    run("banks", "import", "--bank", "series-1", str(bridge_bank_file))

    code, out, _ = run("match", "--rotations", str(PDQ_DIR / "bridge-2-rotate-90.jpg"))

    [match] = json.loads(out)["matches"]
    assert (match["bank"], match["label"], match["hash_type"]) == (
        "series-1",
        "bridge picture",
        "pdq",
    )
    assert match["distance"] <= 31


def test_the_clearinghouse_command_imports_and_matches(cli, tmp_path, bridge_bank_file):
    data_dir = tmp_path / "data"
    image = tmp_path / "copy.jpg"
    shutil.copy(PDQ_DIR / "bridge-1-original.jpg", image)

    imported = cli(
        "banks", "import", "--bank", "series-1", str(bridge_bank_file), data_dir=data_dir
    )
    matched = cli("match", str(image), data_dir=data_dir)
    missing = cli("match", str(tmp_path / "absent.jpg"), data_dir=data_dir)

    assert imported.returncode == 0, imported.stderr
    assert matched.returncode == 0, matched.stderr
    labels = sorted(m["label"] for m in json.loads(matched.stdout)["matches"])
    assert labels == ["bridge bytes", "bridge picture"]
    assert missing.returncode == 1
    assert "absent.jpg: cannot read" in missing.stderr


@pytest.mark.django_db
def test_match_finds_a_video_by_its_frames(hash_file_of):
    """A bank video is the frame hashes of the reference vPDQ output; the video file itself
    is hashed by ``match`` and matched as a bag of frames."""
    videos = Path("/work/shared/testdata/vpdq")
    frames = [
        f"vpdq,{line.split(',')[2]},pattern video"
        for line in (videos / "pattern-sd-with-small-logo-bar.txt").read_text().splitlines()
    ]
    run("banks", "import", "--bank", "videos", str(hash_file_of("type,hash,label", *frames)))

    code, out, err = run(
        "match",
        str(videos / "pattern-sd-with-small-logo-bar.mp4"),
        str(videos / "test-padded-dimensions.mp4"),
    )

    assert (code, err) == (0, "")
    pattern, padded = (json.loads(line) for line in out.splitlines())
    assert [(m["bank"], m["label"], m["hash_type"]) for m in pattern["matches"]] == [
        ("videos", "pattern video", "vpdq")
    ]
    assert pattern["matches"][0]["distance"] <= 6
    assert padded["matches"] == []
