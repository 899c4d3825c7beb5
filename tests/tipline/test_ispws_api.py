"""The reporting API (``/ispws/``) through Django's test client: every endpoint, every
response code path, with the client written against the spec (``espclient``)."""

from __future__ import annotations

import hashlib
import json

import pytest
from espclient import InProcessEspClient, file_details_xml, report_xml
from lxml import etree

from clearinghouse.audit.models import AuditEvent
from clearinghouse.tipline import credentials
from clearinghouse.tipline.models import EspCredential, IncidentType, ReportFile, TiplineReport

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def issued():
    return credentials.create("Example Social", "example-social")


@pytest.fixture
def esp(client, issued):
    return InProcessEspClient(client, "example-social", issued.password)


@pytest.fixture
def other_esp(client):
    other = credentials.create("Other Platform", "other-platform")
    return InProcessEspClient(client, "other-platform", other.password)


def submitted(esp, **options) -> str:
    answer = esp.submit(report_xml(**options))
    assert answer.code == 0, answer.fields
    return answer.report_id


def uploaded(esp, report_id: str, data: bytes = JPEG) -> str:
    answer = esp.upload(report_id, "a.jpg", data, "image/jpeg")
    assert answer.code == 0, answer.fields
    return answer.file_id


# Transport and authentication ------------------------------------------------------------


def test_status_names_the_remote_user_with_a_request_id(esp):
    answer = esp.status()

    assert (answer.status, answer.root_tag, answer.code) == (200, "reportResponse", 0)
    assert "example-social" in answer.fields["responseDescription"]
    assert answer.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert len(answer.headers["Request-ID"]) == 32
    assert esp.status().headers["Request-ID"] != answer.headers["Request-ID"]


def test_it_serves_its_own_schema(esp):
    answer = esp.xsd()

    assert answer.status == 200
    schema = etree.XMLSchema(etree.fromstring(answer.body))
    assert schema.validate(etree.fromstring(report_xml().encode()))


@pytest.mark.parametrize("password", [None, "wrong", ""])
def test_it_answers_401_with_an_empty_body_to_bad_credentials(client, issued, password):
    esp = InProcessEspClient(client, "example-social", password or "")
    if password is None:
        esp.auth = {}

    for answer in (esp.status(), esp.submit(report_xml()), esp.finish("1")):
        assert (answer.status, answer.body) == (401, b"")
        assert answer.headers["Request-ID"]
    assert TiplineReport.objects.count() == 0


def test_a_revoked_credential_is_refused(esp, issued):
    assert esp.status().status == 200
    credentials.revoke("example-social")

    assert esp.status().status == 401


def test_it_records_when_a_credential_was_last_used(esp, issued):
    assert issued.credential.last_used_at is None
    esp.status()

    assert EspCredential.objects.get(username="example-social").last_used_at is not None


def test_it_refuses_the_wrong_method_with_4000(esp):
    assert esp.request("GET", "/submit").code == 4000
    assert esp.request("POST", "/status").code == 4000
    finish = esp.request("GET", "/finish")
    assert (finish.root_tag, finish.code, finish.file_ids) == ("reportDoneResponse", 4000, [])


# Submit --------------------------------------------------------------------------------------


def test_submit_opens_a_report_with_what_the_document_says(esp, issued):
    report_id = submitted(
        esp,
        incident_type="Child Sex Trafficking",
        annotations=("sextortion", "informational"),
        escalate="A child is in danger now",
        suspect_ip="203.0.113.9",
        victim_phone="5015550100",
    )

    report = TiplineReport.objects.get(external_id=report_id)
    assert int(report_id) > 0
    assert report.status == TiplineReport.Status.OPEN
    assert report.source == TiplineReport.Source.ESP
    assert report.reporting_org == issued.credential.organization
    assert report.credential == issued.credential
    assert report.incident_type == IncidentType.CHILD_SEX_TRAFFICKING
    assert report.incident_at.isoformat() == "2024-03-01T10:15:00+00:00"
    assert (report.escalated, report.informational, report.batched) == (True, True, False)
    assert report.annotations == ["sextortion", "informational"]
    assert report.platform == "Example Social"
    assert "<report>" in report.document
    kinds = [(clue["kind"], clue["party"]) for clue in json.loads(report.clues)]
    assert kinds == [("address", "suspect"), ("ip", "suspect"), ("phone", "victim")]
    assert AuditEvent.objects.filter(action="tipline:report:submitted").count() == 1


def test_each_submit_gets_its_own_report_id(esp):
    assert len({submitted(esp) for _ in range(3)}) == 3


def test_a_batched_report_is_marked(esp):
    report_id = submitted(esp, batched=True)
    assert TiplineReport.objects.get(external_id=report_id).batched


# Upload --------------------------------------------------------------------------------------


def test_upload_answers_the_file_id_and_the_md5_of_the_bytes(esp):
    report_id = submitted(esp)

    answer = esp.upload(report_id, "a.jpg", JPEG, "image/jpeg")

    assert answer.code == 0
    assert answer.report_id == report_id
    assert answer.fields["hash"] == hashlib.md5(JPEG).hexdigest()  # noqa: S324
    report_file = ReportFile.objects.get(file_token=answer.file_id)
    assert report_file.report.external_id == report_id
    assert report_file.md5 == hashlib.md5(JPEG).hexdigest()  # noqa: S324
    assert report_file.blob.sha256 == hashlib.sha256(JPEG).hexdigest()


