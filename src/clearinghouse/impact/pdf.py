"""The state data sheet as a one-page PDF fact sheet (US Letter), laid out with reportlab.

The page: a navy header band with the title (the national center's name, then the big
"<State> Data" and the year), the introduction, one coloured bar per section heading,
the paragraphs with the sheet's emphasized spans in bold navy, the missing-children table
with right-aligned bold numbers, and a footer that says where the figures come from
(the definitions version, and the citations of national figures taken from published
statistics). Every word of the body comes from the sheet's blocks, in order; beside the
table, its total is repeated as a callout (the figure and the words after it in the
paragraph that introduces the table). The only other text is the page's chrome: the
year, "REPORTING YEAR", the callout's "IN <year>", the footer and the footnote.

It always fits on one page: the body is laid out at the largest type size (10 pt down to
7 pt) at which it fits, and as a last resort shrunk to fit.
Only the standard PDF fonts are used (Helvetica), so nothing needs installing; the output
is deterministic (``invariant``), so the same sheet gives the same bytes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from clearinghouse.impact.figures import DEFINITIONS_VERSION, KEYS, NATIONAL, STATE
from clearinghouse.impact.sheet import Block, Sheet, Span

NAVY = HexColor("#0b3d63")
NAVY_DEEP = HexColor("#082c48")
GOLD = HexColor("#f2a93b")
SKY = HexColor("#bcd4ea")
INK = HexColor("#1b1b1b")
MUTED = HexColor("#56636f")
RULE = HexColor("#cfd8e3")
TINT = HexColor("#eef3f8")

FONT = "Helvetica"
BOLD = "Helvetica-Bold"

PAGE_WIDTH, PAGE_HEIGHT = letter
MARGIN = 40  # left and right
BOTTOM = 28  # below the footer
BAND_HEIGHT = 96  # the header band, from the top edge
STRIPE = 4  # the gold stripe under it
BODY_TOP_GAP = 14  # between the stripe and the body
FOOTER_GAP = 14  # between the body and the footer rule
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

# Body type sizes tried, largest first (10 pt down to 7 pt in tenths); below the last,
# the body is shrunk to fit.
SIZES = tuple(size / 10 for size in range(100, 69, -1))

DEFAULT_ORGANIZATION = "The National Center for Missing and Exploited Children"


# -- markup ------------------------------------------------------------------------------


def _hex(color: Color) -> str:
    return "#" + color.hexval()[2:]


def _markup(spans: tuple[Span, ...] | list[Span]) -> str:
    """Spans as reportlab Paragraph markup: text escaped, emphasis bold and navy."""
    out = []
    for span in spans:
        text = escape(span.text)
        if span.strong:
            text = f'<font name="{BOLD}" color="{_hex(NAVY)}">{text}</font>'
        out.append(text)
    return "".join(out)


def _joined_paragraphs(blocks: list[Block]) -> list[Block]:
    """The blocks with a paragraph that ``continues`` joined to the next one."""
    out: list[Block] = []
    pending: list[Span] = []
    for block in blocks:
        if block.kind == "paragraph" and (block.continues or pending):
            if pending:
                pending.append(Span(" "))
            pending.extend(block.spans)
            if not block.continues:
                out.append(Block("paragraph", tuple(pending)))
                pending = []
            continue
        out.append(block)
    if pending:
        out.append(Block("paragraph", tuple(pending)))
    return out


def _title_parts(sheet: Sheet, blocks: list[Block]) -> tuple[str, str]:
    """(the organization line, the big title) from the title block: its plain spans and
    its emphasized spans."""
    for block in blocks:
        if block.kind == "title":
            plain = "".join(span.text for span in block.spans if not span.strong).strip()
            strong = "".join(span.text for span in block.spans if span.strong).strip()
            if strong:
                return plain, strong
            return "", plain
    return DEFAULT_ORGANIZATION, f"{sheet.state_name} Data"


# -- the footer --------------------------------------------------------------------------


def _published_note(sheet: Sheet) -> str | None:
    """The footnote on national figures taken from published statistics, with their
    distinct citations (in the order of the figures), or None when there are none."""
    national = sheet.figures.get(NATIONAL, {})
    keys = [key for key in KEYS if key in national] + sorted(set(national) - set(KEYS))
    published = [national[key] for key in keys if national[key].source == "published"]
    if not published:
        return None
    citations: dict[str, list[str]] = {}
    for value in published:
        citations.setdefault(value.citation or "citation not given", []).append(value.text)
    if len(published) == len(keys):
        cited = "; ".join(escape(citation) for citation in citations)
        return f"<b>National figures: published statistics.</b> {cited}."
    cited = "; ".join(
        f"{escape(', '.join(texts))} ({escape(citation)})" for citation, texts in citations.items()
    )
    return (
        f"<b>National figures: published statistics</b> for {cited}. "
        "The other national figures are computed from Clearinghouse records."
    )


FOOTNOTE_TALLEST = 72.0  # a footnote with many long citations gets smaller type


def _footnote(note: str) -> Paragraph:
    for size in (6.5, 6.0, 5.5, 5.0, 4.5):
        style = ParagraphStyle(
            "footnote", fontName=FONT, fontSize=size, leading=size * 1.23, textColor=MUTED
        )
        footnote = Paragraph(note, style)
        if footnote.wrap(CONTENT_WIDTH, PAGE_HEIGHT)[1] <= FOOTNOTE_TALLEST:
            break
    return footnote


# -- the body ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Styles:
    size: float

    @property
    def leading(self) -> float:
        return round(self.size * 1.3, 2)

    def body(self) -> ParagraphStyle:
        return ParagraphStyle(
            "body",
            fontName=FONT,
            fontSize=self.size,
            leading=self.leading,
            textColor=INK,
            spaceAfter=self.size * 0.55,
        )

    def intro(self) -> ParagraphStyle:
        size = self.size + 0.5
        return ParagraphStyle(
            "intro",
            fontName=FONT,
            fontSize=size,
            leading=round(size * 1.32, 2),
            textColor=HexColor("#2c3a47"),
            spaceAfter=self.size * 0.5,
        )

    def heading(self) -> ParagraphStyle:
        size = self.size + 1
        return ParagraphStyle(
            "heading",
            fontName=BOLD,
            fontSize=size,
            leading=round(size * 1.2, 2),
            textColor=white,
        )

    def cell(self) -> ParagraphStyle:
        return ParagraphStyle(
            "cell", fontName=FONT, fontSize=self.size, leading=self.leading, textColor=INK
        )

    def number(self) -> ParagraphStyle:
        size = self.size + 1
        return ParagraphStyle(
            "number",
            fontName=BOLD,
            fontSize=size,
            leading=round(size * 1.2, 2),
            textColor=NAVY,
            alignment=TA_RIGHT,
        )


def _heading(text: str, styles: _Styles, width: float) -> Flowable:
    bar = Table([[Paragraph(escape(text), styles.heading())]], colWidths=[width])
    pad = styles.size * 0.38
    bar.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), NAVY),
                ("LINEBEFORE", (0, 0), (0, -1), 4, GOLD),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad + 1),
            ]
        )
    )
    bar.spaceBefore = styles.size * 0.7
    bar.spaceAfter = styles.size * 0.6
    return bar


_CELL_PADDING = 8.0


def _table_widths(block: Block, styles: _Styles) -> tuple[float, float]:
    """(the widest label, the widest number) of the table, cell padding included."""
    cell, number = styles.cell(), styles.number()
    labels = [stringWidth(label, cell.fontName, cell.fontSize) for label, _ in block.rows]
    numbers = [stringWidth(value.text, number.fontName, number.fontSize) for _, value in block.rows]
    pad = 2 * _CELL_PADDING + 2
    return max(labels, default=0) + pad, max(max(numbers, default=0) + pad, 48.0)


def _cases_table(block: Block, styles: _Styles, width: float) -> Table:
    _, number_width = _table_widths(block, styles)
    number_width = min(number_width, width / 2)
    rows = [
        [Paragraph(escape(label), styles.cell()), Paragraph(escape(value.text), styles.number())]
        for label, value in block.rows
    ]
    table = Table(rows, colWidths=[width - number_width, number_width], hAlign="LEFT")
    pad = styles.size * 0.32
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 0), (-1, -1), [TINT, white]),
                ("LINEABOVE", (0, 0), (-1, 0), 1.2, NAVY),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
                ("LINEBELOW", (0, -1), (-1, -1), 1.2, NAVY),
                ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad + 1),
            ]
        )
    )
    return table


_AS_FOLLOWS = re.compile(r"\s*(as follows)?\s*:\s*$")


def _total_callout(lead_in: Block | None) -> tuple[Span, str] | None:
    """The table's total, from the paragraph that introduces it ("In 2023, NCMEC handled
    255 cases of missing children from Arkansas as follows:"): its one state figure and
    the words after it, or None when the paragraph is not like that."""
    if lead_in is None or lead_in.kind != "paragraph":
        return None
    figures = [
        index
        for index, span in enumerate(lead_in.spans)
        if (span.figure or "").startswith(f"{STATE}:")
    ]
    if len(figures) != 1:
        return None
    after = "".join(span.text for span in lead_in.spans[figures[0] + 1 :])
    caption = _AS_FOLLOWS.sub("", after).strip()
    return (lead_in.spans[figures[0]], caption) if caption else None


CALLOUT_GAP = 14.0
CALLOUT_WIDEST = 170.0
CALLOUT_NARROWEST = 120.0


def _callout_box(figure: Span, caption: str, year: int, styles: _Styles, width: float) -> Table:
    inner = width - 10 - 8
    label = ParagraphStyle("callout-label", fontName=BOLD, fontSize=6.5, leading=8, textColor=MUTED)
    number_size = _fit_font(figure.text, BOLD, styles.size * 2.4, inner, smallest=styles.size)
    number = ParagraphStyle(
        "callout-number",
        fontName=BOLD,
        fontSize=number_size,
        leading=number_size * 1.1,
        textColor=NAVY,
    )
    words = ParagraphStyle(
        "callout-caption",
        fontName=FONT,
        fontSize=styles.size - 0.5,
        leading=(styles.size - 0.5) * 1.25,
        textColor=INK,
    )
    box = Table(
        [
            [Paragraph(f"IN {year}", label)],
            [Paragraph(escape(figure.text), number)],
            [Paragraph(escape(caption), words)],
        ],
        colWidths=[width],
    )
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("LINEBEFORE", (0, 0), (0, -1), 3, GOLD),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
            ]
        )
    )
    return box


def _table_with_total(
    block: Block, lead_in: Block | None, year: int, styles: _Styles, width: float
) -> Flowable:
    """The cases table, with the total beside it as a callout when there is room (the
    table's labels on one line each, and a callout at least ``CALLOUT_NARROWEST`` wide)."""
    label_width, number_width = _table_widths(block, styles)
    table_width = min(width, max(400.0, label_width + number_width))
    callout = _total_callout(lead_in)
    room = width - CALLOUT_GAP - (label_width + number_width)
    if callout is None or room < CALLOUT_NARROWEST:
        table = _cases_table(block, styles, table_width)
    else:
        callout_width = min(room, CALLOUT_WIDEST)
        table_width = width - CALLOUT_GAP - callout_width
        figure, caption = callout
        table = Table(
            [
                [
                    _cases_table(block, styles, table_width),
                    "",
                    _callout_box(figure, caption, year, styles, callout_width),
                ]
            ],
            colWidths=[table_width, CALLOUT_GAP, callout_width],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
    table.spaceBefore = styles.size * 0.1
    table.spaceAfter = styles.size * 0.9
    return table


def _story(blocks: list[Block], year: int, size: float, width: float) -> list[Flowable]:
    styles = _Styles(size)
    story: list[Flowable] = []
    seen_heading = False
    for index, block in enumerate(blocks):
        if block.kind == "title":
            continue  # in the header band
        if block.kind == "heading":
            seen_heading = True
            story.append(_heading(block.text, styles, width))
        elif block.kind == "table":
            lead_in = blocks[index - 1] if index else None
            story.append(_table_with_total(block, lead_in, year, styles, width))
        elif block.kind == "paragraph":
            style = styles.body() if seen_heading else styles.intro()
            story.append(Paragraph(_markup(block.spans), style))
    return story


def _height(story: list[Flowable], width: float) -> float:
    """The height the story takes in a frame of that width. As in a frame, the space
    between two flowables is the larger of the space after the one and the space before
    the other, and there is none before the first or after the last."""
    total = 0.0
    space_after = 0.0
    for index, flowable in enumerate(story):
        _, height = flowable.wrap(width, PAGE_HEIGHT)
        if index:
            total += max(space_after, flowable.getSpaceBefore())
        total += height
        space_after = flowable.getSpaceAfter()
    return total


def _fitted(blocks: list[Block], year: int, width: float, height: float) -> Flowable:
    for size in SIZES:
        story = _story(blocks, year, size, width)
        if _height(story, width) <= height:
            break
    return KeepInFrame(width, height, story, mode="shrink", hAlign="LEFT", vAlign="TOP")


# -- the page ----------------------------------------------------------------------------


def _fit_font(text: str, font: str, size: float, width: float, smallest: float = 12) -> float:
    needed = stringWidth(text, font, size)
    return size if needed <= width else max(smallest, size * width / needed)


class _Page:
    """Draws the header band and the footer on the canvas."""

    def __init__(self, sheet: Sheet, organization: str, title: str, footnote: Paragraph | None):
        self.sheet = sheet
        self.organization = organization
        self.title = title
        self.footnote = footnote

    def footer_height(self) -> float:
        height = 16.0
        if self.footnote is not None:
            height += self.footnote.wrap(CONTENT_WIDTH, PAGE_HEIGHT)[1] + 3
        return height

    def draw(self, canvas, doc) -> None:
        canvas.saveState()
        self._header(canvas)
        self._footer(canvas)
        canvas.restoreState()

    def _header(self, canvas) -> None:
        top = PAGE_HEIGHT
        canvas.setFillColor(NAVY)
        canvas.rect(0, top - BAND_HEIGHT, PAGE_WIDTH, BAND_HEIGHT, stroke=0, fill=1)
        # a quiet darker panel behind the year
        year = str(self.sheet.year)
        year_size = 30
        year_width = stringWidth(year, BOLD, year_size)
        panel = year_width + 2 * MARGIN * 0.75
        canvas.setFillColor(NAVY_DEEP)
        canvas.rect(PAGE_WIDTH - panel, top - BAND_HEIGHT, panel, BAND_HEIGHT, stroke=0, fill=1)
        canvas.setFillColor(GOLD)
        canvas.rect(0, top - BAND_HEIGHT - STRIPE, PAGE_WIDTH, STRIPE, stroke=0, fill=1)

        text_width = PAGE_WIDTH - panel - MARGIN - 14
        if self.organization:
            size = _fit_font(self.organization, FONT, 11.5, text_width, smallest=7)
            canvas.setFillColor(SKY)
            canvas.setFont(FONT, size)
            canvas.drawString(MARGIN, top - 32, self.organization)
        size = _fit_font(self.title, BOLD, 34, text_width)
        canvas.setFillColor(white)
        canvas.setFont(BOLD, size)
        canvas.drawString(MARGIN, top - 72, self.title)

        centre = PAGE_WIDTH - panel / 2
        canvas.setFillColor(SKY)
        canvas.setFont(BOLD, 7)
        canvas.drawCentredString(centre, top - 32, "REPORTING YEAR")
        canvas.setFillColor(GOLD)
        canvas.setFont(BOLD, year_size)
        canvas.drawCentredString(centre, top - 72, year)

    def _footer(self, canvas) -> None:
        top = BOTTOM + self.footer_height()
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, top, PAGE_WIDTH - MARGIN, top)
        baseline = top - 10
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 7)
        canvas.drawString(
            MARGIN,
            baseline,
            f"Computed from Clearinghouse records \u00b7 Definitions version {DEFINITIONS_VERSION}",
        )
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN, baseline, f"{self.sheet.state_name} \u00b7 {self.sheet.year}"
        )
        if self.footnote is not None:
            _, height = self.footnote.wrap(CONTENT_WIDTH, PAGE_HEIGHT)
            self.footnote.drawOn(canvas, MARGIN, baseline - 5 - height)


