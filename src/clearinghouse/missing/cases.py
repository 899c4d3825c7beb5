"""Missing child cases: intake, changes, the lifecycle and the 24-hour deadline.

Views and the API parse and authorize; the rules live here. Every change is written in
one transaction with its audit event, and refreshes the case's poster when it has one.

Lifecycle::

    active --recover--> recovered
    active --locate_deceased--> located_deceased
    active --close--> closed_other
    recovered / located_deceased / closed_other --reopen--> active
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from clearinghouse.accounts import access
from clearinghouse.accounts.models import Organization, User
from clearinghouse.audit import events
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.missing import matching
from clearinghouse.missing.models import Companion, MissingCase, RiskFactor

Status = MissingCase.Status

# The fields intake and editing may set, as the web form and the API name them.
CASE_FIELDS = (
    "case_type",
    "state",
    "reported_by",
    "child_first_name",
    "child_middle_name",
    "child_last_name",
    "child_date_of_birth",
    "child_sex",
    "child_race",
    "child_height",
    "child_weight",
    "child_hair",
    "child_eyes",
    "child_marks",
    "last_seen_at",
    "last_seen_city",
    "last_seen_county",
    "last_seen_zip",
    "last_seen_place",
    "circumstances",
    "missing_from_care",
    "custodial_agency",
    "care_missing_known_at",
    "law_enforcement_notified_at",
    "reporter_name",
    "reporter_phone",
    "ncic_number",
    "ncic_abduction_flag",
    "abduction_believed",
    "imminent_danger",
    "vehicle_description",
    "risk_factors",
    "likely_cst_victim",
    "contact_agency",
    "contact_phone",
)
COMPANION_FIELDS = ("kind", "relationship", "first_name", "last_name", "sex", "description")
CARE_DEADLINE = datetime.timedelta(hours=24)
# Agency staff are a child-welfare agency's: they file and work the cases of the children
# in their agency's care (their scope in ``accounts.access``).
WORKING_ROLES = (
    User.Role.ADMIN,
    User.Role.CASE_MANAGER,
    User.Role.OFFICER,
    User.Role.AGENCY_STAFF,
)


class CaseError(Exception):
    """A change the rules refuse; ``errors`` maps a field (or "") to what is wrong."""

    def __init__(self, errors: dict[str, str] | str):
        self.errors = errors if isinstance(errors, dict) else {"": errors}
        super().__init__("; ".join(self.errors.values()))


def works_cases(user) -> bool:
    """Case managers and administrators work every case; officers their jurisdiction's;
    a child-welfare agency's staff the cases of children in its care."""
    return access.effective_role(user) in WORKING_ROLES


def is_officer(user) -> bool:
    return access.effective_role(user) == User.Role.OFFICER


def is_custodian(user) -> bool:
    return access.effective_role(user) == User.Role.AGENCY_STAFF


def _as_custodian(values: dict, user) -> dict:
    """A child-welfare agency reports a child missing from its own care: the case is
    theirs (custodial agency), whatever the form said."""
    if is_custodian(user):
        values["custodial_agency"] = user.organization
        values["missing_from_care"] = True
        values["reported_by"] = MissingCase.ReportedBy.CHILD_WELFARE
    return values


def new_case_number(now: datetime.datetime) -> str:
    return f"MC-{now:%Y}-{uuid.uuid4().hex[:8].upper()}"


# -- validation ------------------------------------------------------------------------


def _validate(values: dict, user, *, reported_at: datetime.datetime) -> None:
    errors: dict[str, str] = {}
    now = timezone.now()
    state = values.get("state")
    if is_officer(user) and state is not None:
        if getattr(state, "pk", state) != user.organization.jurisdiction_id:
            errors["state"] = "An officer files cases in their own jurisdiction only."
    birth = values.get("child_date_of_birth")
    if birth is not None and birth > now.date():
        errors["child_date_of_birth"] = "The date of birth is in the future."
    for field in ("last_seen_at", "care_missing_known_at", "law_enforcement_notified_at"):
        when = values.get(field)
        if when is not None and when > now:
            errors[field] = "This time is in the future."
    last_seen = values.get("last_seen_at")
    if last_seen is not None and last_seen > reported_at:
        errors["last_seen_at"] = "The child was last seen after the case was reported."
    unknown = set(values.get("risk_factors") or []) - set(RiskFactor.values)
    if unknown:
        errors["risk_factors"] = f"Unknown risk factors: {', '.join(sorted(unknown))}."
    agency = values.get("custodial_agency")
    if agency is not None and agency.kind != Organization.Kind.SOCIAL_SERVICE:
        errors["custodial_agency"] = "The custodial agency must be a social service agency."
    if values.get("missing_from_care") and agency is None:
        if values.get("reported_by") != MissingCase.ReportedBy.HHS_ORR:
            errors["custodial_agency"] = "A child missing from care needs the custodial agency."
    if errors:
        raise CaseError(errors)


