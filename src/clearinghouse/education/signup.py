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

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clearinghouse.audit import events
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


def email_digest(email: str) -> str:
    """A digest of the address, keyed with the field key, so that it cannot be looked up
    from a list of known addresses without the key."""
    key = hashlib.sha256(b"training email digest:" + settings.FIELD_ENCRYPTION_KEY.encode())
    normalized = email.strip().lower().encode()
    return hmac.new(key.digest(), normalized, hashlib.sha256).hexdigest()


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
    digest = email_digest(email)
    existing = TrainingRegistration.objects.filter(email_digest=digest).first()
    if existing is not None:
        return existing, False
    registration = TrainingRegistration.objects.create(
        external_id=f"TR-{secrets.token_hex(6).upper()}",
        registered_at=timezone.now(),
        state=state,
        profession=profession,
        full_name=full_name,
        email=email.strip(),
        email_digest=digest,
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
