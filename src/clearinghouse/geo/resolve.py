"""Which jurisdiction a report belongs to, decided from its location clues.

A report carries clues about its parties: addresses, ZIP codes, phone numbers, coordinates,
IP addresses, locations an online platform estimated. ``resolve`` reads each into a place
(a country, and for the US a jurisdiction) with a strength, then lets the best clue decide:

- Strength first. Strong: an address with a US ZIP code or state (or a foreign country),
  coordinates inside the US. Medium: a phone number (the area code says where a number
  was issued, not where its holder is now), an IP address the GeoIP database places in a
  city, coordinates near a state border. Low: an IP address placed only in a country, a
  platform's estimated location.
- Then the party: suspect, incident, victim, recipient; a clue without a party comes last.
  Parties often live in different states; that is no conflict, the weightier party decides
  and the others are listed in ``conflicts`` for the analyst.
- A conflict is a disagreement among the best clues: the same strength and party, different
  places (the suspect's ZIP code in Arkansas, the suspect's coordinates in Texas). Nothing is
  decided then: state None, ``needs_review``. A guessed state would route the report to the
  wrong state's law enforcement; an analyst chooses faster than an officer notices.
- A clue that only says "US" decides only when no clue is more specific, and then the
  report needs review: it is American, but no state's law enforcement can take it yet.
- Foreign places resolve to their country, with no review: they leave through the
  international route. US territories are jurisdictions (country US, state PR), whether a
  source calls them countries (ISO codes, MaxMind) or not.

Clues are dicts from the report parsers (see ``CLUE_KINDS``). Missing fields are fine,
values of the wrong type are not: such a clue is ignored, and why is recorded in
``unresolved``. Nothing here raises on a bad clue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import phonenumbers
import pycountry
import us

from clearinghouse.geo import ip
from clearinghouse.geo.coordinates import MAX_DISTANCE_KM, place_for_coordinates
from clearinghouse.geo.jurisdictions import CODES
from clearinghouse.geo.lookups import state_for_phone, state_for_zip

STRONG, MEDIUM, LOW = 3, 2, 1
_CONFIDENCE = {STRONG: "high", MEDIUM: "medium", LOW: "low"}

PARTY_WEIGHTS = {"suspect": 4, "incident": 3, "victim": 2, "recipient": 1}

# Codes that old GeoIP databases (and the CyberTipline schema, after them) use for
# "somewhere": anonymous proxy, satellite provider, other, Asia/Pacific, Europe.
LEGACY_GEOIP_CODES = frozenset({"A1", "A2", "O1", "AP", "EU"})

_CALLING_CODE = re.compile(r"\+?[0-9]{1,3}")

Place = tuple[str, str | None]  # (ISO country, USPS jurisdiction code or None)


@dataclass(frozen=True)
class Resolution:
    """Where a report belongs, which clue decided, and how sure that is.

    ``confidence`` is "high", "medium" or "low" after the strength of the deciding clue,
    and "" when nothing was decided. ``conflicts`` lists the clues that point elsewhere,
    ``unresolved`` the clues that could not be used, each with why.
    """

    country: str | None
    state: str | None
    clue: str
    confidence: str
    needs_review: bool
    conflicts: list[str] = field(default_factory=list)
    reason: str = ""
    unresolved: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Finding:
    description: str  # "suspect ZIP code 72201"
    place: Place
    strength: int
    party_weight: int
    order: int

    @property
    def rank(self) -> tuple[int, int]:
        return (self.strength, self.party_weight)

    @property
    def where(self) -> str:
        return f"{self.description} ({self.place[1] or self.place[0]})"


class _Unusable(Exception):
    """A clue that says nothing usable; the message says why."""


class _BadField(_Unusable):
    """A field whose value has the wrong type: a mistake of the parser, not the report."""


# A clue reader returns (what the clue is, place, strength) for each place it names, and
# may add notes about parts it could not use.
_Reading = list[tuple[str, Place, int]]


def resolve(clues: list[dict]) -> Resolution:
    """The jurisdiction of a report from its clues (see the module docstring)."""
    findings: list[_Finding] = []
    unresolved: list[str] = []
    if not isinstance(clues, list | tuple):
        unresolved.append(f"clues are not a list but {type(clues).__name__}")
        clues = []
    for order, clue in enumerate(clues):
        try:
            findings += _findings(clue, order, unresolved)
        except _Unusable as error:
            unresolved.append(str(error))
    return _decide(findings, unresolved)


def warm_up() -> None:
    """Load the data the resolver reads lazily (phone-number metadata, ZIP codes, the
    coordinate index: about 0.35 s of CPU), so that a server does it once at start-up.
    No database connection is opened."""
    resolve(
        [
            {"kind": "zip", "party": "suspect", "zip_code": "72201"},
            {"kind": "phone", "party": "victim", "number": "+1 501 555 0100"},
            {"kind": "coordinates", "party": "incident", "latitude": 34.7, "longitude": -92.3},
        ]
    )


def _findings(clue: object, order: int, notes: list[str]) -> list[_Finding]:
    if not isinstance(clue, dict):
        raise _Unusable(f"clue {order + 1} is not a mapping but {type(clue).__name__}")
    kind, party = clue.get("kind"), clue.get("party")
    if not isinstance(kind, str) or kind not in CLUE_KINDS:
        raise _Unusable(f"clue {order + 1} has an unknown kind: {_shown(kind)}")
    if party is not None and (not isinstance(party, str) or party not in PARTY_WEIGHTS):
        raise _Unusable(f"clue {order + 1} has an unknown party: {_shown(party)}")
    prefix = f"{party} " if party else ""
    party_notes: list[str] = []
    try:
        readings = CLUE_KINDS[kind](clue, party_notes)
    except _BadField as error:
        raise _Unusable(f"{prefix}{kind} clue: {error}") from None
    except _Unusable as error:
        raise _Unusable(prefix + str(error)) from None
    finally:
        notes += [prefix + note for note in party_notes]
    weight = PARTY_WEIGHTS.get(party, 0)
    return [
        _Finding(prefix + what, place, strength, weight, order)
        for what, place, strength in readings
    ]


def _decide(findings: list[_Finding], unresolved: list[str]) -> Resolution:
    if not findings:
        reason = "no usable clue" if unresolved else "the report has no location clue"
        return Resolution(None, None, "", "", True, [], reason, unresolved)
    # "Somewhere in the US" only decides when nothing is more specific.
    specific = [f for f in findings if f.place != ("US", None)]
    ranked = sorted(specific or findings, key=lambda f: (-f.strength, -f.party_weight, f.order))
    best = ranked[0]
    tied = [f for f in ranked if f.rank == best.rank]
    if any(f.place != best.place for f in tied):
        return _conflict(tied, unresolved)
    country, state = best.place
    conflicts = _unique(f.where for f in findings if not _compatible(f.place, best.place))
    return Resolution(
        country=country,
        state=state,
        clue=best.description,
        confidence=_CONFIDENCE[best.strength],
        needs_review=country == "US" and state is None,
        conflicts=conflicts,
        reason=_reason(best, conflicts),
        unresolved=unresolved,
    )


def _conflict(tied: list[_Finding], unresolved: list[str]) -> Resolution:
    countries = {f.place[0] for f in tied}
    country = countries.pop() if len(countries) == 1 else None
    conflicts = _unique(f.where for f in tied)
    reason = "clues of equal weight disagree: " + "; ".join(conflicts)
    return Resolution(country, None, "", "", True, conflicts, reason, unresolved)


def _reason(best: _Finding, conflicts: list[str]) -> str:
    country, state = best.place
    strength = {STRONG: "strong", MEDIUM: "medium", LOW: "weak"}[best.strength]
    if state:
        reason = f"{best.description} places it in {state} ({strength} clue)"
    elif country == "US":
        reason = f"{best.description} places it in the US but in no state; choose one"
    else:
        reason = f"{best.description} places it outside the US, in {country} ({strength} clue)"
    if conflicts:
        reason += f"; {len(conflicts)} weaker or less weighty clue(s) point elsewhere"
    return reason


def _compatible(place: Place, decided: Place) -> bool:
    """Whether a clue agrees with the decision: same country, and the same state or none."""
    return place[0] == decided[0] and (place[1] is None or place[1] == decided[1])


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


# Reading field values -------------------------------------------------------------------


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(clue: dict, key: str) -> str | None:
    """A text field, stripped; None when missing or blank; a clue with a non-text value
    there is unusable."""
    value = clue.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadField(f"{key} is not text but {type(value).__name__}")
    return value.strip() or None


def _number(clue: dict, key: str) -> float | None:
    value = clue.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise _BadField(f"{key} is not a number but {type(value).__name__}")
    try:
        return float(value)
    except ValueError:
        raise _Unusable(f"{key} is not a number: {_shown(value)}") from None


def country_place(code: str) -> Place | None:
    """An ISO 3166 alpha-2 code as a place: 'AR' -> ('AR', None) (Argentina), 'PR' ->
    ('US', 'PR'), 'US' -> ('US', None). None for legacy GeoIP and unknown codes.

    The territories are found in ISO 3166-2, where they are both countries and the US's
    outlying areas (US-PR, ..., and US-UM, the minor islands, which are no jurisdiction).
    """
    code = code.strip().upper()
    if code in LEGACY_GEOIP_CODES or pycountry.countries.get(alpha_2=code) is None:
        return None
    subdivision = pycountry.subdivisions.get(code=f"US-{code}")
    if code == "US" or (subdivision is not None and subdivision.type == "Outlying area"):
        return ("US", code if code in CODES else None)
    return (code, None)


def state_code(text: str) -> str | None:
    """A US jurisdiction from its USPS code or name: 'AR', 'ar', 'Arkansas' -> 'AR'."""
    if not text.replace(" ", "").replace(".", "").isalpha():
        return None  # not FIPS codes or ZIP prefixes
    found = us.states.lookup(text.strip())
    return found.abbr if found is not None and found.abbr in CODES else None


def _unknown_country(text: str) -> str:
    kind = "a legacy GeoIP code" if text.upper() in LEGACY_GEOIP_CODES else "unknown"
    return f"country {_shown(text)} is {kind}"


# One reader per clue kind ---------------------------------------------------------------


def _read_zip(clue: dict, notes: list[str]) -> _Reading:
    zip_code = _text(clue, "zip_code")
    if zip_code is None:
        raise _Unusable("ZIP code clue without a ZIP code")
    state = state_for_zip(zip_code)
    if state is None:
        raise _Unusable(f"ZIP code {_shown(zip_code)} is not a ZIP code of a jurisdiction")
    return [(f"ZIP code {zip_code}", ("US", state), STRONG)]


def _read_address(clue: dict, notes: list[str]) -> _Reading:
    zip_code, state_text = _text(clue, "zip_code"), _text(clue, "state")
    country_text = _text(clue, "country")
    _text(clue, "city")  # type-checked, not used: a city name alone is ambiguous
    country = country_place(country_text) if country_text else None
    if country_text and country is None:
        notes.append(f"address {_unknown_country(country_text)}")
    if country is not None and country[0] != "US":
        # A foreign postal code or region says nothing about US states.
        return [(f"address in {country[0]}", country, STRONG)]
    parts: list[tuple[str, str]] = []
    if zip_code:
        if state := state_for_zip(zip_code):
            parts.append((f"address ZIP code {zip_code}", state))
        else:
            notes.append(f"address ZIP code {_shown(zip_code)} is not a ZIP code of a jurisdiction")
    if state_text:
        if state := state_code(state_text):
            parts.append((f"address state {state}", state))
        else:
            notes.append(f"address state {_shown(state_text)} is not a US jurisdiction")
    if country is not None and country[1]:
        parts.append((f"address in {country[1]}", country[1]))
    if len({state for _, state in parts}) > 1:  # the address contradicts itself
        return [(what, ("US", state), STRONG) for what, state in parts]
    if parts:
        return [(parts[0][0], ("US", parts[0][1]), STRONG)]
    if country == ("US", None):
        return [("address in the US", country, STRONG)]
    raise _Unusable("address without a usable ZIP code, state or country")


def _read_phone(clue: dict, notes: list[str]) -> _Reading:
    number, calling_code = _text(clue, "number"), _text(clue, "country_calling_code")
    if number is None:
        raise _Unusable("phone clue without a number")
    if calling_code and not number.startswith("+"):
        if not _CALLING_CODE.fullmatch(calling_code):
            raise _Unusable(f"phone country calling code {_shown(calling_code)} is malformed")
        number = f"+{calling_code.removeprefix('+')} {number}"
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        raise _Unusable(f"phone {_shown(number)} is not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise _Unusable(f"phone {_shown(number)} is not a valid number")
    shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    region = phonenumbers.region_code_for_number(parsed)
    place = country_place(region) if region and region.isalpha() else None
    if place is None:
        raise _Unusable(f"phone {shown} belongs to no country")
    if place[0] == "US":
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        state = state_for_phone(e164)
        if state is None:  # toll-free, premium rate, personal numbers
            raise _Unusable(f"phone {shown} is not tied to a place")
        place = ("US", state)
    return [(f"phone {shown}", place, MEDIUM)]


def _read_coordinates(clue: dict, notes: list[str]) -> _Reading:
    latitude, longitude = _number(clue, "latitude"), _number(clue, "longitude")
    if latitude is None or longitude is None:
        raise _Unusable("coordinates without a latitude and a longitude")
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise _Unusable("coordinates are not finite numbers")
    what = f"coordinates {latitude:.4f}, {longitude:.4f}"
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise _Unusable(f"{what} are not a point on the globe")
    found = place_for_coordinates(latitude, longitude)
    if found is None:
        raise _Unusable(f"{what} are not within {MAX_DISTANCE_KM:.0f} km of a US ZIP code")
    if found.near_border:
        return [(f"{what} (near a border)", ("US", found.state), MEDIUM)]
    return [(what, ("US", found.state), STRONG)]


def _read_ip(clue: dict, notes: list[str]) -> _Reading:
    text = _text(clue, "ip_address")
    if text is None:
        raise _Unusable("IP clue without an address")
    address = ip.parse_address(text)
    if address is None:
        raise _Unusable(f"IP address {_shown(text)} is not an IP address")
    what = f"IP address {address}"
    if not ip.routable(address):
        raise _Unusable(f"{what} is private or reserved, which says nothing about a place")
    if not ip.configured():
        raise _Unusable(f"{what} was not looked up: no GeoIP database is configured")
    located = ip.locate(str(address))
    if located is None:
        raise _Unusable(f"{what} is not in the GeoIP database")
    place = country_place(located.country)
    if place is None:
        raise _Unusable(f"{what} has the GeoIP {_unknown_country(located.country)}")
    if place == ("US", None) and located.subdivision in CODES:
        place = ("US", located.subdivision)
    return [(what, place, MEDIUM if located.city_level else LOW)]


def _read_estimated(clue: dict, notes: list[str]) -> _Reading:
    country_text, region = _text(clue, "country_code"), _text(clue, "region")
    city = _text(clue, "city")
    words = ", ".join(part for part in (city, region, country_text) if part)
    what = f"estimated location {words}" if words else "estimated location"
    place = country_place(country_text) if country_text else None
    if place is None and country_text:
        raise _Unusable(f"{what}: {_unknown_country(country_text)}")
    if place in (None, ("US", None)) and region and (state := state_code(region)):
        place = ("US", state)
    if place is None:
        raise _Unusable(f"{what} names no country or US state" if words else f"{what} is empty")
    return [(what, place, LOW)]


CLUE_KINDS: dict[str, Callable[[dict, list[str]], _Reading]] = {
    "address": _read_address,
    "zip": _read_zip,
    "phone": _read_phone,
    "coordinates": _read_coordinates,
    "ip": _read_ip,
    "estimated": _read_estimated,
}
