"""One synthetic record of each type, as an object of the JSON Lines import format
(``shared/spec/records.md``).

The builders decide the details that no figure depends on (hashes, incident types, a
child's age); the caller decides the times, places and categories that figures count.
Times are given as seconds since the epoch (written in UTC) or, to exercise offsets, as
an RFC 3339 string written as is. Every name is visibly synthetic.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
import random
import time
from typing import Any

Record = dict[str, Any]
Moment = int | str

HOUR = 3_600
DAY = 24 * HOUR


def year_span(year: int) -> tuple[int, int]:
    """The first second of ``year`` and the first second after it, in UTC."""
    return calendar.timegm((year, 1, 1, 0, 0, 0)), calendar.timegm((year + 1, 1, 1, 0, 0, 0))


def rfc3339(moment: Moment) -> str:
    if isinstance(moment, str):
        return moment
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


def _epoch(moment: Moment) -> int:
    if isinstance(moment, int):
        return moment
    return int(datetime.datetime.fromisoformat(moment).timestamp())


def _weighted(choices: dict[str, float]) -> tuple[list[str], list[float]]:
    return list(choices), list(itertools.accumulate(choices.values()))


# Roughly the mix of the national CyberTipline: almost all reports are about child sexual
# abuse material; trafficking is about one report in two thousand.
INCIDENT_TYPES = _weighted(
    {
        "child_pornography": 95.0,
        "online_enticement": 2.7,
        "unsolicited_obscene_material": 0.8,
        "misleading_words_or_images": 0.6,
        "child_sexual_molestation": 0.4,
        "child_sex_trafficking": 0.05,
        "misleading_domain_name": 0.05,
        "child_sex_tourism": 0.02,
    }
)
# A few platforms send most reports.
PLATFORMS = _weighted({f"Example Platform {n}": 1 / n for n in range(1, 13)})


def _pick(rng: random.Random, weighted: tuple[list[str], list[float]]) -> str:
    return rng.choices(weighted[0], cum_weights=weighted[1])[0]


def _report_files(rng: random.Random) -> list[Record]:
    return [
        {
            "md5": f"{rng.getrandbits(128):032x}",
            "sha1": f"{rng.getrandbits(160):040x}",
            "media_type": "video/mp4" if rng.random() < 0.15 else "image/jpeg",
        }
        for _ in range(rng.randint(1, 4))
    ]


def tipline_report(
    rng: random.Random,
    record_id: str,
    *,
    received: Moment,
    jurisdiction: dict[str, str] | None = None,
    made_available: Moment | None = None,
) -> Record:
    """A finished report. Without ``jurisdiction`` it is not resolved yet."""
    public = rng.random() < 0.05
    record: Record = {
        "type": "tipline_report",
        "id": record_id,
        "received_at": rfc3339(received),
        "incident_type": _pick(rng, INCIDENT_TYPES),
        "source": "public" if public else "esp",
    }
    if not public:
        record["reporting_org"] = _pick(rng, PLATFORMS)
    if jurisdiction is not None:
        record["jurisdiction"] = jurisdiction
    if made_available is not None:
        record["made_available_at"] = rfc3339(made_available)
    record["files"] = _report_files(rng)
    record["batched"] = not public and rng.random() < 0.1
    record["informational"] = rng.random() < 0.04
    return record


def cvip_submission(
    rng: random.Random,
    record_id: str,
    *,
    received: Moment,
    agency: str,
    state: str,
    reviewed: Moment | None = None,
) -> Record:
    record: Record = {
        "type": "cvip_submission",
        "id": record_id,
        "received_at": rfc3339(received),
        "agency": {"name": agency, "state": state},
        "file_count": rng.randint(5, 5_000),
    }
    if reviewed is not None:
        record["reviewed_at"] = rfc3339(reviewed)
    return record


def identified_child(rng: random.Random, record_id: str, *, identified: datetime.date) -> Record:
    return {
        "type": "identified_child",
        "id": record_id,
        "identified_at": identified.isoformat(),
        "series": f"Demo Series {rng.randint(1, 400):03d}",
    }


# How a case of each category usually looks: (case type, weight, youngest, oldest).
_CASE_PROFILES = {
    "from_care": [
        ("endangered_runaway", 0.97, 12, 17),
        ("lost_injured_otherwise_missing", 0.03, 10, 17),
    ],
    "hhs_orr": [
        ("endangered_runaway", 0.8, 13, 17),
        ("lost_injured_otherwise_missing", 0.2, 13, 17),
    ],
    "other": [
        ("endangered_runaway", 0.45, 13, 17),
        ("family_abduction", 0.25, 3, 12),
        ("lost_injured_otherwise_missing", 0.25, 5, 17),
        ("nonfamily_abduction", 0.05, 6, 17),
    ],
}
_REPORTERS = {
    "from_care": _weighted(
        {"child_welfare": 70, "law_enforcement": 20, "parent_guardian": 5, "other": 5}
    ),
    "hhs_orr": (["hhs_orr"], [1.0]),
    "other": _weighted({"parent_guardian": 60, "law_enforcement": 30, "other": 10}),
}
# About one child in five missing from care is a likely victim of child sex trafficking.
_LIKELY_CST = {"from_care": 0.19, "hhs_orr": 0.1, "other": 0.03}
_WORLD_END = year_span(2024)[1]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _date_of_birth(rng: random.Random, reported: int, age: int) -> datetime.date:
    """A birthday that makes the child exactly ``age`` on the day of the report."""
    day = datetime.datetime.fromtimestamp(reported, datetime.UTC).date()
    latest = _years_before(day, age)
    earliest = _years_before(day, age + 1) + datetime.timedelta(days=1)
    return earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days))


def _resolution(rng: random.Random, reported: int) -> tuple[str, int | None]:
    resolved = reported + int(HOUR * rng.lognormvariate(4.5, 1.5))
    if resolved >= _WORLD_END or rng.random() < 0.04:
        return "active", None
    roll = rng.random()
    status = "recovered" if roll < 0.97 else "closed_other" if roll < 0.997 else "located_deceased"
    return status, resolved


def missing_case(
    rng: random.Random,
    record_id: str,
    *,
    reported: Moment,
    state: str,
    category: str,
    child_name: str,
) -> Record:
    """A case of ``category``: ``from_care`` (missing from care, not reported by HHS-ORR),
    ``hhs_orr`` (reported by HHS-ORR; often from its care too) or ``other``."""
    reported_epoch = _epoch(reported)
    profiles = _CASE_PROFILES[category]
    case_type, _, youngest, oldest = rng.choices(profiles, weights=[p[1] for p in profiles])[0]
    age = rng.randint(youngest, oldest)
    from_care = category == "from_care" or (category == "hhs_orr" and rng.random() < 0.6)
    status, resolved = _resolution(rng, reported_epoch)
    record: Record = {
        "type": "missing_case",
        "id": record_id,
        "reported_at": rfc3339(reported),
        "state": state,
        "case_type": case_type,
        "missing_from_care": from_care,
        "reported_by": _pick(rng, _REPORTERS[category]),
        "likely_cst_victim": rng.random() < _LIKELY_CST[category],
        "status": status,
    }
    if resolved is not None:
        record["resolved_at"] = rfc3339(resolved)
    record["child"] = {
        "first_name": "Demo",
        "last_name": child_name,
        "date_of_birth": _date_of_birth(rng, reported_epoch, age).isoformat(),
        "sex": "F" if (roll := rng.random()) < 0.55 else "M" if roll < 0.98 else "U",
    }
    return record


def cst_engagement(
    record_id: str, *, engaged: Moment, agency: str, state: str, case_id: str
) -> Record:
    return {
        "type": "cst_engagement",
        "id": record_id,
        "engaged_at": rfc3339(engaged),
        "agency": {"name": agency, "state": state},
        "case_id": case_id,
    }


def peer_support(record_id: str, *, family_id: str, state: str, supported: Moment) -> Record:
    return {
        "type": "peer_support",
        "id": record_id,
        "family_id": family_id,
        "state": state,
        "supported_at": rfc3339(supported),
    }


def mental_health_referral(
    record_id: str, *, family_id: str, state: str, connected: Moment
) -> Record:
    return {
        "type": "mental_health_referral",
        "id": record_id,
        "family_id": family_id,
        "state": state,
        "connected_at": rfc3339(connected),
    }


def team_adam_deployment(record_id: str, *, case_id: str, state: str, deployed: Moment) -> Record:
    return {
        "type": "team_adam_deployment",
        "id": record_id,
        "case_id": case_id,
        "state": state,
        "deployed_at": rfc3339(deployed),
    }


def training_registration(
    record_id: str, *, state: str, registered: Moment, profession: str
) -> Record:
    return {
        "type": "training_registration",
        "id": record_id,
        "registered_at": rfc3339(registered),
        "state": state,
        "profession": profession,
    }


def published_statistic(metric: str, year: int, value: int, source: str) -> Record:
    return {
        "type": "published_statistic",
        "id": f"demo-stat-{metric}-{year}",
        "metric": metric,
        "year": year,
        "value": value,
        "source": source,
    }
