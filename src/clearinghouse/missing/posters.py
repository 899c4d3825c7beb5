"""A case's poster as a one-page PDF (US Letter), in English or Spanish.

It is drawn from the published poster's public document (``posterapi.document``), never
from the case itself, so it can only show what the allow-list lets through: the photo,
the name, age now, missing since, where, the description, a companion and whom to call.

Layout, top to bottom: a red band with MISSING (DESAPARECIDO/A), the child's name, the
photo on the left with the facts beside it, the companion, the contact band, and a
footer with the case number.
"""

from __future__ import annotations

import datetime
import io

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from clearinghouse.media import vault
from clearinghouse.posterapi.models import Poster
from clearinghouse.posterapi.publishing import age_now

RED = HexColor("#b01c2e")
NAVY = HexColor("#0b3d63")
INK = HexColor("#1b1b1b")
PAPER = HexColor("#eef2f6")
FONT, BOLD = "Helvetica", "Helvetica-Bold"
WIDTH, HEIGHT = letter
MARGIN = 40
BAND = 90
PHOTO_W, PHOTO_H = 220, 280

LANGUAGES = ("en", "es")
MONTHS_ES = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
).split()
WORDS = {
    "en": {
        "title": {"": "MISSING"},
        "age_now": "Age now",
        "missing_since": "Missing since",
        "missing_from": "Missing from",
        "sex": "Sex",
        "race": "Race",
        "hair": "Hair",
        "eyes": "Eyes",
        "description": "Description",
        "dob": "Date of birth",
        "companion": "Companion",
        "no_photo": "No photo",
        "contact": "Anyone having information should contact",
        "case": "Case number",
        "years": "{} years",
        "sexes": {"Female": "Female", "Male": "Male", "Unknown": "Unknown"},
    },
    "es": {
        "title": {"": "DESAPARECIDO/A", "Female": "DESAPARECIDA", "Male": "DESAPARECIDO"},
        "age_now": "Edad actual",
        "missing_since": "Desaparecido/a desde",
        "missing_from": "Lugar de desaparición",
        "sex": "Sexo",
        "race": "Raza",
        "hair": "Cabello",
        "eyes": "Ojos",
        "description": "Descripción",
        "dob": "Fecha de nacimiento",
        "companion": "Acompañante",
        "no_photo": "Sin foto",
        "contact": "Si tiene información, comuníquese con",
        "case": "Número de caso",
        "years": "{} años",
        "sexes": {"Female": "Femenino", "Male": "Masculino", "Unknown": "Desconocido"},
    },
}


def long_date(text: str | None, language: str) -> str:
    if not text:
        return ""
    try:
        day = datetime.date.fromisoformat(text[:10])
    except ValueError:
        return text
    if language == "es":
        return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


def _place(child: dict) -> str:
    city = child.get("missingCity", "")
    state = child.get("missingState", "")
    return ", ".join(part for part in (city, state) if part)


def _full_name(person: dict) -> str:
    parts = (person.get("firstName"), person.get("middleName"), person.get("lastName"))
    return " ".join(part for part in parts if part)


def facts(child: dict, language: str) -> list[tuple[str, str]]:
    """The label/value rows beside the photo, in the poster's language."""
    words = WORDS[language]
    age = age_now(child.get("dateOfBirth"))
    rows = [
        (words["age_now"], words["years"].format(age) if age else ""),
        (words["missing_since"], long_date(child.get("missingSince"), language)),
        (words["missing_from"], _place(child)),
        (words["dob"], long_date(child.get("dateOfBirth"), language)),
        (words["sex"], words["sexes"].get(child.get("sex", ""), child.get("sex", ""))),
        (words["race"], ", ".join(child.get("races", []))),
        (words["hair"], child.get("hairColor", "")),
        (words["eyes"], child.get("eyeColor", "")),
        (words["description"], child.get("description", "")),
    ]
    return [(label, value) for label, value in rows if value]


