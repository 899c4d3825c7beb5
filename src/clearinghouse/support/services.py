"""The rules shared by the support workflows: who may do what, times, new ids.

Each workflow (``cst``, ``hope``, ``faon``) raises ``SupportError`` with a sentence for
the person at the screen when a step is refused; nothing is stored then.
"""

from __future__ import annotations

import datetime
import secrets

from django.utils import timezone

from clearinghouse.accounts import access
from clearinghouse.accounts.models import User

# A clock a little ahead of ours must not make "now" a future time.
CLOCK_SKEW = datetime.timedelta(minutes=5)
EARLIEST = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)


class SupportError(ValueError):
    """A step of a support workflow that cannot be taken, said for the user."""


def role(user) -> str | None:
    return access.effective_role(user)


def is_case_manager(user) -> bool:
    """Clearinghouse case managers (and administrators) run Team HOPE and FAON and open
    CST engagements."""
    return role(user) in (User.Role.CASE_MANAGER, User.Role.ADMIN)


def works_on_engagements(user) -> bool:
    """Case managers, administrators and the staff of social service agencies."""
    return is_case_manager(user) or role(user) == User.Role.AGENCY_STAFF


def checked_time(value: datetime.datetime | None, what: str) -> datetime.datetime:
    """``value`` (now when None), refused when in the future or implausibly old."""
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        raise SupportError(f"{what} needs a time zone.")
    if value > now + CLOCK_SKEW:
        raise SupportError(f"{what} cannot be in the future.")
    if value < EARLIEST:
        raise SupportError(f"{what} is before {EARLIEST.year}: check the date.")
    return value


def new_external_id(prefix: str) -> str:
    """An id for a record entered on the platform; imports bring their own ids, which
    never start with the platform's prefix and a dash followed by 12 hex digits."""
    return f"{prefix}-{secrets.token_hex(6).upper()}"


def required_text(value: str | None, what: str, *, limit: int = 10_000) -> str:
    text = (value or "").strip()
    if not text:
        raise SupportError(f"{what} is required.")
    if len(text) > limit:
        raise SupportError(f"{what} is too long (at most {limit:,} characters).")
    return text


def optional_text(value: str | None, what: str, *, limit: int = 10_000) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise SupportError(f"{what} is too long (at most {limit:,} characters).")
    return text
