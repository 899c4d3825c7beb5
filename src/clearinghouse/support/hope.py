"""Team HOPE: families and survivors matched with trained peer volunteers.

Every contact a volunteer has with a family is a ``PeerSupport`` row under the family's
id and state, so ``hope.families_supported`` counts a family in the year of any contact
(a match alone is not support yet).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from clearinghouse.audit import events
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.missing.models import MissingCase
from clearinghouse.support.models import ContactMethod, Family, PeerMatch, PeerSupport, Volunteer
from clearinghouse.support.services import (
    SupportError,
    checked_time,
    new_external_id,
    optional_text,
    required_text,
)


@transaction.atomic
def create_family(
    user,
    *,
    state: Jurisdiction,
    display_name: str,
    kind: str = Family.Kind.FAMILY,
    contact: str = "",
    notes: str = "",
    case: MissingCase | None = None,
) -> Family:
    if kind not in Family.Kind.values:
        raise SupportError("Say whether this is a family or a survivor.")
    family = Family.objects.create(
        external_id=new_external_id("FAM"),
        kind=kind,
        state=state,
        display_name=required_text(display_name, "The name", limit=200),
        contact=optional_text(contact, "The contact details", limit=500),
        notes=optional_text(notes, "The notes"),
        case=case,
        created_by=user,
    )
    events.record("support:family:created", actor=user, subject=family, state=state.code)
    return family


def _check_training(status: str, trained_on: datetime.date | None) -> None:
    if status not in Volunteer.Training.values:
        raise SupportError("Choose a training status from the list.")
    if status in (Volunteer.Training.TRAINED, Volunteer.Training.LAPSED) and trained_on is None:
        raise SupportError("Give the date the volunteer completed training.")
    if trained_on is not None and trained_on > timezone.now().date():
        raise SupportError("The training date cannot be in the future.")


@transaction.atomic
def create_volunteer(
    user,
    *,
    name: str,
    state: Jurisdiction,
    contact: str = "",
    training_status: str = Volunteer.Training.NOT_STARTED,
    trained_on: datetime.date | None = None,
) -> Volunteer:
    _check_training(training_status, trained_on)
    volunteer = Volunteer.objects.create(
        name=required_text(name, "The name", limit=200),
        contact=optional_text(contact, "The contact details", limit=500),
        state=state,
        training_status=training_status,
        trained_on=trained_on,
    )
    events.record("support:volunteer:created", actor=user, subject=volunteer)
    return volunteer


@transaction.atomic
def update_volunteer(
    user, volunteer: Volunteer, *, training_status: str, trained_on, active: bool
) -> None:
    _check_training(training_status, trained_on)
    volunteer.training_status, volunteer.trained_on = training_status, trained_on
    volunteer.active = active
    volunteer.save(update_fields=["training_status", "trained_on", "active"])
    events.record(
        "support:volunteer:changed",
        actor=user,
        subject=volunteer,
        training_status=training_status,
        active=active,
    )


@transaction.atomic
def match(user, family: Family, volunteer: Volunteer, *, matched_at=None) -> PeerMatch:
    """Matches a family with a volunteer who is trained and active."""
    if not volunteer.can_be_matched:
        raise SupportError("Only an active volunteer who has completed training is matched.")
    if PeerMatch.objects.filter(family=family, volunteer=volunteer, ended_at__isnull=True).exists():
        raise SupportError("This family is already matched with that volunteer.")
    peer_match = PeerMatch.objects.create(
        family=family,
        volunteer=volunteer,
        matched_at=checked_time(matched_at, "The match date"),
        matched_by=user,
    )
    events.record(
        "support:match:created", actor=user, subject=peer_match, family=family.external_id
    )
    return peer_match


@transaction.atomic
def end_match(user, peer_match: PeerMatch) -> None:
    if not peer_match.is_open:
        raise SupportError("This match has already ended.")
    peer_match.ended_at = timezone.now()
    peer_match.save(update_fields=["ended_at"])
    events.record("support:match:ended", actor=user, subject=peer_match)


@transaction.atomic
def log_contact(
    user, peer_match: PeerMatch, *, supported_at=None, method: str, notes: str = ""
) -> PeerSupport:
    """Logs a contact of the volunteer with the family: Team HOPE support given."""
    if not peer_match.is_open:
        raise SupportError("This match has ended: contacts are logged on an open match.")
    if method not in ContactMethod.values:
        raise SupportError("Choose how the contact was made from the list.")
    supported_at = checked_time(supported_at, "The time of the contact")
    if supported_at < peer_match.matched_at:
        raise SupportError("A contact cannot come before the match.")
    family = peer_match.family
    contact = PeerSupport.objects.create(
        external_id=new_external_id("HOPE"),
        family_id=family.external_id,
        state_id=family.state_id,
        supported_at=supported_at,
        match=peer_match,
        method=method,
        notes=optional_text(notes, "The notes"),
        logged_by=user,
    )
    events.record("support:contact:created", actor=user, subject=contact, family=family.external_id)
    return contact
