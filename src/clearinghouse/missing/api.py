"""The missing-children part of the JSON API (``/api/missing/``): intake, reading and
changing cases, the lifecycle, the AMBER criteria, the poster and Team Adam.

Case managers and administrators work every case, officers their jurisdiction's (a
case elsewhere is a 404); other roles are refused (403). The same services as the web
pages do the work, so the rules and the audit trail are the same.
"""

# No "from __future__ import annotations": django-ninja reads these annotations at import.

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from clearinghouse.accounts import access
from clearinghouse.accounts.models import Organization
from clearinghouse.audit import events
from clearinghouse.core.pagination import Pages
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.missing import amber, cases, teamadam
from clearinghouse.missing.models import (
    Companion,
    MissingCase,
    RiskFactor,
    TeamAdamActivity,
    TeamAdamConsultant,
    TeamAdamDeployment,
)
from clearinghouse.posterapi import publishing

router = Router(tags=["missing"])


class CompanionIO(Schema):
    kind: Companion.Kind = Companion.Kind.COMPANION
    relationship: str = ""
    first_name: str = ""
    last_name: str = ""
    date_of_birth: datetime.date | None = None
    sex: MissingCase.Sex | None = None
    description: str = ""


class CaseIn(Schema):
    case_type: MissingCase.CaseType
    state: str | None = Field(None, description="USPS code; an officer's own by default.")
    reported_by: MissingCase.ReportedBy
    reporter_name: str = ""
    reporter_phone: str = ""
    child_first_name: str = Field(..., min_length=1, max_length=200)
    child_middle_name: str = ""
    child_last_name: str = Field(..., min_length=1, max_length=200)
    child_date_of_birth: datetime.date | None = None
    child_sex: MissingCase.Sex | None = None
    child_race: str = ""
    child_height: str = ""
    child_weight: str = ""
    child_hair: str = ""
    child_eyes: str = ""
    child_marks: str = ""
    last_seen_at: datetime.datetime | None = None
    last_seen_city: str = Field("", max_length=100)
    last_seen_county: str = Field("", max_length=100)
    last_seen_zip: str = Field("", max_length=10)
    last_seen_place: str = ""
    circumstances: str = ""
    missing_from_care: bool = False
    custodial_agency: int | None = Field(None, description="Organization id (social service).")
    care_missing_known_at: datetime.datetime | None = None
    law_enforcement_notified_at: datetime.datetime | None = None
    ncic_number: str = Field("", max_length=20)
    ncic_abduction_flag: bool = False
    abduction_believed: bool = False
    imminent_danger: bool = False
    vehicle_description: str = ""
    risk_factors: list[RiskFactor] = []
    likely_cst_victim: bool = False
    contact_agency: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=40)
    companions: list[CompanionIO] = []


class DeadlineOut(Schema):
    due_at: datetime.datetime
    state: str


def _linked(other: MissingCase | None, context) -> str | None:
    """Another case's number, only for a caller who may see that case."""
    if other is None or not access.can_view(context["request"].user, other):
        return None
    return other.external_id


class CaseOut(Schema):
    id: int
    external_id: str
    status: MissingCase.Status
    case_type: MissingCase.CaseType
    state: str = Field(..., alias="state_id")
    reported_at: datetime.datetime
    resolved_at: datetime.datetime | None
    reported_by: str
    missing_from_care: bool
    likely_cst_victim: bool
    ncic_number: str
    last_seen_at: datetime.datetime | None
    last_seen_city: str
    assigned_to: str | None = None
    possible_duplicate_of: str | None = None
    previous_episode: str | None = None
    has_poster: bool = False

    @staticmethod
    def resolve_assigned_to(case):
        return case.assigned_to.username if case.assigned_to else None

    @staticmethod
    def resolve_possible_duplicate_of(case, context):
        return _linked(case.possible_duplicate_of, context)

    @staticmethod
    def resolve_previous_episode(case, context):
        return _linked(case.previous_episode, context)

    @staticmethod
    def resolve_has_poster(case):
        poster = publishing.poster_of(case)
        return poster is not None and poster.is_published


