"""Factory helpers for every model: one row at a time, with defaults that make a valid
record, so a test names only what it is about (``make_report("AR", made_available_at=...)``).

Import it as ``import factories as make`` (``tests/`` is on ``sys.path`` through
``tests/conftest.py``). Jurisdictions are given as USPS codes; they come from the
``geo`` migration. Times are aware datetimes or RFC 3339 strings (UTC without an offset).
``make_cast()`` builds the fixed cast of users that access tests run against.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.contenttypes.models import ContentType

from clearinghouse.accounts.models import Organization, User
from clearinghouse.audit.models import AuditEvent
from clearinghouse.education.models import TrainingRegistration
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.impact.models import PublishedStatistic
from clearinghouse.missing.models import MissingCase, TeamAdamDeployment
from clearinghouse.support.models import CstEngagement, MentalHealthReferral, PeerSupport
from clearinghouse.tipline.models import IncidentType, ReportFile, TiplineReport
from clearinghouse.victimid.models import CvipSubmission, IdentifiedChild

DEFAULT_TIME = datetime.datetime(2023, 6, 1, 12, 0, tzinfo=datetime.UTC)

_serial = itertools.count(1)


def next_id(prefix: str) -> str:
    """A fresh external id, unique for the whole test session."""
    return f"{prefix}-{next(_serial)}"


def at(value: str | datetime.datetime | None) -> datetime.datetime | None:
    """An aware datetime from an RFC 3339 string (UTC when no offset is given)."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = datetime.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def jurisdiction(code: str) -> Jurisdiction:
    return Jurisdiction.objects.get(code=code)


# Organizations ------------------------------------------------------------------------


def make_organization(
    kind: str, state: str | None = None, *, name: str | None = None, **fields
) -> Organization:
    name = name or f"{kind.replace('_', ' ').title()} {state or 'national'} {next(_serial)}"
    return Organization.objects.create(kind=kind, name=name, jurisdiction_id=state, **fields)


def make_clearinghouse(name: str | None = None) -> Organization:
    return make_organization(Organization.Kind.CLEARINGHOUSE, name=name)


def make_law_enforcement_agency(state: str = "AR", **fields) -> Organization:
    return make_organization(Organization.Kind.LAW_ENFORCEMENT, state, **fields)


def make_social_service_agency(state: str = "AR", **fields) -> Organization:
    return make_organization(Organization.Kind.SOCIAL_SERVICE, state, **fields)


def make_esp(name: str | None = None) -> Organization:
    return make_organization(Organization.Kind.ESP, name=name)


def make_training_partner(state: str | None = None, **fields) -> Organization:
    return make_organization(Organization.Kind.TRAINING_PARTNER, state, **fields)


# Users --------------------------------------------------------------------------------


