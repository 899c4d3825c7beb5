"""What the impact pages show beyond one sheet: a year across all 56 jurisdictions (the
national page's map and table, the national rates per 100,000 children) and one
jurisdiction over the years (the state page's trends).

Every number comes from the sheets' own figures (``build_sheet``, ``figure_value``), then
goes through the viewer's ``Release``; a rate is computed from the released count, so a
withheld count has no rate (the rate and the child population would give it away).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from clearinghouse.geo.models import Jurisdiction
from clearinghouse.impact.figures import FIGURES, NATIONAL, STATE, national_figures, sheet_figures
from clearinghouse.impact.national import Summary, build_summary
from clearinghouse.impact.population import CHILDREN_UNDER_18, national_per_100k, per_100k
from clearinghouse.impact.release import Release
from clearinghouse.impact.sheet import build_sheet

STATE_KEYS = tuple(key for key, figure in FIGURES.items() if STATE in figure.scopes)


def year_summary(year: int) -> Summary:
    """Every jurisdiction's sheet for ``year`` (all sharing one set of national figures)."""
    national = national_figures(year)
    codes = Jurisdiction.objects.order_by("code").values_list("code", flat=True)
    return build_summary(year, [build_sheet(code, year, national) for code in codes])


def released(summary: Summary, release: Release) -> Summary:
    """The summary as ``release`` shows it."""
    if not release.suppressing:
        return summary
    return Summary(
        summary.year,
        release.figures(summary.national),
        [release.sheet(sheet) for sheet in summary.sheets],
    )


def national_rates(summary: Summary) -> dict[str, Decimal | None]:
    """Each state figure's national rate per 100,000 children, from the exact counts
    (a sum over many jurisdictions withholds nothing)."""
    return {
        key: national_per_100k(
            {sheet.state: sheet.figures[STATE][key].value for sheet in summary.sheets}
        )
        for key in STATE_KEYS
    }


def state_rates(sheet) -> dict[str, Decimal | None]:
    """A (released) sheet's state figures per 100,000 of its children."""
    children = CHILDREN_UNDER_18.get(sheet.state)
    return {key: per_100k(sheet.figures[STATE][key].value, children) for key in STATE_KEYS}


@dataclass(frozen=True)
class Row:
    """One jurisdiction in the national table."""

    code: str
    name: str
    children: int | None
    values: dict  # key -> released FigureValue
    rates: dict  # key -> Decimal | None


def rows(summary: Summary) -> list[Row]:
    return [
        Row(
            sheet.state,
            sheet.state_name,
            CHILDREN_UNDER_18.get(sheet.state),
            sheet.figures[STATE],
            state_rates(sheet),
        )
        for sheet in summary.sheets
    ]


def sort_rows(table: list[Row], key: str, descending: bool, release: Release) -> list[Row]:
    """The table sorted by a figure (``name`` for the jurisdiction's name). A withheld
    count sorts between zero and the threshold, where it is known to lie, and no closer."""
    if key == "name":
        return sorted(table, key=lambda row: row.name, reverse=descending)

    def by_value(row: Row):
        value = row.values[key].value
        return (Decimal(release.below or 1) / 2 if value is None else Decimal(value), row.name)

    return sorted(table, key=by_value, reverse=descending)


def trend(state: str, years: list[int], release: Release) -> dict[str, list[tuple]]:
    """Each state figure of ``state`` in each of ``years``: ``{key: [(year, value,
    text), ...]}``, released."""
    series: dict[str, list[tuple]] = {key: [] for key in STATE_KEYS}
    for year in years:
        values = release.figures(sheet_figures(state, year, national={})[STATE])
        for key, value in values.items():
            series[key].append((year, value.value, value.text))
    return series


def national_keys() -> list[str]:
    return [key for key, figure in FIGURES.items() if NATIONAL in figure.scopes]
