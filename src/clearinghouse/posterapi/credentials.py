"""Partner credentials for the Poster API: a client id and secret, exchanged for a
bearer token that lasts 24 hours. Only SHA-256 digests of secrets and tokens are kept
(both are 256 random bits, so a fast digest is as strong as a slow password hash)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from clearinghouse.audit import events
from clearinghouse.posterapi.models import PosterClient, PosterOrganization, PosterToken

TOKEN_LIFETIME = datetime.timedelta(hours=24)
ORGANIZATION_CODE = re.compile(r"^[A-Za-z0-9_-]{2,20}$")


class CredentialError(Exception):
    pass


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass
class Issued:
    client: PosterClient
    secret: str


def create(code: str, name: str = "") -> Issued:
    """A new client for organization ``code`` (created if new)."""
    if not ORGANIZATION_CODE.match(code):
        raise CredentialError("An organization code is 2 to 20 letters, digits, - or _.")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        organization, _ = PosterOrganization.objects.get_or_create(
            code=code, defaults={"name": name or code}
        )
        client = PosterClient.objects.create(
            organization=organization, client_id=str(uuid.uuid4()), secret_digest=digest(secret)
        )
        events.record("posterapi:client:created", subject=client, organization=code)
    return Issued(client, secret)


def revoke(client_id: str) -> PosterClient:
    client = PosterClient.objects.filter(client_id=client_id, revoked_at=None).first()
    if client is None:
        raise CredentialError(f"no active client {client_id!r}")
    with transaction.atomic():
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        client.tokens.all().delete()
        events.record("posterapi:client:revoked", subject=client)
    return client


def issue_token(client_id: str, secret: str) -> tuple[str, PosterToken] | None:
    client = PosterClient.objects.filter(client_id=client_id, revoked_at=None).first()
    if client is None or not hmac.compare_digest(client.secret_digest, digest(secret)):
        return None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        PosterToken.objects.filter(client=client, expires_at__lte=now).delete()
        stored = PosterToken.objects.create(
            client=client, digest=digest(token), expires_at=now + TOKEN_LIFETIME
        )
        events.record("posterapi:token:issued", subject=client)
    return token, stored


def client_for_token(token: str) -> PosterClient | None:
    stored = (
        PosterToken.objects.select_related("client__organization")
        .filter(digest=digest(token), expires_at__gt=timezone.now(), client__revoked_at=None)
        .first()
    )
    return stored.client if stored else None


def rotate_secret(client: PosterClient) -> str:
    """A new secret; the old one stops working at once (tokens already issued last)."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        client.secret_digest = digest(secret)
        client.save(update_fields=["secret_digest"])
        events.record("posterapi:secret:rotated", subject=client)
    return secret
