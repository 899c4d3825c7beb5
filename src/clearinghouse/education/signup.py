"""Sign-up on the training platform, from the public page at ``/training/register/``.

Anybody may sign up, so, like the public tipline form, each client address may send only
``RATE_LIMIT`` sign-ups in ``RATE_WINDOW`` seconds (counted in the shared cache, so every
worker sees the same count).

A second sign-up with the same email address does not make a second registration (it
would count twice in ``education.new_professionals``); the page answers the same either
way, so it does not tell a stranger who is registered. Addresses are encrypted at rest;
a keyed digest finds the repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from clearinghouse.audit import events
from clearinghouse.core import crypto
from clearinghouse.core.ratelimit import RateLimit
from clearinghouse.education.models import TrainingRegistration

RATE_LIMIT = 5
RATE_WINDOW = 10 * 60


_LIMIT = RateLimit("education:signup", RATE_LIMIT, RATE_WINDOW)


def is_rate_limited(client: str) -> bool:
    """Whether ``client`` has already sent ``RATE_LIMIT`` sign-ups in this window."""
    return _LIMIT.exceeded(client)


def count_signup(client: str) -> None:
    """Counts one more from ``client``; the window starts with the first."""
    _LIMIT.count(client)


def email_digests(email: str) -> list[str]:
    """Digests of the address, keyed with each field key (the one to store first, see
    ``crypto.digest_keys``), so that it cannot be looked up from a list of known
    addresses without the key."""
    normalized = email.strip().lower().encode()
    return [
        hmac.new(key, normalized, hashlib.sha256).hexdigest()
        for key in crypto.digest_keys(b"training email digest:")
    ]


def email_digest(email: str) -> str:
    return email_digests(email)[0]


@transaction.atomic
def register(
    *,
    full_name: str,
    email: str,
    profession: str,
    state,
    agency_name: str,
    job_title: str = "",
) -> tuple[TrainingRegistration, bool]:
    """Keeps a sign-up; returns the registration and whether it is new."""
    digests = email_digests(email)
    existing = TrainingRegistration.objects.filter(email_digest__in=digests).first()
    if existing is not None:
        return existing, False
    registration = TrainingRegistration.objects.create(
        external_id=f"TR-{secrets.token_hex(6).upper()}",
        registered_at=timezone.now(),
        state=state,
        profession=profession,
        full_name=full_name,
        email=email.strip(),
        email_digest=digests[0],
        job_title=job_title,
        agency_name=agency_name,
    )
    events.record(
        "education:registration:created",
        subject=registration,
        state=state.code,
        profession=profession,
    )
    return registration, True
