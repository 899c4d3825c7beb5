"""The Family Advocacy Outreach Network: a directory of mental health providers by state
and the referrals of families and survivors to them.

A referral counts in ``faon.families_connected`` once the family is connected
(``connected_at``), in the year of the connection and the family's state; a referral
still waiting, or closed without a connection, does not count.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from clearinghouse.audit import events
from clearinghouse.support.models import Family, MentalHealthProvider, MentalHealthReferral
from clearinghouse.support.services import (
    SupportError,
    checked_time,
    new_external_id,
    optional_text,
    required_text,
)

PROVIDER_FIELDS = (
    "name",
    "state",
    "city",
    "phone",
    "website",
    "services",
    "offers_free_services",
    "offers_sliding_scale",
    "accepting_referrals",
)


def directory(
    *, state: str | None = None, free: bool = False, sliding_scale: bool = False
) -> QuerySet[MentalHealthProvider]:
    """Providers by state; ``free`` / ``sliding_scale`` keep those that offer it (both:
    either one, which is what a family that cannot pay full fees asks for)."""
    providers = MentalHealthProvider.objects.select_related("state")
    if state:
        providers = providers.filter(state=state)
    if free and sliding_scale:
        return providers.filter(offers_free_services=True) | providers.filter(
            offers_sliding_scale=True
        )
    if free:
        providers = providers.filter(offers_free_services=True)
    if sliding_scale:
        providers = providers.filter(offers_sliding_scale=True)
    return providers


@transaction.atomic
def save_provider(user, provider: MentalHealthProvider, **fields) -> MentalHealthProvider:
    """Adds a provider to the directory (``provider.pk`` None) or changes one."""
    unknown = set(fields) - set(PROVIDER_FIELDS)
    if unknown:
        raise SupportError(f"Unknown provider field(s): {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(provider, name, value)
    provider.name = required_text(provider.name, "The provider's name", limit=200)
    clash = MentalHealthProvider.objects.filter(state=provider.state, name__iexact=provider.name)
    if clash.exclude(pk=provider.pk).exists():
        raise SupportError(f"{provider.name} is already in the directory for {provider.state}.")
    created = provider.pk is None
    provider.save()
    action = "support:provider:created" if created else "support:provider:changed"
    events.record(action, actor=user, subject=provider)
    return provider


@transaction.atomic
def refer(
    user, family: Family, provider: MentalHealthProvider, *, referred_at=None, notes: str = ""
) -> MentalHealthReferral:
    if not provider.accepting_referrals:
        raise SupportError(f"{provider.name} is not accepting referrals.")
    waiting = MentalHealthReferral.objects.filter(
        family_id=family.external_id,
        provider=provider,
        connected_at__isnull=True,
        closed_at__isnull=True,
    )
    if waiting.exists():
        raise SupportError(f"This family already has a referral to {provider.name} waiting.")
    referral = MentalHealthReferral.objects.create(
        external_id=new_external_id("FAON"),
        family_id=family.external_id,
        state_id=family.state_id,
        provider=provider,
        referred_at=checked_time(referred_at, "The referral date"),
        notes=optional_text(notes, "The notes"),
        referred_by=user,
    )
    events.record("support:referral:created", actor=user, subject=referral, provider=provider.pk)
    return referral


def _waiting(referral: MentalHealthReferral) -> None:
    if referral.connected_at is not None:
        raise SupportError("This family is already connected.")
    if referral.closed_at is not None:
        raise SupportError("This referral is closed.")


@transaction.atomic
def record_connection(user, referral: MentalHealthReferral, *, connected_at=None) -> None:
    """The family is connected with the provider: the referral now counts."""
    _waiting(referral)
    connected_at = checked_time(connected_at, "The connection date")
    if referral.referred_at is not None and connected_at < referral.referred_at:
        raise SupportError("A family cannot be connected before it was referred.")
    referral.connected_at = connected_at
    referral.save(update_fields=["connected_at", "updated_at"])
    events.record("support:referral:connected", actor=user, subject=referral)


@transaction.atomic
def close_referral(user, referral: MentalHealthReferral, *, note: str) -> None:
    """Closes a referral that did not lead to a connection (declined, unreachable...)."""
    _waiting(referral)
    referral.closed_at = timezone.now()
    reason = required_text(note, "Why the referral is closed", limit=2_000)
    referral.notes = f"{referral.notes}\n\nClosed: {reason}".strip()
    referral.save(update_fields=["closed_at", "notes", "updated_at"])
    events.record("support:referral:closed", actor=user, subject=referral)
