"""What a line must say to be stored: one rule per test, each naming what is wrong."""

from __future__ import annotations

import json

import pytest

from clearinghouse.imports.service import import_lines

pytestmark = pytest.mark.django_db


def reason(line: dict) -> str:
    """The error the import gives for the line (which must be its only one)."""
    result = import_lines("test.jsonl", [json.dumps(line)])
    assert [error.line for error in result.errors] == [1]
    return result.errors[0].reason


def accepted(line: dict) -> bool:
    return import_lines("test.jsonl", [json.dumps(line)]).stored


# -- fields --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        ("peer_support", {"familyid": "F"}, "unknown field 'familyid'"),
        ("tipline_report", {"jurisdiction": {"country": "US", "state": "AR", "county": "Pulaski"}},
         "unknown field 'jurisdiction.county'"),
        ("tipline_report", {"files": [{"md5": "d41d8cd98f00b204e9800998ecf8427e"},
                                      {"sha256": "00"}]},
         "unknown field 'files[1].sha256'"),
        ("missing_case", {"child": {"middle_name": "A"}}, "unknown field 'child.middle_name'"),
        ("cvip_submission", {"agency": {"name": "PD", "state": "AR", "city": "Little Rock"}},
         "unknown field 'agency.city'"),
        ("tipline_report", {"status": "open"}, "unknown field 'status'"),
    ],
)  # fmt: skip
def test_it_rejects_unknown_fields(record, kind, fields, expected):
    assert reason(record(kind, **fields)) == expected


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("tipline_report", "received_at"),
        ("tipline_report", "incident_type"),
        ("cvip_submission", "agency"),
        ("identified_child", "identified_at"),
        ("missing_case", "state"),
        ("missing_case", "case_type"),
        ("cst_engagement", "engaged_at"),
        ("peer_support", "family_id"),
        ("mental_health_referral", "connected_at"),
        ("team_adam_deployment", "case_id"),
        ("training_registration", "profession"),
        ("published_statistic", "source"),
        ("published_statistic", "id"),
    ],
)
def test_it_rejects_a_line_without_a_required_field(record, kind, field):
    assert reason(record(kind, without=[field])) == f"missing field '{field}'"


def test_it_rejects_null_in_a_required_field_and_accepts_it_in_an_optional_one(record):
    assert reason(record("peer_support", family_id=None)) == "'family_id' should be a valid string"
    assert accepted(record("cvip_submission", file_count=None, reviewed_at=None))


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        ("peer_support", {"id": 17}, "'id' should be a valid string"),
        ("peer_support", {"id": ""}, "'id' should have at least 1 character"),
        ("peer_support", {"family_id": "F\n1"}, "'family_id' must not contain control characters"),
        ("tipline_report", {"batched": "true"}, "'batched' should be a valid boolean"),
        ("missing_case", {"missing_from_care": 1}, "'missing_from_care' should be a valid boolean"),
        ("cvip_submission", {"file_count": "12"}, "'file_count' should be a valid integer"),
        ("cvip_submission", {"file_count": 12.0}, "'file_count' should be a valid integer"),
        ("cvip_submission", {"file_count": -1},
         "'file_count' should be greater than or equal to 0"),
        ("tipline_report", {"files": {"md5": "d41d8cd98f00b204e9800998ecf8427e"}},
         "'files' should be a valid list"),
        ("tipline_report", {"files": [{"md5": "d41d8cd98f00b204e9800998ecf8427"}]},
         "'files[0].md5' must be 32 hexadecimal digits"),
        ("tipline_report", {"files": [{"sha1": "g" * 40}]},
         "'files[0].sha1' must be 40 hexadecimal digits"),
        ("tipline_report", {"files": [{"pdq": "0" * 63}]},
         "'files[0].pdq' must be 64 hexadecimal digits"),
        ("tipline_report", {"reporting_org": "x" * 201},
         "'reporting_org' should have at most 200 characters"),
    ],
)  # fmt: skip
def test_it_rejects_values_of_the_wrong_kind(record, kind, fields, expected):
    assert reason(record(kind, **fields)) == expected


# -- closed vocabularies -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        ("tipline_report", {"incident_type": "child sex trafficking"},
         "'incident_type' must be one of the eight CyberTipline incident types, "
         "such as 'Child Sex Trafficking'"),
        ("tipline_report", {"incident_type": "CHILD_SEX_TRAFFICKING"}, None),
        ("tipline_report", {"source": "hotline"}, "'source' should be 'esp' or 'public'"),
        ("missing_case", {"case_type": "runaway"}, None),
        ("missing_case", {"reported_by": "police"}, None),
        ("missing_case", {"status": "found"}, None),
        ("missing_case", {"child": {"sex": "female"}}, "'child.sex' should be 'F', 'M' or 'U'"),
        ("missing_case", {"child": {"sex": "f"}}, "'child.sex' should be 'F', 'M' or 'U'"),
        ("training_registration", {"profession": "teacher"},
         "'profession' should be 'law_enforcement', 'child_serving_professional' or 'other'"),
        ("published_statistic", {"metric": "missing.total"},
         "'metric' must be the key of a figure in records.md, such as 'missing.cases'"),
    ],
)  # fmt: skip
def test_it_rejects_values_outside_the_vocabulary(record, kind, fields, expected):
    field = next(iter(fields))
    found = reason(record(kind, **fields))
    assert found.startswith(f"'{field}") and (expected is None or found == expected)