def test_a_retried_upload_gets_the_same_file_id_and_no_second_file(esp):
    report_id = submitted(esp)

    first, again = uploaded(esp, report_id), uploaded(esp, report_id)
    other = uploaded(esp, report_id, PNG)

    assert first == again != other
    assert list(ReportFile.objects.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
    ]


def test_upload_without_a_file_is_an_invalid_request(esp):
    report_id = submitted(esp)
    answer = esp._form("/upload", report_id, as_multipart=True)
    assert answer.code == 4000


# File details --------------------------------------------------------------------------------


def test_fileinfo_stores_the_details_and_hashes_we_lack(esp):
    report_id = submitted(esp)
    file_id = uploaded(esp, report_id)
    pdq = "f" * 64

    answer = esp.fileinfo(
        file_details_xml(report_id, file_id, hashes=(("MD5", "0" * 32), ("PDQ", pdq)))
    )

    assert answer.code == 0, answer.fields
    report_file = ReportFile.objects.get(file_token=file_id)
    assert report_file.pdq == pdq
    assert report_file.md5 == hashlib.md5(JPEG).hexdigest()  # noqa: S324 (ours wins)
    assert json.loads(report_file.details)["fileName"] == ["a.jpg"]


def test_fileinfo_for_a_file_not_in_the_report_is_5002(esp):
    report_id, other_report_id = submitted(esp), submitted(esp)
    file_id = uploaded(esp, other_report_id)

    assert esp.fileinfo(file_details_xml(report_id, file_id)).code == 5002
    assert esp.fileinfo(file_details_xml(report_id, "nosuchfile")).code == 5002


def test_fileinfo_validates_the_document(esp):
    report_id = submitted(esp)
    file_id = uploaded(esp, report_id)
    out_of_order = file_details_xml(report_id, file_id).replace(
        f"<reportId>{report_id}</reportId><fileId>{file_id}</fileId>",
        f"<fileId>{file_id}</fileId><reportId>{report_id}</reportId>",
    )

    assert esp.fileinfo(out_of_order).code == 4100
    assert esp.fileinfo("<fileDetails><reportId>").code == 4110


# Finish and retract ------------------------------------------------------------------------


def test_finish_answers_every_file_id_and_places_and_ranks_the_report(esp):
    report_id = submitted(esp, escalate="now")
    files = [uploaded(esp, report_id), uploaded(esp, report_id, PNG)]

    answer = esp.finish(report_id)

    assert (answer.root_tag, answer.code, answer.report_id) == ("reportDoneResponse", 0, report_id)
    assert answer.file_ids == files
    report = TiplineReport.objects.get(external_id=report_id)
    assert report.status == TiplineReport.Status.FINISHED
    assert report.finished_at is not None
    assert report.priority > 0
    assert (report.state_id, report.country) == ("AR", "US")
    assert report.location_confidence == "high"


def test_finish_accepts_a_multipart_form(esp):
    report_id = submitted(esp)
    assert esp.finish(report_id, as_multipart=True).code == 0


def test_after_finish_nothing_can_be_added_or_retracted(esp):
    report_id = submitted(esp)
    file_id = uploaded(esp, report_id)
    esp.finish(report_id)

    assert esp.upload(report_id, "b.png", PNG, "image/png").code == 5102
    assert esp.fileinfo(file_details_xml(report_id, file_id)).code == 5102
    assert esp.retract(report_id).code == 5102
    again = esp.finish(report_id)
    assert (again.root_tag, again.code, again.report_id, again.file_ids) == (
        "reportDoneResponse",
        5102,
        report_id,
        [],
    )


def test_retract_withdraws_an_open_report(esp):
    report_id = submitted(esp)

    assert esp.retract(report_id).code == 0

    assert TiplineReport.objects.get(external_id=report_id).status == "retracted"
    assert esp.upload(report_id, "a.jpg", JPEG, "image/jpeg").code == 5101
    assert esp.finish(report_id).code == 5101
    assert esp.retract(report_id, as_multipart=True).code == 5101


@pytest.mark.parametrize("report_id", ["99999999999", "abc", "-4", "0"])
def test_an_unknown_report_id_is_5001(esp, report_id):
    assert esp.finish(report_id).code == 5001
    assert esp.retract(report_id).code == 5001
    assert esp.upload(report_id, "a.jpg", JPEG, "image/jpeg").code == 5001


def test_a_missing_report_id_is_an_invalid_request(esp):
    assert esp.request("POST", "/finish", b"", {"Content-Type": "text/plain"}).code == 4000
    assert esp.request("POST", "/retract").code == 4000


def test_another_platforms_report_does_not_exist(esp, other_esp):
    report_id = submitted(esp)
    file_id = uploaded(esp, report_id)

    assert other_esp.upload(report_id, "b.png", PNG, "image/png").code == 5001
    assert other_esp.fileinfo(file_details_xml(report_id, file_id)).code == 5001
    assert other_esp.retract(report_id).code == 5001
    assert other_esp.finish(report_id).code == 5001

    report = TiplineReport.objects.get(external_id=report_id)
    assert (report.status, report.files.count()) == ("open", 1)


def test_a_public_report_is_not_reachable_by_its_number(esp):
    TiplineReport.objects.create(
        external_id="100000000",
        received_at="2024-01-01T00:00:00Z",
        incident_type=IncidentType.CHILD_PORNOGRAPHY,
        source=TiplineReport.Source.PUBLIC,
        status=TiplineReport.Status.OPEN,
    )
    assert esp.retract("100000000").code == 5001
