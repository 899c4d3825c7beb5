"""A tile grid map of the 56 jurisdictions, as server-rendered SVG.

Every jurisdiction is one equal square, placed roughly where it lies (the common
"tile grid" layout of US data journalism; this arrangement is the project's own), so a
small state is as visible as a large one and nothing is fetched to draw it. The Pacific
territories sit in the bottom-left corner, Puerto Rico and the Virgin Islands bottom right.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# (column, row) of each jurisdiction's tile.
TILES: dict[str, tuple[int, int]] = {
    "AK": (0, 0), "ME": (10, 0),
    "VT": (9, 1), "NH": (10, 1),
    "WA": (0, 2), "ID": (1, 2), "MT": (2, 2), "ND": (3, 2), "MN": (4, 2), "IL": (5, 2),
    "WI": (6, 2), "MI": (7, 2), "NY": (8, 2), "RI": (9, 2), "MA": (10, 2),
    "OR": (0, 3), "NV": (1, 3), "WY": (2, 3), "SD": (3, 3), "IA": (4, 3), "IN": (5, 3),
    "OH": (6, 3), "PA": (7, 3), "NJ": (8, 3), "CT": (9, 3),
    "CA": (0, 4), "UT": (1, 4), "CO": (2, 4), "NE": (3, 4), "MO": (4, 4), "KY": (5, 4),
    "WV": (6, 4), "VA": (7, 4), "MD": (8, 4), "DE": (9, 4),
    "AZ": (1, 5), "NM": (2, 5), "KS": (3, 5), "AR": (4, 5), "TN": (5, 5), "NC": (6, 5),
    "SC": (7, 5), "DC": (8, 5),
    "OK": (3, 6), "LA": (4, 6), "MS": (5, 6), "AL": (6, 6), "GA": (7, 6),
    "HI": (0, 7), "TX": (3, 7), "FL": (8, 7), "PR": (9, 7), "VI": (10, 7),
    "AS": (0, 8), "GU": (1, 8), "MP": (2, 8),
}  # fmt: skip

TILE = 52
GAP = 4
# Light to dark: five equal steps from the smallest shown value to the largest.
SHADES = ("#dbe7f3", "#a9c6e2", "#6f9fcc", "#3b74ab", "#0b3d63")
NO_VALUE = "#eeeeee"
INK_ON = {SHADES[3]: "#fff", SHADES[4]: "#fff"}


def shade(value: Decimal | int | None, low, high) -> str:
    """The colour of a value within [low, high]; grey for no value."""
    if value is None:
        return NO_VALUE
    if high == low:
        return SHADES[-1] if value else SHADES[0]
    step = int((value - low) * len(SHADES) / (high - low))
    return SHADES[min(step, len(SHADES) - 1)]


def svg(
    values: dict[str, Decimal | int | None],
    texts: dict[str, str],
    names: dict[str, str],
    links: dict[str, str],
    label: str,
) -> SafeString:
    """The map: each tile shaded by ``values[code]``, showing its code and ``texts[code]``
    and linking to ``links[code]``; ``label`` names what is shaded, for screen readers."""
    known = [value for value in values.values() if value is not None]
    low, high = (min(known), max(known)) if known else (0, 0)
    columns = 1 + max(column for column, _ in TILES.values())
    rows = 1 + max(row for _, row in TILES.values())
    width, height = columns * (TILE + GAP), rows * (TILE + GAP)
    tiles = [
        _tile(code, values.get(code), texts.get(code, ""), names[code], links[code], low, high)
        for code in TILES
        if code in names
    ]
    return mark_safe(  # noqa: S308 - every text is escaped in _tile
        f'<svg class="tilemap" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(tiles)
        + "</svg>"
    )


def _tile(code, value, text, name, link, low, high) -> str:
    column, row = TILES[code]
    x, y = column * (TILE + GAP), row * (TILE + GAP)
    fill = shade(value, low, high)
    ink = INK_ON.get(fill, "#1b1b1b")
    middle = x + TILE / 2
    return (
        f'<a href="{escape(link)}" data-state="{code}">'
        f"<title>{escape(name)}: {escape(text or 'no figure')}</title>"
        f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="3" fill="{fill}"/>'
        f'<text x="{middle}" y="{y + 22}" text-anchor="middle" font-size="14" '
        f'font-weight="bold" fill="{ink}">{code}</text>'
        f'<text x="{middle}" y="{y + 40}" text-anchor="middle" font-size="10" '
        f'fill="{ink}">{escape(_short(text))}</text></a>'
    )


def _short(text: str) -> str:
    """A tile holds about seven characters: "fewer than 5" becomes "<5"."""
    if text.startswith("fewer than "):
        return "<" + text.removeprefix("fewer than ")
    return text if len(text) <= 7 else ""


def legend(values: dict[str, Decimal | int | None]) -> list[tuple[str, str]]:
    """(colour, range) pairs for the map's key."""
    known = [value for value in values.values() if value is not None]
    if not known:
        return [(NO_VALUE, "no figure")]
    low, high = min(known), max(known)
    size = (high - low) / len(SHADES)
    decimals = 1 if any(isinstance(value, Decimal) for value in known) else 0  # rates
    steps = [
        (colour, f"{low + size * index:,.{decimals}f} to {low + size * (index + 1):,.{decimals}f}")
        for index, colour in enumerate(SHADES)
    ]
    return [*steps, (NO_VALUE, "no figure")]