class CaseDetailOut(CaseOut):
    child_first_name: str
    child_middle_name: str
    child_last_name: str
    child_date_of_birth: datetime.date | None
    child_sex: str
    child_race: str
    child_height: str
    child_weight: str
    child_hair: str
    child_eyes: str
    child_marks: str
    last_seen_county: str
    last_seen_zip: str
    last_seen_place: str
    circumstances: str
    custodial_agency: int | None = Field(None, alias="custodial_agency_id")
    care_missing_known_at: datetime.datetime | None
    law_enforcement_notified_at: datetime.datetime | None
    care_deadline: DeadlineOut | None = None
    reporter_name: str
    reporter_phone: str
    ncic_abduction_flag: bool
    abduction_believed: bool
    imminent_danger: bool
    vehicle_description: str
    risk_factors: list[str]
    contact_agency: str
    contact_phone: str
    recovered_city: str
    recovered_state: str | None = Field(None, alias="recovered_state_id")
    recovery_condition: str
    resolution_note: str
    companions: list[CompanionIO] = []

    @staticmethod
    def resolve_care_deadline(case):
        return cases.care_deadline(case)

    @staticmethod
    def resolve_companions(case):
        return list(case.companions.all())


class CaseFilter(Schema):
    state: str | None = None
    status: MissingCase.Status | None = None
    case_type: MissingCase.CaseType | None = None
    reported_from: datetime.datetime | None = None
    reported_to: datetime.datetime | None = Field(None, description="Exclusive.")

    def lookups(self) -> dict:
        given = {
            "state_id": self.state,
            "status": self.status,
            "case_type": self.case_type,
            "reported_at__gte": self.reported_from,
            "reported_at__lt": self.reported_to,
        }
        return {lookup: value for lookup, value in given.items() if value is not None}


class ResolveIn(Schema):
    resolved_at: datetime.datetime | None = None
    city: str = ""
    state: str | None = None
    condition: MissingCase.Condition | None = None
    note: str = ""


class ReasonIn(Schema):
    reason: str


class CriterionOut(Schema):
    number: int
    text: str
    holds: bool
    because: str


class AmberOut(Schema):
    applies: bool
    all_met: bool
    criteria: list[CriterionOut]


class ActivityIO(Schema):
    occurred_on: datetime.date
    kind: TeamAdamActivity.Kind
    note: str = ""


class DeploymentOut(Schema):
    id: int
    external_id: str
    case_ref: str
    state: str = Field(..., alias="state_id")
    status: TeamAdamDeployment.Status
    requested_at: datetime.datetime | None
    deployed_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    request_reason: str
    consultants: list[str] = []
    activities: list[ActivityIO] = []

    @staticmethod
    def resolve_consultants(deployment):
        return [consultant.name for consultant in deployment.consultants.all()]

    @staticmethod
    def resolve_activities(deployment):
        return list(deployment.activities.all())


class DeployIn(Schema):
    consultants: list[int] = Field(..., description="Consultant ids.")
    deployed_at: datetime.datetime | None = None


class CompleteIn(Schema):
    ended_at: datetime.datetime | None = None


class ConsultantOut(Schema):
    id: int
    name: str
    home_state: str | None = Field(None, alias="home_state_id")


# -- helpers ---------------------------------------------------------------------------


def _cases(request):
    if not cases.works_cases(request.user):
        raise HttpError(403, "Your role has no access to missing child cases.")
    return cases.cases_for(request.user).select_related("possible_duplicate_of", "previous_episode")


def _case(request, case_id: int) -> MissingCase:
    return get_object_or_404(_cases(request), pk=case_id)


def _state(code: str | None, field: str = "state") -> Jurisdiction | None:
    if code is None:
        return None
    found = Jurisdiction.objects.filter(pk=code.upper()).first()
    if found is None:
        raise HttpError(422, f"{field}: unknown jurisdiction {code!r}.")
    return found


