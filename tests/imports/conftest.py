"""Lines of the import format, and files of them, for the import tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from clearinghouse.imports.records import KINDS
from clearinghouse.tipline.models import ReportFile

# The smallest valid line of each type: tests add or change what they are about.
MINIMAL = {
    "tipline_report": {
        "received_at": "2023-03-01T10:00:00Z",
        "incident_type": "Child Sex Trafficking",
    },
    "cvip_submission": {
        "received_at": "2023-01-10T09:00:00Z",
        "agency": {"name": "Little Rock Police Department", "state": "AR"},
    },
    "identified_child": {"identified_at": "2021-06-30"},
    "missing_case": {
        "reported_at": "2023-05-05T05:05:05Z",
        "state": "AR",
        "case_type": "endangered_runaway",
    },
    "cst_engagement": {
        "engaged_at": "2023-05-06T12:00:00Z",
        "agency": {"name": "Arkansas Division of Children and Family Services", "state": "AR"},
    },
    "peer_support": {"family_id": "FAM-1", "state": "AR", "supported_at": "2023-02-01T00:00:00Z"},
    "mental_health_referral": {
        "family_id": "FAM-1",
        "state": "AR",
        "connected_at": "2023-02-02T00:00:00Z",
    },
    "team_adam_deployment": {
        "case_id": "MC-1",
        "state": "AR",
        "deployed_at": "2023-05-07T00:00:00Z",
    },
    "training_registration": {
        "registered_at": "2023-04-01T00:00:00Z",
        "state": "AR",
        "profession": "law_enforcement",
    },
    "published_statistic": {
        "metric": "missing.cases",
        "year": 2023,
        "value": 28886,
        "source": "NCMEC, 2023 state data sheets",
    },
}


def make_record(kind: str, record_id: str = "1", *, without: tuple = (), **fields) -> dict:
    record = {"type": kind, "id": record_id, **copy.deepcopy(MINIMAL[kind]), **fields}
    return {key: value for key, value in record.items() if key not in without}


@pytest.fixture
def record():
    """``record("missing_case", "MC-1", state="TX", without=["case_type"])``: a line, as a
    dict, valid but for what the test changes."""
    return make_record


@pytest.fixture
def many():
    """``many(3)``: that many valid peer_support lines, ids PS-0, PS-1, ..."""

    def lines(count: int, start: int = 0) -> list[dict]:
        return [make_record("peer_support", f"PS-{n}") for n in range(start, start + count)]

    return lines


@pytest.fixture
def jsonl(tmp_path):
    """Writes a JSON Lines file; each line a dict (dumped), a str or bytes (as is)."""

    def write(*lines, name: str = "records.jsonl") -> Path:
        path = tmp_path / name
        with path.open("wb") as handle:
            for line in lines:
                if isinstance(line, dict):
                    line = json.dumps(line)
                if isinstance(line, str):
                    line = line.encode()
                handle.write(line + b"\n")
        return path

    return write


@pytest.fixture
def stored_count():
    """How many records of any type, and report files, the database holds."""

    def count() -> int:
        records = sum(kind.model.objects.count() for kind in KINDS.values())
        return records + ReportFile.objects.count()

    return count