def test_it_accepts_every_metric_key(record):
    from clearinghouse.impact.figures import KEYS

    lines = [
        json.dumps(record("published_statistic", key, metric=key, value=1)) for key in KEYS
    ]  # fmt: skip
    assert import_lines("test.jsonl", lines).stored


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.23456, "'value' should have no more than 4 decimal places"),
        ("100", "'value' must be a number"),
        (True, "'value' must be a number"),
        (-1, "'value' should be greater than or equal to 0"),
        (10**17, "'value' should have no more than 16 digits before the decimal point"),
    ],
)
def test_it_rejects_a_statistic_value_that_is_not_a_fitting_number(record, value, expected):
    assert reason(record("published_statistic", value=value)) == expected


def test_it_rejects_a_year_that_is_not_four_digits(record):
    assert reason(record("published_statistic", year=23)).startswith("'year' should be greater")


# -- times, dates, places ------------------------------------------------------------------

NOT_RFC3339 = "'supported_at' must be an RFC 3339 time such as 2023-05-01T14:30:00Z"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-03-01", NOT_RFC3339),
        ("2023-03-01T10:00Z", NOT_RFC3339),
        ("2023-03-01T10:00:00+0500", NOT_RFC3339),
        ("2023-03-01T10:00:00 Z", NOT_RFC3339),
        ("03/01/2023 10:00:00", NOT_RFC3339),
        ("2023-W09-3T10:00:00Z", NOT_RFC3339),
        (" 2023-03-01T10:00:00Z", NOT_RFC3339),
        (1677664800, NOT_RFC3339),
        ("2023-02-29T10:00:00Z", "'supported_at' is not a time that exists"),
        ("2023-03-01T24:00:00Z", "'supported_at' is not a time that exists"),
        ("2023-03-01T10:00:00+24:00", "'supported_at' is not a time that exists"),
        ("0001-01-01T00:00:00+01:00", "'supported_at' is not a time that exists"),
    ],
)
def test_it_rejects_times_that_are_not_rfc_3339(record, value, expected):
    assert reason(record("peer_support", supported_at=value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-6-30", "'identified_at' must be a date written YYYY-MM-DD"),
        ("2021-06-30T00:00:00Z", "'identified_at' must be a date written YYYY-MM-DD"),
        ("20210630", "'identified_at' must be a date written YYYY-MM-DD"),
        ("30/06/2021", "'identified_at' must be a date written YYYY-MM-DD"),
        (20210630, "'identified_at' must be a date written YYYY-MM-DD"),
        ("2021-02-29", "'identified_at' is not a date that exists"),
    ],
)
def test_it_rejects_dates_that_are_not_yyyy_mm_dd(record, value, expected):
    assert reason(record("identified_child", identified_at=value)) == expected


@pytest.mark.parametrize("state", ["XX", "ar", "Arkansas", "", "UM"])
def test_it_rejects_a_state_that_is_not_a_usps_code(record, state):
    assert reason(record("peer_support", state=state)) == (
        "'state' must be the USPS code of a state, DC or a territory, such as AR"
    )


@pytest.mark.parametrize("state", ["DC", "PR", "GU", "VI", "AS", "MP", "WY"])
def test_it_accepts_dc_and_the_territories(record, state):
    assert accepted(record("training_registration", state=state))


@pytest.mark.parametrize(
    ("jurisdiction", "expected"),
    [
        ({"country": "US"}, "'jurisdiction' needs a state when the country is US"),
        ({"state": "AR"}, "missing field 'jurisdiction.country'"),
        ({"country": "CA", "state": "ON"},
         "'jurisdiction.state' must be the USPS code of a state, DC or a territory, such as AR"),
        ({"country": "MX", "state": "TX"},
         "'jurisdiction' has a state only when the country is US"),
        ({"country": "USA", "state": "AR"},
         "'jurisdiction.country' must be an ISO 3166-1 alpha-2 code, such as CA"),
        ({"country": "XK"},
         "'jurisdiction.country' must be an ISO 3166-1 alpha-2 code, such as CA"),
        ({"country": "PR"},
         "'jurisdiction.country' is a US jurisdiction: write it as country US with that state"),
        ("US-AR", "'jurisdiction' should be a valid dictionary or instance of Jurisdiction"),
    ],
)  # fmt: skip
def test_it_rejects_a_jurisdiction_that_does_not_resolve(record, jurisdiction, expected):
    assert reason(record("tipline_report", jurisdiction=jurisdiction)) == expected


def test_it_accepts_a_foreign_referral_and_an_unresolved_report(record):
    assert accepted(record("tipline_report", "T-1", jurisdiction={"country": "PH"}))
    assert accepted(record("tipline_report", "T-2", jurisdiction=None))


def test_it_names_every_problem_of_a_line_at_once(record):
    line = record(
        "tipline_report", received_at="yesterday", incident_type="CST", source="fax", extra=1
    )

    assert reason(line).split("; ") == [
        "'received_at' must be an RFC 3339 time such as 2023-05-01T14:30:00Z",
        "'incident_type' must be one of the eight CyberTipline incident types, "
        "such as 'Child Sex Trafficking'",
        "'source' should be 'esp' or 'public'",
        "unknown field 'extra'",
    ]