def _photo(canvas: Canvas, poster: Poster, x: float, top: float, language: str) -> None:
    photo = poster.photos.filter(role="child", person=0).select_related("blob").first()
    canvas.setFillColor(PAPER)
    canvas.rect(x, top - PHOTO_H, PHOTO_W, PHOTO_H, stroke=0, fill=1)
    if photo is None:
        canvas.setFillColor(INK)
        canvas.setFont(FONT, 14)
        canvas.drawCentredString(x + PHOTO_W / 2, top - PHOTO_H / 2, WORDS[language]["no_photo"])
        return
    image = ImageReader(io.BytesIO(vault.read(photo.blob)))
    canvas.drawImage(
        image, x, top - PHOTO_H, PHOTO_W, PHOTO_H, preserveAspectRatio=True, anchor="n"
    )


def _facts(canvas: Canvas, rows: list[tuple[str, str]], x: float, top: float) -> None:
    width = WIDTH - MARGIN - x
    y = top - 14
    for label, value in rows:
        canvas.setFillColor(NAVY)
        canvas.setFont(BOLD, 10)
        canvas.drawString(x, y, label.upper())
        y -= 15
        canvas.setFillColor(INK)
        canvas.setFont(FONT, 13)
        for line in simpleSplit(value, FONT, 13, width)[:3]:
            canvas.drawString(x, y, line)
            y -= 16
        y -= 6


def render(poster: Poster, language: str = "en") -> bytes:
    """The poster's PDF. ``language`` is ``en`` or ``es``."""
    if language not in LANGUAGES:
        raise ValueError(f"no poster language {language!r}")
    words = WORDS[language]
    document = poster.document
    child = (document.get("children") or [{}])[0]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=True, pageCompression=1)
    canvas.setTitle(f"{words['title']['']}: {_full_name(child)}")
    canvas.setAuthor("Clearinghouse")
    canvas.setSubject(f"{words['case']} {poster.case_number}")
    # The band.
    canvas.setFillColor(RED)
    canvas.rect(0, HEIGHT - BAND, WIDTH, BAND, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont(BOLD, 54)
    title = words["title"].get(child.get("sex", ""), words["title"][""])
    canvas.drawCentredString(WIDTH / 2, HEIGHT - BAND + 26, title)
    # The name.
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 30)
    name_y = HEIGHT - BAND - 44
    canvas.drawCentredString(WIDTH / 2, name_y, _full_name(child))
    # Photo and facts.
    top = name_y - 24
    _photo(canvas, poster, MARGIN, top, language)
    _facts(canvas, facts(child, language), MARGIN + PHOTO_W + 24, top)
    y = top - PHOTO_H - 30
    # Companions.
    for companion in document.get("companions", [])[:2]:
        canvas.setFillColor(NAVY)
        canvas.setFont(BOLD, 12)
        kind = companion.get("companionType", "")
        canvas.drawString(MARGIN, y, f"{words['companion'].upper()}: {_full_name(companion)}")
        canvas.setFillColor(INK)
        canvas.setFont(FONT, 11)
        details = ", ".join(
            part
            for part in (
                kind,
                words["sexes"].get(companion.get("sex", ""), ""),
                companion.get("description", ""),
            )
            if part
        )
        for line in simpleSplit(details, FONT, 11, WIDTH - 2 * MARGIN)[:2]:
            y -= 15
            canvas.drawString(MARGIN, y, line)
        y -= 24
    # Contact.
    contacts = document.get("contacts", [])
    if contacts:
        contact = contacts[0]
        canvas.setFillColor(NAVY)
        canvas.rect(0, 60, WIDTH, 80, stroke=0, fill=1)
        canvas.setFillColor(white)
        canvas.setFont(FONT, 13)
        canvas.drawCentredString(WIDTH / 2, 116, words["contact"])
        canvas.setFont(BOLD, 18)
        line = "  ".join(
            part for part in (contact.get("name", ""), *contact.get("phoneNumbers", [])) if part
        )
        canvas.drawCentredString(WIDTH / 2, 88, line)
    canvas.setFillColor(INK)
    canvas.setFont(FONT, 9)
    canvas.drawString(MARGIN, 30, f"{words['case']}: {poster.case_number}")
    canvas.drawRightString(WIDTH - MARGIN, 30, "Clearinghouse")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
