"""Resident population of the 56 jurisdictions, in thousands, for sizing the demo world.

Source: U.S. Census Bureau, 2020 Census, resident population on April 1, 2020 — the
50 states, DC and Puerto Rico from the apportionment and redistricting tables (P.L.
94-171); American Samoa, Guam, the Northern Mariana Islands and the U.S. Virgin Islands
from the 2020 Island Areas Censuses. Rounded to the nearest thousand. No installed
package ships these figures, hence the table.
"""

from __future__ import annotations

POPULATION_THOUSANDS: dict[str, int] = {
    "AK": 733,
    "AL": 5_024,
    "AR": 3_012,
    "AS": 50,
    "AZ": 7_152,
    "CA": 39_538,
    "CO": 5_774,
    "CT": 3_606,
    "DC": 690,
    "DE": 990,
    "FL": 21_538,
    "GA": 10_712,
    "GU": 154,
    "HI": 1_455,
    "IA": 3_190,
    "ID": 1_839,
    "IL": 12_813,
    "IN": 6_786,
    "KS": 2_938,
    "KY": 4_506,
    "LA": 4_658,
    "MA": 7_030,
    "MD": 6_177,
    "ME": 1_362,
    "MI": 10_077,
    "MN": 5_706,
    "MO": 6_155,
    "MP": 47,
    "MS": 2_961,
    "MT": 1_084,
    "NC": 10_439,
    "ND": 779,
    "NE": 1_962,
    "NH": 1_378,
    "NJ": 9_289,
    "NM": 2_118,
    "NV": 3_105,
    "NY": 20_201,
    "OH": 11_799,
    "OK": 3_959,
    "OR": 4_237,
    "PA": 13_003,
    "PR": 3_286,
    "RI": 1_097,
    "SC": 5_118,
    "SD": 887,
    "TN": 6_911,
    "TX": 29_146,
    "UT": 3_272,
    "VA": 8_631,
    "VI": 87,
    "VT": 643,
    "WA": 7_705,
    "WI": 5_894,
    "WV": 1_794,
    "WY": 577,
}
