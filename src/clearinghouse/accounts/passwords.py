"""The password policy (ASVS 2.1, NIST SP 800-63B, as the CJIS Security Policy adopts it).

At least 12 characters and up to 256 (a passphrase fits; a megabyte does not reach the
key derivation); never one of the passwords breached most often (the list shipped in
``data/breached-passwords.txt.gz``), nor one of them with digits or symbols added at the
end, nor a shorter password repeated, nor two characters; no composition rules and no
forced rotation.
"""

from __future__ import annotations

import functools
import gzip
import re
from importlib import resources

from django.core.exceptions import ValidationError

MAX_LENGTH = 256
# What people add to a known password to get past a check: digits and symbols at the end.
_ADDED = re.compile(r"[\d\W_]+$")
_REPEATED = re.compile(r"(.+?)\1+", re.DOTALL)


@functools.cache
def breached() -> frozenset[str]:
    data = resources.files("clearinghouse.accounts") / "data" / "breached-passwords.txt.gz"
    with data.open("rb") as packed:
        return frozenset(gzip.decompress(packed.read()).decode().split())


def is_breached(password: str) -> bool:
    lowered = password.lower()
    base = _ADDED.sub("", lowered)
    return lowered in breached() or (len(base) >= 4 and base in breached())


class BreachedPasswordValidator:
    """Refuses a password that breaches have made common, and one that only repeats."""

    def validate(self, password: str, user=None) -> None:
        if is_breached(password):
            raise ValidationError(
                "This password is one of the passwords found most often in breaches.",
                code="password_breached",
            )
        if len(set(password)) <= 2 or _REPEATED.fullmatch(password):
            raise ValidationError(
                "This password only repeats a few characters, or a shorter password.",
                code="password_repetitive",
            )

    def get_help_text(self) -> str:
        return "Your password cannot be one found in breaches, nor a repetition."


class MaximumLengthValidator:
    def __init__(self, max_length: int = MAX_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is longer than {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password can be up to {self.max_length} characters long."
