"""Reading validated ``<report>`` and ``<fileDetails>`` documents into what intake needs.

Location clues
--------------
``clues`` is a list of plain dicts, each with a ``kind`` and the ``party`` it is about
(``suspect``: personOrUserReported, ``victim``, ``recipient``: intendedRecipient,
``incident``: where the incident itself happened), in document order:

- ``{"kind": "address", "street", "city", "zip", "state", "non_usa_state", "country"}``
- ``{"kind": "zip", "zip", "country"}`` (an address that gives only a ZIP code)
- ``{"kind": "phone", "number", "country_calling_code"}``
- ``{"kind": "coordinates", "latitude": float, "longitude": float}``
- ``{"kind": "ip", "ip", "event", "at"}``
- ``{"kind": "estimated", "city", "region", "country"}``

Fields the document leaves out are left out of the dict.
"""

from __future__ import annotations

import datetime

from lxml import etree

from clearinghouse.tipline.intake import Code, FileDetailsDocument, IntakeError, ReportDocument

PARTIES = {"personOrUserReported": "suspect", "victim": "victim", "intendedRecipient": "recipient"}
PERSON_ELEMENTS = {
    "personOrUserReported": "personOrUserReportedPerson",
    "victim": "victimPerson",
    "intendedRecipient": "intendedRecipientPerson",
}


def _text(element: etree._Element | None, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def read_report(root: etree._Element, text: str) -> ReportDocument:
    summary = root.find("incidentSummary")
    annotations = summary.find("reportAnnotations")
    return ReportDocument(
        text=text,
        incident_type_label=_text(summary, "incidentType"),
        incident_at=_moment(_text(summary, "incidentDateTime")),
        platform=_text(summary, "platform"),
        escalated=summary.find("escalateToHighPriority") is not None,
        annotations=[flag.tag for flag in annotations] if annotations is not None else [],
        batched=root.find("batchedReport") is not None,
        clues=clues(root),
    )


def _moment(text: str) -> datetime.datetime:
    """An xs:dateTime as Python reads it (years past 9999 and the like: 4100)."""
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise IntakeError(Code.VALIDATION_FAILED, f"unusable dateTime {text[:40]!r}") from None


def read_file_details(root: etree._Element) -> FileDetailsDocument:
    return FileDetailsDocument(
        report_id=_text(root, "reportId"),
        file_id=_text(root, "fileId"),
        details=_as_data(root),
        original_hashes=[
            (hash_.get("hashType", ""), (hash_.text or "").strip())
            for hash_ in root.iterfind("originalFileHash")
        ],
    )


def _as_data(element: etree._Element):
    """An element as JSON-able data: text for a leaf, a dict of lists otherwise."""
    children = list(element)
    if not children and not element.attrib:
        return (element.text or "").strip()
    data: dict = {f"@{name}": value for name, value in element.attrib.items()}
    if not children:
        data["#text"] = (element.text or "").strip()
    for child in children:
        data.setdefault(child.tag, []).append(_as_data(child))
    return data


# Location clues --------------------------------------------------------------------------


def clues(root: etree._Element) -> list[dict]:
    found: list[dict] = []
    for details in root.iterfind("internetDetails"):
        found.extend(_incident_clues(details))
    for tag, party in PARTIES.items():
        for element in root.iterfind(tag):
            found.extend(_party_clues(element, party, PERSON_ELEMENTS[tag]))
    return found


def _incident_clues(details: etree._Element) -> list[dict]:
    found: list[dict] = []
    cell = details.find("cellPhoneIncident")
    if cell is not None:
        phone = cell.find("phoneNumber")
        if phone is not None:
            found.append(_phone(phone, "incident"))
        latitude, longitude = _text(cell, "latitude"), _text(cell, "longitude")
        if latitude and longitude:
            found.append(
                {
                    "kind": "coordinates",
                    "party": "incident",
                    "latitude": float(latitude),
                    "longitude": float(longitude),
                }
            )
    for address in details.iterfind("nonInternetIncident/incidentAddress"):
        found.append(_address(address, "incident"))
    for event in details.iterfind("peer2peerIncident/ipCaptureEvent"):
        found.append(_ip(event, "incident"))
    return [clue for clue in found if clue]


def _party_clues(element: etree._Element, party: str, person_tag: str) -> list[dict]:
    found: list[dict] = []
    person = element.find(person_tag)
    if person is not None:
        found.extend(_address(address, party) for address in person.iterfind("address"))
        found.extend(_phone(phone, party) for phone in person.iterfind("phone"))
    found.extend(_ip(event, party) for event in element.iterfind("ipCaptureEvent"))
    estimated = element.find("estimatedLocation")
    if estimated is not None:
        found.append(
            _clue(
                "estimated",
                party,
                city=_text(estimated, "city"),
                region=_text(estimated, "region"),
                country=_text(estimated, "countryCode"),
            )
        )
    return [clue for clue in found if clue]


def _clue(kind: str, party: str, **fields) -> dict:
    present = {name: value for name, value in fields.items() if value}
    return {"kind": kind, "party": party, **present} if present else {}


def _address(address: etree._Element, party: str) -> dict:
    fields = {
        "street": _text(address, "address"),
        "city": _text(address, "city"),
        "zip": _text(address, "zipCode"),
        "state": _text(address, "state"),
        "non_usa_state": _text(address, "nonUsaState"),
        "country": _text(address, "country"),
    }
    if fields["zip"] and not any(fields[name] for name in ("street", "city", "state")):
        return _clue("zip", party, zip=fields["zip"], country=fields["country"])
    return _clue("address", party, **fields)


def _phone(phone: etree._Element, party: str) -> dict:
    return _clue(
        "phone",
        party,
        number=(phone.text or "").strip(),
        country_calling_code=phone.get("countryCallingCode", ""),
    )


def _ip(event: etree._Element, party: str) -> dict:
    return _clue(
        "ip",
        party,
        ip=_text(event, "ipAddress"),
        event=_text(event, "eventName"),
        at=_text(event, "dateTime"),
    )
