"""Children (under 18) living in each jurisdiction, to compare jurisdictions per 100,000
children on the impact pages.

Source: U.S. Census Bureau, American Community Survey 2019-2023 5-year estimates,
population under 18 years, as tabulated by the National Cancer Institute's State Cancer
Profiles (statecancerprofiles.cancer.gov, "Demographics: Population, Age under 18").
The ACS covers the 50 states, DC and Puerto Rico only; American Samoa, Guam, the Northern
Mariana Islands and the U.S. Virgin Islands have no estimate there, so they have no rate
(and are left out of the national rate) rather than a guessed one. No installed package
ships these figures, hence the table.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SOURCE = (
    "U.S. Census Bureau, American Community Survey 2019-2023 5-year estimates, population "
    "under 18 (via NCI State Cancer Profiles); none for AS, GU, MP and VI."
)

CHILDREN_UNDER_18: dict[str, int] = {
    "AK": 178_458,
    "AL": 1_128_001,
    "AR": 705_879,
    "AZ": 1_594_780,
    "CA": 8_729_012,
    "CO": 1_240_882,
    "CT": 733_998,
    "DC": 125_675,
    "DE": 210_396,
    "FL": 4_305_366,
    "GA": 2_542_072,
    "HI": 301_472,
    "IA": 736_579,
    "ID": 463_167,
    "IL": 2_808_879,
    "IN": 1_596_071,
    "KS": 704_821,
    "KY": 1_022_746,
    "LA": 1_088_663,
    "MA": 1_368_408,
    "MD": 1_375_936,
    "ME": 251_882,
    "MI": 2_154_793,
    "MN": 1_317_259,
    "MO": 1_386_571,
    "MS": 692_335,
    "MT": 234_942,
    "NC": 2_322_823,
    "ND": 184_792,
    "NE": 484_750,
    "NH": 256_906,
    "NJ": 2_031_322,
    "NM": 466_617,
    "NV": 692_871,
    "NY": 4_109_277,
    "OH": 2_610_179,
    "OK": 963_383,
    "OR": 856_294,
    "PA": 2_673_811,
    "PR": 543_936,
    "RI": 208_480,
    "SC": 1_127_062,
    "SD": 219_820,
    "TN": 1_558_006,
    "TX": 7_482_530,
    "UT": 944_132,
    "VA": 1_893_985,
    "VT": 117_177,
    "WA": 1_675_898,
    "WI": 1_274_310,
    "WV": 359_411,
    "WY": 132_359,
}


def per_100k(count: int | None, children: int | None) -> Decimal | None:
    """``count`` per 100,000 children, to one decimal (half up); None when either is
    unknown (a suppressed count, a territory without an estimate)."""
    if count is None or not children:
        return None
    rate = Decimal(count) * 100_000 / children
    return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def national_per_100k(counts: dict[str, int]) -> Decimal | None:
    """The national rate of a state figure: its values summed over the jurisdictions that
    have a child population, per 100,000 of their children together."""
    known = [code for code in counts if code in CHILDREN_UNDER_18]
    return per_100k(
        sum(counts[code] for code in known), sum(CHILDREN_UNDER_18[code] for code in known)
    )
