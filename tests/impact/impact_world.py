"""A small world for the impact pages: Arkansas and Texas in 2022 and 2023, with counts
small enough that public release mode withholds some and large enough that it shows
others.

Arkansas 2023: 3 reports made available (withheld in public), 15 missing cases: 7 from
care, 2 reported by HHS-ORR (withheld) and 6 others (withheld with them, so the 2 cannot
be worked out). Arkansas 2022: 2 missing cases. Texas 2023: 8 reports made available, 1
missing case.
"""

from __future__ import annotations

from dataclasses import dataclass

import factories as make
from clearinghouse.missing.models import MissingCase

YEAR = 2023


@dataclass
class World:
    ar_reports: list
    tx_reports: list
    ar_cases: list


def build() -> World:
    ar_reports = [
        make.make_report(
            "AR",
            received_at="2023-02-01T00:00:00Z",
            made_available_at="2023-03-01T00:00:00Z",
            files=1,
        )
        for _ in range(3)
    ]
    tx_reports = [
        make.make_report(
            "TX", received_at="2023-02-01T00:00:00Z", made_available_at="2023-04-01T00:00:00Z"
        )
        for _ in range(8)
    ]
    when = "2023-05-01T12:00:00Z"
    ar_cases = [
        *(
            make.make_missing_case(
                "AR",
                reported_at=when,
                missing_from_care=True,
                reported_by=MissingCase.ReportedBy.CHILD_WELFARE,
                likely_cst_victim=index < 2,
            )
            for index in range(7)
        ),
        *(
            make.make_missing_case(
                "AR", reported_at=when, reported_by=MissingCase.ReportedBy.HHS_ORR
            )
            for _ in range(2)
        ),
        *(
            make.make_missing_case(
                "AR", reported_at=when, reported_by=MissingCase.ReportedBy.PARENT_GUARDIAN
            )
            for _ in range(6)
        ),
    ]
    for _ in range(2):
        make.make_missing_case("AR", reported_at="2022-05-01T12:00:00Z")
    make.make_missing_case("TX", reported_at="2023-07-01T12:00:00Z")
    return World(ar_reports, tx_reports, ar_cases)
