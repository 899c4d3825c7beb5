"""``GET /Posters``: the spec's filters over published posters. Parameters this
server does not know are ignored, as the spec's clients ignore fields they do not know.

Organization and missing state narrow in the database; the other filters read the
posters' documents. Text filters compare case-insensitively and whole (a name filter
also matches a name that starts with it); list filters (``organizationCodes``,
``races``) take comma-separated values, any of which may match; date filters take
``YYYY-MM-DD`` (``...From``/``...To`` inclusive).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from clearinghouse.geo import ip, resolve
from clearinghouse.posterapi.models import Poster

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
PERSON_PLACE = {
    f"{kind}{part}": f"{kind}{part}"
    for kind in ("missing", "found")
    for part in ("City", "County", "State", "Zip", "Country")
}
DATE_FIELDS = {"missingDate": "missingSince", "foundDate": "dateFound"}
POSTER_DATES = {"lastModified": "last_modified", "dateCreated": "date_created"}
SORTS = {"missingDate", "foundDate", "lastModified", "dateCreated", "caseNumber", "lastName"}


class SearchError(ValueError):
    pass


def _int(params, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SearchError(f"{name} must be a whole number.") from None
    if not low <= value <= high:
        raise SearchError(f"{name} must be between {low} and {high}.")
    return value


def _date(params, name: str) -> datetime.date | None:
    raw = params.get(name, "")
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw[:10])
    except ValueError:
        raise SearchError(f"{name} must be a date, e.g. 2024-02-01.") from None


def _bool(params, name: str) -> bool:
    raw = params.get(name, "").lower()
    if raw not in ("", "true", "false", "1", "0"):
        raise SearchError(f"{name} must be true or false.")
    return raw in ("true", "1")


def _list(params, name: str) -> list[str]:
    return [part.strip().lower() for part in params.get(name, "").split(",") if part.strip()]


def _day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _within(day, exact, start, end) -> bool:
    if exact is None and start is None and end is None:
        return True
    if day is None:
        return False
    return (
        (exact is None or day == exact)
        and (start is None or day >= start)
        and (end is None or day <= end)
    )


def _place(field: str, text: str) -> str:
    """A place as compared: states as their USPS code ("Arkansas" and "ar" are "AR"),
    anything else in lower case."""
    text = text.strip()
    if field.endswith("State"):
        return resolve.state_code(text) or text.lower() if text else ""
    return text.lower()


def _name_matches(people: Iterable[dict], field: str, wanted: str) -> bool:
    return any((person.get(field) or "").lower().startswith(wanted) for person in people)


@dataclass
class Query:
    skip: int
    limit: int
    predicates: list[Callable[[Poster], bool]]
    sort_type: str
    descending: bool


def parse(params, remote_addr: str = "") -> tuple[Query, dict]:
    """The query, and the database filters it implies."""
    database: dict = {}
    predicates: list[Callable[[Poster], bool]] = []
    if codes := [code.upper() for code in _list(params, "organizationCodes")]:
        database["organization__code__in"] = codes
    if language := params.get("languageId", "").lower():
        predicates.append(
            lambda p: any(
                (d.get("languageId") or "").lower() == language
                for d in p.document.get("descriptions", [])
            )
        )
    if poster_type := params.get("posterType", "").lower():
        if poster_type not in ("missing", "unidentified"):
            raise SearchError("posterType must be missing or unidentified.")
        unidentified = poster_type == "unidentified"
        predicates.append(lambda p: bool(p.document.get("unidentified")) == unidentified)
    for param, group, field in (
        ("childFirstName", "children", "firstName"),
        ("childLastName", "children", "lastName"),
        ("companionFirstName", "companions", "firstName"),
        ("companionLastName", "companions", "lastName"),
    ):
        if wanted := params.get(param, "").strip().lower():
            predicates.append(
                lambda p, g=group, f=field, w=wanted: _name_matches(p.document.get(g, []), f, w)
            )
    if races := _list(params, "races"):
        predicates.append(
            lambda p: any(
                race.lower() in races
                for child in p.document.get("children", [])
                for race in child.get("races", [])
            )
        )
    for param, field in PERSON_PLACE.items():
        if wanted := _place(param, params.get(param, "")):
            if param == "missingState" and len(wanted) == 2:
                database["missing_state"] = wanted
            predicates.append(
                lambda p, f=field, w=wanted: any(
                    _place(f, child.get(f) or "") == w for child in p.document.get("children", [])
                )
            )
    for param, field in DATE_FIELDS.items():
        bounds = [_date(params, param + suffix) for suffix in ("", "From", "To")]
        if any(bounds):
            predicates.append(
                lambda p, f=field, b=bounds: any(
                    _within(_day(child.get(f)), *b) for child in p.document.get("children", [])
                )
            )
    for param, attribute in POSTER_DATES.items():
        bounds = [_date(params, param + suffix) for suffix in ("", "From", "To")]
        if any(bounds):
            predicates.append(lambda p, a=attribute, b=bounds: _within(getattr(p, a).date(), *b))
    if _bool(params, "enableIpGeolocationSearch"):
        _int(params, "geolocationDistanceInMiles", 50, 1, 5000)
        located = ip.locate(remote_addr) if remote_addr else None
        if located is None or not located.subdivision:
            raise SearchError("Your address could not be located: search without geolocation.")
        # Posters carry a state, not coordinates: "near" is the caller's state.
        state = located.subdivision
        predicates.append(
            lambda p: (
                any(
                    _place("missingState", child.get("missingState") or "") == state
                    for child in p.document.get("children", [])
                )
                or any(
                    _place("missingState", where.get("state") or "") == state
                    for where in p.document.get("distributionLocations", [])
                )
            )
        )
    sort_type = params.get("sortType", "") or "lastModified"
    if sort_type not in SORTS:
        raise SearchError(f"sortType must be one of {', '.join(sorted(SORTS))}.")
    order = params.get("sortOrder", "").lower() or "desc"
    if order not in ("asc", "desc", "ascending", "descending"):
        raise SearchError("sortOrder must be asc or desc.")
    query = Query(
        skip=_int(params, "skip", 0, 0, 10**9),
        limit=_int(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        predicates=predicates,
        sort_type=sort_type,
        descending=order.startswith("desc"),
    )
    return query, database


def _sort_key(poster: Poster, sort_type: str):
    children = poster.document.get("children", [{}]) or [{}]
    first = children[0]
    return {
        "missingDate": first.get("missingSince") or "",
        "foundDate": first.get("dateFound") or "",
        "lastModified": poster.last_modified.isoformat(),
        "dateCreated": poster.date_created.isoformat(),
        "caseNumber": poster.case_number,
        "lastName": (first.get("lastName") or "").lower(),
    }[sort_type]


def run(params, remote_addr: str = "") -> tuple[list[Poster], int]:
    query, database = parse(params, remote_addr)
    posters = (
        Poster.objects.filter(withdrawn_at=None, **database)
        .select_related("organization")
        .prefetch_related("photos")
    )
    found = [poster for poster in posters if all(test(poster) for test in query.predicates)]
    found.sort(key=lambda poster: _sort_key(poster, query.sort_type), reverse=query.descending)
    return found[query.skip : query.skip + query.limit], len(found)
