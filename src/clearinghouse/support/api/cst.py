"""Recovery services in the JSON API: CST engagements, their recovery plan and logs."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from clearinghouse.accounts import access
from clearinghouse.audit import events
from clearinghouse.core.pagination import Pages
from clearinghouse.missing.models import MissingCase
from clearinghouse.support import cst
from clearinghouse.support.api.common import allowed_or_403, get_visible, run_step
from clearinghouse.support.models import ContactMethod, CstEngagement
from clearinghouse.support.services import is_case_manager, works_on_engagements

router = Router()


class YouthEngagementOut(Schema):
    id: int
    occurred_at: datetime.datetime
    method: ContactMethod
    notes: str


class MeetingOut(Schema):
    id: int
    held_at: datetime.datetime
    attendees: str
    decisions: str


class EngagementOut(Schema):
    id: int
    external_id: str
    engaged_at: datetime.datetime
    agency_id: int
    agency: str = Field(alias="agency.name")
    state: str | None = Field(alias="agency.jurisdiction_id")
    case_id: int | None
    case_ref: str
    closed_at: datetime.datetime | None


class EngagementDetailOut(EngagementOut):
    recovery_plan: str
    recovery_plan_updated_at: datetime.datetime | None
    closing_note: str
    youth_engagements: list[YouthEngagementOut] = Field(alias="visible_youth_engagements")
    meetings: list[MeetingOut] = Field(alias="visible_meetings")


class EngagementIn(Schema):
    agency_id: int
    case_id: int
    engaged_at: datetime.datetime | None = None
    recovery_plan: str = ""


class EngagementFilter(Schema):
    open: bool | None = None
    state: str | None = Field(None, description="The agency's state, e.g. AR")
    case_id: int | None = None


def _engagements(request):
    allowed_or_403(request, works_on_engagements, "CST engagements")
    return access.visible(request.user, CstEngagement).select_related("agency")


def _engagement_detail(request, engagement):
    engagement.visible_youth_engagements = list(
        access.visible(request.user, engagement.youth_engagements.all())
    )
    engagement.visible_meetings = list(access.visible(request.user, engagement.meetings.all()))
    return engagement


@router.get("/engagements", response=list[EngagementOut], summary="List CST engagements")
@paginate(Pages, page_size=50)
def list_engagements(request, filters: Query[EngagementFilter]):
    engagements = _engagements(request)
    if filters.open is not None:
        engagements = engagements.filter(closed_at__isnull=filters.open)
    if filters.state:
        engagements = engagements.filter(agency__jurisdiction=filters.state.upper())
    if filters.case_id is not None:
        engagements = engagements.filter(case_id=filters.case_id)
    return engagements.order_by("-engaged_at", "-pk")


@router.post("/engagements", response={201: EngagementDetailOut}, summary="Open a CST engagement")
def open_engagement(request, body: EngagementIn):
    allowed_or_403(request, is_case_manager, "opening CST engagements")
    agency = get_object_or_404(cst.social_service_agencies(), pk=body.agency_id)
    case = get_visible(request, MissingCase, body.case_id)
    engagement = run_step(
        lambda: cst.open_engagement(
            request.user,
            agency=agency,
            case=case,
            engaged_at=body.engaged_at,
            recovery_plan=body.recovery_plan,
        )
    )
    return Status(201, _engagement_detail(request, engagement))


def _one_engagement(request, engagement_id: int) -> CstEngagement:
    return get_object_or_404(_engagements(request), pk=engagement_id)


@router.get("/engagements/{int:engagement_id}", response=EngagementDetailOut, summary="Read one")
def read_engagement(request, engagement_id: int):
    engagement = _one_engagement(request, engagement_id)
    events.record("support:engagement:viewed", actor=request.user, subject=engagement, via="api")
    return _engagement_detail(request, engagement)


class RecoveryPlanIn(Schema):
    recovery_plan: str


@router.put(
    "/engagements/{int:engagement_id}/recovery-plan",
    response=EngagementDetailOut,
    summary="Replace the recovery plan",
)
def put_recovery_plan(request, engagement_id: int, body: RecoveryPlanIn):
    engagement = _one_engagement(request, engagement_id)
    run_step(lambda: cst.update_recovery_plan(request.user, engagement, body.recovery_plan))
    return _engagement_detail(request, engagement)


class YouthEngagementIn(Schema):
    occurred_at: datetime.datetime | None = None
    method: ContactMethod
    notes: str = ""


@router.post(
    "/engagements/{int:engagement_id}/youth-engagements",
    response={201: YouthEngagementOut},
    summary="Log an engagement with the youth",
)
def post_youth_engagement(request, engagement_id: int, body: YouthEngagementIn):
    engagement = _one_engagement(request, engagement_id)
    entry = run_step(
        lambda: cst.log_youth_engagement(
            request.user,
            engagement,
            occurred_at=body.occurred_at,
            method=body.method,
            notes=body.notes,
        )
    )
    return Status(201, entry)


class MeetingIn(Schema):
    held_at: datetime.datetime | None = None
    attendees: str
    decisions: str = ""


@router.post(
    "/engagements/{int:engagement_id}/meetings",
    response={201: MeetingOut},
    summary="Log a multidisciplinary meeting",
)
def post_meeting(request, engagement_id: int, body: MeetingIn):
    engagement = _one_engagement(request, engagement_id)
    meeting = run_step(
        lambda: cst.log_meeting(
            request.user,
            engagement,
            held_at=body.held_at,
            attendees=body.attendees,
            decisions=body.decisions,
        )
    )
    return Status(201, meeting)


class CloseIn(Schema):
    note: str


@router.post(
    "/engagements/{int:engagement_id}/close",
    response=EngagementDetailOut,
    summary="Close the engagement",
)
def close_engagement(request, engagement_id: int, body: CloseIn):
    engagement = _one_engagement(request, engagement_id)
    run_step(lambda: cst.close_engagement(request.user, engagement, note=body.note))
    return _engagement_detail(request, engagement)
