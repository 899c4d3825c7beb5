"""How each record type of the import becomes rows: its model, the values of its fields,
and for a tipline report the rows of its files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clearinghouse.accounts.models import Organization
from clearinghouse.core.models import Record
from clearinghouse.education.models import TrainingRegistration
from clearinghouse.impact.models import PublishedStatistic
from clearinghouse.imports import schemas
from clearinghouse.missing.models import MissingCase, TeamAdamDeployment
from clearinghouse.support.models import CstEngagement, MentalHealthReferral, PeerSupport
from clearinghouse.tipline.models import TiplineReport
from clearinghouse.victimid.models import CvipSubmission, IdentifiedChild


class Refused(Exception):
    """A valid line that contradicts what is stored (an agency filed under another
    state, a second statistic for the same metric and year)."""


class Organizations:
    """The ESPs and agencies the lines of one file name, created on first mention.

    Remembered for the file so that each is looked up once; there are few of them.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], tuple[int, str | None]] = {}

    def esp(self, name: str) -> int:
        return self._get(Organization.Kind.ESP, name, None)[0]

    def agency(self, kind: str, agency: schemas.Agency) -> int:
        pk, state = self._get(kind, agency.name, agency.state)
        if state != agency.state:
            raise Refused(
                f"agency '{agency.name}' is on record in {state or 'no jurisdiction'}, "
                f"not {agency.state}"
            )
        return pk

    def _get(self, kind: str, name: str, state: str | None) -> tuple[int, str | None]:
        if (kind, name) not in self._known:
            organization, _ = Organization.objects.get_or_create(
                kind=kind, name=name, defaults={"jurisdiction_id": state}
            )
            self._known[kind, name] = (organization.pk, organization.jurisdiction_id)
        return self._known[kind, name]


@dataclass(frozen=True)
class RecordKind:
    """One ``type`` of the import format."""

    schema: type[schemas.RecordLine]
    model: type[Record]
    values: Callable[[Any, Organizations], dict[str, Any]]
    # The rows of a tipline report's files; they are replaced with the report.
    files: Callable[[Any], list[dict[str, str]]] | None = None


def _tipline_report(line: schemas.TiplineReportLine, organizations: Organizations) -> dict:
    jurisdiction = line.jurisdiction
    return {
        "received_at": line.received_at,
        "incident_type": line.incident_type,
        "source": line.source,
        "status": TiplineReport.Status.FINISHED,
        "reporting_org_id": organizations.esp(line.reporting_org) if line.reporting_org else None,
        "country": jurisdiction.country if jurisdiction else "",
        "state_id": jurisdiction.state if jurisdiction else None,
        "made_available_at": line.made_available_at,
        "batched": line.batched,
        "informational": line.informational,
    }


def _report_files(line: schemas.TiplineReportLine) -> list[dict[str, str]]:
    return [
        {
            "md5": file.md5 or "",
            "sha1": file.sha1 or "",
            "pdq": file.pdq or "",
            "media_type": file.media_type or "",
        }
        for file in line.files
    ]


def _cvip_submission(line: schemas.CvipSubmissionLine, organizations: Organizations) -> dict:
    return {
        "received_at": line.received_at,
        "agency_id": organizations.agency(Organization.Kind.LAW_ENFORCEMENT, line.agency),
        "file_count": line.file_count,
        "reviewed_at": line.reviewed_at,
    }


def _identified_child(line: schemas.IdentifiedChildLine, organizations: Organizations) -> dict:
    return {"identified_at": line.identified_at, "series": line.series or ""}


def _missing_case(line: schemas.MissingCaseLine, organizations: Organizations) -> dict:
    child = line.child or schemas.Child()
    return {
        "reported_at": line.reported_at,
        "state_id": line.state,
        "case_type": line.case_type,
        "missing_from_care": line.missing_from_care,
        "reported_by": line.reported_by or "",
        "likely_cst_victim": line.likely_cst_victim,
        "status": line.status,
        "resolved_at": line.resolved_at,
        "child_first_name": child.first_name or "",
        "child_last_name": child.last_name or "",
        "child_date_of_birth": child.date_of_birth,
        "child_sex": child.sex or "",
    }


def _cst_engagement(line: schemas.CstEngagementLine, organizations: Organizations) -> dict:
    return {
        "engaged_at": line.engaged_at,
        "agency_id": organizations.agency(Organization.Kind.SOCIAL_SERVICE, line.agency),
        "case_ref": line.case_id or "",
    }


def _peer_support(line: schemas.PeerSupportLine, organizations: Organizations) -> dict:
    return {"family_id": line.family_id, "state_id": line.state, "supported_at": line.supported_at}


def _mental_health_referral(
    line: schemas.MentalHealthReferralLine, organizations: Organizations
) -> dict:
    return {"family_id": line.family_id, "state_id": line.state, "connected_at": line.connected_at}


def _team_adam_deployment(
    line: schemas.TeamAdamDeploymentLine, organizations: Organizations
) -> dict:
    return {"case_ref": line.case_id, "state_id": line.state, "deployed_at": line.deployed_at}


def _training_registration(
    line: schemas.TrainingRegistrationLine, organizations: Organizations
) -> dict:
    return {
        "registered_at": line.registered_at,
        "state_id": line.state,
        "profession": line.profession,
    }


def _published_statistic(
    line: schemas.PublishedStatisticLine, organizations: Organizations
) -> dict:
    other = (
        PublishedStatistic.objects.filter(metric=line.metric, year=line.year)
        .exclude(external_id=line.id)
        .values_list("external_id", flat=True)
        .first()
    )
    if other is not None:
        raise Refused(f"published_statistic '{other}' already gives {line.metric} for {line.year}")
    return {"metric": line.metric, "year": line.year, "value": line.value, "source": line.source}


KINDS: dict[str, RecordKind] = {
    "tipline_report": RecordKind(
        schemas.TiplineReportLine, TiplineReport, _tipline_report, _report_files
    ),
    "cvip_submission": RecordKind(schemas.CvipSubmissionLine, CvipSubmission, _cvip_submission),
    "identified_child": RecordKind(schemas.IdentifiedChildLine, IdentifiedChild, _identified_child),
    "missing_case": RecordKind(schemas.MissingCaseLine, MissingCase, _missing_case),
    "cst_engagement": RecordKind(schemas.CstEngagementLine, CstEngagement, _cst_engagement),
    "peer_support": RecordKind(schemas.PeerSupportLine, PeerSupport, _peer_support),
    "mental_health_referral": RecordKind(
        schemas.MentalHealthReferralLine, MentalHealthReferral, _mental_health_referral
    ),
    "team_adam_deployment": RecordKind(
        schemas.TeamAdamDeploymentLine, TeamAdamDeployment, _team_adam_deployment
    ),
    "training_registration": RecordKind(
        schemas.TrainingRegistrationLine, TrainingRegistration, _training_registration
    ),
    "published_statistic": RecordKind(
        schemas.PublishedStatisticLine, PublishedStatistic, _published_statistic
    ),
}
