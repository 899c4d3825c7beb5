"""The impact pages as spreadsheets: CSV (one table) and XLSX (the same table, plus the
other tables of the page and an "About" sheet naming the definitions version and the
population source). A withheld count is written as its text ("fewer than 5"), never as
a number; every other count as a number, so a spreadsheet can sum it.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from clearinghouse.impact.figures import DEFINITIONS_VERSION, FIGURES, NATIONAL, STATE
from clearinghouse.impact.national import Summary
from clearinghouse.impact.overview import STATE_KEYS, national_keys, rows
from clearinghouse.impact.population import SOURCE
from clearinghouse.impact.release import Release

Table = list[list[object]]


def _cell(value) -> object:
    """A count, rate or text as a spreadsheet cell (rates as numbers, not strings). Text
    that a spreadsheet would take for a formula (a citation imported from elsewhere) is
    quoted, so opening the file never runs it."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _count(figure) -> object:
    return figure.text if figure.value is None else figure.value


def jurisdictions_table(summary: Summary) -> Table:
    header = ["code", "jurisdiction", "children_under_18"]
    header += STATE_KEYS
    header += [f"{key} per 100k children" for key in STATE_KEYS]
    body = [
        [row.code, row.name, _cell(row.children)]
        + [_count(row.values[key]) for key in STATE_KEYS]
        + [_cell(row.rates[key]) for key in STATE_KEYS]
        for row in rows(summary)
    ]
    return [header, *body]


def national_table(summary: Summary) -> Table:
    header = ["figure", "description", "value", "text", "source", "citation"]
    body = [
        [key, FIGURES[key].description, _count(value), value.text, value.source, value.citation]
        for key in national_keys()
        if (value := summary.national.get(key)) is not None
    ]
    return [header, *body]


def state_table(sheet, rates: dict, national_rates: dict) -> Table:
    """A state's figures for the year, state then national, with the rates compared."""
    header = [
        "scope",
        "figure",
        "description",
        "value",
        "text",
        "per_100k_children",
        "national_per_100k_children",
    ]
    body = [
        [
            STATE,
            key,
            FIGURES[key].description,
            _count(value),
            value.text,
            _cell(rates.get(key)),
            _cell(national_rates.get(key)),
        ]
        for key, value in sheet.figures[STATE].items()
    ]
    body += [
        [NATIONAL, key, FIGURES[key].description, _count(value), value.text, "", ""]
        for key, value in sheet.figures[NATIONAL].items()
    ]
    return [header, *body]


def trend_table(series: dict[str, list[tuple]]) -> Table:
    years = [year for year, _, _ in next(iter(series.values()))]
    body = [
        [year, *(_count_of(points[index]) for points in series.values())]
        for index, year in enumerate(years)
    ]
    return [["year", *series], *body]


def _count_of(point: tuple) -> object:
    _, value, text = point
    return text if value is None else value


def about_table(release: Release) -> Table:
    lines = [
        ["Figures computed from the clearinghouse's records."],
        [f"Figure definitions version {DEFINITIONS_VERSION}."],
        [f"Children under 18: {SOURCE}"],
    ]
    if release.suppressing:
        lines.append([f"Public release: counts from 1 to {release.below - 1} are withheld."])
    return lines


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table:
        writer.writerow([_cell(cell) for cell in row])
    return out.getvalue()


def as_xlsx(sheets: dict[str, Table]) -> bytes:
    """One worksheet a table, header rows in bold (not the About sheet's lines)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, table in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in table:
            worksheet.append([_cell(cell) for cell in row])
        if title != "About":
            for cell in worksheet[1]:
                cell.font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
