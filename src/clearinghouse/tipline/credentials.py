"""Credentials that online platforms use on the reporting API: issue, check, revoke.

Only a hash of each password is stored (Django's ``make_password``). Checking such a
hash is slow on purpose (hundreds of milliseconds), which the API cannot pay on every
request of a burst; so each process remembers, for a credential, the stored hash it
checked and a keyed digest of the password that matched it. A repeated request with
the same password against the same stored hash is then accepted without rehashing.

A platform sends its reports in bursts, several requests a report, and reading its
credential from the database on each one cost a fifth of a request. So a credential
that was read and checked less than ``REVALIDATE_AFTER`` ago is trusted again for the
same password without asking the database: revoking a credential takes effect at once
in the process that revokes it and within that time everywhere else.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from clearinghouse.accounts.models import Organization
from clearinghouse.audit import events
from clearinghouse.tipline.models import EspCredential

# ``last_used_at`` is written at most this often per credential (one write per burst,
# not one per request).
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)

# Seconds a checked credential is trusted without reading it again.
REVALIDATE_AFTER = 1.0
_clock = time.monotonic

_CACHE_LIMIT = 1024
_process_key = secrets.token_bytes(32)
_verified: dict[str, tuple[str, bytes]] = {}
# username -> (when it was read, digest of the password that matched, the credential)
_recent: dict[str, tuple[float, bytes, EspCredential]] = {}


class CredentialError(Exception):
    """A credential that cannot be created or revoked as asked."""


@dataclass
class Issued:
    credential: EspCredential
    password: str


def create(organization_name: str, username: str) -> Issued:
    """Issues a credential to the platform ``organization_name`` (created if new) and
    returns the generated password, which is shown once and never stored."""
    if EspCredential.objects.filter(username=username).exists():
        raise CredentialError(f"a credential named {username!r} already exists")
    password = secrets.token_urlsafe(24)
    with transaction.atomic():
        organization, _ = Organization.objects.get_or_create(
            kind=Organization.Kind.ESP, name=organization_name
        )
        credential = EspCredential.objects.create(
            organization=organization, username=username, password_hash=make_password(password)
        )
        events.record("tipline:credential:created", subject=credential, username=username)
    return Issued(credential, password)


def revoke(username: str, *, now=None) -> EspCredential:
    """Revokes a credential from now on (the platform's reports stay)."""
    with transaction.atomic():
        credential = EspCredential.objects.select_for_update().filter(username=username).first()
        if credential is None:
            raise CredentialError(f"no credential named {username!r}")
        if credential.revoked_at is None:
            credential.revoked_at = now or timezone.now()
            credential.save(update_fields=["revoked_at"])
            events.record("tipline:credential:revoked", subject=credential, username=username)
    _verified.pop(username, None)
    _recent.pop(username, None)
    return credential


def authenticate(username: str, password: str, *, now=None) -> EspCredential | None:
    """The credential, if ``username`` and ``password`` match one that is not revoked
    (as of at most ``REVALIDATE_AFTER`` seconds ago)."""
    digest = _digest(password)
    recent = _recent.get(username)
    if (
        recent is not None
        and _clock() - recent[0] < REVALIDATE_AFTER
        and hmac.compare_digest(recent[1], digest)
    ):
        return recent[2]
    credential = (
        EspCredential.objects.select_related("organization").filter(username=username).first()
    )
    if credential is None:
        make_password(password)  # as slow as a real check: no telling names apart by time
        return None
    if credential.revoked_at is not None or not _password_matches(credential, password):
        return None
    now = now or timezone.now()
    if credential.last_used_at is None or credential.last_used_at < now - LAST_USED_RESOLUTION:
        EspCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
    if len(_recent) >= _CACHE_LIMIT:
        _recent.clear()
    _recent[username] = (_clock(), digest, credential)
    return credential


def _digest(password: str) -> bytes:
    return hmac.new(_process_key, password.encode(), hashlib.sha256).digest()


def _password_matches(credential: EspCredential, password: str) -> bool:
    digest = _digest(password)
    remembered = _verified.get(credential.username)
    if remembered is not None and remembered[0] == credential.password_hash:
        if hmac.compare_digest(remembered[1], digest):
            return True
    if not check_password(password, credential.password_hash):
        return False
    if len(_verified) >= _CACHE_LIMIT:
        _verified.clear()
    _verified[credential.username] = (credential.password_hash, digest)
    return True