def make_user(
    role: str = "",
    organization: Organization | None = None,
    *,
    username: str | None = None,
    password: str | None = None,
    **fields,
) -> User:
    """A user; without ``password`` it has an unusable one (use ``client.force_login``)."""
    user = User(
        username=username or next_id(role or "user"), role=role, organization=organization, **fields
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


def make_admin(**fields) -> User:
    fields.setdefault("is_staff", True)
    return make_user(User.Role.ADMIN, make_clearinghouse(), **fields)


def make_analyst(**fields) -> User:
    return make_user(User.Role.ANALYST, make_clearinghouse(), **fields)


def make_case_manager(**fields) -> User:
    return make_user(User.Role.CASE_MANAGER, make_clearinghouse(), **fields)


def make_officer(state: str = "AR", agency: Organization | None = None, **fields) -> User:
    """An officer of a law-enforcement agency in ``state``. Officers work in the
    platform's own screens, not the Django admin: ``is_staff`` stays False unless given."""
    fields.setdefault("is_staff", False)
    agency = agency or make_law_enforcement_agency(state)
    return make_user(User.Role.OFFICER, agency, **fields)


def make_agency_staff(
    state: str = "AR", organization: Organization | None = None, **fields
) -> User:
    """Staff of a social service agency in ``state`` (unless another is given)."""
    organization = organization or make_social_service_agency(state)
    return make_user(User.Role.AGENCY_STAFF, organization, **fields)


def make_superuser(**fields) -> User:
    """A Django superuser without a role (the access rules treat it as an admin)."""
    fields.setdefault("is_staff", True)
    return make_user(is_superuser=True, **fields)


@dataclass
class Cast:
    """The fixed cast of users: who should and should not see each record."""

    admin: User
    analyst: User
    case_manager: User
    ar_officer: User
    tx_officer: User
    ar_agency_staff: User
    no_role: User
    anonymous: AnonymousUser

    def __iter__(self):
        return iter(vars(self).items())


def make_cast() -> Cast:
    return Cast(
        admin=make_admin(username="admin"),
        analyst=make_analyst(username="analyst"),
        case_manager=make_case_manager(username="case_manager"),
        ar_officer=make_officer("AR", username="ar_officer"),
        tx_officer=make_officer("TX", username="tx_officer"),
        ar_agency_staff=make_agency_staff("AR", username="ar_agency_staff"),
        no_role=make_user(username="no_role"),
        anonymous=AnonymousUser(),
    )


def grant(user: User, action: str, *models) -> User:
    """Gives ``user`` Django's ``action`` permission (view, add, change, delete) on each
    model; returns the user reloaded, since Django caches permissions on the instance."""
    for model in models:
        user.user_permissions.add(
            Permission.objects.get(
                content_type=ContentType.objects.get_for_model(model),
                codename=f"{action}_{model._meta.model_name}",
            )
        )
    return User.objects.get(pk=user.pk)


# Tipline ------------------------------------------------------------------------------


def make_report(
    state: str | None = "AR",
    *,
    made_available_at=None,
    files: int = 0,
    status: str = TiplineReport.Status.FINISHED,
    received_at=DEFAULT_TIME,
    incident_type: str = IncidentType.CHILD_PORNOGRAPHY,
    country: str | None = None,
    **fields,
) -> TiplineReport:
    """A finished CyberTipline report resolved to ``state`` (None: unresolved), with
    ``files`` files."""
    report = TiplineReport.objects.create(
        external_id=fields.pop("external_id", None) or next_id("report"),
        received_at=at(received_at),
        incident_type=incident_type,
        status=status,
        state_id=state,
        country="US" if state and country is None else (country or ""),
        made_available_at=at(made_available_at),
        **fields,
    )
    for _ in range(files):
        make_report_file(report)
    return report


def make_report_file(report: TiplineReport | None = None, **fields) -> ReportFile:
    report = report or make_report()
    fields.setdefault("position", report.files.count())
    fields.setdefault("media_type", "image/jpeg")
    return ReportFile.objects.create(report=report, **fields)


# Victim identification ----------------------------------------------------------------


def make_cvip_submission(
    agency: Organization | None = None,
    *,
    state: str = "AR",
    received_at=DEFAULT_TIME,
    reviewed_at=None,
    **fields,
) -> CvipSubmission:
    """A submission from ``agency`` (default: a new law-enforcement agency in ``state``)."""
    return CvipSubmission.objects.create(
        external_id=fields.pop("external_id", None) or next_id("cvip"),
        agency=agency or make_law_enforcement_agency(state),
        received_at=at(received_at),
        reviewed_at=at(reviewed_at),
        **fields,
    )


def make_identified_child(
    identified_at: datetime.date | str = "2023-01-15", **fields
) -> IdentifiedChild:
    if isinstance(identified_at, str):
        identified_at = datetime.date.fromisoformat(identified_at)
    return IdentifiedChild.objects.create(
        external_id=fields.pop("external_id", None) or next_id("child"),
        identified_at=identified_at,
        **fields,
    )


# Missing children ---------------------------------------------------------------------


def make_missing_case(
    state: str = "AR",
    *,
    reported_at=DEFAULT_TIME,
    case_type: str = MissingCase.CaseType.ENDANGERED_RUNAWAY,
    **fields,
) -> MissingCase:
    fields.setdefault("child_first_name", "Synthetic")
    fields.setdefault("child_last_name", "Child")
    return MissingCase.objects.create(
        external_id=fields.pop("external_id", None) or next_id("case"),
        state_id=state,
        reported_at=at(reported_at),
        case_type=case_type,
        **fields,
    )


def make_team_adam_deployment(
    state: str = "AR", *, case_ref: str | None = None, deployed_at=DEFAULT_TIME, **fields
) -> TeamAdamDeployment:
    return TeamAdamDeployment.objects.create(
        external_id=fields.pop("external_id", None) or next_id("adam"),
        case_ref=case_ref or next_id("case"),
        state_id=state,
        deployed_at=at(deployed_at),
        **fields,
    )


# Family support -----------------------------------------------------------------------


def make_cst_engagement(
    agency: Organization | None = None, *, state: str = "AR", engaged_at=DEFAULT_TIME, **fields
) -> CstEngagement:
    """An engagement with ``agency`` (default: a new social service agency in ``state``)."""
    return CstEngagement.objects.create(
        external_id=fields.pop("external_id", None) or next_id("cst"),
        agency=agency or make_social_service_agency(state),
        engaged_at=at(engaged_at),
        **fields,
    )


def make_peer_support(
    state: str = "AR", *, family_id: str | None = None, supported_at=DEFAULT_TIME, **fields
) -> PeerSupport:
    return PeerSupport.objects.create(
        external_id=fields.pop("external_id", None) or next_id("hope"),
        family_id=family_id or next_id("family"),
        state_id=state,
        supported_at=at(supported_at),
        **fields,
    )


def make_mental_health_referral(
    state: str = "AR", *, family_id: str | None = None, connected_at=DEFAULT_TIME, **fields
) -> MentalHealthReferral:
    return MentalHealthReferral.objects.create(
        external_id=fields.pop("external_id", None) or next_id("faon"),
        family_id=family_id or next_id("family"),
        state_id=state,
        connected_at=at(connected_at),
        **fields,
    )


# Education and impact -----------------------------------------------------------------


def make_training_registration(
    state: str = "AR",
    *,
    registered_at=DEFAULT_TIME,
    profession: str = TrainingRegistration.Profession.LAW_ENFORCEMENT,
    **fields,
) -> TrainingRegistration:
    return TrainingRegistration.objects.create(
        external_id=fields.pop("external_id", None) or next_id("registration"),
        state_id=state,
        registered_at=at(registered_at),
        profession=profession,
        **fields,
    )


def make_published_statistic(
    metric: str = "tipline.reports_received",
    year: int = 2023,
    value=0,
    *,
    source: str = "Synthetic test citation",
    **fields,
) -> PublishedStatistic:
    return PublishedStatistic.objects.create(
        external_id=fields.pop("external_id", None) or next_id("statistic"),
        metric=metric,
        year=year,
        value=value,
        source=source,
        **fields,
    )


# Audit --------------------------------------------------------------------------------


def make_audit_event(
    action: str = "tipline:report:viewed", *, actor: User | None = None, subject=None, **detail
) -> AuditEvent:
    """An audit event written directly (the vocabulary is checked by
    ``clearinghouse.audit.events.record``, not here)."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        detail=detail,
    )
