"""A poster's public representation: the spec's ``Poster`` object, built from an
explicit allow-list.

For this clearinghouse's own posters, ``from_case`` copies only the fields listed here
out of a case. Nothing else on a case (whether the child is in care, risk factors,
trafficking indicators, circumstances, the reporter, recovery condition) is ever read,
so it cannot reach a poster, its PDF or the Poster API.

For partners' posters, ``PosterIn`` reads a PUT body: only the spec's fields, each of the
spec's type (strings are strings: a number where a string is expected is refused, as
the strict clients on the other side would refuse it); anything else is dropped.
"""

from __future__ import annotations

import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from clearinghouse.missing.models import MissingCase

COUNTRY = "US"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class PhotoIn(_Strict):
    photoData: str | None = None
    photoUri: str | None = None
    md5: str | None = None
    fileName: str | None = Field(None, max_length=200)
    fileType: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=500)


class DescriptionIn(_Strict):
    languageId: str | None = Field(None, max_length=10)
    description: str | None = Field(None, max_length=4000)


class ContactIn(_Strict):
    name: str | None = Field(None, max_length=200)
    state: str | None = Field(None, max_length=40)
    phoneNumbers: list[str] = []


class LocationIn(_Strict):
    state: str | None = Field(None, max_length=40)


def _is_date(value: str | None) -> str | None:
    if value:
        try:
            datetime.date.fromisoformat(value[:10])
        except ValueError:
            raise ValueError("must be a date, e.g. 2024-02-01") from None
    return value


PERSON_TEXT = (
    "firstName", "middleName", "lastName", "dateOfBirth", "approximateAge", "sex",
    "hairColor", "eyeColor", "description", "ncicNumber", "missingSince", "missingCity",
    "missingCounty", "missingState", "missingZip", "missingCountry", "dateFound",
    "foundCity", "foundCounty", "foundState", "foundZip", "foundCountry", "namus",
)  # fmt: skip
DATES = ("dateOfBirth", "missingSince", "dateFound")


class PersonIn(_Strict):
    firstName: str | None = None
    middleName: str | None = None
    lastName: str | None = None
    dateOfBirth: str | None = None
    ageNow: str | None = None
    approximateAge: str | None = None
    sex: str | None = None
    races: list[str] = []
    hairColor: str | None = None
    eyeColor: str | None = None
    description: str | None = Field(None, max_length=4000)
    ncicNumber: str | None = None
    photos: list[PhotoIn] = []
    ageProgressionPhotos: list[PhotoIn] = []
    missingSince: str | None = None
    missingCity: str | None = None
    missingCounty: str | None = None
    missingState: str | None = None
    missingZip: str | None = None
    missingCountry: str | None = None
    dateFound: str | None = None
    foundCity: str | None = None
    foundCounty: str | None = None
    foundState: str | None = None
    foundZip: str | None = None
    foundCountry: str | None = None
    namus: str | None = None

    @field_validator(*DATES)
    @classmethod
    def check_dates(cls, value: str | None) -> str | None:
        return _is_date(value)


class CompanionIn(PersonIn):
    companionType: str | None = None


class PosterIn(_Strict):
    id: str | None = None
    dateCreated: str | None = None
    lastModified: str | None = None
    organizationCode: str | None = None
    caseNumber: str | None = None
    descriptions: list[DescriptionIn] = []
    unidentified: bool = False
    amberAlert: bool = False
    children: list[PersonIn] = Field(default_factory=list, max_length=20)
    companions: list[CompanionIn] = Field(default_factory=list, max_length=20)
    extraPhotos: list[PhotoIn] = Field(default_factory=list, max_length=20)
    contacts: list[ContactIn] = []
    distributionLocations: list[LocationIn] = []


def person_document(person: PersonIn, *, companion: bool = False) -> dict:
    """A person as stored: the allowed text fields (ageNow is computed when served; the
    photos are stored apart)."""
    document = {key: getattr(person, key) for key in PERSON_TEXT if getattr(person, key)}
    document["races"] = [race for race in person.races if race]
    if companion and person.companionType:
        document["companionType"] = person.companionType
    return document


def from_put(poster: PosterIn) -> dict:
    return {
        "descriptions": [d.model_dump() for d in poster.descriptions if d.description],
        "unidentified": poster.unidentified,
        "amberAlert": poster.amberAlert,
        "children": [person_document(child) for child in poster.children],
        "companions": [person_document(c, companion=True) for c in poster.companions],
        "contacts": [contact.model_dump() for contact in poster.contacts],
        "distributionLocations": [loc.model_dump() for loc in poster.distributionLocations],
    }


# -- this clearinghouse's cases --------------------------------------------------------


def _physical_description(case: MissingCase) -> str:
    # No words of any language: the poster, in English or Spanish, shows it as it is.
    parts = [case.child_height, case.child_weight, case.child_marks]
    return ". ".join(part.rstrip(".") for part in parts if part)


def _date(value: datetime.datetime | datetime.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.isoformat()


def _compact(document: dict) -> dict:
    return {key: value for key, value in document.items() if value not in ("", None)}


def child_from_case(case: MissingCase) -> dict:
    return _compact(
        {
            "firstName": case.child_first_name,
            "middleName": case.child_middle_name,
            "lastName": case.child_last_name,
            "dateOfBirth": _date(case.child_date_of_birth),
            "sex": case.get_child_sex_display() if case.child_sex else "",
            "races": [case.child_race] if case.child_race else [],
            "hairColor": case.child_hair,
            "eyeColor": case.child_eyes,
            "description": _physical_description(case),
            "ncicNumber": case.ncic_number,
            "missingSince": _date(case.last_seen_at or case.reported_at),
            "missingCity": case.last_seen_city,
            "missingCounty": case.last_seen_county,
            "missingState": case.state_id,
            "missingZip": case.last_seen_zip,
            "missingCountry": COUNTRY,
        }
    ) | {"races": [case.child_race] if case.child_race else []}


def companion_from_case(companion) -> dict:
    return _compact(
        {
            "firstName": companion.first_name,
            "lastName": companion.last_name,
            "dateOfBirth": _date(companion.date_of_birth),
            "sex": companion.get_sex_display() if companion.sex else "",
            "description": companion.description,
            "companionType": companion.relationship or companion.get_kind_display(),
        }
    ) | {"races": []}


def from_case(case: MissingCase) -> dict:
    """The public poster of a case: only the fields named here, nothing else."""
    contacts = []
    if case.contact_agency or case.contact_phone:
        contacts.append(
            {
                "name": case.contact_agency,
                "state": case.state_id,
                "phoneNumbers": [case.contact_phone] if case.contact_phone else [],
            }
        )
    return {
        "descriptions": [],
        "unidentified": False,
        "amberAlert": False,
        "children": [child_from_case(case)],
        "companions": [companion_from_case(c) for c in case.companions.all()],
        "contacts": contacts,
        "distributionLocations": [{"state": case.state_id}],
    }
