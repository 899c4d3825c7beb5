"""The review report of a submission, for the agency: per file, matched or not, the
series and the distance; as CSV (every file, streamed) and as PDF (a summary page, the
series found, then the files, matched ones first).

The PDF is drawn line by line on the canvas (a 100,000-file collection is thousands of
lines; platypus tables would take minutes). Past ``PDF_MAX_ROWS`` files it says how many
more the CSV holds. Standard fonts only; deterministic output (``invariant``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db.models import Count, F
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from clearinghouse.victimid import processing
from clearinghouse.victimid.models import CvipItem, CvipSubmission

CSV_COLUMNS = (
    "file_number", "name", "media_type", "md5", "sha1", "pdq", "pdq_quality",
    "matched", "series", "bank", "match_type", "distance", "problem",
)  # fmt: skip
PDF_MAX_ROWS = 20_000

NAVY = HexColor("#0b3d63")
MUTED = HexColor("#56636f")
WIDTH, HEIGHT = letter
MARGIN = 40
LINE = 11


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula (CSV injection: a file name
    such as ``=HYPERLINK(...)`` would otherwise run when the report is opened)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _matched_text(item) -> str:
    if item["state"] != CvipItem.State.DONE:
        return "pending"
    return "yes" if item["matched"] else "no"


def _rows(submission: CvipSubmission):
    fields = ("position", "name", "media_type", "md5", "sha1", "pdq", "pdq_quality", "state")
    fields += ("matched", "series", "bank", "match_type", "distance", "problem")
    return submission.items.order_by("position").values(*fields).iterator(chunk_size=2000)


def csv_lines(submission: CvipSubmission) -> Iterator[str]:
    """The report as CSV lines (header first), one per file, in submission order."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow(CSV_COLUMNS)
    for item in _rows(submission):
        yield writer.writerow(
            [
                item["position"], _cell(item["name"]), item["media_type"],
                item["md5"], item["sha1"], item["pdq"],
                "" if item["pdq_quality"] is None else item["pdq_quality"],
                _matched_text(item), item["series"], item["bank"], item["match_type"],
                "" if item["distance"] is None else item["distance"], _cell(item["problem"]),
            ]
        )  # fmt: skip


def series_found(submission: CvipSubmission) -> list[tuple[str, int]]:
    found = (
        submission.items.filter(matched=True)
        .values("series")
        .annotate(files=Count("pk"))
        .order_by("-files", "series")
    )
    return [(row["series"], row["files"]) for row in found]


class _Pages:
    """A canvas that starts a new page when the current one is full."""

    def __init__(self, canvas: Canvas, title: str) -> None:
        self.canvas, self.title, self.page = canvas, title, 0
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        self.canvas.setFont("Helvetica", 7)
        self.canvas.setFillColor(MUTED)
        self.canvas.drawString(MARGIN, 20, f"{self.title} · page {self.page}")
        self.canvas.setFillColor(HexColor("#1b1b1b"))
        self.y = HEIGHT - MARGIN

    def line(self, text: str, *, font: str = "Helvetica", size: float = 8, gap: float = LINE):
        if self.y - gap < MARGIN:
            self.new_page()
        self.y -= gap
        self.canvas.setFont(font, size)
        self.canvas.drawString(MARGIN, self.y, text[:150])

    def columns(self, cells: list[str], positions: list[float], *, font="Helvetica"):
        if self.y - LINE < MARGIN:
            self.new_page()
        self.y -= LINE
        self.canvas.setFont(font, 7.5)
        for cell, x in zip(cells, positions, strict=True):
            self.canvas.drawString(MARGIN + x, self.y, cell)


def _summary(pages: _Pages, submission: CvipSubmission) -> None:
    counts = processing.progress(submission)
    pages.canvas.setFillColor(NAVY)
    pages.line("Child Victim Identification: review report", font="Helvetica-Bold", size=16, gap=20)
    pages.canvas.setFillColor(HexColor("#1b1b1b"))
    reviewed = (
        f"review completed {submission.reviewed_at:%Y-%m-%d %H:%M} UTC"
        if submission.reviewed_at
        else "awaiting the clearinghouse's review"
    )
    for text in (
        f"Submission {submission.external_id} from {submission.agency.name}",
        f"Received {submission.received_at:%Y-%m-%d %H:%M} UTC; {reviewed}.",
        f"{counts.total:,} files; {counts.done:,} processed; {counts.matched:,} matched an "
        "identified series.",
    ):
        pages.line(text, size=10, gap=14)
    pages.line("Series found", font="Helvetica-Bold", size=11, gap=22)
    found = series_found(submission)
    for series, files in found:
        pages.line(f"{series}: {files:,} file{'s' if files != 1 else ''}", size=9, gap=12)
    if not found:
        pages.line("No file matched an identified series.", size=9, gap=12)


COLUMN_X = [0, 40, 250, 280, 400, 450, 490]
HEADER = ["File", "Name", "Matched", "Series", "Match", "Distance", "Problem"]


def _files(pages: _Pages, submission: CvipSubmission) -> None:
    pages.line("Files (matched first)", font="Helvetica-Bold", size=11, gap=22)
    pages.columns(HEADER, COLUMN_X, font="Helvetica-Bold")
    items = submission.items.order_by(F("matched").desc(nulls_last=True), "position").values(
        "position", "name", "state", "matched", "series", "match_type", "distance", "problem"
    )
    shown = 0
    for item in items.iterator(chunk_size=2000):
        if shown == PDF_MAX_ROWS:
            rest = (submission.file_count or 0) - shown
            pages.line(f"... and {rest:,} more files: see the CSV report, which lists every file.")
            break
        distance = "" if item["distance"] is None else str(item["distance"])
        cells = [str(item["position"]), item["name"][:42], _matched_text(item)]
        cells += [item["series"][:24], item["match_type"], distance, item["problem"][:30]]
        pages.columns(cells, COLUMN_X)
        shown += 1


def pdf_bytes(submission: CvipSubmission) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter, invariant=True)
    canvas.setTitle(f"CVIP review report {submission.external_id}")
    pages = _Pages(canvas, f"CVIP review report {submission.external_id}")
    _summary(pages, submission)
    _files(pages, submission)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
