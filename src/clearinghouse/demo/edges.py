"""Arkansas records on the edges of the 2023 figures, which must not change them.

Each one sits just outside a definition of records.md: made available on the first
second of 2024, reported on 31 December in Arkansas time but in 2024 in UTC, received and
never reviewed, registered by someone outside the counted professions... A figure that
counts one of them is wrong. They fall in Arkansas 2022 and 2024, whose figures they
raise a little above the plan.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from clearinghouse.demo import records
from clearinghouse.demo.records import Record

ARKANSAS = {"country": "US", "state": "AR"}
AGENCY = "Demo County Sheriff's Office (AR)"
SOCIAL_SERVICE_AGENCY = "Arkansas Demo Family Services"
# A case of the Arkansas 2023 section, and one of these edges reported in 2022 (UTC).
CASE_2023 = "demo-case-AR-2023-00000"
CASE_2022 = "demo-case-AR-edge-03"


def _edge(prefix: str, number: int) -> str:
    return f"demo-{prefix}-AR-edge-{number:02d}"


def tipline_reports(rng: random.Random) -> list[Record]:
    made_available_late = [  # (received, made available): all in 2024 UTC
        ("2023-12-29T15:00:00Z", "2024-01-01T00:00:00Z"),
        ("2023-12-30T08:00:00Z", "2024-01-01T09:30:00Z"),
        ("2023-12-31T10:00:00Z", "2023-12-31T19:00:00-06:00"),
    ]
    reports = [
        records.tipline_report(
            rng,
            _edge("tip", n),
            received=received,
            jurisdiction=ARKANSAS,
            made_available=made_available,
        )
        for n, (received, made_available) in enumerate(made_available_late, start=1)
    ]
    reports += [  # resolved to Arkansas, not made available yet
        records.tipline_report(
            rng, _edge("tip", 4), received="2023-12-20T11:00:00Z", jurisdiction=ARKANSAS
        ),
        records.tipline_report(
            rng, _edge("tip", 5), received="2023-06-02T16:45:00Z", jurisdiction=ARKANSAS
        ),
    ]
    reports += [  # not resolved, or referred abroad
        records.tipline_report(rng, _edge("tip", 6), received="2023-03-14T09:00:00Z"),
        records.tipline_report(rng, _edge("tip", 7), received="2023-11-30T23:00:00Z"),
        records.tipline_report(
            rng,
            _edge("tip", 8),
            received="2023-05-05T05:00:00Z",
            jurisdiction={"country": "MX"},
            made_available="2023-05-06T12:00:00Z",
        ),
        records.tipline_report(
            rng,
            _edge("tip", 9),
            received="2023-08-19T20:00:00Z",
            jurisdiction={"country": "CA"},
            made_available="2023-08-21T08:00:00Z",
        ),
    ]
    return reports


def cvip_submissions(rng: random.Random) -> list[Record]:
    unreviewed = ["2023-02-10T15:00:00Z", "2023-07-22T13:30:00Z", "2023-12-28T17:00:00Z"]
    submissions = [
        records.cvip_submission(rng, _edge("cvip", n), received=received, agency=AGENCY, state="AR")
        for n, received in enumerate(unreviewed, start=1)
    ]
    submissions += [  # reviewed in 2024 (UTC)
        records.cvip_submission(
            rng,
            _edge("cvip", 4),
            received="2023-12-15T10:00:00Z",
            agency=AGENCY,
            state="AR",
            reviewed="2024-01-03T10:00:00Z",
        ),
        records.cvip_submission(
            rng,
            _edge("cvip", 5),
            received="2023-12-01T10:00:00Z",
            agency=AGENCY,
            state="AR",
            reviewed="2023-12-31T22:00:00-06:00",
        ),
    ]
    return submissions


def missing_cases(rng: random.Random) -> list[Record]:
    reported = [  # (when, category): outside 2023 in UTC, whatever the local date
        ("2023-12-31T20:00:00-06:00", "from_care"),
        ("2023-01-01T03:00:00+05:00", "hhs_orr"),
        ("2022-12-31T23:59:59Z", "other"),
    ]
    return [
        records.missing_case(
            rng,
            _edge("case", n),
            reported=when,
            state="AR",
            category=category,
            child_name=f"Child-AR-edge-{n:02d}",
        )
        for n, (when, category) in enumerate(reported, start=1)
    ]


def program_records() -> list[Record]:
    """Engagements, family support, deployments and registrations just outside 2023."""
    return [
        records.cst_engagement(
            _edge("cst", 1),
            engaged="2022-12-31T23:59:59Z",
            agency=SOCIAL_SERVICE_AGENCY,
            state="AR",
            case_id=CASE_2022,
        ),
        records.cst_engagement(
            _edge("cst", 2),
            engaged="2024-01-01T00:00:00Z",
            agency=SOCIAL_SERVICE_AGENCY,
            state="AR",
            case_id=CASE_2023,
        ),
        records.peer_support(
            _edge("hope", 1),
            family_id="demo-family-AR-00000",
            state="AR",
            supported="2022-12-31T23:59:59Z",
        ),
        records.peer_support(
            _edge("hope", 2),
            family_id="demo-family-AR-09001",
            state="AR",
            supported="2022-06-15T14:00:00Z",
        ),
        records.peer_support(
            _edge("hope", 3),
            family_id="demo-family-AR-09002",
            state="AR",
            supported="2024-01-01T00:00:00Z",
        ),
        records.mental_health_referral(
            _edge("faon", 1),
            family_id="demo-family-AR-09003",
            state="AR",
            connected="2024-01-01T00:00:00Z",
        ),
        records.mental_health_referral(
            _edge("faon", 2),
            family_id="demo-family-AR-09004",
            state="AR",
            connected="2023-01-01T05:59:59+06:00",
        ),
        records.team_adam_deployment(
            _edge("adam", 1), case_id=CASE_2022, state="AR", deployed="2022-12-31T23:00:00Z"
        ),
        records.training_registration(
            _edge("edu", 1),
            state="AR",
            registered="2023-12-31T18:30:00-06:00",
            profession="law_enforcement",
        ),
        records.training_registration(
            _edge("edu", 2),
            state="AR",
            registered="2022-12-31T23:59:59Z",
            profession="child_serving_professional",
        ),
    ]


def write_arkansas_edges(write: Callable[[Record], None], seed: int) -> None:
    rng = random.Random(f"{seed}:edges")
    for record in (
        tipline_reports(rng) + cvip_submissions(rng) + missing_cases(rng) + program_records()
    ):
        write(record)
