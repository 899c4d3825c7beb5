"""A report's jurisdiction from its clues: which clue decides, how sure, when to review."""

import dataclasses
import math

import pytest
from mmdb_fixture import (
    ANONYMOUS_PROXY,
    DALLAS,
    LEGACY_A1,
    LITTLE_ROCK,
    LITTLE_ROCK_V6,
    SAN_JUAN,
    TORONTO,
    US_COUNTRY_ONLY,
    write_city_database,
)

from clearinghouse.geo import ip
from clearinghouse.geo.resolve import Resolution, resolve

LITTLE_ROCK_POINT = {"latitude": 34.7465, "longitude": -92.2896}
DALLAS_POINT = {"latitude": 32.7767, "longitude": -96.7970}


@pytest.fixture(autouse=True)
def geoip_db(tmp_path, settings):
    ip.clear_cache()
    settings.GEOIP_DB = write_city_database(tmp_path / "city.mmdb")
    yield settings.GEOIP_DB
    ip.clear_cache()


def zip_code(zip_code, party="suspect"):
    return {"kind": "zip", "party": party, "zip_code": zip_code}


def address(party="suspect", **fields):
    return {"kind": "address", "party": party, **fields}


def phone(number, party="suspect", **fields):
    return {"kind": "phone", "party": party, "number": number, **fields}


def coordinates(latitude, longitude, party="incident"):
    return {"kind": "coordinates", "party": party, "latitude": latitude, "longitude": longitude}


def ip_address(address, party="suspect"):
    return {"kind": "ip", "party": party, "ip_address": address}


def estimated(party="suspect", **fields):
    return {"kind": "estimated", "party": party, **fields}


def placed(resolution):
    return (resolution.country, resolution.state, resolution.confidence)


# Each kind of clue ----------------------------------------------------------------------


def test_a_zip_code_is_a_strong_clue():
    resolution = resolve([zip_code("72201")])

    assert resolution == Resolution(
        country="US",
        state="AR",
        clue="suspect ZIP code 72201",
        confidence="high",
        needs_review=False,
        conflicts=[],
        reason="suspect ZIP code 72201 places it in AR (strong clue)",
        unresolved=[],
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"zip_code": "72201-1234", "city": "Little Rock", "country": "US"},
        {"state": "AR"},
        {"state": "Arkansas", "country": "US"},
        {"zip_code": "72201", "state": "ar", "country": "us"},
    ],
)
def test_an_address_with_a_zip_code_or_state_is_a_strong_clue(fields):
    assert placed(resolve([address(**fields)])) == ("US", "AR", "high")


def test_an_address_names_its_zip_code_as_the_deciding_clue():
    resolution = resolve([address(party="victim", zip_code="72201", state="AR")])

    assert resolution.clue == "victim address ZIP code 72201"


def test_a_phone_number_is_a_medium_clue():
    resolution = resolve([phone("+1 501 555 0100")])

    assert placed(resolution) == ("US", "AR", "medium")
    assert resolution.clue == "suspect phone +1 501-555-0100"


def test_a_phone_number_can_come_with_its_calling_code_apart():
    clue = phone("214 555 0100", country_calling_code="+1")

    assert placed(resolve([clue])) == ("US", "TX", "medium")


def test_coordinates_inside_the_us_are_a_strong_clue():
    resolution = resolve([coordinates(**LITTLE_ROCK_POINT)])

    assert placed(resolution) == ("US", "AR", "high")
    assert resolution.clue == "incident coordinates 34.7465, -92.2896"


def test_coordinates_may_be_text_as_in_the_report():
    assert placed(resolve([coordinates("34.7465", " -92.2896 ")])) == ("US", "AR", "high")


def test_coordinates_near_a_state_border_are_a_medium_clue():
    resolution = resolve([coordinates(39.0997, -94.6075)])  # State Line Road, Kansas City

    assert resolution.confidence == "medium"
    assert resolution.state in {"KS", "MO"}
    assert "near a border" in resolution.clue


