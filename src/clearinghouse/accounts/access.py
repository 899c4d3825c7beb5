"""What a user may see: the one place that scopes records by role.

Every screen, API endpoint and admin page that shows records asks this module, so a
reviewer can check who sees what in a single table (``RULES``) instead of in every view.

The table is least privilege: each role sees what its work needs and nothing more.

- admin: everything (clearinghouse administrators run the platform).
- analyst: tipline reports and their files, CVIP submissions, identified children,
  missing cases, Team Adam deployments and published statistics, in every jurisdiction.
  Not family-support records, not the audit trail, not accounts.
- case_manager: missing cases, Team Adam deployments, CST engagements, Team HOPE peer
  support and FAON referrals, in every jurisdiction. Not the tipline, not CVIP.
- officer: tipline reports (and their files) resolved to their agency's jurisdiction, and
  only once made available to law enforcement there; their own agency's CVIP
  submissions; missing cases and Team Adam deployments in their jurisdiction.
- agency_staff: their own organization's CST engagements; for a child-welfare agency,
  the missing cases of children in its care (it is the case's custodial agency), with
  their photos, posters and Team Adam deployments.

Accounts (users, permission groups) are for admins only; an agency's people see their
own organization; the 56 jurisdictions are public reference data that every role sees.

A user sees nothing when anonymous, inactive, without a role, or when their organization
is missing or of the wrong kind for their role (the data is inconsistent, so we refuse
rather than guess). A superuser without a role is treated as an admin.

A model that is not in the table raises ``NoAccessRule``: a new record type must get an
explicit rule before anybody can see it, never a silent default.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet

from clearinghouse.accounts.models import User
from clearinghouse.tipline.models import TiplineReport


class NoAccessRule(LookupError):
    """The model has no entry in ``RULES``."""


class Reach(enum.StrEnum):
    ALL = "all"
    JURISDICTION = "jurisdiction"
    ORGANIZATION = "organization"
    NONE = "none"


@dataclass(frozen=True)
class Scope:
    """Which rows of a model one role sees.

    ``path`` leads from the record to its jurisdiction (``JURISDICTION``, compared with
    the user's organization's jurisdiction) or to its owning organization
    (``ORGANIZATION``, compared with the user's organization). ``where`` narrows further,
    e.g. to reports already made available.
    """

    reach: Reach
    path: str = ""
    where: Q | None = None

    def apply(self, queryset: QuerySet, user) -> QuerySet:
        if self.reach is Reach.NONE:
            return queryset.none()
        if self.reach is Reach.JURISDICTION:
            jurisdiction_id = getattr(user.organization, "jurisdiction_id", None)
            if jurisdiction_id is None:
                return queryset.none()
            queryset = queryset.filter(**{self.path: jurisdiction_id})
        elif self.reach is Reach.ORGANIZATION:
            if user.organization_id is None:
                return queryset.none()
            queryset = queryset.filter(**{self.path: user.organization_id})
        return queryset if self.where is None else queryset.filter(self.where)


ALL = Scope(Reach.ALL)
NONE = Scope(Reach.NONE)


def jurisdiction(path: str, where: Q | None = None) -> Scope:
    return Scope(Reach.JURISDICTION, path, where)


def organization(path: str, where: Q | None = None) -> Scope:
    return Scope(Reach.ORGANIZATION, path, where)


def rule(
    *, admin: Scope, analyst: Scope, case_manager: Scope, officer: Scope, agency_staff: Scope
) -> dict[str, Scope]:
    """One row of the table. Every role must be named: forgetting one is a TypeError at
    import time, not a hole."""
    return {
        User.Role.ADMIN: admin,
        User.Role.ANALYST: analyst,
        User.Role.CASE_MANAGER: case_manager,
        User.Role.OFFICER: officer,
        User.Role.AGENCY_STAFF: agency_staff,
    }


# Law enforcement sees a report only once the clearinghouse has made it available to
# their jurisdiction; an open, retracted or expired report never reaches them.
MADE_AVAILABLE = Q(made_available_at__isnull=False, status=TiplineReport.Status.FINISHED)
FILE_MADE_AVAILABLE = Q(
    report__made_available_at__isnull=False, report__status=TiplineReport.Status.FINISHED
)

# One row per model; kept as a compact table on purpose (read it as a matrix).
# fmt: off
RULES: dict[str, dict[str, Scope]] = {
    "tipline.TiplineReport": rule(
        admin=ALL, analyst=ALL, case_manager=NONE,
        officer=jurisdiction("state", MADE_AVAILABLE), agency_staff=NONE,
    ),
    "tipline.ReportFile": rule(
        admin=ALL, analyst=ALL, case_manager=NONE,
        officer=jurisdiction("report__state", FILE_MADE_AVAILABLE), agency_staff=NONE,
    ),
    # Platform credentials are account management: administrators only.
    "tipline.EspCredential": rule(
        admin=ALL, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    # Stored bytes are reached through the report file that carries them, whose rule
    # decides; the vault's own table is for the clearinghouse.
    "media.Blob": rule(
        admin=ALL, analyst=ALL, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    # Hash banks describe known abuse material (series, categories): clearinghouse
    # analysts curate them; nobody outside the clearinghouse sees them.
    "banks.HashBank": rule(
        admin=ALL, analyst=ALL, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    "banks.BankHash": rule(
        admin=ALL, analyst=ALL, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    "victimid.CvipSubmission": rule(
        admin=ALL, analyst=ALL, case_manager=NONE,
        officer=organization("agency"), agency_staff=NONE,
    ),
    # A submission's files and their matches go with the submission.
    "victimid.CvipItem": rule(
        admin=ALL, analyst=ALL, case_manager=NONE,
        officer=organization("submission__agency"), agency_staff=NONE,
    ),
    "victimid.IdentifiedChild": rule(
        admin=ALL, analyst=ALL, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    "missing.MissingCase": rule(
        admin=ALL, analyst=ALL, case_manager=ALL,
        officer=jurisdiction("state"), agency_staff=organization("custodial_agency"),
    ),
    "missing.TeamAdamDeployment": rule(
        admin=ALL, analyst=ALL, case_manager=ALL,
        officer=jurisdiction("state"), agency_staff=organization("case__custodial_agency"),
    ),
    # A case's companions, photos and Team Adam work follow the case: an officer sees
    # those of their jurisdiction's cases. Consultants are the clearinghouse's own people.
    "missing.Companion": rule(
        admin=ALL, analyst=ALL, case_manager=ALL,
        officer=jurisdiction("case__state"), agency_staff=organization("case__custodial_agency"),
    ),
    "missing.CasePhoto": rule(
        admin=ALL, analyst=ALL, case_manager=ALL,
        officer=jurisdiction("case__state"), agency_staff=organization("case__custodial_agency"),
    ),
    "missing.TeamAdamActivity": rule(
        admin=ALL, analyst=NONE, case_manager=ALL,
        officer=jurisdiction("deployment__state"),
        agency_staff=organization("deployment__case__custodial_agency"),
    ),
    "missing.TeamAdamConsultant": rule(
        admin=ALL, analyst=NONE, case_manager=ALL, officer=NONE, agency_staff=NONE,
    ),
    # Poster API partners and their credentials are account management; posters are
    # public while published, and reach partners through /posterapi/, not these rules.
    "posterapi.PosterOrganization": rule(
        admin=ALL, analyst=NONE, case_manager=ALL, officer=NONE, agency_staff=NONE,
    ),
    "posterapi.PosterClient": rule(
        admin=ALL, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    "posterapi.PosterToken": rule(
        admin=ALL, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    "posterapi.Poster": rule(
        admin=ALL, analyst=NONE, case_manager=ALL,
        officer=jurisdiction("case__state"), agency_staff=organization("case__custodial_agency"),
    ),
    "posterapi.PosterPhoto": rule(
        admin=ALL, analyst=NONE, case_manager=ALL,
        officer=jurisdiction("poster__case__state"),
        agency_staff=organization("poster__case__custodial_agency"),
    ),
    "support.CstEngagement": rule(
        admin=ALL, analyst=NONE, case_manager=ALL,
        officer=NONE, agency_staff=organization("agency"),
    ),
    # Team HOPE and FAON records are about families in crisis: case managers only.
    "support.PeerSupport": rule(
        admin=ALL, analyst=NONE, case_manager=ALL, officer=NONE, agency_staff=NONE,
    ),
    "support.MentalHealthReferral": rule(
        admin=ALL, analyst=NONE, case_manager=ALL, officer=NONE, agency_staff=NONE,
    ),
    # The logs of an engagement follow the engagement: its agency's staff see them.
    "support.YouthEngagement": rule(
        admin=ALL, analyst=NONE, case_manager=ALL,
        officer=NONE, agency_staff=organization("engagement__agency"),
    ),
    "support.MultidisciplinaryMeeting": rule(
        admin=ALL, analyst=NONE, case_manager=ALL,
        officer=NONE, agency_staff=organization("engagement__agency"),
    ),
    "support.Family": rule(
        admin=ALL, analyst=NONE, case_manager=ALL, officer=NONE, agency_staff=NONE,
    ),
    "support.Volunteer": rule(
        admin=ALL, analyst=NONE, case_manager=ALL, officer=NONE, agency_staff=NONE,
    ),
    "support.PeerMatch": rule(
        admin=ALL, analyst=NONE, case_manager=ALL, officer=NONE, agency_staff=NONE,
    ),
    "support.MentalHealthProvider": rule(
        admin=ALL, analyst=NONE, case_manager=ALL, officer=NONE, agency_staff=NONE,
    ),
    "education.TrainingRegistration": rule(
        admin=ALL, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    "impact.PublishedStatistic": rule(
        admin=ALL, analyst=ALL, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    # The audit trail says who looked at which child's record: administrators only.
    "audit.AuditEvent": rule(
        admin=ALL, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    # The head of the audit trail's hash chain (``audit.chain``) goes with the trail.
    "audit.ChainHead": rule(
        admin=ALL, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    # Clearinghouse staff work with every agency and platform (CVIP agencies, reporting
    # platforms, CST partners); an agency's people see their own organization only.
    "accounts.Organization": rule(
        admin=ALL, analyst=ALL, case_manager=ALL,
        officer=organization("pk"), agency_staff=organization("pk"),
    ),
    # Managing accounts is an administrator's job. One's own account is reached through
    # ``request.user``, not through this table.
    "accounts.User": rule(
        admin=ALL, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    # Who failed to sign in, and whose sessions are open: account management too.
    "accounts.SignInFailure": rule(
        admin=ALL, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    "accounts.SignedInSession": rule(
        admin=ALL, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    # Authenticator keys are read by the sign-in alone: nobody sees them, not even an
    # administrator (``clearinghouse authenticator reset`` makes a user set up a new one).
    "accounts.SecondFactor": rule(
        admin=NONE, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    "accounts.SecurityKey": rule(
        admin=NONE, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    # Groups bundle Django permissions: managing them is managing accounts.
    "auth.Group": rule(
        admin=ALL, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    # The leases of the periodic jobs (``core.schedule``) are the platform's own machinery.
    "core.ScheduledJob": rule(
        admin=ALL, analyst=NONE, case_manager=NONE, officer=NONE, agency_staff=NONE,
    ),
    # Public reference data (names and codes of the 56 jurisdictions), needed to pick a
    # jurisdiction on any form.
    "geo.Jurisdiction": rule(
        admin=ALL, analyst=ALL, case_manager=ALL, officer=ALL, agency_staff=ALL,
    ),
}
# fmt: on


def effective_role(user) -> str | None:
    """The role whose rules apply to ``user``, or None for somebody who sees nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not user.role:
        return User.Role.ADMIN if user.is_superuser else None
    allowed_kinds = User.ROLE_ORGANIZATION_KINDS.get(user.role)
    if allowed_kinds is None or user.organization is None:
        return None
    if user.organization.kind not in allowed_kinds:
        return None
    return user.role


def rules_for(model: type[Model] | Model) -> dict[str, Scope]:
    """The row of ``RULES`` for a model (a proxy model follows its concrete model)."""
    label = model._meta.concrete_model._meta.label
    try:
        return RULES[label]
    except KeyError:
        raise NoAccessRule(f"no access rule for {label}: add one to RULES") from None


def scope_for(user, model: type[Model] | Model) -> Scope:
    """How much of ``model`` the user sees. Raises ``NoAccessRule`` for a model without
    a rule, whoever asks, so a missing rule shows up in the first test that touches it."""
    rules = rules_for(model)
    role = effective_role(user)
    return NONE if role is None else rules[role]


def visible(user, model_or_queryset: type[Model] | QuerySet) -> QuerySet:
    """The rows the user may see, from a model or by narrowing a queryset.

    Use it for every list and every lookup by id: a record outside the scope then simply
    does not exist for that user (404, not 403, so its existence does not leak).
    """
    if isinstance(model_or_queryset, QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    return scope_for(user, queryset.model).apply(queryset, user)


def can_view(user, obj: Model) -> bool:
    """Whether the user may see this one record (through ``visible``, so the answer is
    the database's, never a second implementation of the rules)."""
    if obj.pk is None:
        return False
    return visible(user, type(obj)).filter(pk=obj.pk).exists()
