"""The import format of records.md: one pydantic model per record ``type``.

Validation is strict on purpose. A bulk import usually migrates a legacy system, and a
value that is quietly coerced or dropped there ends up in a published figure: unknown
fields are errors, strings are never turned into numbers or booleans, times are RFC 3339
(UTC when they carry no offset) and dates are exactly ``YYYY-MM-DD``.

Error messages never repeat the offending value: an import file holds personal data and
its errors end up in terminals and logs.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from clearinghouse.education.models import TrainingRegistration
from clearinghouse.geo.jurisdictions import CODES, all_jurisdictions
from clearinghouse.impact.figures import KEYS as METRIC_KEYS
from clearinghouse.imports.lines import printable_name
from clearinghouse.missing.models import MissingCase
from clearinghouse.tipline.models import IncidentType, TiplineReport

# -- field types ---------------------------------------------------------------------------

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})?", re.ASCII
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _time(value: Any) -> datetime.datetime:
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise PydanticCustomError(
            "rfc3339", "must be an RFC 3339 time such as 2023-05-01T14:30:00Z"
        )
    try:
        parsed = datetime.datetime.fromisoformat(value.upper())
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=datetime.UTC)
        return parsed.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise PydanticCustomError("rfc3339", "is not a time that exists") from None


def _date(value: Any) -> datetime.date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise PydanticCustomError("date", "must be a date written YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date", "is not a date that exists") from None


def _plain(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("control", "must not contain control characters")
    return value


def _state(value: str) -> str:
    if value not in CODES:
        raise PydanticCustomError(
            "state", "must be the USPS code of a state, DC or a territory, such as AR"
        )
    return value


ISO_3166_ALPHA2 = frozenset(country.alpha_2 for country in pycountry.countries)
_US_TERRITORIES = frozenset(info.code for info in all_jurisdictions() if info.kind == "territory")


def _country(value: str) -> str:
    if value not in ISO_3166_ALPHA2:
        raise PydanticCustomError("country", "must be an ISO 3166-1 alpha-2 code, such as CA")
    if value in _US_TERRITORIES:
        raise PydanticCustomError(
            "country", "is a US jurisdiction: write it as country US with that state"
        )
    return value


def _hex(digits: int):
    def check(value: str) -> str:
        value = value.lower()
        if len(value) != digits or value.strip("0123456789abcdef"):
            raise PydanticCustomError("hex", f"must be {digits} hexadecimal digits")
        return value

    return AfterValidator(check)


_INCIDENT_TYPES = {label: value for value, label in IncidentType.choices} | {
    value: value for value in IncidentType.values
}


def _incident_type(value: str) -> str:
    try:
        return _INCIDENT_TYPES[value]
    except KeyError:
        raise PydanticCustomError(
            "incident_type",
            "must be one of the eight CyberTipline incident types, such as 'Child Sex Trafficking'",
        ) from None


def _metric(value: str) -> str:
    if value not in METRIC_KEYS:
        raise PydanticCustomError(
            "metric", "must be the key of a figure in records.md, such as 'missing.cases'"
        )
    return value


def _number(value: Any) -> Any:
    """JSON numbers as exact decimals: 36.2 is Decimal("36.2"), not the nearest float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number", "must be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("number", "must be a finite number")
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


Time = Annotated[datetime.datetime, BeforeValidator(_time)]
Date = Annotated[datetime.date, BeforeValidator(_date)]


def Text(max_length: int = 200):  # capitalized: it reads as a type in the models below
    return Annotated[
        str, StringConstraints(min_length=1, max_length=max_length), AfterValidator(_plain)
    ]


ExternalId = Text(200)
State = Annotated[str, AfterValidator(_state)]
Country = Annotated[str, AfterValidator(_country)]
IncidentTypeValue = Annotated[str, AfterValidator(_incident_type)]
Metric = Annotated[str, AfterValidator(_metric)]
Count = Annotated[int, Field(ge=0, le=2_147_483_647)]
StatisticValue = Annotated[
    Decimal, BeforeValidator(_number), Field(ge=0, max_digits=20, decimal_places=4)
]


