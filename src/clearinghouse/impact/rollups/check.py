"""Comparing the rollups with the full scans they stand for."""

from __future__ import annotations

from dataclasses import dataclass

from clearinghouse.geo.models import Jurisdiction
from clearinghouse.impact.figures import FIGURES, NATIONAL, STATE
from clearinghouse.impact.rollups import store


@dataclass(frozen=True)
class Difference:
    key: str
    year: int
    state: str | None  # None: the nation
    rollup: int
    full_scan: int

    def __str__(self) -> str:
        where = self.state or "national"
        return f"{self.key} {self.year} {where}: rollup {self.rollup}, full scan {self.full_scan}"


def differences(year: int, states: list[str] | None = None) -> list[Difference]:
    """Every figure of ``year`` (national, and for each of ``states``, by default all
    jurisdictions) whose rollup value is not its full-scan value, from records only
    (published statistics are not compared)."""
    if states is None:
        states = list(Jurisdiction.objects.order_by("code").values_list("code", flat=True))
    found = []
    for state in [None, *states]:
        scope = STATE if state else NATIONAL
        counts = store.counts(year, state)
        for figure in FIGURES.values():
            if scope not in figure.scopes:
                continue
            rollup, full_scan = figure.value_from(counts), figure.count(year, state)
            if rollup != full_scan:
                found.append(Difference(figure.key, year, state, rollup, full_scan))
    return found
