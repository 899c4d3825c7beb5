"""A figure's trend over the years as a server-rendered SVG column chart: one column a
year, its value written above it, so the chart reads without a script or a tooltip."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 520
HEIGHT = 170
TOP = 18  # room for the value above the tallest column
BOTTOM = 20  # room for the years
NAVY = "#0b3d63"
WITHHELD = "#c9d3de"


def trend(points: list[tuple[int, int | None, str]], label: str) -> SafeString:
    """``points`` are (year, value, text): the value sets the column's height (None: a
    withheld count, drawn as a short pale column), the text is written above it."""
    highest = max((value for _, value, _ in points if value is not None), default=0) or 1
    slot = WIDTH / max(len(points), 1)
    plot = HEIGHT - TOP - BOTTOM
    columns = []
    for index, (year, value, text) in enumerate(points):
        height = plot * 0.08 if value is None else plot * value / highest
        x = index * slot + slot * 0.15
        y = TOP + plot - height
        middle = index * slot + slot / 2
        fill = WITHHELD if value is None else NAVY
        columns.append(
            f'<g data-year="{year}"><title>{year}: {escape(text)}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" '
            f'fill="{fill}"/>'
            f'<text x="{middle:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="10">'
            f"{escape(text)}</text>"
            f'<text x="{middle:.1f}" y="{HEIGHT - 5}" text-anchor="middle" font-size="10">'
            f"{year}</text></g>"
        )
    return mark_safe(  # noqa: S308 - every text is escaped above
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="0" y1="{TOP + plot}" x2="{WIDTH}" y2="{TOP + plot}" stroke="#8899aa"/>'
        + "".join(columns)
        + "</svg>"
    )