def _values(payload: CaseIn) -> tuple[dict, list[dict]]:
    values = payload.dict(exclude={"companions"})
    values["state"] = _state(values["state"])
    if values["state"] is None:
        values.pop("state")
    agency_id = values.pop("custodial_agency")
    values["custodial_agency"] = None
    if agency_id is not None:
        values["custodial_agency"] = Organization.objects.filter(pk=agency_id).first()
        if values["custodial_agency"] is None:
            raise HttpError(422, f"custodial_agency: no organization {agency_id}.")
    values["child_sex"] = values["child_sex"] or ""
    values["risk_factors"] = [str(factor) for factor in values["risk_factors"]]
    companions = [companion.dict() for companion in payload.companions]
    return values, companions


def _refused(problem: cases.CaseError):
    return HttpError(422, "; ".join(f"{k}: {v}" if k else v for k, v in problem.errors.items()))


# -- cases -----------------------------------------------------------------------------


@router.get("/cases", response=list[CaseOut], summary="List cases")
@paginate(Pages, page_size=50)
def list_cases(request, filters: Query[CaseFilter]):
    return _cases(request).filter(**filters.lookups()).order_by("-reported_at", "-pk")


@router.post("/cases", response={201: CaseDetailOut}, summary="Report a missing child")
def create_case(request, payload: CaseIn):
    _cases(request)
    values, companions = _values(payload)
    if "state" not in values and not cases.is_officer(request.user):
        raise HttpError(422, "state: required.")
    try:
        result = cases.intake(values, request.user, companions=companions)
    except cases.CaseError as problem:
        raise _refused(problem) from None
    return Status(201, result.case)


@router.get("/cases/{int:case_id}", response=CaseDetailOut, summary="Read one case")
def read_case(request, case_id: int):
    case = _case(request, case_id)
    events.record("missing:case:viewed", actor=request.user, subject=case, via="api")
    return case


@router.put("/cases/{int:case_id}", response=CaseDetailOut, summary="Change a case's facts")
def update_case(request, case_id: int, payload: CaseIn):
    case = _case(request, case_id)
    values, companions = _values(payload)
    try:
        return cases.update(case, values, request.user, companions=companions)
    except cases.CaseError as problem:
        raise _refused(problem) from None


def _lifecycle(request, case_id: int, act):
    case = _case(request, case_id)
    try:
        act(case)
    except cases.CaseError as problem:
        raise _refused(problem) from None
    return _case(request, case_id)


@router.post("/cases/{int:case_id}/recover", response=CaseDetailOut, summary="Child recovered")
def recover(request, case_id: int, payload: ResolveIn):
    return _lifecycle(
        request, case_id,
        lambda case: cases.recover(
            case, request.user, when=payload.resolved_at, city=payload.city,
            state=_state(payload.state), condition=payload.condition or "", note=payload.note,
        ),
    )  # fmt: skip


@router.post("/cases/{int:case_id}/located-deceased", response=CaseDetailOut)
def located_deceased(request, case_id: int, payload: ResolveIn):
    return _lifecycle(
        request, case_id,
        lambda case: cases.locate_deceased(
            case, request.user, when=payload.resolved_at, city=payload.city,
            state=_state(payload.state), note=payload.note,
        ),
    )  # fmt: skip


@router.post("/cases/{int:case_id}/close", response=CaseDetailOut)
def close(request, case_id: int, payload: ReasonIn):
    return _lifecycle(
        request, case_id, lambda case: cases.close(case, request.user, reason=payload.reason)
    )


@router.post("/cases/{int:case_id}/reopen", response=CaseDetailOut)
def reopen(request, case_id: int, payload: ReasonIn):
    return _lifecycle(
        request, case_id, lambda case: cases.reopen(case, request.user, reason=payload.reason)
    )