def _metadata(sheet: Sheet) -> dict[str, str]:
    return {
        "title": f"{sheet.state_name} Data, {sheet.year}",
        "author": "Clearinghouse",
        "subject": (
            f"State data sheet for {sheet.state_name} ({sheet.state}), {sheet.year}: figures "
            f"computed from Clearinghouse records, definitions version {DEFINITIONS_VERSION}"
        ),
        "creator": "Clearinghouse",
        "keywords": [sheet.state, sheet.state_name, str(sheet.year), "state data sheet"],
    }


def as_pdf(sheet: Sheet) -> bytes:
    """The sheet as a one-page US Letter PDF."""
    blocks = _joined_paragraphs(list(sheet.blocks))
    organization, title = _title_parts(sheet, blocks)
    note = _published_note(sheet)
    footnote = _footnote(note) if note else None
    page = _Page(sheet, organization, title, footnote)

    body_bottom = BOTTOM + page.footer_height() + FOOTER_GAP
    body_top = PAGE_HEIGHT - BAND_HEIGHT - STRIPE - BODY_TOP_GAP
    body_height = body_top - body_bottom
    frame = Frame(
        MARGIN,
        body_bottom,
        CONTENT_WIDTH,
        body_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=letter,
        invariant=1,
        lang="en-US",
        displayDocTitle=1,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=PAGE_HEIGHT - body_top,
        bottomMargin=body_bottom,
        **_metadata(sheet),
    )
    doc.addPageTemplates([PageTemplate(id="sheet", frames=[frame], onPage=page.draw)])
    doc.build([_fitted(blocks, sheet.year, CONTENT_WIDTH, body_height)])
    return buffer.getvalue()
