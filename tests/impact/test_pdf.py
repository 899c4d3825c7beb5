"""The state data sheet as a one-page PDF: read back with poppler's ``pdfinfo``,
``pdftotext`` and ``pdftoppm`` (Debian package poppler-utils)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import record_builders as make

from clearinghouse.demo.plan import SEED_CITATION as CITATION
from clearinghouse.impact import sheet as sheet_module
from clearinghouse.impact.figures import DEFINITIONS_VERSION, FIGURES, NATIONAL, STATE, FigureValue
from clearinghouse.impact.pdf import as_pdf
from clearinghouse.impact.render import render
from clearinghouse.impact.sheet import build_sheet

pytestmark = pytest.mark.django_db

POPPLER = ("pdfinfo", "pdftotext", "pdftoppm")


@pytest.fixture(autouse=True)
def poppler():
    """The PDF is read back with poppler; the project's setup (`make tools`) installs it."""
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    assert not missing, f"{', '.join(missing)} missing: run `make tools` (Debian poppler-utils)"


NAVY = (0x0B, 0x3D, 0x63)
GOLD = (0xF2, 0xA9, 0x3B)


def write(pdf: bytes, tmp_path: Path, name: str = "sheet.pdf") -> Path:
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in out.stdout.splitlines())
    )


def pdftotext(path: Path, *, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def words(text: str) -> str:
    """The text with every run of whitespace as one space (lines wrap anywhere)."""
    return re.sub(r"\s+", " ", text).strip()


def page_image(path: Path, tmp_path: Path):
    from PIL import Image as image_module

    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-singlefile", str(path), str(prefix)], check=True
    )
    return image_module.open(prefix.with_suffix(".png")).convert("RGB")


def near(pixel: tuple[int, int, int], color: tuple[int, int, int], tolerance: int = 8) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, color, strict=True))


# -- Arkansas 2023 ----------------------------------------------------------------------


def test_it_is_one_us_letter_page_with_metadata(tmp_path):
    make.arkansas_2023()
    info = pdfinfo(write(as_pdf(build_sheet("AR", 2023)), tmp_path))
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("612 x 792 pts")
    assert info["Title"] == "Arkansas Data, 2023"
    assert info["Author"] == "Clearinghouse"
    assert "Arkansas" in info["Subject"] and DEFINITIONS_VERSION in info["Subject"]


def test_render_pdf_gives_the_same_bytes_every_time():
    make.arkansas_2023()
    sheet = build_sheet("AR", 2023)
    first = render(sheet, "pdf")
    assert isinstance(first, bytes)
    assert first == as_pdf(sheet)


def test_its_text_is_the_sheets_with_the_figures(tmp_path):
    make.arkansas_2023()
    text = words(pdftotext(write(as_pdf(build_sheet("AR", 2023)), tmp_path)))
    for sentence in [
        "The National Center for Missing and Exploited Children",
        "Arkansas Data",
        "Listed below are Arkansas specific statistics relating to NCMEC's work.",
        "In 2023, the CyberTipline received 36.2 million reports related to child sexual "
        "exploitation, containing more than 105 million pieces of reported content.",
        "In 2023, 5,070 CyberTipline reports were made available to law enforcement in Arkansas.",
        "In 2023, NCMEC reviewed 30 submissions of child sexual exploitation material from "
        "Arkansas law enforcement.",
        "NCMEC has supported law enforcement's identification of 27,130 children.",
        "on 28,886 missing child cases, 22,442 of which involved children",
        "19% of these children were likely victims of child sex trafficking.",
        "In 2023, NCMEC handled 255 cases of missing children from Arkansas as follows:",
        "In 2023, NCMEC received more than 18,400 reports relating to child sex trafficking.",
        # the paragraph the source sheet breaks across its pages is one again
        "(2) resources and support to develop effective strategies",
        "In 2023, NCMEC had 17 engagements with Arkansas social service agencies on cases "
        "involving child sex trafficking.",
        "In 2023, Team HOPE supported 5,759 survivors and families with peer support, including "
        "38 survivors/families in Arkansas.",
        "In 2023, NCMEC connected 36 survivors/families to mental health services in Arkansas.",
        "In 2023, Team Adam provided Team Adam critical case assistance on 1 case in Arkansas.",
        "In 2023, NCMEC CONNECT had more than 18,000 registered users, including 174 new law "
        "enforcement and child-serving professionals in Arkansas.",
        f"Computed from Clearinghouse records · Definitions version {DEFINITIONS_VERSION}",
        f"National figures: published statistics. {CITATION}.",
    ]:
        assert sentence in text
    assert text.count(CITATION) == 1  # distinct citations, each once


