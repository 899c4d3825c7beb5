"""Hostile documents on the reporting API: each gets its response code and leaves
nothing stored."""

from __future__ import annotations

import pytest
from espclient import InProcessEspClient, file_details_xml, report_xml

from clearinghouse.tipline import credentials
from clearinghouse.tipline.ispws import xml
from clearinghouse.tipline.models import ReportFile, TiplineReport

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE report [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE report [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
"""


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def esp(client):
    issued = credentials.create("Example Social", "example-social")
    return InProcessEspClient(client, "example-social", issued.password)


def nothing_stored() -> bool:
    return not TiplineReport.objects.exists() and not ReportFile.objects.exists()


def with_prolog(prolog: str, platform: str) -> str:
    body = report_xml().split("\n", 1)[1]
    return prolog + body.replace("<platform>Example Social</platform>", platform)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(with_prolog(BILLION_LAUGHS, "<platform>&lol9;</platform>"), id="laughs"),
        pytest.param(with_prolog(EXTERNAL_ENTITY, "<platform>&secret;</platform>"), id="xxe"),
        pytest.param(
            with_prolog('<!DOCTYPE report SYSTEM "http://198.51.100.1/x.dtd">\n', ""), id="dtd"
        ),
        pytest.param("<report><incidentSummary>", id="truncated"),
        pytest.param("not xml at all", id="text"),
        pytest.param("<a>" * 5000 + "</a>" * 5000, id="deep"),
        pytest.param("<report>" + "<a>" * 20 + "</a>" * 20 + "</report>", id="deeper-than-limit"),
        pytest.param(
            report_xml().replace("<platform>", "<platform>&undefined;"), id="undefined-entity"
        ),
    ],
)
def test_malformed_or_dangerous_xml_is_4110(esp, document):
    answer = esp.submit(document)

    assert (answer.status, answer.code) == (200, 4110), answer.fields
    assert "root:" not in answer.fields["responseDescription"]
    assert nothing_stored()


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(
            report_xml()
            .replace("<platform>Example Social</platform>", "")
            .replace("<incidentType>", "<platform>Example Social</platform><incidentType>"),
            id="out-of-order",
        ),
        pytest.param(report_xml(incident_at="2999-01-01T00:00:00Z"), id="future-incident"),
        pytest.param(report_xml(url="https://example.test/a b"), id="whitespace-url"),
        pytest.param(report_xml(url=" https://example.test/a"), id="leading-space-url"),
        pytest.param(report_xml(incident_type="Something Else"), id="unknown-incident-type"),
        pytest.param(report_xml(annotations=("notAFlag",)), id="unknown-annotation"),
        pytest.param(
            report_xml().replace("<reporter>", "<surprise/><reporter>"), id="unknown-element"
        ),
        pytest.param(report_xml().replace("2024-03-01T10:15:00Z", "yesterday"), id="bad-date"),
        pytest.param(file_details_xml("100000001", "abc"), id="wrong-document"),
        pytest.param('<report xmlns="urn:x"/>', id="namespaced"),
    ],
)
def test_invalid_documents_are_4100(esp, document):
    answer = esp.submit(document)

    assert (answer.status, answer.code) == (200, 4100), answer.fields
    assert nothing_stored()


def test_a_declared_100_megabyte_body_is_refused_without_reading_it(esp):
    answer = esp.django_client.post(
        "/ispws/submit",
        data=b"<report/>",
        content_type="text/xml",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
        HTTP_AUTHORIZATION=esp.auth["Authorization"],
    )

    assert b"<responseCode>4000</responseCode>" in answer.content
    assert nothing_stored()


def test_a_body_longer_than_the_limit_is_refused(esp, monkeypatch):
    monkeypatch.setattr(xml, "MAX_DOCUMENT_BYTES", 1000)
    monkeypatch.setattr(xml.read_body, "__defaults__", (1000,))
    padded = report_xml().replace("<platform>", "<platform>" + "x" * 2000)

    assert esp.submit(padded).code == 4000
    assert nothing_stored()


def test_a_huge_form_is_refused_before_parsing(esp):
    answer = esp.django_client.post(
        "/ispws/finish",
        data=b"id=1",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
        HTTP_AUTHORIZATION=esp.auth["Authorization"],
    )

    assert b"<reportDoneResponse><responseCode>4000</responseCode>" in answer.content


def test_a_malformed_multipart_upload_is_an_invalid_request(esp):
    answer = esp.request(
        "POST", "/upload", b"--x\r\ngarbage", {"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert answer.code == 4000
    assert nothing_stored()
