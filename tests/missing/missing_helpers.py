"""Helpers of the missing-children tests: synthetic photos (generated, never real
people) and the values of a complete intake, as the web form and the services take them."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone


def synthetic_png(color=(40, 120, 200), size=(120, 160)) -> bytes:
    """A generated picture: a coloured rectangle with a lighter disc, no person."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    ImageDraw.Draw(image).ellipse((20, 20, size[0] - 20, size[0] - 20), fill=(230, 230, 230))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def years_ago(years: int, days: int = 10) -> datetime.date:
    today = timezone.now().date()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def form_data(**overrides) -> dict:
    """The web form's fields for a complete intake (an Arkansas runaway)."""
    last_seen = timezone.now() - datetime.timedelta(hours=6)
    data = {
        "case_type": "endangered_runaway",
        "state": "AR",
        "reported_by": "parent_guardian",
        "reporter_name": "Pat Reporter",
        "reporter_phone": "501-555-0100",
        "child_first_name": "Avery",
        "child_last_name": "Synthetic",
        "child_date_of_birth": years_ago(14).isoformat(),
        "child_sex": "F",
        "child_race": "White",
        "child_height": "5'2\"",
        "child_weight": "105 lbs",
        "child_hair": "Brown",
        "child_eyes": "Green",
        "last_seen_at": last_seen.strftime("%Y-%m-%dT%H:%M"),
        "last_seen_city": "Little Rock",
        "last_seen_county": "Pulaski",
        "last_seen_place": "12 Example Street",
        "circumstances": "Left home after an argument.",
        "contact_agency": "Little Rock Police Department",
        "contact_phone": "501-555-0199",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def service_values(**overrides) -> dict:
    """The same, as the services take them."""
    from clearinghouse.geo.models import Jurisdiction

    values = {
        "case_type": "endangered_runaway",
        "state": Jurisdiction.objects.get(pk="AR"),
        "reported_by": "parent_guardian",
        "child_first_name": "Avery",
        "child_last_name": "Synthetic",
        "child_date_of_birth": years_ago(14),
        "child_sex": "F",
        "last_seen_at": timezone.now() - datetime.timedelta(hours=6),
        "last_seen_city": "Little Rock",
        "contact_agency": "Little Rock Police Department",
        "contact_phone": "501-555-0199",
    }
    values.update(overrides)
    return values
