"""``clearinghouse hash FILE...`` prints one JSON object per file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

PDQ_DATA = Path("/work/shared/testdata/pdq")
VIDEO = Path("/work/shared/testdata/vpdq/test-padded-dimensions.mp4")
IMAGE_KEYS = {"file", "media_type", "md5", "sha1", "sha256", "pdq", "pdq_quality"}


def run(*files) -> tuple[list[dict], list[dict], int]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("hash", *map(str, files), stdout=stdout, stderr=stderr)
    except SystemExit as exit:
        status = exit.code
    lines = [[json.loads(line) for line in s.getvalue().splitlines()] for s in (stdout, stderr)]
    return lines[0], lines[1], status


def test_it_prints_one_json_line_per_image():
    printed, errors, status = run(PDQ_DATA / "wee.jpg", PDQ_DATA / "small.jpg")
    assert (errors, status) == ([], 0)
    assert [Path(record["file"]).name for record in printed] == ["wee.jpg", "small.jpg"]
    assert all(IMAGE_KEYS <= record.keys() for record in printed)
    assert printed[0]["pdq"].startswith("6227401f") and printed[0]["pdq_usable"]
    assert printed[1]["pdq_quality"] == 0 and not printed[1]["pdq_usable"]
    assert "vpdq" not in printed[0]


def test_a_video_gets_its_frame_hashes():
    (record,), _errors, status = run(VIDEO)
    assert status == 0
    assert record["media_type"] == "video/mp4"
    assert len(record["vpdq"]) == 150
    frame, quality, pdq, timestamp = record["vpdq"][1]
    assert (frame, quality, len(pdq), timestamp) == (1, 100, 64, pytest.approx(0.033))


def test_a_missing_file_is_an_error_that_does_not_stop_the_others(tmp_path):
    unreadable = tmp_path / "a-directory"
    unreadable.mkdir()
    printed, errors, status = run(tmp_path / "absent.jpg", PDQ_DATA / "wee.jpg", unreadable)
    assert status != 0
    assert [Path(record["file"]).name for record in printed] == ["wee.jpg"]
    assert [Path(error["file"]).name for error in errors] == ["absent.jpg", "a-directory"]
    assert all(error["error"] for error in errors)
