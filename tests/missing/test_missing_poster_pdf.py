"""The case poster as a PDF, read back as text with positions (``pdftotext -bbox``) and
as an image (``pdftoppm``): where things are, that the Spanish one is in Spanish, and
that nothing private is on either."""

import datetime
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from missing_helpers import service_values, synthetic_png, years_ago

from clearinghouse.media import vault
from clearinghouse.missing import cases, posters
from clearinghouse.missing.models import CasePhoto
from clearinghouse.posterapi import publishing

pytestmark = pytest.mark.django_db

PHOTO_COLOR = (40, 120, 200)
RED = (0xB0, 0x1C, 0x2E)
PRIVATE = (
    "Division of Children",  # the custodial agency: the child is in care
    "care",
    "Trafficking",
    "trafficking",
    "argument",  # circumstances
    "Pat Reporter",
    "501-555-0100",  # the reporter's phone
    "Example Street",  # the exact place
    "Substance",
    "mental",
)


@pytest.fixture(autouse=True)
def poppler():
    missing = [tool for tool in ("pdftotext", "pdftoppm") if shutil.which(tool) is None]
    assert not missing, f"{', '.join(missing)} missing: install Debian's poppler-utils"


@pytest.fixture
def poster(cast, custodial_agency):
    last_seen = timezone.now() - datetime.timedelta(days=3)
    case = cases.intake(
        service_values(
            child_date_of_birth=years_ago(14, days=40),
            child_race="White",
            child_hair="Brown",
            child_eyes="Green",
            child_height="5'2\"",
            child_weight="105 lbs",
            last_seen_at=last_seen,
            last_seen_place="12 Example Street",
            circumstances="Left home after an argument.",
            reporter_name="Pat Reporter",
            reporter_phone="501-555-0100",
            reported_by="child_welfare",
            missing_from_care=True,
            custodial_agency=custodial_agency,
            risk_factors=["trafficking_signs", "substance_use", "mental_health"],
            likely_cst_victim=True,
        ),
        cast.case_manager,
        companions=[
            {
                "kind": "companion",
                "relationship": "friend",
                "first_name": "Jordan",
                "last_name": "Example",
                "sex": "M",
            }
        ],
    ).case
    CasePhoto.objects.create(case=case, blob=vault.put(synthetic_png(PHOTO_COLOR)))
    return publishing.publish(case, cast.case_manager)


def words(pdf: bytes, tmp_path: Path, name: str) -> list[tuple[str, float, float, float, float]]:
    """Every word with its box (points from the top left)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        (html.unescape(text), float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in re.findall(pattern, out)
    ]


def find(found, word: str):
    boxes = [box for box in found if box[0] == word]
    assert boxes, f"{word!r} not on the poster: {' '.join(w[0] for w in found)}"
    return boxes[0]


def image(pdf: bytes, tmp_path: Path, name: str):
    from PIL import Image

    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-singlefile", str(path), str(tmp_path / name)],
        check=True,
    )
    return Image.open(tmp_path / f"{name}.png").convert("RGB")


def near(pixel, color, tolerance=10) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, color, strict=True))


def test_the_english_poster_puts_each_thing_in_its_place(poster, tmp_path):
    found = words(posters.render(poster, "en"), tmp_path, "en")
    text = " ".join(word[0] for word in found)

    title = find(found, "MISSING")
    assert title[2] < posters.BAND and abs((title[1] + title[3]) / 2 - 306) < 5  # centred band
    name = find(found, "Avery")
    assert posters.BAND < name[2] < posters.BAND + 60
    age_label = find(found, "AGE")
    assert age_label[1] > posters.MARGIN + posters.PHOTO_W  # right of the photo
    age = next(w for w in found if w[0] == "14" and w[2] > age_label[2])
    assert age[2] - age_label[2] < 25  # the value just under its label
    assert "MISSING SINCE" in text and f"{(timezone.now() - datetime.timedelta(days=3)):%B}" in text
    assert "Little Rock, AR" in text
    assert "COMPANION: Jordan Example" in text and "friend" in text
    contact = find(found, "Anyone")
    assert contact[2] > 792 - 160  # the contact band at the bottom
    assert "Little Rock Police Department 501-555-0199" in text
    assert f"Case number: {poster.case_number}" in text
    for private in PRIVATE:
        assert private not in text


def test_the_spanish_poster_is_in_spanish(poster, tmp_path):
    found = words(posters.render(poster, "es"), tmp_path, "es")
    text = " ".join(word[0] for word in found)

    assert find(found, "DESAPARECIDA")[2] < posters.BAND  # the child is a girl
    for spanish in (
        "EDAD ACTUAL",
        "14 años",
        "DESAPARECIDO/A DESDE",
        "LUGAR DE DESAPARICIÓN",
        "FECHA DE NACIMIENTO",
        "Femenino",
        "CABELLO",
        "OJOS",
        "ACOMPAÑANTE",
        "Si tiene información, comuníquese con",
        "Número de caso",
    ):
        assert spanish in text, spanish
    month = posters.MONTHS_ES[(timezone.now() - datetime.timedelta(days=3)).month - 1]
    assert f"de {month} de" in text
    for english in ("MISSING", "AGE NOW", "Female", "Anyone", "COMPANION", "Case number"):
        assert english not in text
    for private in PRIVATE:
        assert private not in text


def test_the_photo_and_the_band_are_where_they_belong(poster, tmp_path):
    page = image(posters.render(poster, "en"), tmp_path, "en")

    assert page.size == (612, 792)
    assert near(page.getpixel((20, 20)), RED)
    top = posters.BAND + 44 + 24  # the photo box starts under the name
    assert near(page.getpixel((posters.MARGIN + 100, top + 250)), PHOTO_COLOR)
    assert not near(page.getpixel((posters.MARGIN + 400, top + 250)), PHOTO_COLOR)


def test_a_poster_without_a_photo_says_so(cast, tmp_path):
    case = cases.intake(service_values(), cast.case_manager).case
    poster = publishing.publish(case, cast.case_manager)

    assert "No photo" in " ".join(w[0] for w in words(posters.render(poster, "en"), tmp_path, "a"))
    assert "Sin foto" in " ".join(w[0] for w in words(posters.render(poster, "es"), tmp_path, "b"))


def test_the_poster_follows_the_case(cast, poster, tmp_path):
    case = poster.case
    cases.update(case, {"last_seen_city": "Conway", "child_hair": "Black"}, cast.case_manager)
    poster.refresh_from_db()

    text = " ".join(w[0] for w in words(posters.render(poster, "en"), tmp_path, "changed"))
    assert "Conway, AR" in text and "Black" in text and "Little Rock, AR" not in text
