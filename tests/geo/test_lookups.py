"""Jurisdictions after migration, and ZIP code and phone number lookups."""

import pytest

from clearinghouse.geo.jurisdictions import all_jurisdictions
from clearinghouse.geo.lookups import jurisdiction_name, state_for_phone, state_for_zip
from clearinghouse.geo.models import Jurisdiction

TERRITORIES = {"AS", "GU", "MP", "PR", "VI"}


@pytest.mark.django_db
def test_the_migration_loads_all_56_jurisdictions_with_their_kinds():
    kinds = dict(Jurisdiction.objects.values_list("code", "kind"))

    assert len(kinds) == 56
    assert kinds["DC"] == Jurisdiction.Kind.DISTRICT
    assert {code for code, kind in kinds.items() if kind == Jurisdiction.Kind.TERRITORY} == (
        TERRITORIES
    )
    assert sum(kind == Jurisdiction.Kind.STATE for kind in kinds.values()) == 50


@pytest.mark.django_db
def test_the_stored_jurisdictions_match_the_package():
    stored = {(j.code, j.name, j.kind, j.fips) for j in Jurisdiction.objects.all()}

    assert stored == {(j.code, j.name, j.kind, j.fips) for j in all_jurisdictions()}
    assert Jurisdiction.objects.get(code="AR").fips == "05"


@pytest.mark.parametrize(
    ("zip_code", "state"),
    [
        ("72201", "AR"),
        ("72201-1234", "AR"),
        (" 72201 ", "AR"),
        ("75201", "TX"),
        ("00901", "PR"),
        ("96910", "GU"),
        ("20001", "DC"),
        ("00802", "VI"),
        ("96799", "AS"),
        ("96950", "MP"),
        ("99501", "AK"),
    ],
)
def test_it_finds_the_state_of_a_zip_code(zip_code, state):
    assert state_for_zip(zip_code) == state


@pytest.mark.parametrize(
    "zip_code",
    [
        "00000",  # well formed, not a ZIP code
        "99999",
        "7220",  # too short
        "722011",  # too long: the package would read the first five digits
        "72201-12",
        "7220A",
        "",
        None,
        72201,  # a number, not the text of a ZIP code
        "09001",  # military (APO/FPO): not one of the 56 jurisdictions
        "96941",  # Micronesia, a freely associated state
    ],
)
def test_it_answers_none_for_a_zip_code_it_cannot_place(zip_code):
    assert state_for_zip(zip_code) is None


@pytest.mark.parametrize(
    ("number", "state"),
    [
        ("+1 501 682 2345", "AR"),  # Little Rock: the geocoder names the city
        ("501-555-0100", "AR"),  # no country code: read as a US number
        ("(479) 555-0123", "AR"),
        ("+1 870 555 0123", "AR"),
        ("+1 214 555 0123", "TX"),
        ("+1 512 555 0123", "TX"),
        ("+1 212 555 0123", "NY"),
        ("+1 206 555 0123", "WA"),  # the geocoder says "Washington State"
        ("+1 907 555 0123", "AK"),
        ("+1 808 555 0123", "HI"),
        ("+1 202 555 0100", "DC"),  # "Washington D.C."
        ("+1 771 555 0100", "DC"),
        ("+1 787 555 1234", "PR"),
        ("+1 939 555 1234", "PR"),
        ("+1 671 472 1234", "GU"),
        ("+1 340 778 1234", "VI"),
        ("+1 684 633 1234", "AS"),
        ("+1 670 234 5678", "MP"),
    ],
)
def test_it_finds_the_jurisdiction_of_a_phone_number(number, state):
    assert state_for_phone(number) == state


@pytest.mark.parametrize(
    "number",
    [
        "+1 800 555 1234",  # toll-free
        "+1 888 555 1234",
        "+1 877 555 1234",
        "+1 900 555 1234",  # premium rate
        "+1 500 555 1234",  # personal number
        "+44 20 7946 0958",  # London
        "+1 416 555 1234",  # Toronto: +1, but Canada (whose region code is "CA")
        "+1 876 555 1234",  # Jamaica
        "+1 501 555",  # too short
        "not a number",
        "",
        None,
    ],
)
def test_it_answers_none_for_a_phone_number_it_cannot_place(number):
    assert state_for_phone(number) is None


def test_it_names_a_jurisdiction_by_code():
    assert jurisdiction_name("AR") == "Arkansas"
    assert jurisdiction_name("dc") == "District of Columbia"
    assert jurisdiction_name("PR") == "Puerto Rico"
    assert jurisdiction_name("ZZ") is None
    assert jurisdiction_name(None) is None
