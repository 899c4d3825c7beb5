"""Team HOPE and the outreach network in the JSON API (case managers only): families,
volunteers, matches and contacts; the provider directory and referrals."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from clearinghouse.accounts import access
from clearinghouse.audit import events
from clearinghouse.core.pagination import Pages
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.missing.models import MissingCase
from clearinghouse.support import faon, hope
from clearinghouse.support.api.common import allowed_or_403, get_visible, run_step
from clearinghouse.support.models import (
    ContactMethod,
    Family,
    MentalHealthProvider,
    MentalHealthReferral,
    PeerMatch,
    Volunteer,
)
from clearinghouse.support.services import is_case_manager

router = Router()

# -- Team HOPE ---------------------------------------------------------------------------


class FamilyOut(Schema):
    id: int
    external_id: str = Field(description="The family_id of its support and referral records.")
    kind: Family.Kind
    state: str = Field(alias="state_id")
    display_name: str
    contact: str
    case_id: int | None


class FamilyIn(Schema):
    kind: Family.Kind = Family.Kind.FAMILY
    state: str = Field(description="USPS code, e.g. AR")
    display_name: str
    contact: str = ""
    notes: str = ""
    case_id: int | None = None


def _family_programs(request) -> None:
    allowed_or_403(request, is_case_manager, "Team HOPE and the outreach network")


def _state(code: str) -> Jurisdiction:
    state = Jurisdiction.objects.filter(code=code.upper()).first()
    if state is None:
        raise HttpError(400, f"{code!r} is not a US state or territory code.")
    return state


@router.get("/families", response=list[FamilyOut], summary="List families and survivors")
@paginate(Pages, page_size=50)
def list_families(request, state: str | None = None):
    _family_programs(request)
    families = access.visible(request.user, Family)
    if state:
        families = families.filter(state=state.upper())
    events.record("support:family:listed", actor=request.user, via="api")
    return families.order_by("-pk")


@router.post("/families", response={201: FamilyOut}, summary="Add a family or survivor")
def create_family(request, body: FamilyIn):
    _family_programs(request)
    case = get_visible(request, MissingCase, body.case_id) if body.case_id is not None else None
    family = run_step(
        lambda: hope.create_family(
            request.user,
            kind=body.kind,
            state=_state(body.state),
            display_name=body.display_name,
            contact=body.contact,
            notes=body.notes,
            case=case,
        )
    )
    return Status(201, family)


class VolunteerOut(Schema):
    id: int
    name: str
    state: str = Field(alias="state_id")
    training_status: Volunteer.Training
    trained_on: datetime.date | None
    active: bool


class VolunteerIn(Schema):
    name: str
    state: str
    contact: str = ""
    training_status: Volunteer.Training = Volunteer.Training.NOT_STARTED
    trained_on: datetime.date | None = None


@router.get("/volunteers", response=list[VolunteerOut], summary="List Team HOPE volunteers")
@paginate(Pages, page_size=50)
def list_volunteers(request, matchable: bool = False):
    _family_programs(request)
    volunteers = access.visible(request.user, Volunteer)
    if matchable:
        volunteers = volunteers.filter(active=True, training_status=Volunteer.Training.TRAINED)
    events.record("support:volunteer:listed", actor=request.user, via="api")
    return volunteers.order_by("pk")


@router.post("/volunteers", response={201: VolunteerOut}, summary="Add a volunteer")
def create_volunteer(request, body: VolunteerIn):
    _family_programs(request)
    volunteer = run_step(
        lambda: hope.create_volunteer(
            request.user,
            name=body.name,
            state=_state(body.state),
            contact=body.contact,
            training_status=body.training_status,
            trained_on=body.trained_on,
        )
    )
    return Status(201, volunteer)


class MatchIn(Schema):
    family_id: int
    volunteer_id: int
    matched_at: datetime.datetime | None = None


class MatchOut(Schema):
    id: int
    family_id: int
    volunteer_id: int
    matched_at: datetime.datetime
    ended_at: datetime.datetime | None


@router.post("/matches", response={201: MatchOut}, summary="Match a family with a volunteer")
def create_match(request, body: MatchIn):
    _family_programs(request)
    family = get_visible(request, Family, body.family_id)
    volunteer = get_visible(request, Volunteer, body.volunteer_id)
    peer_match = run_step(
        lambda: hope.match(request.user, family, volunteer, matched_at=body.matched_at)
    )
    return Status(201, peer_match)


class ContactIn(Schema):
    supported_at: datetime.datetime | None = None
    method: ContactMethod
    notes: str = ""


class ContactOut(Schema):
    id: int
    external_id: str
    family_id: str
    state: str = Field(alias="state_id")
    supported_at: datetime.datetime
    method: str


@router.post(
    "/matches/{int:match_id}/contacts",
    response={201: ContactOut},
    summary="Log a volunteer's contact with the family",
)
def create_contact(request, match_id: int, body: ContactIn):
    _family_programs(request)
    peer_match = get_object_or_404(
        access.visible(request.user, PeerMatch).select_related("family"), pk=match_id
    )
    contact = run_step(
        lambda: hope.log_contact(
            request.user,
            peer_match,
            supported_at=body.supported_at,
            method=body.method,
            notes=body.notes,
        )
    )
    return Status(201, contact)


# -- FAON --------------------------------------------------------------------------------


class ProviderOut(Schema):
    id: int
    name: str
    state: str = Field(alias="state_id")
    city: str
    phone: str
    website: str
    services: str
    offers_free_services: bool
    offers_sliding_scale: bool
    accepting_referrals: bool


class ProviderIn(Schema):
    name: str
    state: str
    city: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    website: str = Field("", max_length=200, pattern=r"^(https?://\S+)?$")
    services: str = Field("", max_length=500)
    offers_free_services: bool = False
    offers_sliding_scale: bool = False
    accepting_referrals: bool = True


@router.get("/providers", response=list[ProviderOut], summary="Search the provider directory")
@paginate(Pages, page_size=50)
def list_providers(
    request, state: str | None = None, free: bool = False, sliding_scale: bool = False
):
    _family_programs(request)
    providers = faon.directory(
        state=state.upper() if state else None, free=free, sliding_scale=sliding_scale
    )
    return access.visible(request.user, providers).order_by("state", "name")


@router.post("/providers", response={201: ProviderOut}, summary="Add a provider")
def create_provider(request, body: ProviderIn):
    _family_programs(request)
    fields = body.model_dump()
    fields["state"] = _state(body.state)
    provider = run_step(lambda: faon.save_provider(request.user, MentalHealthProvider(), **fields))
    return Status(201, provider)


class ReferralIn(Schema):
    family_id: int
    provider_id: int
    referred_at: datetime.datetime | None = None
    notes: str = ""


class ReferralOut(Schema):
    id: int
    external_id: str
    family_id: str
    state: str = Field(alias="state_id")
    provider_id: int | None
    referred_at: datetime.datetime | None
    connected_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    status: str


class ConnectionIn(Schema):
    connected_at: datetime.datetime | None = None


@router.post("/referrals", response={201: ReferralOut}, summary="Refer a family to a provider")
def create_referral(request, body: ReferralIn):
    _family_programs(request)
    family = get_visible(request, Family, body.family_id)
    provider = get_visible(request, MentalHealthProvider, body.provider_id)
    referral = run_step(
        lambda: faon.refer(
            request.user, family, provider, referred_at=body.referred_at, notes=body.notes
        )
    )
    return Status(201, referral)


@router.post(
    "/referrals/{int:referral_id}/connection",
    response=ReferralOut,
    summary="Record that the family is connected",
)
def connect_referral(request, referral_id: int, body: ConnectionIn):
    _family_programs(request)
    referral = get_visible(request, MentalHealthReferral, referral_id)
    run_step(lambda: faon.record_connection(request.user, referral, connected_at=body.connected_at))
    return referral