def _companions(case: MissingCase, companions: list[dict] | None) -> None:
    if companions is None:
        return
    case.companions.all().delete()
    for companion in companions:
        text = {key: companion.get(key) or "" for key in COMPANION_FIELDS}
        text["kind"] = text["kind"] or Companion.Kind.COMPANION
        if text["kind"] not in Companion.Kind.values:
            raise CaseError({"companions": f"Unknown companion kind {text['kind']!r}."})
        Companion.objects.create(case=case, date_of_birth=companion.get("date_of_birth"), **text)


def _refresh_poster(case: MissingCase) -> None:
    from clearinghouse.posterapi import publishing

    publishing.refresh(case)


# -- intake ----------------------------------------------------------------------------


@dataclass
class Intake:
    case: MissingCase
    duplicate_of: MissingCase | None
    previous_episode: MissingCase | None


def intake(values: dict, user, *, companions: list[dict] | None = None) -> Intake:
    """Files a new case. A child reported before is recognised (same date of birth, a
    name alike): an open earlier case is flagged as a likely duplicate; a closed one is
    linked as the previous episode, and the new case goes to the same case manager."""
    now = timezone.now()
    values = _as_custodian({k: v for k, v in values.items() if k in CASE_FIELDS}, user)
    if is_officer(user) and values.get("state") is None:
        values["state"] = user.organization.jurisdiction
    _validate(values, user, reported_at=now)
    values.setdefault("risk_factors", [])
    matches = matching.same_child(
        values.get("child_first_name", ""),
        values.get("child_last_name", ""),
        values.get("child_date_of_birth"),
    )
    duplicate = next((m for m in matches if m.case.status == Status.ACTIVE), None)
    earlier = next((m.case for m in matches if m.case.status != Status.ACTIVE), None)
    with transaction.atomic():
        case = MissingCase(
            external_id=new_case_number(now),
            reported_at=now,
            entered_by=user,
            status=Status.ACTIVE,
            **values,
        )
        if access.effective_role(user) == User.Role.CASE_MANAGER:
            case.assigned_to = user
        if duplicate is not None:
            case.possible_duplicate_of = duplicate.case
            case.duplicate_score = round(duplicate.score, 3)
        if earlier is not None:
            case.previous_episode = earlier
            case.assigned_to = earlier.assigned_to or case.assigned_to
            if RiskFactor.PRIOR_EPISODES not in case.risk_factors:
                case.risk_factors = [*case.risk_factors, RiskFactor.PRIOR_EPISODES.value]
        case.save()
        _companions(case, companions)
        events.record(
            "missing:case:created",
            actor=user,
            subject=case,
            possible_duplicate_of=duplicate.case.external_id if duplicate else "",
            previous_episode=earlier.external_id if earlier else "",
        )
    return Intake(case, duplicate.case if duplicate else None, earlier)


def update(case: MissingCase, values: dict, user, *, companions: list[dict] | None = None):
    """Changes a case's facts (not its status: see the transitions below)."""
    values = _as_custodian({k: v for k, v in values.items() if k in CASE_FIELDS}, user)
    _validate(values, user, reported_at=case.reported_at)
    changed = sorted(key for key, value in values.items() if getattr(case, key) != value)
    with transaction.atomic():
        for key, value in values.items():
            setattr(case, key, value)
        case.save()
        _companions(case, companions)
        if companions is not None:
            changed.append("companions")
        events.record("missing:case:updated", actor=user, subject=case, fields=changed)
        _refresh_poster(case)
    return case


# -- the lifecycle ---------------------------------------------------------------------


def _require_active(case: MissingCase, verb: str) -> None:
    if case.status != Status.ACTIVE:
        raise CaseError(
            f"This case is {case.get_status_display().lower()}: only an active case can be "
            f"{verb}. Reopen it first."
        )


def _resolved_time(when: datetime.datetime | None, case: MissingCase) -> datetime.datetime:
    when = when or timezone.now()
    if when > timezone.now():
        raise CaseError({"resolved_at": "This time is in the future."})
    earliest = (case.last_seen_at or case.reported_at).replace(second=0, microsecond=0)
    if when < earliest:  # forms give minutes: the minute the case began is fine
        raise CaseError({"resolved_at": "This is before the child went missing."})
    return when


def _resolve(case, user, *, status, action, when, city, state, condition="", note=""):
    with transaction.atomic():
        case = MissingCase.objects.select_for_update().get(pk=case.pk)
        _require_active(case, status.label.lower())
        case.resolved_at = _resolved_time(when, case)
        case.status = status
        case.recovered_city = city or ""
        case.recovered_state = state
        case.recovery_condition = condition
        case.resolution_note = note or ""
        case.save()
        events.record(action, actor=user, subject=case, status=status.value)
        _refresh_poster(case)
    return case


