"""Reading a validated ``<report>`` into intake's terms: above all, its location clues."""

from __future__ import annotations

from espclient import report_xml

from clearinghouse.tipline.ispws import documents, xml

CELL_AND_PLACE = (
    "<internetDetails><cellPhoneIncident>"
    '<phoneNumber type="Mobile" countryCallingCode="+1">5015550100</phoneNumber>'
    "<latitude>34.74</latitude><longitude>-92.33</longitude></cellPhoneIncident></internetDetails>"
    "<internetDetails><nonInternetIncident><locationName>Park</locationName>"
    "<incidentAddress><zipCode>75201</zipCode></incidentAddress></nonInternetIncident>"
    "</internetDetails>"
)


def read(document: str):
    body = document.encode()
    return documents.read_report(xml.parse_valid(body, "report"), document)


def test_it_collects_every_location_clue_with_its_party():
    document = report_xml(
        suspect_ip="203.0.113.9", victim_phone="5015550100", extra_incident=CELL_AND_PLACE
    )

    clues = read(document).clues

    assert clues == [
        {
            "kind": "phone",
            "party": "incident",
            "number": "5015550100",
            "country_calling_code": "+1",
        },
        {"kind": "coordinates", "party": "incident", "latitude": 34.74, "longitude": -92.33},
        {"kind": "zip", "party": "incident", "zip": "75201"},
        {
            "kind": "address",
            "party": "suspect",
            "city": "Little Rock",
            "zip": "72201",
            "state": "AR",
            "country": "US",
        },
        {
            "kind": "ip",
            "party": "suspect",
            "ip": "203.0.113.9",
            "event": "Login",
            "at": "2024-03-01T09:00:00Z",
        },
        {"kind": "phone", "party": "victim", "number": "5015550100", "country_calling_code": "+1"},
    ]


def test_an_estimated_location_is_a_clue():
    document = report_xml(suspect_zip=None, suspect_state=None).replace(
        "<screenName>suspect42</screenName>",
        "<screenName>suspect42</screenName><estimatedLocation><city>Austin</city>"
        "<region>TX</region><countryCode>US</countryCode></estimatedLocation>",
    )

    assert read(document).clues == [
        {"kind": "estimated", "party": "suspect", "city": "Austin", "region": "TX", "country": "US"}
    ]


def test_it_reads_the_summary():
    summary = read(report_xml(annotations=("spam", "informational"), batched=True))

    assert summary.incident_type_label.startswith("Child Pornography")
    assert summary.annotations == ["spam", "informational"]
    assert (summary.batched, summary.escalated, summary.platform) == (True, False, "Example Social")
