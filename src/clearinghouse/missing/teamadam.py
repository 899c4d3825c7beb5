"""Team Adam: requests for on-site help on a case, the consultants sent, the
deployment's dates and what the team did.

A request starts as ``requested``; the clearinghouse deploys consultants (``deployed``,
with ``deployed_at``: from then on the case counts towards ``adam.cases_assisted``) or
declines it; a deployment ends as ``completed``. Law enforcement asks; case managers
decide and deploy.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from clearinghouse.accounts import access
from clearinghouse.accounts.models import User
from clearinghouse.audit import events
from clearinghouse.missing.cases import CaseError
from clearinghouse.missing.models import (
    MissingCase,
    TeamAdamActivity,
    TeamAdamConsultant,
    TeamAdamDeployment,
)

Status = TeamAdamDeployment.Status


def manages_deployments(user) -> bool:
    return access.effective_role(user) in (User.Role.ADMIN, User.Role.CASE_MANAGER)


def request(case: MissingCase, user, *, reason: str) -> TeamAdamDeployment:
    if not (reason or "").strip():
        raise CaseError({"request_reason": "Say why on-site help is needed."})
    now = timezone.now()
    with transaction.atomic():
        # Read afresh and locked: two requests at once cannot both pass the checks.
        case = MissingCase.objects.select_for_update().get(pk=case.pk)
        if case.status != MissingCase.Status.ACTIVE:
            raise CaseError("Team Adam is requested on an active case only.")
        open_ones = case.team_adam_deployments.filter(
            status__in=(Status.REQUESTED, Status.DEPLOYED)
        )
        if open_ones.exists():
            raise CaseError("This case already has an open Team Adam request or deployment.")
        deployment = TeamAdamDeployment.objects.create(
            external_id=f"ADAM-{now:%Y}-{uuid.uuid4().hex[:8].upper()}",
            case=case,
            case_ref=case.external_id,
            state=case.state,
            status=Status.REQUESTED,
            requested_at=now,
            requested_by=user,
            request_reason=reason,
            deployed_at=None,
        )
        events.record("missing:adam:requested", actor=user, subject=deployment)
    return deployment


def _moment(when: datetime.datetime | None, field: str) -> datetime.datetime:
    when = when or timezone.now()
    if when > timezone.now():
        raise CaseError({field: "This time is in the future."})
    return when


def _change(deployment, user, expected: tuple[str, ...], verb: str, apply) -> TeamAdamDeployment:
    with transaction.atomic():
        deployment = TeamAdamDeployment.objects.select_for_update().get(pk=deployment.pk)
        if deployment.status not in expected:
            raise CaseError(
                f"This deployment is {deployment.get_status_display().lower()}: it cannot be "
                f"{verb}."
            )
        apply(deployment)
        deployment.save()
        events.record(
            "missing:adam:updated", actor=user, subject=deployment, status=deployment.status
        )
    return deployment


def deploy(deployment, user, *, consultants, deployed_at=None) -> TeamAdamDeployment:
    consultants = list(consultants)
    if not consultants:
        raise CaseError({"consultants": "Choose at least one consultant."})
    if any(not consultant.active for consultant in consultants):
        raise CaseError({"consultants": "An inactive consultant cannot be deployed."})
    when = _moment(deployed_at, "deployed_at")
    # Forms give minutes: a deployment in the minute of the request is after it.
    if deployment.requested_at and when < deployment.requested_at.replace(second=0, microsecond=0):
        raise CaseError({"deployed_at": "A team is deployed after it is requested."})

    def apply(row):
        row.status = Status.DEPLOYED
        row.deployed_at = when
        row.consultants.set(consultants)

    return _change(deployment, user, (Status.REQUESTED,), "deployed", apply)


def decline(deployment, user, *, reason: str) -> TeamAdamDeployment:
    if not (reason or "").strip():
        raise CaseError({"reason": "Say why the request is declined."})

    def apply(row):
        row.status = Status.DECLINED
        row.request_reason = f"{row.request_reason}\n\nDeclined: {reason}".strip()

    return _change(deployment, user, (Status.REQUESTED,), "declined", apply)


def complete(deployment, user, *, ended_at=None) -> TeamAdamDeployment:
    when = _moment(ended_at, "ended_at")
    if deployment.deployed_at and when < deployment.deployed_at:
        raise CaseError({"ended_at": "A deployment ends after it starts."})

    def apply(row):
        row.status = Status.COMPLETED
        row.ended_at = when

    return _change(deployment, user, (Status.DEPLOYED,), "completed", apply)


def log_activity(deployment, user, *, occurred_on: datetime.date, kind: str, note: str = ""):
    if deployment.status not in (Status.DEPLOYED, Status.COMPLETED):
        raise CaseError("Activities are logged on a deployed team only.")
    if kind not in TeamAdamActivity.Kind.values:
        raise CaseError({"kind": "Choose an activity from the list."})
    if deployment.deployed_at and occurred_on < deployment.deployed_at.date():
        raise CaseError({"occurred_on": "This day is before the team was deployed."})
    if occurred_on > timezone.now().date():
        raise CaseError({"occurred_on": "This day is in the future."})
    with transaction.atomic():
        activity = TeamAdamActivity.objects.create(
            deployment=deployment, occurred_on=occurred_on, kind=kind, note=note, logged_by=user
        )
        events.record("missing:adam:activity_logged", actor=user, subject=deployment, kind=kind)
    return activity


def available_consultants():
    return TeamAdamConsultant.objects.filter(active=True).select_related("home_state")