def recover(case, user, *, when=None, city="", state=None, condition="", note=""):
    """The child is found alive: when, where and in what condition."""
    if condition not in MissingCase.Condition.values:
        raise CaseError({"recovery_condition": "Say in what condition the child was found."})
    if not city or state is None:
        raise CaseError({"recovered_city": "Say where the child was found (city and state)."})
    return _resolve(
        case,
        user,
        status=Status.RECOVERED,
        action="missing:case:recovered",
        when=when,
        city=city,
        state=state,
        condition=condition,
        note=note,
    )


def locate_deceased(case, user, *, when=None, city="", state=None, note=""):
    if not city or state is None:
        raise CaseError({"recovered_city": "Say where the child was located (city and state)."})
    return _resolve(
        case,
        user,
        status=Status.LOCATED_DECEASED,
        action="missing:case:located_deceased",
        when=when,
        city=city,
        state=state,
        note=note,
    )


def close(case, user, *, reason: str):
    if not (reason or "").strip():
        raise CaseError({"resolution_note": "Say why the case is closed."})
    return _resolve(
        case,
        user,
        status=Status.CLOSED_OTHER,
        action="missing:case:closed",
        when=None,
        city="",
        state=None,
        note=reason,
    )


def reopen(case, user, *, reason: str):
    """Back to active (the child is missing again, or the case was closed in error). The
    poster stays withdrawn until somebody publishes it again."""
    if not (reason or "").strip():
        raise CaseError({"reason": "Say why the case is reopened."})
    with transaction.atomic():
        case = MissingCase.objects.select_for_update().get(pk=case.pk)
        if case.status == Status.ACTIVE:
            raise CaseError("This case is already active.")
        previous = case.status
        case.status = Status.ACTIVE
        case.resolved_at = None
        case.recovered_city = ""
        case.recovered_state = None
        case.recovery_condition = ""
        case.resolution_note = ""
        case.save()
        # The reason is free text about the child: not copied into the audit trail,
        # which is not encrypted at rest as the case's own fields are.
        events.record("missing:case:reopened", actor=user, subject=case, previous=previous)
    return case


# -- the 24-hour deadline for children missing from care -------------------------------


@dataclass(frozen=True)
class CareDeadline:
    due_at: datetime.datetime
    state: str  # "met", "late", "overdue" or "due"

    @property
    def label(self) -> str:
        return {
            "met": "Reported within 24 hours",
            "late": "Reported late",
            "overdue": "Overdue: law enforcement not yet notified",
            "due": "Due",
        }[self.state]


def care_deadline(case: MissingCase, now: datetime.datetime | None = None) -> CareDeadline | None:
    """When the custodial agency had to tell law enforcement and the clearinghouse (24
    hours after it learned the child was missing), and whether it did."""
    if not case.missing_from_care:
        return None
    known = case.care_missing_known_at or case.last_seen_at or case.reported_at
    due_at = known + CARE_DEADLINE
    notified = case.law_enforcement_notified_at
    if notified is not None:
        on_time = notified <= due_at and case.reported_at <= due_at
        return CareDeadline(due_at, "met" if on_time else "late")
    return CareDeadline(due_at, "overdue" if (now or timezone.now()) > due_at else "due")


# -- the dashboard ---------------------------------------------------------------------


def cases_for(user) -> QuerySet[MissingCase]:
    return access.visible(user, MissingCase).select_related("state", "assigned_to")


def dashboard(user, *, state: str | None = None) -> dict:
    """What a case manager (or an officer, for their jurisdiction) works from: open
    cases, 24-hour deadlines not met yet, likely duplicates and recent recoveries."""
    cases = cases_for(user)
    if state:
        cases = cases.filter(state_id=state)
    open_cases = cases.filter(status=Status.ACTIVE).order_by("-reported_at")
    now = timezone.now()
    deadlines = []
    for case in open_cases.filter(missing_from_care=True, law_enforcement_notified_at=None):
        deadlines.append((case, care_deadline(case, now)))
    deadlines.sort(key=lambda pair: pair[1].due_at)
    recoveries = cases.filter(
        status=Status.RECOVERED, resolved_at__gte=now - datetime.timedelta(days=30)
    ).order_by("-resolved_at")
    return {
        "open_cases": open_cases,
        "deadlines": deadlines,
        # Only a duplicate the user may see: another state's case does not leak.
        "duplicates": open_cases.filter(possible_duplicate_of__in=cases_for(user)),
        "recoveries": recoveries,
    }


def state_of(code: str | None) -> Jurisdiction | None:
    return Jurisdiction.objects.filter(pk=code).first() if code else None