@router.get("/cases/{int:case_id}/amber", response=AmberOut, summary="AMBER Alert criteria")
def amber_criteria(request, case_id: int):
    case = _case(request, case_id)
    found = amber.criteria(case)
    return {"applies": found is not None, "all_met": amber.all_met(case), "criteria": found or []}


@router.post("/cases/{int:case_id}/poster", response=CaseDetailOut, summary="Publish the poster")
def publish_poster(request, case_id: int):
    case = _case(request, case_id)
    try:
        publishing.publish(case, request.user)
    except publishing.PosterError as problem:
        raise HttpError(422, str(problem)) from None
    return _case(request, case_id)


@router.delete("/cases/{int:case_id}/poster", response=CaseDetailOut)
def withdraw_poster(request, case_id: int):
    case = _case(request, case_id)
    try:
        publishing.withdraw(case, request.user)
    except publishing.PosterError as problem:
        raise HttpError(422, str(problem)) from None
    return _case(request, case_id)


# -- Team Adam -------------------------------------------------------------------------


def _deployment(request, deployment_id: int) -> TeamAdamDeployment:
    visible = TeamAdamDeployment.objects.filter(case__in=_cases(request))
    return get_object_or_404(visible, pk=deployment_id)


def _manager(request):
    if not teamadam.manages_deployments(request.user):
        raise HttpError(403, "Only the clearinghouse deploys Team Adam.")


def _adam(request, deployment_id: int, act, *, manager: bool = True):
    deployment = _deployment(request, deployment_id)
    if manager:
        _manager(request)
    try:
        act(deployment)
    except cases.CaseError as problem:
        raise _refused(problem) from None
    return _deployment(request, deployment_id)


@router.get("/cases/{int:case_id}/team-adam", response=list[DeploymentOut])
def list_deployments(request, case_id: int):
    return list(_case(request, case_id).team_adam_deployments.order_by("pk"))


@router.post("/cases/{int:case_id}/team-adam", response={201: DeploymentOut})
def request_team_adam(request, case_id: int, payload: ReasonIn):
    case = _case(request, case_id)
    try:
        return Status(201, teamadam.request(case, request.user, reason=payload.reason))
    except cases.CaseError as problem:
        raise _refused(problem) from None


@router.get("/team-adam/consultants", response=list[ConsultantOut])
def list_consultants(request):
    _cases(request)
    _manager(request)
    return list(teamadam.available_consultants())


@router.post("/team-adam/{int:deployment_id}/deploy", response=DeploymentOut)
def deploy(request, deployment_id: int, payload: DeployIn):
    consultants = list(TeamAdamConsultant.objects.filter(pk__in=payload.consultants))
    if len(consultants) != len(set(payload.consultants)):
        raise HttpError(422, "consultants: unknown consultant id.")
    return _adam(
        request, deployment_id,
        lambda d: teamadam.deploy(
            d, request.user, consultants=consultants, deployed_at=payload.deployed_at
        ),
    )  # fmt: skip


@router.post("/team-adam/{int:deployment_id}/decline", response=DeploymentOut)
def decline(request, deployment_id: int, payload: ReasonIn):
    return _adam(
        request, deployment_id, lambda d: teamadam.decline(d, request.user, reason=payload.reason)
    )


@router.post("/team-adam/{int:deployment_id}/complete", response=DeploymentOut)
def complete(request, deployment_id: int, payload: CompleteIn):
    return _adam(
        request, deployment_id,
        lambda d: teamadam.complete(d, request.user, ended_at=payload.ended_at),
    )  # fmt: skip


@router.post("/team-adam/{int:deployment_id}/activities", response=DeploymentOut)
def log_activity(request, deployment_id: int, payload: ActivityIO):
    return _adam(
        request, deployment_id,
        lambda d: teamadam.log_activity(
            d, request.user, occurred_on=payload.occurred_on, kind=payload.kind, note=payload.note
        ),
        manager=False,
    )  # fmt: skip
