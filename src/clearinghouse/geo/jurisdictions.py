"""The 56 jurisdictions, from the ``us`` package (USPS codes, names, FIPS codes)."""

from __future__ import annotations

from dataclasses import dataclass

import us


@dataclass(frozen=True)
class JurisdictionInfo:
    code: str
    name: str
    kind: str
    fips: str


def all_jurisdictions() -> list[JurisdictionInfo]:
    """States, DC and the territories AS, GU, MP, PR, VI, sorted by code."""
    found = []
    for entry in us.states.STATES_AND_TERRITORIES:
        if entry.abbr == "DC":
            kind = "district"
        elif entry.is_territory:
            kind = "territory"
        else:
            kind = "state"
        found.append(JurisdictionInfo(entry.abbr, entry.name, kind, entry.fips))
    if not any(info.code == "DC" for info in found):  # older releases list DC apart
        dc = us.states.DC
        found.append(JurisdictionInfo(dc.abbr, dc.name, "district", dc.fips))
    return sorted(found, key=lambda info: info.code)


CODES = frozenset(info.code for info in all_jurisdictions())