@pytest.mark.parametrize("address", [LITTLE_ROCK, LITTLE_ROCK_V6])
def test_an_ip_address_placed_in_a_city_is_a_medium_clue(address):
    resolution = resolve([ip_address(address)])

    assert placed(resolution) == ("US", "AR", "medium")
    assert resolution.clue == f"suspect IP address {address}"


def test_an_estimated_location_is_a_weak_clue():
    clue = estimated(city="Little Rock", region="Arkansas", country_code="US")

    assert placed(resolve([clue])) == ("US", "AR", "low")


def test_an_estimated_region_without_a_country_is_read_as_a_us_state():
    assert placed(resolve([estimated(region="TX")])) == ("US", "TX", "low")


# Territories ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clue", "state"),
    [
        (zip_code("00901"), "PR"),
        (address(country="PR", city="San Juan"), "PR"),
        (address(zip_code="00901", country="PR"), "PR"),
        (address(state="Puerto Rico"), "PR"),
        (phone("+1 787 555 0100"), "PR"),
        (ip_address(SAN_JUAN), "PR"),  # MaxMind calls it a country
        (coordinates(18.4655, -66.1057), "PR"),
        (coordinates(13.4443, 144.7937), "GU"),
        (estimated(country_code="GU"), "GU"),
        (estimated(country_code="US", region="Guam"), "GU"),
        (estimated(country_code="vi"), "VI"),
        (address(country="AS"), "AS"),
        (address(country="MP"), "MP"),
    ],
)
def test_territories_are_jurisdictions_whatever_a_source_calls_them(clue, state):
    resolution = resolve([clue])

    assert (resolution.country, resolution.state) == ("US", state)
    assert not resolution.needs_review


def test_the_minor_outlying_islands_are_american_but_no_jurisdiction():
    resolution = resolve([address(country="UM")])

    assert (resolution.country, resolution.state, resolution.needs_review) == ("US", None, True)


# Weighing clues -------------------------------------------------------------------------


def test_a_stronger_clue_outweighs_a_weightier_party():
    resolution = resolve([phone("+1 214 555 0100"), zip_code("72201", party="victim")])

    assert placed(resolution) == ("US", "AR", "high")
    assert resolution.clue == "victim ZIP code 72201"
    assert resolution.conflicts == ["suspect phone +1 214-555-0100 (TX)"]
    assert not resolution.needs_review


@pytest.mark.parametrize(
    ("weightier", "lighter"),
    [("suspect", "incident"), ("incident", "victim"), ("victim", "recipient"), ("recipient", None)],
)
def test_among_equally_strong_clues_the_weightier_party_decides(weightier, lighter):
    clues = [zip_code("75201", party=lighter), zip_code("72201", party=weightier)]

    resolution = resolve(clues)

    assert resolution.state == "AR"
    assert resolution.conflicts == [f"{lighter + ' ' if lighter else ''}ZIP code 75201 (TX)"]
    assert not resolution.needs_review


def test_agreeing_clues_are_no_conflict():
    clues = [zip_code("72201"), coordinates(**LITTLE_ROCK_POINT), ip_address(LITTLE_ROCK)]

    resolution = resolve(clues)

    assert placed(resolution) == ("US", "AR", "high")
    assert resolution.conflicts == []


def test_conflicting_strong_clues_go_to_review_undecided():
    clues = [zip_code("72201"), coordinates(**DALLAS_POINT, party="suspect")]

    resolution = resolve(clues)

    assert (resolution.country, resolution.state) == ("US", None)
    assert (resolution.clue, resolution.confidence) == ("", "")
    assert resolution.needs_review
    assert resolution.conflicts == [
        "suspect ZIP code 72201 (AR)",
        "suspect coordinates 32.7767, -96.7970 (TX)",
    ]
    assert resolution.reason.startswith("clues of equal weight disagree")


def test_an_address_that_contradicts_itself_goes_to_review():
    resolution = resolve([address(zip_code="72201", state="TX")])

    assert resolution.needs_review
    assert resolution.state is None
    assert len(resolution.conflicts) == 2