def _choices(choices) -> Any:
    return Literal[tuple(choices.values)]


# -- the parts -----------------------------------------------------------------------------


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Jurisdiction(Strict):
    country: Country
    state: State | None = None

    @model_validator(mode="after")
    def _state_goes_with_us(self) -> Jurisdiction:
        if self.country == "US" and self.state is None:
            raise PydanticCustomError("jurisdiction", "needs a state when the country is US")
        if self.country != "US" and self.state is not None:
            raise PydanticCustomError("jurisdiction", "has a state only when the country is US")
        return self


class File(Strict):
    md5: Annotated[str, _hex(32)] | None = None
    sha1: Annotated[str, _hex(40)] | None = None
    pdq: Annotated[str, _hex(64)] | None = None
    media_type: Text(100) | None = None


class Agency(Strict):
    name: Text(200)
    state: State


class Child(Strict):
    first_name: Text(200) | None = None
    last_name: Text(200) | None = None
    date_of_birth: Date | None = None
    sex: _choices(MissingCase.Sex) | None = None


# -- the record types ----------------------------------------------------------------------


class RecordLine(Strict):
    type: str
    id: ExternalId


class TiplineReportLine(RecordLine):
    received_at: Time
    incident_type: IncidentTypeValue
    source: _choices(TiplineReport.Source) = "esp"
    reporting_org: Text(200) | None = None
    jurisdiction: Jurisdiction | None = None
    made_available_at: Time | None = None
    files: list[File] = []
    batched: bool = False
    informational: bool = False


class CvipSubmissionLine(RecordLine):
    received_at: Time
    agency: Agency
    file_count: Count | None = None
    reviewed_at: Time | None = None


class IdentifiedChildLine(RecordLine):
    identified_at: Date
    series: Text(200) | None = None


class MissingCaseLine(RecordLine):
    reported_at: Time
    state: State
    case_type: _choices(MissingCase.CaseType)
    missing_from_care: bool = False
    reported_by: _choices(MissingCase.ReportedBy) | None = None
    likely_cst_victim: bool = False
    status: _choices(MissingCase.Status) = "active"
    resolved_at: Time | None = None
    child: Child | None = None


class CstEngagementLine(RecordLine):
    engaged_at: Time
    agency: Agency
    case_id: Text(200) | None = None


class PeerSupportLine(RecordLine):
    family_id: Text(200)
    state: State
    supported_at: Time


class MentalHealthReferralLine(RecordLine):
    family_id: Text(200)
    state: State
    connected_at: Time


class TeamAdamDeploymentLine(RecordLine):
    case_id: Text(200)
    state: State
    deployed_at: Time


class TrainingRegistrationLine(RecordLine):
    registered_at: Time
    state: State
    profession: _choices(TrainingRegistration.Profession)


class PublishedStatisticLine(RecordLine):
    metric: Metric
    year: Annotated[int, Field(ge=1000, le=9999)]
    value: StatisticValue
    source: Text(2000)


# -- errors --------------------------------------------------------------------------------


def _path(location: tuple[str | int, ...]) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{printable_name(part)}" if text else printable_name(part)
    return text


def describe(error: ValidationError) -> str:
    """One line saying what is wrong with each field, without repeating any value."""
    reasons = []
    for detail in error.errors(include_url=False, include_input=False, include_context=False):
        path = _path(detail["loc"])
        if detail["type"] == "extra_forbidden":
            reasons.append(f"unknown field '{path}'")
        elif detail["type"] == "missing":
            reasons.append(f"missing field '{path}'")
        elif path:
            reasons.append(f"'{path}' {_should(detail['msg'])}")
        else:
            reasons.append(detail["msg"])
    return "; ".join(reasons)


_SUBJECT = re.compile(r"^(?:Input|String|List|Decimal input|Decimal|Value) (?=should )")


def _should(message: str) -> str:
    """pydantic's "Input should be ..." reads "'field' should be ..." after the name."""
    return _SUBJECT.sub("", message, count=1)
