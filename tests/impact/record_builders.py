"""Rows for figure tests, in bulk where a test needs thousands."""

from __future__ import annotations

import datetime
import itertools

from clearinghouse.accounts.models import Organization
from clearinghouse.demo.plan import NATIONAL_2023, SEED_CITATION
from clearinghouse.education.models import TrainingRegistration
from clearinghouse.impact.models import PublishedStatistic
from clearinghouse.missing.models import MissingCase, TeamAdamDeployment
from clearinghouse.support.models import CstEngagement, MentalHealthReferral, PeerSupport
from clearinghouse.tipline.models import IncidentType, ReportFile, TiplineReport
from clearinghouse.victimid.models import CvipSubmission, IdentifiedChild

_ids = itertools.count(1)


def at(text: str) -> datetime.datetime:
    """An RFC 3339 time; UTC when no offset is given."""
    value = datetime.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def next_id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def agency(kind: str, state: str, name: str | None = None) -> Organization:
    organization, _ = Organization.objects.get_or_create(
        kind=kind,
        name=name or f"Synthetic {kind} agency ({state})",
        defaults={"jurisdiction_id": state},
    )
    return organization


def reports(
    count: int,
    *,
    received_at: str = "2023-06-01T12:00:00Z",
    state: str | None = None,
    made_available_at: str | None = None,
    status: str = TiplineReport.Status.FINISHED,
    incident_type: str = IncidentType.CHILD_PORNOGRAPHY,
    files: int = 0,
    country: str = "",
) -> list[TiplineReport]:
    made = TiplineReport.objects.bulk_create(
        TiplineReport(
            external_id=next_id("report"),
            received_at=at(received_at),
            incident_type=incident_type,
            status=status,
            state_id=state,
            country=country or ("US" if state else ""),
            made_available_at=at(made_available_at) if made_available_at else None,
        )
        for _ in range(count)
    )
    if files:
        made = list(TiplineReport.objects.filter(external_id__in=[r.external_id for r in made]))
        ReportFile.objects.bulk_create(
            ReportFile(report=report, position=position, media_type="image/jpeg")
            for report in made
            for position in range(files)
        )
    return made


def cvip_submissions(
    count: int, *, state: str, reviewed_at: str | None, received_at: str = "2023-03-01T00:00:00Z"
) -> None:
    submitting = agency(Organization.Kind.LAW_ENFORCEMENT, state)
    CvipSubmission.objects.bulk_create(
        CvipSubmission(
            external_id=next_id("cvip"),
            received_at=at(received_at),
            agency=submitting,
            reviewed_at=at(reviewed_at) if reviewed_at else None,
        )
        for _ in range(count)
    )


def identified_children(count: int, *, identified_at: str) -> None:
    IdentifiedChild.objects.bulk_create(
        IdentifiedChild(
            external_id=next_id("child"), identified_at=datetime.date.fromisoformat(identified_at)
        )
        for _ in range(count)
    )


def missing_cases(
    count: int,
    *,
    state: str,
    reported_at: str = "2023-05-01T00:00:00Z",
    missing_from_care: bool = False,
    reported_by: str = "law_enforcement",
    likely_cst_victim: bool = False,
) -> list[MissingCase]:
    return MissingCase.objects.bulk_create(
        MissingCase(
            external_id=next_id("case"),
            reported_at=at(reported_at),
            state_id=state,
            case_type=MissingCase.CaseType.ENDANGERED_RUNAWAY,
            missing_from_care=missing_from_care,
            reported_by=reported_by,
            likely_cst_victim=likely_cst_victim,
            child_first_name="Synthetic",
            child_last_name=f"Child {n}",
        )
        for n in range(count)
    )


def cst_engagements(count: int, *, state: str, engaged_at: str = "2023-04-01T00:00:00Z") -> None:
    social_services = agency(Organization.Kind.SOCIAL_SERVICE, state)
    CstEngagement.objects.bulk_create(
        CstEngagement(external_id=next_id("cst"), engaged_at=at(engaged_at), agency=social_services)
        for _ in range(count)
    )


def peer_support(
    families: int,
    *,
    state: str,
    supported_at: str = "2023-02-01T00:00:00Z",
    contacts_each: int = 1,
    family_prefix: str = "family",
) -> None:
    PeerSupport.objects.bulk_create(
        PeerSupport(
            external_id=next_id("hope"),
            family_id=f"{family_prefix}-{state}-{family}",
            state_id=state,
            supported_at=at(supported_at),
        )
        for family in range(families)
        for _ in range(contacts_each)
    )


def mental_health_referrals(
    families: int, *, state: str, connected_at: str = "2023-02-01T00:00:00Z", each: int = 1
) -> None:
    MentalHealthReferral.objects.bulk_create(
        MentalHealthReferral(
            external_id=next_id("faon"),
            family_id=f"family-{state}-{family}",
            state_id=state,
            connected_at=at(connected_at),
        )
        for family in range(families)
        for _ in range(each)
    )


def team_adam(
    cases: int, *, state: str, deployed_at: str = "2023-07-01T00:00:00Z", deployments_each: int = 1
) -> None:
    TeamAdamDeployment.objects.bulk_create(
        TeamAdamDeployment(
            external_id=next_id("adam"),
            case_ref=f"case-{state}-{case}",
            state_id=state,
            deployed_at=at(deployed_at),
        )
        for case in range(cases)
        for _ in range(deployments_each)
    )


def registrations(
    count: int,
    *,
    state: str,
    profession: str = "law_enforcement",
    registered_at: str = "2023-08-01T00:00:00Z",
) -> None:
    TrainingRegistration.objects.bulk_create(
        TrainingRegistration(
            external_id=next_id("reg"),
            registered_at=at(registered_at),
            state_id=state,
            profession=profession,
        )
        for _ in range(count)
    )


def published(metric: str, year: int, value, source: str = "Synthetic test citation") -> None:
    PublishedStatistic.objects.create(
        external_id=next_id("stat"), metric=metric, year=year, value=value, source=source
    )


def arkansas_2023(*, national: bool = True) -> None:
    """Records whose Arkansas 2023 figures are the seed sheet's, the national ones as
    published statistics, and noise that must not count."""
    if national:
        for metric, value in NATIONAL_2023.items():
            published(metric, 2023, value, SEED_CITATION)
    reports(5_070, state="AR", made_available_at="2023-03-01T00:00:00Z", files=1)
    reports(4, state="AR", made_available_at="2024-01-01T00:00:00Z")
    cvip_submissions(30, state="AR", reviewed_at="2023-09-01T00:00:00Z")
    missing_cases(203, state="AR", missing_from_care=True, reported_by="child_welfare")
    missing_cases(14, state="AR", reported_by="hhs_orr", missing_from_care=True)
    missing_cases(38, state="AR", reported_by="parent_guardian")
    missing_cases(9, state="AR", reported_at="2022-12-31T23:59:59Z")
    cst_engagements(17, state="AR")
    peer_support(38, state="AR", contacts_each=2)
    mental_health_referrals(36, state="AR")
    team_adam(1, state="AR", deployments_each=3)
    registrations(100, state="AR", profession="law_enforcement")
    registrations(74, state="AR", profession="child_serving_professional")
    registrations(12, state="AR", profession="other")
    missing_cases(5, state="TX", missing_from_care=True)
