from __future__ import annotations

import csv
from pathlib import Path

import pytest

TESTDATA = Path("/work/shared/testdata")
PDQ_DIR = TESTDATA / "pdq"


@pytest.fixture(scope="session")
def expected_pdq() -> dict[str, dict[str, str]]:
    """``expected.csv`` of the shared test data, by file name."""
    with (PDQ_DIR / "expected.csv").open() as stream:
        return {row["file"]: row for row in csv.DictReader(stream)}


@pytest.fixture
def hash_file_of(tmp_path: Path):
    """``hash_file_of(*lines, suffix=".csv")``: a bank import file with these lines."""
    counter = iter(range(1_000_000))

    def write(*lines: str, suffix: str = ".csv") -> Path:
        path = tmp_path / f"hashes-{next(counter)}{suffix}"
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        return path

    return write
