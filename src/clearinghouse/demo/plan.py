"""How big the demo world is: the figures each jurisdiction's records must produce.

Arkansas 2023 holds exactly the figures of the seed sheet
(``shared/seeds/state-data-arkansas-2023.txt``). Every other jurisdiction and year gets
counts in proportion to its population, at Arkansas 2023's rate per person, with a
national trend and some noise from year to year, shrunk by ``scale`` (and, for tipline
reports, by ``TIPLINE_SHARE``) outside Arkansas to keep the demo quick. The national
figures are not derived from records but loaded as ``published_statistic`` records, as a
state clearinghouse would (see ``shared/spec/records.md``).
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from clearinghouse.demo.population import POPULATION_THOUSANDS

YEARS = (2021, 2022, 2023, 2024)
SEED_STATE = "AR"
SEED_YEAR = 2023

# A jurisdiction's tipline reports outnumber all its other records twentyfold; outside
# Arkansas only this share of the proportional count is generated (before ``scale``),
# which keeps the demo fast without making the other programs look thin.
TIPLINE_SHARE = 0.02

# Volume relative to 2023, the same in every jurisdiction.
YEAR_TREND = {2021: 0.88, 2022: 0.94, 2023: 1.0, 2024: 1.04}


@dataclass(frozen=True)
class StateFigures:
    """The state figures of a fact sheet (records.md), for one jurisdiction and year."""

    reports_made_available: int
    submissions_reviewed: int
    cases_from_care: int
    cases_hhs_orr: int
    cases_other: int
    agency_engagements: int
    families_supported: int
    families_connected: int
    cases_assisted: int
    new_professionals: int

    @property
    def cases(self) -> int:
        return self.cases_from_care + self.cases_hhs_orr + self.cases_other

    def by_metric(self) -> dict[str, int]:
        """The figures under the metric keys of records.md."""
        return {
            "tipline.reports_made_available": self.reports_made_available,
            "cvip.submissions_reviewed": self.submissions_reviewed,
            "missing.cases": self.cases,
            "missing.cases_from_care": self.cases_from_care,
            "missing.cases_hhs_orr": self.cases_hhs_orr,
            "missing.cases_other": self.cases_other,
            "cst.agency_engagements": self.agency_engagements,
            "hope.families_supported": self.families_supported,
            "faon.families_connected": self.families_connected,
            "adam.cases_assisted": self.cases_assisted,
            "education.new_professionals": self.new_professionals,
        }


ARKANSAS_2023 = StateFigures(
    reports_made_available=5_070,
    submissions_reviewed=30,
    cases_from_care=203,
    cases_hhs_orr=14,
    cases_other=38,
    agency_engagements=17,
    families_supported=38,
    families_connected=36,
    cases_assisted=1,
    new_professionals=174,
)


def stochastic_round(rng: random.Random, value: float) -> int:
    """``value`` rounded down or up at random, so that small expectations average out
    instead of always rounding to zero."""
    whole = int(value)
    return whole + (rng.random() < value - whole)


def planned_figures(state: str, year: int, *, seed: int, scale: float) -> StateFigures:
    """The figures the records of ``state`` in ``year`` are generated to produce.

    Arkansas 2023 is the seed sheet. Arkansas's other years are at full size, so that
    its sheets compare across years; other jurisdictions are multiplied by ``scale``
    and hold ``TIPLINE_SHARE`` of their tipline reports. Each plan is drawn from a
    generator of its own: no jurisdiction's plan depends on another's.
    """
    if (state, year) == (SEED_STATE, SEED_YEAR):
        return ARKANSAS_2023
    rng = random.Random(f"{seed}:plan:{state}:{year}")
    seed_state = state == SEED_STATE
    size = (
        POPULATION_THOUSANDS[state]
        / POPULATION_THOUSANDS[SEED_STATE]
        * YEAR_TREND[year]
        * (1.0 if seed_state else scale)
        * rng.lognormvariate(0, 0.1)
    )

    def draw(base: int, share: float = 1.0) -> int:
        return stochastic_round(rng, base * size * share * rng.lognormvariate(0, 0.15))

    base = ARKANSAS_2023
    figures = StateFigures(
        reports_made_available=draw(
            base.reports_made_available, 1.0 if seed_state else TIPLINE_SHARE
        ),
        submissions_reviewed=draw(base.submissions_reviewed),
        cases_from_care=draw(base.cases_from_care),
        cases_hhs_orr=draw(base.cases_hhs_orr),
        cases_other=draw(base.cases_other),
        agency_engagements=draw(base.agency_engagements),
        families_supported=draw(base.families_supported),
        families_connected=draw(base.families_connected),
        cases_assisted=draw(base.cases_assisted),
        new_professionals=draw(base.new_professionals),
    )
    # Engagements and deployments are on missing cases of the same jurisdiction and year.
    return dataclasses.replace(
        figures,
        agency_engagements=figures.agency_engagements if figures.cases else 0,
        cases_assisted=min(figures.cases_assisted, figures.cases),
    )


# The national figures of the seed sheet, as their exact values; the sheet rounds them.
NATIONAL_2023 = {
    "tipline.reports_received": 36_210_368,
    "tipline.files_received": 105_653_162,
    "cvip.children_identified": 27_130,
    "missing.cases": 28_886,
    "missing.cases_from_care": 22_442,
    "missing.from_care_likely_cst_pct": 19,
    "cst.tipline_reports": 18_436,
    "hope.families_supported": 5_759,
    "education.registered_users": 18_217,
}
SEED_CITATION = "NCMEC, Arkansas Data (state data sheet), 2023"
SYNTHETIC_CITATION = "Synthetic demo value (not a published statistic)"
# Running totals ("on or before the end of Y") only grow.
CUMULATIVE_METRICS = frozenset({"cvip.children_identified", "education.registered_users"})


def national_statistics(seed: int) -> dict[tuple[str, int], int]:
    """The national figure of every metric and year: the seed sheet's for 2023,
    plausible neighbours of them for the other years."""
    rng = random.Random(f"{seed}:national")
    values: dict[tuple[str, int], int] = {}
    for metric, value_2023 in NATIONAL_2023.items():
        values[metric, SEED_YEAR] = value_2023
        if metric in CUMULATIVE_METRICS:
            for year in (2022, 2021):
                values[metric, year] = round(values[metric, year + 1] / rng.uniform(1.04, 1.1))
            values[metric, 2024] = round(value_2023 * rng.uniform(1.04, 1.1))
        elif metric == "missing.from_care_likely_cst_pct":
            for year in (2021, 2022, 2024):
                values[metric, year] = value_2023 + rng.randint(-2, 2)
        else:
            for year in (2021, 2022, 2024):
                noise = rng.uniform(0.96, 1.04)
                values[metric, year] = round(value_2023 * YEAR_TREND[year] * noise)
    for year in (2021, 2022, 2024):  # the from-care cases are a share of all cases
        share = NATIONAL_2023["missing.cases_from_care"] / NATIONAL_2023["missing.cases"]
        values["missing.cases_from_care", year] = round(
            values["missing.cases", year] * share * rng.uniform(0.98, 1.02)
        )
    return values
