"""Hypothesis against the reporting API's XML intake, through the real WSGI application:
whatever a platform sends, the answer is a response document with a code, never a
server error, and a refused document leaves nothing stored."""

from __future__ import annotations

import base64
import re

import pytest
from espclient import report_xml
from fuzzing import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from test_ispws_wsgi import call

from clearinghouse.tipline import credentials
from clearinghouse.tipline.intake import IntakeError
from clearinghouse.tipline.ispws import documents, xml
from clearinghouse.tipline.models import TiplineReport

pytestmark = pytest.mark.django_db(transaction=True)

VALID = report_xml().encode()
RESPONSE_CODE = re.compile(rb"<responseCode>(\d+)</responseCode>")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def auth():
    issued = credentials.create("Fuzz Social", "fuzz-social")
    return "Basic " + base64.b64encode(f"fuzz-social:{issued.password}".encode()).decode()


# -- mutations of a valid report -------------------------------------------------------------

TEXTS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\t\n", "9" * 400, "-1", "2099-01-01T00:00:00Z", "&amp;", "]]>"]),
)


def _elements(root: etree._Element) -> list[etree._Element]:
    return list(root.iter())


def _set_text(element: etree._Element, text: str) -> None:
    try:
        element.text = text
    except ValueError:  # lxml refuses control characters; raw bytes cover those
        pass


@st.composite
def mutated_reports(draw) -> bytes:
    root = etree.fromstring(VALID)
    for _ in range(draw(st.integers(1, 4))):
        elements = _elements(root)
        target = draw(st.sampled_from(elements))
        parent = target.getparent()
        move = draw(st.sampled_from(["drop", "twice", "swap", "text", "child", "attribute"]))
        if move == "drop" and parent is not None:
            parent.remove(target)
        elif move == "twice" and parent is not None:
            parent.insert(parent.index(target), etree.fromstring(etree.tostring(target)))
        elif move == "swap" and parent is not None and len(parent) > 1:
            index = parent.index(target)
            other = draw(st.integers(0, len(parent) - 1))
            parent.insert(other, target) if other != index else None
        elif move == "text":
            _set_text(target, draw(TEXTS))
        elif move == "child":
            name = draw(st.sampled_from(["x", "report", "incidentSummary", "email", "a" * 200]))
            _set_text(etree.SubElement(target, name), draw(TEXTS)[:20])
        elif move == "attribute":
            target.set(draw(st.sampled_from(["type", "verified", "x"])), "1")
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    cut = draw(st.one_of(st.none(), st.integers(0, len(body))))
    return body if cut is None else body[:cut]


RAW = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.builds(lambda head, tail: head + tail, st.just(VALID[:120]), st.binary(max_size=200)),
)


def submit(auth: str, body: bytes) -> int:
    status, _headers, _names, content = call(
        None, "/ispws/submit", auth=auth, method="POST", body=body
    )
    assert status == 200, content[:500]
    found = RESPONSE_CODE.search(content)
    assert found, content[:500]
    return int(found.group(1))


@fuzz_settings()
@given(body=st.one_of(mutated_reports(), RAW))
def test_any_document_gets_a_response_code_and_a_refused_one_stores_nothing(auth, body):
    before = TiplineReport.objects.count()
    code = submit(auth, body)
    after = TiplineReport.objects.count()
    if code == 0:
        assert after == before + 1
    else:
        assert after == before, f"code {code} stored a report"


@fuzz_settings()
@given(body=st.one_of(mutated_reports(), RAW))
def test_the_parser_raises_nothing_but_intake_errors(body):
    """The parse chain of a submit, without HTTP: only ``IntakeError`` comes out."""
    try:
        root = xml.parse_valid(body, "report")
        documents.read_report(root, xml.document_text(body, root))
    except IntakeError:
        pass
