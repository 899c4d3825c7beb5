"""Which jurisdiction a ZIP code or a phone number belongs to.

The answers come from maintained packages (``zipcodes`` for USPS ZIP codes,
``phonenumbers`` for the North American Numbering Plan), not from tables of our own: area
codes are split and ZIP codes created every year, and a package update follows them.

Every function answers ``None`` when it does not know. A guess would route a report to
the wrong state's law enforcement, which is worse than leaving it for a person to resolve.
"""

from __future__ import annotations

import functools
import re

import phonenumbers
import zipcodes
from phonenumbers import geocoder

from clearinghouse.geo.jurisdictions import all_jurisdictions

_ZIP = re.compile(r"\d{5}(?:-\d{4})?")

# The geocoder names two places differently from the ``us`` package.
_GEOCODER_SPELLINGS = {"Washington D.C.": "DC", "Washington State": "WA"}

# A city-level description ends with the USPS code: "Little Rock, AR".
_CITY_STATE = re.compile(r", ([A-Z]{2})$")

# Numbers that are not tied to a place even though they carry a US country code.
_NOT_GEOGRAPHIC = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
        phonenumbers.PhoneNumberType.VOIP,
        phonenumbers.PhoneNumberType.UAN,
        phonenumbers.PhoneNumberType.VOICEMAIL,
        phonenumbers.PhoneNumberType.PAGER,
    }
)


@functools.cache
def _codes_by_name() -> dict[str, str]:
    return {info.name: info.code for info in all_jurisdictions()}


@functools.cache
def _names_by_code() -> dict[str, str]:
    return {info.code: info.name for info in all_jurisdictions()}


@functools.cache
def _territory_codes() -> frozenset[str]:
    """AS, GU, MP, PR, VI: each has its own region code in the numbering plan."""
    return frozenset(info.code for info in all_jurisdictions() if info.kind == "territory")


def jurisdiction_name(code: str) -> str | None:
    """'AR' -> 'Arkansas'; None for a code that is not one of the 56 jurisdictions."""
    if not isinstance(code, str):
        return None
    return _names_by_code().get(code.strip().upper())


def state_for_zip(zip_code: str) -> str | None:
    """The jurisdiction of a ZIP code ('72201' or ZIP+4 '72201-1234'), e.g. 'AR'.

    None for a malformed or unknown ZIP code, and for ZIP codes outside the 56
    jurisdictions (military APO/FPO, the freely associated states).
    """
    if not isinstance(zip_code, str) or not _ZIP.fullmatch(zip_code.strip()):
        return None
    matches = zipcodes.matching(zip_code.strip())
    if not matches:
        return None
    state = matches[0]["state"]
    return state if state in _names_by_code() else None


def state_for_phone(number: str) -> str | None:
    """The jurisdiction of a US phone number, e.g. '+1 501 555 0100' -> 'AR'.

    Numbers without a country code are read as US numbers. The territories have their own
    region in the numbering plan; a state or DC is found from the geocoder's description
    ("Arkansas", "Little Rock, AR", "Washington D.C."). None for a malformed or invalid
    number, a number outside the US (Canada and the Caribbean share the +1 country code),
    and numbers not tied to a place (toll-free 800/888/..., premium rate, 500 personal).
    """
    if not isinstance(number, str):
        return None
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    if phonenumbers.number_type(parsed) in _NOT_GEOGRAPHIC:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    # Compare regions before codes: Canada's region code "CA" is California's USPS code.
    if region in _territory_codes():
        return region
    if region != "US":
        return None
    return _jurisdiction_for_description(geocoder.description_for_number(parsed, "en"))


def _jurisdiction_for_description(description: str) -> str | None:
    if description in _GEOCODER_SPELLINGS:
        return _GEOCODER_SPELLINGS[description]
    if code := _codes_by_name().get(description):
        return code
    match = _CITY_STATE.search(description)
    if match and match.group(1) in _names_by_code():
        return match.group(1)
    return None
