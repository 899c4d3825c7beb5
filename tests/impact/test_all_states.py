"""``clearinghouse factsheet --all-states``: one sheet per jurisdiction and a national
summary, each the same as what a single sheet says."""

from __future__ import annotations

import json
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

import factories as make
from clearinghouse.geo.models import Jurisdiction

pytestmark = pytest.mark.django_db

YEAR = 2023


@pytest.fixture
def records():
    for _ in range(3):
        make.make_missing_case("AR", reported_at="2023-05-01T12:00:00Z")
    make.make_missing_case("TX", reported_at="2023-07-01T12:00:00Z")
    make.make_report("AR", made_available_at="2023-03-01T00:00:00Z", files=2)
    make.make_report("GU", made_available_at="2023-03-01T00:00:00Z")


def single(state: str, fmt: str = "json") -> str:
    out = StringIO()
    call_command("factsheet", "--state", state, "--year", str(YEAR), "--format", fmt, stdout=out)
    return out.getvalue()


def test_every_jurisdiction_gets_the_sheet_it_would_get_alone(records, tmp_path):
    call_command(
        "factsheet", "--all-states", "--year", str(YEAR), "--format", "json",
        "--output", str(tmp_path), "--quiet",
    )  # fmt: skip

    codes = set(Jurisdiction.objects.values_list("code", flat=True))
    assert len(codes) == 56
    assert {path.name for path in tmp_path.iterdir()} == {f"{c}-{YEAR}.json" for c in codes} | {
        f"national-{YEAR}.json"
    }
    for code in ("AR", "TX", "GU", "WY"):
        assert (tmp_path / f"{code}-{YEAR}.json").read_text() == single(code)


def test_the_national_summary_repeats_each_sheets_figures(records, tmp_path):
    call_command(
        "factsheet", "--all-states", "--year", str(YEAR), "--format", "json",
        "--output", str(tmp_path), "--quiet",
    )  # fmt: skip

    summary = json.loads((tmp_path / f"national-{YEAR}.json").read_text())
    arkansas = json.loads(single("AR"))
    assert summary["year"] == YEAR
    assert summary["definitions_version"] == arkansas["definitions_version"]
    assert len(summary["states"]) == 56
    assert summary["states"]["AR"]["figures"]["missing.cases"]["value"] == 3
    assert summary["states"]["TX"]["figures"]["missing.cases"]["value"] == 1
    assert summary["states"]["GU"]["figures"]["tipline.reports_made_available"]["value"] == 1
    assert summary["national"]["missing.cases"]["value"] == 4
    for key, figure in summary["states"]["AR"]["figures"].items():
        assert figure["value"] == arkansas["figures"][key]["value"], key


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_summary_lists_every_jurisdiction_in_every_text_format(records, tmp_path, fmt):
    call_command(
        "factsheet", "--all-states", "--year", str(YEAR), "--format", fmt,
        "--output", str(tmp_path), "--quiet",
    )  # fmt: skip

    extension = {"text": "txt", "markdown": "md", "html": "html"}[fmt]
    summary = (tmp_path / f"national-{YEAR}.{extension}").read_text()
    for name in Jurisdiction.objects.values_list("name", flat=True):
        assert name in summary
    assert (tmp_path / f"AR-{YEAR}.{extension}").read_text().strip() == single("AR", fmt).strip()


def test_the_pdf_summary_is_a_readable_document(records, tmp_path):
    call_command(
        "factsheet", "--all-states", "--year", str(YEAR), "--format", "pdf",
        "--output", str(tmp_path), "--quiet",
    )  # fmt: skip

    text = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", str(tmp_path / f"national-{YEAR}.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    for name in ("Arkansas", "Guam", "Wyoming", "District of Columbia"):
        assert name in text
    assert (tmp_path / f"AR-{YEAR}.pdf").read_bytes().startswith(b"%PDF")


def test_bad_requests_are_refused_and_write_nothing(tmp_path):
    with pytest.raises(CommandError, match="--output DIR"):
        call_command("factsheet", "--all-states", "--year", str(YEAR))
    a_file = tmp_path / "file.txt"
    a_file.write_text("keep me")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("factsheet", "--all-states", "--year", str(YEAR), "--output", str(a_file))
    assert a_file.read_text() == "keep me"
    with pytest.raises(CommandError):
        call_command("factsheet", "--all-states", "--state", "AR", "--year", str(YEAR))
