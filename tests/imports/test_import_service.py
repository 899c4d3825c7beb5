"""The import service: idempotence, conflicts and the all-or-nothing promise."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection

from clearinghouse.accounts.models import Organization
from clearinghouse.audit.models import AuditEvent
from clearinghouse.impact.models import PublishedStatistic
from clearinghouse.imports import service
from clearinghouse.imports.lines import MAX_LINE_BYTES
from clearinghouse.imports.service import import_file, import_lines
from clearinghouse.missing.models import MissingCase
from clearinghouse.support.models import MentalHealthReferral, PeerSupport
from clearinghouse.tipline.models import ReportFile, TiplineReport
from clearinghouse.victimid.models import CvipSubmission

pytestmark = pytest.mark.django_db

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
PDQ = "f" * 64


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


# -- idempotence and conflicts -------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(jsonl, record, many):
    path = jsonl(
        record("tipline_report", "T-1", files=[{"md5": MD5}]),
        record("missing_case", "MC-1", child={"first_name": "Jane"}),
        *many(3),
    )
    assert import_file(path).stored
    before = list(PeerSupport.objects.values_list("pk", "updated_at", "import_digest"))

    again = import_file(path)

    assert again.stored
    assert (again.total("created"), again.total("updated"), again.total("unchanged")) == (0, 0, 5)
    assert list(PeerSupport.objects.values_list("pk", "updated_at", "import_digest")) == before
    assert ReportFile.objects.count() == 1


def test_key_order_and_spacing_do_not_make_a_line_different(jsonl, record):
    line = record("peer_support", "P-1")
    assert import_file(jsonl(line)).stored
    reordered = json.dumps(
        dict(reversed(list(line.items()))), indent=None, separators=(" , ", " : ")
    )

    result = import_file(jsonl(reordered, name="again.jsonl"))

    assert result.counts["peer_support"].unchanged == 1


def test_other_content_under_a_stored_id_is_an_error(jsonl, record, many):
    assert import_file(jsonl(record("peer_support", "P-1"), name="first.jsonl")).stored

    result = import_file(jsonl(*many(2, start=10), record("peer_support", "P-1", state="TX")))

    assert [(e.line, e.reason) for e in result.errors] == [
        (3, "peer_support 'P-1' is already stored with other content (use --update to replace it)")
    ]
    assert PeerSupport.objects.get().state_id == "AR"
    assert PeerSupport.objects.count() == 1


def test_with_update_other_content_replaces_the_stored_record(jsonl, record):
    assert import_file(jsonl(record("peer_support", "P-1"), name="first.jsonl")).stored
    first = PeerSupport.objects.get()

    result = import_file(
        jsonl(record("peer_support", "P-1", state="TX"), record("peer_support", "P-2")),
        update=True,
    )

    assert result.counts["peer_support"].updated == 1
    assert result.counts["peer_support"].created == 1
    support = PeerSupport.objects.get(external_id="P-1")
    assert (support.pk, support.state_id) == (first.pk, "TX")
    assert support.import_digest != first.import_digest
    assert support.updated_at > first.updated_at
    assert support.created_at == first.created_at


def test_with_update_a_tipline_report_gets_the_new_files(jsonl, record):
    old = record("tipline_report", "T-1", files=[{"md5": MD5}, {"sha1": SHA1}])
    assert import_file(jsonl(old, name="first.jsonl")).stored
    new = record("tipline_report", "T-1", files=[{"pdq": PDQ}], reporting_org="Platform")

    assert import_file(jsonl(new), update=True).counts["tipline_report"].updated == 1

    report = TiplineReport.objects.get()
    assert report.reporting_org.name == "Platform"
    assert list(report.files.values_list("position", "md5", "pdq")) == [(1, "", PDQ)]


def test_with_update_encrypted_fields_are_replaced(jsonl, record):
    line = record("missing_case", "MC-1", child={"first_name": "Jane", "sex": "F"})
    assert import_file(jsonl(line, name="first.jsonl")).stored
    changed = record("missing_case", "MC-1", child={"first_name": "Janet", "sex": "F"})

    assert import_file(jsonl(changed), update=True).stored

    case = MissingCase.objects.get()
    assert (case.child_first_name, case.child_last_name) == ("Janet", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT child_first_name FROM missing_missingcase")
        assert cursor.fetchone()[0].startswith("v1:")


def test_a_record_entered_outside_an_import_is_a_conflict_unless_update(jsonl, record):
    PeerSupport.objects.create(
        external_id="P-1", family_id="F", state_id="AR", supported_at=at("2023-01-01T00:00Z")
    )
    path = jsonl(record("peer_support", "P-1"))

    refused = import_file(path)
    replaced = import_file(path, update=True)

    assert [e.reason for e in refused.errors] == [
        "peer_support 'P-1' already exists, entered outside an import "
        "(use --update to overwrite it)"
    ]
    assert replaced.counts["peer_support"].updated == 1
    assert PeerSupport.objects.get().family_id == "FAM-1"


@pytest.mark.parametrize("update", [False, True])
def test_the_same_id_twice_in_a_file_with_other_content_is_an_error(
    jsonl, record, update, many, stored_count
):
    path = jsonl(
        record("peer_support", "P-1"),
        *many(service.BATCH_SIZE + 10),  # the repeat comes in a later batch
        record("peer_support", "P-1", family_id="FAM-2"),
    )

    result = import_file(path, update=update)

    assert [(e.line, e.reason) for e in result.errors] == [
        (service.BATCH_SIZE + 12, "peer_support 'P-1' already came up on line 1 with other content")
    ]
    assert stored_count() == 0


def test_with_update_a_repeat_of_a_stored_line_with_other_content_is_an_error(jsonl, record):
    assert import_file(jsonl(record("peer_support", "P-1"), name="first.jsonl")).stored
    path = jsonl(record("peer_support", "P-1"), record("peer_support", "P-1", state="TX"))

    result = import_file(path, update=True)

    assert [e.line for e in result.errors] == [2]
    assert PeerSupport.objects.get().state_id == "AR"


def test_the_same_line_twice_in_a_file_is_stored_once(jsonl, record, many):
    line = record("peer_support", "P-1")
    path = jsonl(line, record("peer_support", "P-2"), line, *many(service.BATCH_SIZE), line)

    result = import_file(path)

    assert result.stored
    assert (result.counts["peer_support"].created, result.counts["peer_support"].unchanged) == (
        service.BATCH_SIZE + 2,
        2,
    )


def test_the_same_id_in_two_types_is_two_records(jsonl, record):
    assert import_file(jsonl(record("peer_support", "X"), record("mental_health_referral", "X")))

    assert PeerSupport.objects.count() == MentalHealthReferral.objects.count() == 1


# -- all or nothing ------------------------------------------------------------------------

BAD_LINE = '{"type": "peer_support", "id": "bad", "state": "AR"}'


@pytest.mark.parametrize("position", ["first", "middle", "last"])
def test_a_bad_line_anywhere_stores_nothing_and_is_named(
    jsonl, record, position, many, stored_count
):
    good = [
        record("tipline_report", "T-1", reporting_org="New Platform", files=[{"md5": MD5}]),
        record("cvip_submission", "C-1"),
        *many(2 * service.BATCH_SIZE + 500),
    ]
    where = {"first": 0, "middle": len(good) // 2, "last": len(good)}[position]
    lines = [*good[:where], BAD_LINE, *good[where:]]

    result = import_file(jsonl(*lines))

    assert not result.stored
    assert [(e.line, e.reason) for e in result.errors] == [
        (where + 1, "missing field 'family_id'; missing field 'supported_at'")
    ]
    assert stored_count() == 0
    assert not Organization.objects.exists()
    assert result.counts == {}


def test_every_bad_line_is_reported_in_order(jsonl, record, many):
    lines = [*many(2500)]
    for number in (1, 3, 1200, 2400):
        lines.insert(number - 1, BAD_LINE)

    result = import_file(jsonl(*lines))

    assert [e.line for e in result.errors] == [1, 3, 1200, 2400]
    assert result.error_count == 4


def test_a_database_refusal_on_the_last_line_is_a_line_error(jsonl, record, many, stored_count):
    # Valid on its own; only the database's unique (metric, year) constraint refuses it.
    path = jsonl(
        *many(service.BATCH_SIZE + 1),
        record("missing_case", "MC-1", child={"first_name": "Jane"}),
        record("published_statistic", "S-1"),
        record("published_statistic", "S-2", value=1),
    )

    result = import_file(path)

    assert [e.line for e in result.errors] == [service.BATCH_SIZE + 4]
    assert result.errors[0].reason.startswith("the database refused the record:")
    assert stored_count() == 0


def test_an_over_long_id_on_the_last_line_is_a_line_error(jsonl, record, many, stored_count):
    path = jsonl(*many(10), record("peer_support", "x" * 201))

    result = import_file(path)

    assert [(e.line, e.reason) for e in result.errors] == [
        (11, "'id' should have at most 200 characters")
    ]
    assert stored_count() == 0


def test_a_second_statistic_for_a_stored_metric_and_year_is_an_error(jsonl, record):
    assert import_file(jsonl(record("published_statistic", "S-1"), name="first.jsonl")).stored

    result = import_file(jsonl(record("published_statistic", "S-2", value=3)))

    assert [e.reason for e in result.errors] == [
        "published_statistic 'S-1' already gives missing.cases for 2023"
    ]


def test_a_rejected_file_leaves_the_earlier_files_alone(jsonl, record, many):
    assert import_file(jsonl(*many(3), name="first.jsonl")).stored

    assert not import_file(jsonl(*many(3, start=3), BAD_LINE, name="second.jsonl")).stored

    assert sorted(PeerSupport.objects.values_list("external_id", flat=True)) == [
        "PS-0", "PS-1", "PS-2",
    ]  # fmt: skip


# -- lines that are not records ------------------------------------------------------------


def test_blank_lines_are_skipped(jsonl, record):
    path = jsonl("", record("peer_support", "P-1"), "   ", "\t", record("peer_support", "P-2"), "")

    result = import_file(path)

    assert result.stored and result.counts["peer_support"].created == 2


def test_windows_line_ends_and_a_byte_order_mark_are_accepted(tmp_path, record):
    path = tmp_path / "windows.jsonl"
    lines = [json.dumps(record("peer_support", f"P-{n}")) for n in range(2)]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")

    assert import_file(path).counts["peer_support"].created == 2


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"{not json}", "not valid JSON: Expecting property name enclosed in double quotes"
                        " (column 2)"),
        (b'["peer_support"]', "not a JSON object"),
        (b'"text"', "not a JSON object"),
        (b"null", "not a JSON object"),
        (b'{"id": "1"}', "missing field 'type'"),
        (b'{"type": "peer_suport", "id": "1"}', "unknown type 'peer_suport'"),
        (b'{"type": "<script>", "id": "1"}', "unknown type"),
        (b'{"type": 3, "id": "1"}', "'type' should be a string"),
        (b'{"type": "identified_child", "id": "1", "identified_at": "2021-06-30", "id": "2"}',
         "field 'id' appears twice"),
        (b'{"type": "published_statistic", "value": NaN}', "not valid JSON: NaN is not a number"
                                                          " in JSON"),
        (b'{"type": "identified_child", "id": "\\ud800", "identified_at": "2021-06-30"}',
         "a \\u escape stands for half a character (a lone surrogate)"),
        (b'{"type": "identified_child", "id": "\xff", "identified_at": "2021-06-30"}',
         "not valid UTF-8 (byte 37)"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON: nested too deeply"),
    ],
)  # fmt: skip
def test_a_line_that_is_not_a_record_is_an_error(jsonl, record, line, reason, stored_count):
    result = import_file(jsonl(record("peer_support"), line))

    assert [(e.line, e.reason) for e in result.errors] == [(2, reason)]
    assert stored_count() == 0


def test_a_line_over_1_mib_is_an_error_and_the_next_line_is_read(jsonl, record):
    huge = json.dumps(record("identified_child", "I-1", series="x" * MAX_LINE_BYTES))
    path = jsonl(record("peer_support", "P-1"), huge, BAD_LINE)

    result = import_file(path)

    assert [(e.line, e.reason) for e in result.errors] == [
        (2, "line is longer than 1 MiB"),
        (3, "missing field 'family_id'; missing field 'supported_at'"),
    ]


def test_a_line_of_exactly_1_mib_is_read(jsonl, record):
    line = json.dumps(record("peer_support", "P-1"))
    exactly = line + " " * (MAX_LINE_BYTES - len(line))

    assert import_file(jsonl(exactly, exactly + " ")).errors == [
        service.LineError(2, "line is longer than 1 MiB")
    ]
    assert import_file(jsonl(exactly)).stored


def test_errors_never_quote_the_line(jsonl, record):
    secret = "Zebulon\x01"
    line = record("missing_case", child={"first_name": secret, "last_name": 7, "pet": secret})

    result = import_file(jsonl(line))

    reason = result.errors[0].reason
    assert reason == (
        "'child.first_name' must not contain control characters; "
        "'child.last_name' should be a valid string; unknown field 'child.pet'"
    )


# -- the service around the lines ----------------------------------------------------------


def test_import_lines_takes_text_lines_without_a_file(record):
    lines = [json.dumps(record("peer_support", "P-1")), "", json.dumps(record("peer_support"))]

    result = import_lines("inline", lines)

    assert result.stored and result.lines == 3
    assert PeerSupport.objects.count() == 2


def test_a_file_that_cannot_be_opened_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        import_file(tmp_path / "absent.jsonl")


def test_progress_is_reported_by_bytes_read(jsonl, many):
    path = jsonl(*many(2 * service.BATCH_SIZE + 5))
    seen: list[int] = []

    import_file(path, progress=seen.append)

    assert seen == sorted(seen) and len(seen) >= 3
    assert seen[-1] == path.stat().st_size


def test_every_error_goes_to_on_error_but_the_result_keeps_a_bounded_list(jsonl, monkeypatch):
    monkeypatch.setattr(service, "MAX_KEPT_ERRORS", 5)
    reported: list[service.LineError] = []

    result = import_file(jsonl(*[BAD_LINE] * 12), on_error=reported.append)

    assert [error.line for error in reported] == list(range(1, 13))
    assert result.error_count == 12 and len(result.errors) == 5


def test_an_imported_file_is_audited_with_counts_only(jsonl, record, many):
    path = jsonl(record("missing_case", "MC-1", child={"first_name": "Zebulon"}), *many(2))

    import_file(path)

    event = AuditEvent.objects.get(action="imports:file:imported")
    assert event.detail["file"] == str(path)
    assert (event.detail["created"], event.detail["updated"], event.detail["unchanged"]) == (
        3, 0, 0,
    )  # fmt: skip
    assert event.detail["by_type"]["missing_case"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert "Zebulon" not in json.dumps(event.detail)


def test_a_rejected_file_is_audited_with_the_count_of_bad_lines_only(jsonl, record, many):
    line = record("missing_case", "MC-1", child={"first_name": "Zebulon", "sex": "female"})

    import_file(jsonl(line, BAD_LINE, *many(2)))

    event = AuditEvent.objects.get()
    assert event.action == "imports:file:rejected"
    assert event.detail == {"file": event.detail["file"], "bad_lines": 2}


@pytest.mark.django_db(transaction=True)
def test_a_rejected_file_is_rolled_back_for_real_but_its_audit_event_stays(jsonl, record, many):
    good = jsonl(record("cvip_submission", "C-1"), *many(5), name="good.jsonl")
    bad = jsonl(
        record("cvip_submission", "C-2", agency={"name": "New Agency", "state": "TX"}),
        record("published_statistic", "S-1"),
        record("published_statistic", "S-2", value=2),
        name="bad.jsonl",
    )

    assert import_file(good).stored
    assert not import_file(bad).stored

    assert sorted(CvipSubmission.objects.values_list("external_id", flat=True)) == ["C-1"]
    assert PeerSupport.objects.count() == 5
    assert not PublishedStatistic.objects.exists()
    assert not Organization.objects.filter(name="New Agency").exists()
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "imports:file:imported",
        "imports:file:rejected",
    ]
