"""The one place where the reporting API reads and writes XML.

Every document a platform sends is hostile until proven otherwise. Before a byte is
parsed its size is checked (``read_body``); the parser never loads a DTD, never
resolves an entity, never touches the network and refuses libxml2's "huge" mode; any
``DOCTYPE`` is refused outright (which is what stops entity expansion and external
entities); nesting deeper than ``MAX_DEPTH`` stops the parse as it happens. Only then
is the document validated against our schema (``schema.xsd``).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from lxml import etree

from clearinghouse.tipline.intake import Code, IntakeError

SCHEMA_PATH = Path(__file__).with_name("schema.xsd")

# A report or a file's details is a few kilobytes; 5 MB leaves room for long chat logs.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# The deepest legitimate path (report/victim/victimPerson/address/state) is 5 levels.
MAX_DEPTH = 16
_FEED_BYTES = 64 * 1024

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Where the root element starts: a DOCTYPE can only come before it (after it, "<!DOCTYPE"
# is text in a CDATA section, say a pasted web page).
_ROOT_START = re.compile(rb"<[A-Za-z_:]")


def read_body(request, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The request body, read only if it fits in ``limit`` bytes: a declared length over
    the limit is refused before reading anything, and a body longer than it says is cut
    off at ``limit + 1`` bytes and refused."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(declared)
    except ValueError:
        raise IntakeError(Code.INVALID_REQUEST, "bad Content-Length") from None
    if length > limit:
        raise IntakeError(Code.INVALID_REQUEST, f"body over {limit} bytes")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise IntakeError(Code.INVALID_REQUEST, f"body over {limit} bytes")
    return body


def _parser() -> etree.XMLPullParser:
    return etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
    )


def parse(body: bytes) -> etree._Element:
    """The document's root element; ``IntakeError`` 4110 for anything that is not a
    plain, well-formed XML document within the limits."""
    if len(body) > MAX_DOCUMENT_BYTES:
        raise IntakeError(Code.INVALID_REQUEST, "document too large")
    root_start = _ROOT_START.search(body)
    if _DOCTYPE.search(body, 0, root_start.start() if root_start else len(body)):
        raise IntakeError(Code.MALFORMED_XML, "DOCTYPE and entity declarations are refused")
    parser = _parser()
    depth = 0
    try:
        for start in range(0, len(body), _FEED_BYTES):
            parser.feed(body[start : start + _FEED_BYTES])
            for event, _ in parser.read_events():
                depth += 1 if event == "start" else -1
                if depth > MAX_DEPTH:
                    raise IntakeError(Code.MALFORMED_XML, "elements nested too deeply")
        root = parser.close()
    except etree.XMLSyntaxError as error:
        raise IntakeError(Code.MALFORMED_XML, str(error)) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise IntakeError(Code.MALFORMED_XML, "DOCTYPE is refused")
    return root


@functools.cache
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))


def schema_text() -> bytes:
    return SCHEMA_PATH.read_bytes()


def parse_valid(body: bytes, root_tag: str) -> etree._Element:
    """``parse``, then the root must be ``root_tag`` and the document valid (4100)."""
    root = parse(body)
    if root.tag != root_tag:
        raise IntakeError(Code.VALIDATION_FAILED, f"expected a <{root_tag}> document")
    validator = schema()
    if not validator.validate(root):
        error = validator.error_log.last_error
        raise IntakeError(Code.VALIDATION_FAILED, f"line {error.line}: {error.message}")
    return root


def document_text(body: bytes, root: etree._Element) -> str:
    """The document as text, in the encoding it declared (UTF-8 when it said none)."""
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    try:
        return body.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return body.decode("utf-8", errors="replace")


# Responses -------------------------------------------------------------------------------


def _render(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _child(parent: etree._Element, tag: str, text: str) -> None:
    etree.SubElement(parent, tag).text = text


def report_response(
    code: Code,
    *,
    description: str | None = None,
    report_id: str | None = None,
    file_id: str | None = None,
    md5: str | None = None,
) -> bytes:
    root = etree.Element("reportResponse")
    _child(root, "responseCode", str(int(code)))
    _child(root, "responseDescription", description or code.description)
    for tag, value in (("reportId", report_id), ("fileId", file_id), ("hash", md5)):
        if value:
            _child(root, tag, value)
    return _render(root)


def report_done_response(
    code: Code, *, report_id: str | None = None, file_ids: list[str] = ()
) -> bytes:
    root = etree.Element("reportDoneResponse")
    _child(root, "responseCode", str(int(code)))
    if report_id:
        _child(root, "reportId", report_id)
    files = etree.SubElement(root, "files")
    for file_id in file_ids:
        _child(files, "fileId", file_id)
    return _render(root)
