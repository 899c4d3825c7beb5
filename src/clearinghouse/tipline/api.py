"""The tipline's part of the JSON API: list and filter reports, read one.

Always within ``access.visible``: an officer gets their jurisdiction's made-available
reports, an analyst every report, a role without tipline access a 403, and an id
outside the caller's scope a 404. What a report says (its encrypted document) is not
served here: the API carries the metadata triage and referral work with.
"""

# No "from __future__ import annotations": django-ninja reads these annotations at import.

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from clearinghouse.accounts import access
from clearinghouse.audit import events
from clearinghouse.core.pagination import Pages
from clearinghouse.tipline.models import IncidentType, ReportFile, TiplineReport

router = Router(tags=["tipline"])


class FileOut(Schema):
    id: int
    position: int
    media_type: str
    md5: str
    sha1: str
    stored: bool = Field(description="Whether the bytes are held in the vault.")

    @staticmethod
    def resolve_stored(file: ReportFile) -> bool:
        return file.blob_id is not None


class ReportOut(Schema):
    id: int
    external_id: str
    received_at: datetime.datetime
    incident_type: IncidentType
    source: TiplineReport.Source
    status: TiplineReport.Status
    country: str
    state: str | None = Field(None, alias="state_id")
    made_available_at: datetime.datetime | None
    escalated: bool
    batched: bool
    informational: bool
    priority: int
    annotations: list[str]
    location_confidence: str
    needs_location_review: bool
    acknowledged_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    outcome: str


class ReportDetailOut(ReportOut):
    files: list[FileOut] = Field(alias="visible_files")


class ReportFilter(Schema):
    state: str | None = Field(None, description="USPS code, e.g. AR")
    status: TiplineReport.Status | None = None
    incident_type: IncidentType | None = None
    made_available: bool | None = None
    received_from: datetime.datetime | None = None
    received_to: datetime.datetime | None = Field(None, description="Exclusive.")
    made_available_from: datetime.datetime | None = None
    made_available_to: datetime.datetime | None = Field(None, description="Exclusive.")

    def lookups(self) -> dict:
        given = {
            "state_id": self.state,
            "status": self.status,
            "incident_type": self.incident_type,
            "made_available_at__isnull": None
            if self.made_available is None
            else not self.made_available,
            "received_at__gte": self.received_from,
            "received_at__lt": self.received_to,
            "made_available_at__gte": self.made_available_from,
            "made_available_at__lt": self.made_available_to,
        }
        return {lookup: value for lookup, value in given.items() if value is not None}


def _reports(request):
    """The caller's reports; a role that sees none of them is refused outright."""
    if access.scope_for(request.user, TiplineReport).reach is access.Reach.NONE:
        raise HttpError(403, "Your role has no access to tipline reports.")
    return access.visible(request.user, TiplineReport)


@router.get("/reports", response=list[ReportOut], summary="List reports")
@paginate(Pages, page_size=50)
def list_reports(request, filters: Query[ReportFilter]):
    return _reports(request).filter(**filters.lookups()).order_by("-received_at", "-pk")


@router.get("/reports/{int:report_id}", response=ReportDetailOut, summary="Read one report")
def read_report(request, report_id: int):
    report = get_object_or_404(_reports(request), pk=report_id)
    events.record("tipline:report:viewed", actor=request.user, subject=report, via="api")
    report.visible_files = list(access.visible(request.user, ReportFile).filter(report=report))
    return report
