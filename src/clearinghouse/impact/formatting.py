"""How figures are written on a fact sheet (records.md, "shown as")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def exact(value: int) -> str:
    """5070 -> "5,070"."""
    return f"{value:,}"


def millions_one_decimal(value: int) -> str:
    """36,210,368 -> "36.2 million" from a million up; exact below."""
    if value < 1_000_000:
        return exact(value)
    millions = (Decimal(value) / 1_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{millions:,} million"


def more_than(value: int, *, unit: int, threshold: int, suffix: str = "", divisor: int = 1) -> str:
    """ "more than N" with N floored to ``unit``, from ``threshold`` up; exact below, and
    exact when the value is a whole number of units (it is then not more than N)."""
    if value < threshold:
        return exact(value)
    floored = (value // unit) * unit
    shown = f"{floored // divisor:,}{suffix}"
    return shown if floored == value else f"more than {shown}"


def more_than_millions(value: int) -> str:
    """105,653,162 -> "more than 105 million"."""
    return more_than(
        value, unit=1_000_000, threshold=1_000_000, suffix=" million", divisor=1_000_000
    )


def more_than_hundreds(value: int) -> str:
    """18,436 -> "more than 18,400", from 1,000 up."""
    return more_than(value, unit=100, threshold=1_000)


def more_than_thousands(value: int) -> str:
    """18,217 -> "more than 18,000", from 10,000 up."""
    return more_than(value, unit=1_000, threshold=10_000)


def percent(value: int) -> str:
    return f"{value}%"


def whole_percent(part: int, whole: int) -> int:
    """100 x part / whole, rounded half up to a whole percent; 0 when there is no whole."""
    if whole == 0:
        return 0
    return int((Decimal(100 * part) / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def whole(value: Decimal) -> int:
    """A published value as a whole number, rounded half up."""
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def plural(count: int, singular: str, plural_form: str) -> str:
    return singular if count == 1 else plural_form
