"""The national summary that goes with every state's sheet: the national figures, then
one row per jurisdiction with its figures, as text, Markdown, HTML, JSON or PDF.

``clearinghouse factsheet --all-states`` writes it beside the 56 sheets. Its figures are
the sheets' own (``FigureValue``), so a state's row always says what its sheet says.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

from django.utils.html import escape
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from clearinghouse.impact.figures import (
    DEFINITIONS_VERSION,
    FIGURES,
    KEYS,
    NATIONAL,
    STATE,
    FigureValue,
)
from clearinghouse.impact.sheet import Sheet

NAVY = HexColor("#0b3d63")
TINT = HexColor("#eef3f8")


@dataclass
class Summary:
    year: int
    national: dict[str, FigureValue]
    sheets: list[Sheet]

    @property
    def state_keys(self) -> list[str]:
        return [key for key in KEYS if STATE in FIGURES[key].scopes]

    @property
    def national_keys(self) -> list[str]:
        return [key for key in KEYS if key in self.national]

    def rows(self) -> list[tuple[Sheet, list[FigureValue]]]:
        return [
            (sheet, [sheet.figures[STATE][key] for key in self.state_keys]) for sheet in self.sheets
        ]


def build_summary(year: int, sheets: list[Sheet]) -> Summary:
    """The summary of ``sheets`` (one a jurisdiction, all for ``year``), whose national
    figures are the ones the sheets show."""
    national = sheets[0].figures[NATIONAL] if sheets else {}
    return Summary(year, national, sorted(sheets, key=lambda sheet: sheet.state))


def _title(summary: Summary) -> str:
    return f"United States, {summary.year}: national figures and every jurisdiction's"


def as_text(summary: Summary) -> str:
    lines = [_title(summary), "", "National figures"]
    lines += [
        f"{FIGURES[key].description}\t{summary.national[key].text}" for key in summary.national_keys
    ]
    lines += ["", "By jurisdiction", "\t".join(["code", "jurisdiction", *summary.state_keys])]
    for sheet, values in summary.rows():
        lines.append("\t".join([sheet.state, sheet.state_name, *(v.text for v in values)]))
    lines += ["", f"Figure definitions version {DEFINITIONS_VERSION}."]
    return "\n".join(lines) + "\n"


def as_markdown(summary: Summary) -> str:
    lines = [f"# {_title(summary)}", "", "## National figures", "", "| figure | value |"]
    lines.append("|---|---:|")
    lines += [
        f"| {FIGURES[key].description} | {summary.national[key].text} |"
        for key in summary.national_keys
    ]
    lines += ["", "## By jurisdiction", ""]
    lines.append(
        "| code | jurisdiction | " + " | ".join(f"`{k}`" for k in summary.state_keys) + " |"
    )
    lines.append("|---|---|" + "---:|" * len(summary.state_keys))
    for sheet, values in summary.rows():
        cells = " | ".join(value.text for value in values)
        lines.append(f"| {sheet.state} | {sheet.state_name} | {cells} |")
    lines += ["", f"Figure definitions version {DEFINITIONS_VERSION}.", ""]
    return "\n".join(lines)


def as_html(summary: Summary) -> str:
    national = "".join(
        f"<tr><th scope='row'>{escape(FIGURES[key].description)}</th>"
        f"<td>{escape(summary.national[key].text)}</td></tr>"
        for key in summary.national_keys
    )
    head = "".join(
        f"<th scope='col' title='{escape(FIGURES[key].description)}'>{escape(key)}</th>"
        for key in summary.state_keys
    )
    body = "".join(
        f"<tr><th scope='row'>{escape(sheet.state)}</th><td>{escape(sheet.state_name)}</td>"
        + "".join(f"<td>{escape(value.text)}</td>" for value in values)
        + "</tr>"
        for sheet, values in summary.rows()
    )
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(_title(summary))}</title>"
        "<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}"
        "th,td{padding:.2rem .5rem;border-bottom:1px solid #cfd8e3;text-align:left}"
        "td{text-align:right}</style></head><body>"
        f"<h1>{escape(_title(summary))}</h1><h2>National figures</h2><table>{national}</table>"
        "<h2>By jurisdiction</h2><table><thead><tr><th scope='col'>code</th>"
        f"<th scope='col'>jurisdiction</th>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<p>Figure definitions version {DEFINITIONS_VERSION}.</p></body></html>\n"
    )


def as_dict(summary: Summary) -> dict:
    return {
        "year": summary.year,
        "definitions_version": DEFINITIONS_VERSION,
        "national": {key: summary.national[key].as_json() for key in summary.national_keys},
        "states": {
            sheet.state: {
                "state_name": sheet.state_name,
                "figures": {
                    key: value.as_json()
                    for key, value in zip(summary.state_keys, values, strict=True)
                },
            }
            for sheet, values in summary.rows()
        },
    }


def as_pdf(summary: Summary) -> bytes:
    """Landscape US Letter pages; the table's header row repeats on each page."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(letter),
        leftMargin=30,
        rightMargin=30,
        topMargin=30,
        bottomMargin=30,
        title=_title(summary),
        author="Clearinghouse",
        invariant=True,
    )
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, textColor=NAVY)
    small = ParagraphStyle("small", fontName="Helvetica", fontSize=7, leading=8)
    national = Table(
        [
            [Paragraph(escape(FIGURES[key].description), small), summary.national[key].text]
            for key in summary.national_keys
        ],
        colWidths=[420, 120],
        hAlign="LEFT",
    )
    national.setStyle(
        TableStyle([("FONTSIZE", (0, 0), (-1, -1), 8), ("ALIGN", (1, 0), (1, -1), "RIGHT")])
    )
    header = ["", "Jurisdiction", *(Paragraph(escape(key), small) for key in summary.state_keys)]
    rows = [header] + [
        [sheet.state, sheet.state_name, *(value.text for value in values)]
        for sheet, values in summary.rows()
    ]
    figures_width = (landscape(letter)[0] - 60 - 30 - 130) / max(len(summary.state_keys), 1)
    table = Table(
        rows,
        colWidths=[30, 130, *[figures_width] * len(summary.state_keys)],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "Helvetica"),
                ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                ("BACKGROUND", (0, 0), (-1, 0), NAVY),
                ("TEXTCOLOR", (0, 0), (-1, 0), white),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [white, TINT]),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    footer = Paragraph(f"Figure definitions version {DEFINITIONS_VERSION}.", small)
    document.build(
        [
            Paragraph(escape(_title(summary)), title),
            Spacer(0, 10),
            national,
            Spacer(0, 12),
            table,
            Spacer(0, 8),
            footer,
        ]
    )
    return buffer.getvalue()


def render_summary(summary: Summary, fmt: str) -> str | bytes:
    if fmt == "text":
        return as_text(summary)
    if fmt == "markdown":
        return as_markdown(summary)
    if fmt == "html":
        return as_html(summary)
    if fmt == "json":
        return json.dumps(as_dict(summary), indent=2) + "\n"
    if fmt == "pdf":
        return as_pdf(summary)
    raise ValueError(f"unknown format {fmt!r}")
