"""Hypothesis against the JSON Lines import: whatever a file holds, the import either
stores all of it or reports its bad lines and stores nothing; it never raises."""

from __future__ import annotations

import json

import pytest
from fuzzing import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from clearinghouse.imports.records import KINDS
from clearinghouse.imports.service import import_lines
from clearinghouse.tipline.models import ReportFile
from conftest import MINIMAL, make_record

pytestmark = pytest.mark.django_db

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
VALUES = st.one_of(
    JSON_VALUES,
    st.sampled_from(["2023-02-30T00:00:00Z", "2023-01-01", "XX", "AR", "", " ", "9" * 30, -1]),
)


@st.composite
def lines(draw) -> bytes:
    kind = draw(st.sampled_from(sorted(MINIMAL)))
    record = make_record(kind, draw(st.sampled_from(["1", "2", "", "x" * 300])))
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from([*record, "unknown", "type", "id"]))
        action = draw(st.sampled_from(["drop", "set"]))
        if action == "drop":
            record.pop(key, None)
        else:
            record[key] = draw(VALUES)
    text = json.dumps(record)
    if draw(st.booleans()):
        return text.encode()
    cut = draw(st.integers(0, len(text)))
    return draw(st.sampled_from([text[:cut].encode(), text.encode() + b"garbage", b"\xff\xfe"]))


def stored() -> tuple[int, int]:
    """Records of every type, and report files."""
    records = sum(kind.model.objects.count() for kind in KINDS.values())
    return records, ReportFile.objects.count()


@fuzz_settings()
@given(body=st.lists(lines(), min_size=1, max_size=4))
def test_a_file_is_stored_whole_or_not_at_all(body):
    records, files = stored()
    result = import_lines("fuzz.jsonl", body)
    if result.stored:
        assert stored()[0] == records + result.total("created")
    else:
        assert stored() == (records, files)
        assert result.errors and all(error.reason for error in result.errors)