def test_a_weaker_clue_does_not_undo_a_conflict_among_stronger_ones():
    clues = [ip_address(LITTLE_ROCK), zip_code("72201"), zip_code("75201")]

    assert resolve(clues).needs_review


def test_disagreeing_ip_addresses_of_the_suspect_go_to_review():
    resolution = resolve([ip_address(LITTLE_ROCK), ip_address(DALLAS)])

    assert resolution.needs_review
    assert resolution.conflicts == [
        f"suspect IP address {LITTLE_ROCK} (AR)",
        f"suspect IP address {DALLAS} (TX)",
    ]


# The US without a state, and abroad -----------------------------------------------------


def test_an_ip_address_placed_only_in_the_us_needs_review():
    resolution = resolve([ip_address(US_COUNTRY_ONLY)])

    assert placed(resolution) == ("US", None, "low")
    assert resolution.needs_review
    assert "no state" in resolution.reason


def test_a_clue_that_only_says_us_yields_to_any_more_specific_one():
    clues = [ip_address(US_COUNTRY_ONLY), estimated(party="recipient", region="AR")]

    resolution = resolve(clues)

    assert placed(resolution) == ("US", "AR", "low")
    assert resolution.conflicts == []
    assert not resolution.needs_review


def test_foreign_clues_resolve_to_a_country_without_review():
    clues = [
        ip_address(TORONTO),
        estimated(city="Toronto", region="ON", country_code="CA"),
        phone("+1 416 555 0100", party="victim"),
    ]

    resolution = resolve(clues)

    assert placed(resolution) == ("CA", None, "medium")
    assert not resolution.needs_review
    assert "outside the US" in resolution.reason


def test_a_foreign_address_is_a_strong_clue_and_its_postal_code_no_us_zip_code():
    resolution = resolve([address(zip_code="10115", city="Berlin", country="DE")])

    assert placed(resolution) == ("DE", None, "high")


def test_a_foreign_phone_number_is_a_medium_clue():
    resolution = resolve([phone("20 7946 0000", country_calling_code="+44")])

    assert placed(resolution) == ("GB", None, "medium")


def test_a_us_clue_outweighs_a_weaker_foreign_one():
    resolution = resolve([ip_address(TORONTO), zip_code("72201", party="victim")])

    assert placed(resolution) == ("US", "AR", "high")
    assert resolution.conflicts == [f"suspect IP address {TORONTO} (CA)"]


def test_equally_weighty_clues_in_two_countries_leave_the_country_open():
    resolution = resolve([ip_address(TORONTO), ip_address(LITTLE_ROCK)])

    assert (resolution.country, resolution.state, resolution.needs_review) == (None, None, True)


# Nothing to go on -----------------------------------------------------------------------


def test_a_report_without_clues_needs_review():
    resolution = resolve([])

    assert resolution == Resolution(
        None, None, "", "", True, [], "the report has no location clue", []
    )


@pytest.mark.parametrize(
    ("clue", "why"),
    [
        (ip_address("10.1.2.3"), "suspect IP address 10.1.2.3 is private or reserved"),
        (ip_address("fe80::1"), "suspect IP address fe80::1 is private or reserved"),
        (ip_address("8.8.8.8"), "suspect IP address 8.8.8.8 is not in the GeoIP database"),
        (ip_address(LEGACY_A1), "GeoIP country 'A1' is a legacy GeoIP code"),
        (ip_address(ANONYMOUS_PROXY), "is not in the GeoIP database"),
        (coordinates(25.0, -90.0), "not within 40 km of a US ZIP code"),  # Gulf of Mexico
        (coordinates(43.65, -79.38), "not within 40 km of a US ZIP code"),  # Toronto
        (coordinates(7.5, 134.6), "not within 40 km of a US ZIP code"),  # Palau
        (phone("+1 800 555 0100"), "is not tied to a place"),
        (estimated(country_code="A1"), "country 'A1' is a legacy GeoIP code"),
        (estimated(country_code="EU", city="Paris"), "country 'EU' is a legacy GeoIP code"),
        (estimated(country_code="AP"), "legacy GeoIP code"),
        (estimated(country_code="O1"), "legacy GeoIP code"),
        (estimated(country_code="A2"), "legacy GeoIP code"),
        (estimated(city="Springfield"), "names no country or US state"),
        (address(country="A2"), "address without a usable ZIP code, state or country"),
    ],
)
def test_a_clue_that_places_nothing_is_recorded_as_unresolved(clue, why):
    resolution = resolve([clue])

    assert (resolution.country, resolution.state, resolution.needs_review) == (None, None, True)
    assert resolution.reason == "no usable clue"
    assert any(why in note for note in resolution.unresolved), resolution.unresolved


