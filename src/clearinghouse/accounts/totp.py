"""Time-based one-time codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps), as every
authenticator app computes them, with replay protection.

A code is accepted for the current step or one step either side (clocks drift), and only
for a step later than the last one accepted for that user: the same code, or an older
one, never signs in twice. The check and the move forward are one conditional UPDATE,
so two requests racing with one code cannot both win.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
ISSUER = "Clearinghouse"


def new_secret() -> str:
    """160 random bits in base32, as RFC 4226 recommends and authenticator apps take."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def step_at(moment: float | None = None) -> int:
    return int((time.time() if moment is None else moment) // STEP_SECONDS)


def code(secret: str, step: int) -> str:
    key = base64.b32decode(secret.replace(" ", "").upper())
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def matching_step(secret: str, entered: str, *, after: int, now: float | None = None) -> int | None:
    """The step within the drift window, later than ``after``, whose code is ``entered``."""
    entered = "".join(entered.split())
    if len(entered) != DIGITS or not entered.isdigit():
        return None
    current = step_at(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > after and hmac.compare_digest(code(secret, step), entered):
            return step
    return None


def uri(secret: str, account: str) -> str:
    """The ``otpauth://`` address an authenticator app reads (by QR code or pasted)."""
    label = quote(f"{ISSUER}:{account}")
    return f"otpauth://totp/{label}?" + urlencode(
        {"secret": secret, "issuer": ISSUER, "digits": DIGITS, "period": STEP_SECONDS}
    )


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