def test_the_missing_children_table_has_its_numbers_on_the_row(tmp_path):
    make.arkansas_2023()
    laid_out = pdftotext(write(as_pdf(build_sheet("AR", 2023)), tmp_path), layout=True)
    assert re.search(r"Children Missing From Social Services Facility +203\b", laid_out)
    assert re.search(r"Other Missing Children Cases +38\b", laid_out)
    assert re.search(
        r"Children Reported Missing by Office of Refugee Resettlement \(HHS-ORR\) : +14\b",
        laid_out,
    )


def test_the_page_has_its_header_band_and_a_body(tmp_path):
    make.arkansas_2023()
    image = page_image(write(as_pdf(build_sheet("AR", 2023)), tmp_path), tmp_path)
    assert image.size == (612, 792)
    assert near(image.getpixel((5, 5)), NAVY)  # the header band, edge to edge
    assert near(image.getpixel((606, 60)), (0x08, 0x2C, 0x48))  # the year panel
    assert near(image.getpixel((300, 98)), GOLD)  # the stripe under the band
    body = image.crop((40, 120, 572, 700))
    colors = body.getcolors(body.width * body.height)  # [(count, (r, g, b)), ...]
    inked = sum(count for count, pixel in colors if sum(pixel) < 384)
    assert inked / (body.width * body.height) > 0.05  # text and heading bars, not blank
    assert sum(count for count, pixel in colors if near(pixel, NAVY, 4)) > 5_000  # the bars


def test_without_published_statistics_there_is_no_footnote(tmp_path):
    make.reports(3, state="AR", made_available_at="2023-03-01T00:00:00Z")
    path = write(as_pdf(build_sheet("AR", 2023)), tmp_path)
    text = words(pdftotext(path))
    assert "In 2023, 3 CyberTipline reports were made available" in text
    assert "Computed from Clearinghouse records" in text
    assert "National figures: published statistics" not in text
    assert pdfinfo(path)["Pages"] == "1"


def test_some_published_figures_are_named_and_their_citations_escaped(tmp_path):
    make.published("tipline.reports_received", 2023, 36_210_368, "Report <2023> & annex")
    make.published("cvip.children_identified", 2023, 27_130, 'CVIP "totals" > 2022')
    make.published("education.registered_users", 2023, 18_217, "Report <2023> & annex")
    path = write(as_pdf(build_sheet("AR", 2023)), tmp_path)
    text = words(pdftotext(path))
    assert (
        "National figures: published statistics for 36.2 million, more than 18,000 "
        '(Report <2023> & annex); 27,130 (CVIP "totals" > 2022).'
    ) in text
    assert "The other national figures are computed from Clearinghouse records." in text
    assert pdfinfo(path)["Pages"] == "1"


# -- long names and big numbers ---------------------------------------------------------


def huge_figures(
    state: str, year: int, national=None, **options
) -> dict[str, dict[str, FigureValue]]:
    """Every figure in the billions (and every national one published, with a long
    citation each), to see that the sheet still fits its page."""
    values: dict[str, dict[str, FigureValue]] = {STATE: {}, NATIONAL: {}}
    for number, (key, figure) in enumerate(FIGURES.items()):
        value = 9_876_543_210 + number
        for scope in figure.scopes:
            citation = (
                f"Office of Juvenile Justice and Delinquency Prevention, report {number} to "
                f"Congress on {key}, https://example.org/reports/{year}/{key}"
            )
            values[scope][key] = FigureValue(
                key,
                scope,
                year,
                state if scope == STATE else None,
                value,
                figure.display(value),
                "published" if scope == NATIONAL else "records",
                citation if scope == NATIONAL else None,
            )
    return values


@pytest.mark.parametrize(
    ("code", "name"),
    [("MP", "Northern Mariana Islands"), ("DC", "District of Columbia")],
)
def test_long_names_and_big_numbers_still_fit_one_page(tmp_path, monkeypatch, code, name):
    monkeypatch.setattr(sheet_module, "sheet_figures", huge_figures)
    sheet = build_sheet(code, 2023)
    path = write(as_pdf(sheet), tmp_path)
    assert pdfinfo(path)["Pages"] == "1"
    text = words(pdftotext(path))
    assert f"{name} Data" in text
    made_available = sheet.figures[STATE]["tipline.reports_made_available"].text
    assert (
        f"In 2023, {made_available} CyberTipline reports were made available to law "
        f"enforcement in {name}." in text
    )
    for value in sheet.figures[NATIONAL].values():
        assert value.citation in text
    laid_out = pdftotext(path, layout=True)
    cases = sheet.figures[STATE]["missing.cases_from_care"].text
    assert re.search(rf"Children Missing From Social Services Facility +{cases}\b", laid_out)