def test_without_a_geoip_database_ip_clues_are_skipped(settings):
    settings.GEOIP_DB = None

    resolution = resolve([ip_address(LITTLE_ROCK), zip_code("72201", party="victim")])

    assert resolution.state == "AR"
    assert resolution.unresolved == [
        f"suspect IP address {LITTLE_ROCK} was not looked up: no GeoIP database is configured"
    ]


def test_a_legacy_country_code_beside_a_zip_code_is_noted_and_the_zip_code_decides():
    resolution = resolve([address(zip_code="72201", country="EU")])

    assert placed(resolution) == ("US", "AR", "high")
    assert resolution.unresolved == ["suspect address country 'EU' is a legacy GeoIP code"]


# Malformed clues never crash ------------------------------------------------------------

MALFORMED = [
    "suspect ZIP code 72201",
    None,
    {"party": "suspect", "zip_code": "72201"},
    {"kind": "postcard", "party": "suspect"},
    {"kind": ["zip"], "party": "suspect"},
    zip_code("72201", party="reporter"),
    zip_code("72201", party=["suspect"]),
    zip_code(72201),
    zip_code("7220A"),
    zip_code("00000"),
    zip_code(""),
    zip_code(None),
    address(),
    address(zip_code="99999", state="Atlantis"),
    address(zip_code=72201),
    address(state={"code": "AR"}),
    address(country="XX"),
    phone(5015550100),
    phone("hello"),
    phone("+1 501 555"),
    phone("501 555 0100", country_calling_code="1-800"),
    phone("501 555 0100", country_calling_code=1),
    phone(None),
    coordinates("north", "west"),
    coordinates({"lat": 34.7}, -92.2),
    coordinates(True, False),
    coordinates(34.7465, None),
    coordinates(math.nan, -92.2896),
    coordinates("inf", -92.2896),
    coordinates(200.0, -92.2896),
    coordinates(34.7465, -400),
    ip_address("999.1.1.1"),
    ip_address("192.0.2"),
    ip_address(3232235777),
    ip_address(""),
    estimated(country_code="XX"),
    estimated(country_code=840),
    estimated(region=["AR"]),
    estimated(),
]


@pytest.mark.parametrize("clue", MALFORMED)
def test_an_unusable_clue_is_ignored_and_noted(clue):
    resolution = resolve([clue])

    assert (resolution.country, resolution.state, resolution.needs_review) == (None, None, True)
    assert len(resolution.unresolved) >= 1


def test_unusable_clues_do_not_stop_a_usable_one():
    resolution = resolve([*MALFORMED, zip_code("72201", party="victim")])

    assert placed(resolution) == ("US", "AR", "high")
    assert len(resolution.unresolved) >= len(MALFORMED)


@pytest.mark.parametrize("clues", [None, "72201", {"kind": "zip", "zip_code": "72201"}, 42])
def test_clues_that_are_not_a_list_are_noted(clues):
    resolution = resolve(clues)

    assert resolution.needs_review
    assert resolution.unresolved[0].startswith("clues are not a list")


def test_a_resolution_cannot_be_changed():
    resolution = resolve([zip_code("72201")])

    with pytest.raises(dataclasses.FrozenInstanceError):
        resolution.state = "TX"
