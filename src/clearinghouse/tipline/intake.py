"""Taking in CyberTipline reports from online platforms: the rules behind ``/ispws/``.

A report is open from ``submit`` until ``finish`` (or ``retract``); while open, files are
uploaded into it and described. Every function here commits before it returns, so what
the reporter is told has been stored has been stored: an acknowledged ``reportId`` or
``fileId`` survives a crash of any process.

Failures are ``IntakeError`` carrying one of the API's response codes (``Code``); the
HTTP layer (``clearinghouse.tipline.ispws``) only translates them into documents.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import importlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from clearinghouse.audit import events
from clearinghouse.core import fastsql
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.tipline import triage
from clearinghouse.tipline.models import EspCredential, IncidentType, ReportFile, TiplineReport

logger = logging.getLogger(__name__)

# Report ids are random 16-digit numbers: they say nothing about how many reports there
# are or when one came in, and at tens of millions of reports a year two drawing the
# same id is a once-in-a-lifetime event (the unique index refuses it; submit draws again).
REPORT_ID_LOW = 10**15
REPORT_ID_SPAN = 9 * 10**15
SUBMIT_ATTEMPTS = 3

# An open report that is never finished is discarded 24 hours after it was opened, or
# 1 hour after its last change, whichever is later.
OPEN_LIFETIME = datetime.timedelta(hours=24)
IDLE_LIFETIME = datetime.timedelta(hours=1)

# Clocks disagree a little; a time this far ahead of ours is not "in the future" yet.
CLOCK_SKEW = datetime.timedelta(minutes=2)

# Hash types of ``originalFileHash`` that we keep on the file, and where.
RECORDED_HASHES = {"MD5": "md5", "SHA1": "sha1", "SHA-1": "sha1", "PDQ": "pdq"}
_HASH_LENGTHS = {"md5": 32, "sha1": 40, "pdq": 64}

INCIDENT_TYPES_BY_LABEL = {label: value for value, label in IncidentType.choices}

# The columns ``finish`` changes (locating and ranking included): saving only these keeps
# the encrypted document and clues from being encrypted and written again.
FINISH_FIELDS = [
    "status",
    "finished_at",
    "last_changed_at",
    "updated_at",
    "state",
    "country",
    "location_clue",
    "location_confidence",
    "needs_location_review",
    "priority",
]


class Code(enum.IntEnum):
    """The response codes of the reporting API."""

    SUCCESS = 0
    SERVER_ERROR = 1000
    SAVE_FAILED = 1100
    UPLOAD_FAILED = 1110
    FILE_UPLOAD_FAILED = 1111
    NOT_FOUND = 1210
    UPDATE_FAILED = 1300
    AUTHENTICATION_REQUIRED = 2000
    NOT_AUTHORIZED = 3000
    NO_SUBMISSION_AUTHORIZATION = 3100
    NO_UPDATE_AUTHORIZATION = 3300
    INVALID_REQUEST = 4000
    VALIDATION_FAILED = 4100
    MALFORMED_XML = 4110
    MALFORMED_FILE = 4200
    REPORT_NOT_FOUND = 5001
    FILE_NOT_FOUND = 5002
    REPORT_RETRACTED = 5101
    REPORT_FINISHED = 5102

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Code.SUCCESS: "Success",
    Code.SERVER_ERROR: "Server error",
    Code.SAVE_FAILED: "Save failed",
    Code.UPLOAD_FAILED: "Upload failed",
    Code.FILE_UPLOAD_FAILED: "File upload failed",
    Code.NOT_FOUND: "Resource not found",
    Code.UPDATE_FAILED: "Update failed",
    Code.AUTHENTICATION_REQUIRED: "Authentication required",
    Code.NOT_AUTHORIZED: "Not authorized",
    Code.NO_SUBMISSION_AUTHORIZATION: "No submission authorization",
    Code.NO_UPDATE_AUTHORIZATION: "No update authorization",
    Code.INVALID_REQUEST: "Invalid request",
    Code.VALIDATION_FAILED: "Validation failed",
    Code.MALFORMED_XML: "Malformed XML",
    Code.MALFORMED_FILE: "Malformed file",
    Code.REPORT_NOT_FOUND: "Report does not exist",
    Code.FILE_NOT_FOUND: "File does not exist",
    Code.REPORT_RETRACTED: "Report already retracted",
    Code.REPORT_FINISHED: "Report already finished",
}


class IntakeError(Exception):
    """A request the service refuses, with the response code the reporter gets."""

    def __init__(self, code: Code, detail: str = "") -> None:
        super().__init__(detail or code.description)
        self.code = code
        self.detail = detail


@dataclass
class ReportDocument:
    """What intake needs from a ``<report>`` document (read by ``ispws.documents``)."""

    text: str
    incident_type_label: str
    incident_at: datetime.datetime
    platform: str = ""
    escalated: bool = False
    annotations: list[str] = field(default_factory=list)
    batched: bool = False
    clues: list[dict] = field(default_factory=list)


@dataclass
class FileDetailsDocument:
    """What intake needs from a ``<fileDetails>`` document."""

    report_id: str
    file_id: str
    details: dict
    original_hashes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Finished:
    report: TiplineReport
    file_ids: list[str]


# Reports --------------------------------------------------------------------------------


def submit(credential: EspCredential, document: ReportDocument, *, now=None) -> TiplineReport:
    """Opens a report from a validated ``<report>`` and returns it with its new id."""
    now = now or timezone.now()
    incident_type = INCIDENT_TYPES_BY_LABEL.get(document.incident_type_label)
    if incident_type is None:
        raise IntakeError(Code.VALIDATION_FAILED, "unknown incidentType")
    incident_at = _aware(document.incident_at)
    if incident_at > now + CLOCK_SKEW:
        raise IntakeError(Code.VALIDATION_FAILED, "incidentDateTime is in the future")
    report = TiplineReport(
        received_at=now,
        last_changed_at=now,
        incident_type=incident_type,
        source=TiplineReport.Source.ESP,
        status=TiplineReport.Status.OPEN,
        reporting_org_id=credential.organization_id,
        credential=credential,
        incident_at=incident_at,
        escalated=document.escalated,
        annotations=list(document.annotations),
        informational="informational" in document.annotations,
        batched=document.batched,
        platform=document.platform[:200],
        document=document.text,
        clues=json.dumps(document.clues),
    )
    for attempt in range(1, SUBMIT_ATTEMPTS + 1):
        report.external_id = str(REPORT_ID_LOW + secrets.randbelow(REPORT_ID_SPAN))
        try:
            events.insert_and_record(
                _insert_report, report, "tipline:report:submitted", credential=credential.username
            )
        except IntegrityError:
            report.pk = None
            report._state.adding = True
            if attempt == SUBMIT_ATTEMPTS:
                raise
        else:
            return report
    raise AssertionError("unreachable")


def finish(credential: EspCredential, report_id: str, *, now=None) -> Finished:
    """Closes a report to further changes, places it and gives it its triage priority."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _open_report(credential, report_id, lock=True)
        report.status = TiplineReport.Status.FINISHED
        report.finished_at = now
        report.last_changed_at = now
        locate(report)
        file_ids = _file_tokens(report)
        # A report without files cannot match a hash bank: no need to ask.
        report.priority = triage.priority_for(report, known_material=None if file_ids else False)
        events.update_and_record(
            _save_finished, report, "tipline:report:finished", credential=credential.username
        )
    return Finished(report, file_ids)


def retract(credential: EspCredential, report_id: str, *, now=None) -> TiplineReport:
    """Withdraws an open report: it is kept, but never reaches anybody or any figure."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _open_report(credential, report_id, lock=True)
        report.status = TiplineReport.Status.RETRACTED
        report.retracted_at = now
        report.last_changed_at = now
        report.save(update_fields=["status", "retracted_at", "last_changed_at", "updated_at"])
        events.record("tipline:report:retracted", subject=report, credential=credential.username)
    return report


def expire_stale_reports(now=None) -> int:
    """Marks expired every open report past its lifetime; returns how many."""
    now = now or timezone.now()
    stale = TiplineReport.objects.filter(
        Q(last_changed_at__isnull=True) | Q(last_changed_at__lt=now - IDLE_LIFETIME),
        status=TiplineReport.Status.OPEN,
        received_at__lt=now - OPEN_LIFETIME,
    )
    with transaction.atomic():
        expired = stale.update(status=TiplineReport.Status.EXPIRED, updated_at=now)
        if expired:
            events.record("tipline:report:expired", count=expired)
    return expired


# Files ----------------------------------------------------------------------------------


@dataclass
class Uploaded:
    report: TiplineReport
    file: ReportFile
    md5: str


def upload(
    credential: EspCredential,
    report_id: str,
    stream: BinaryIO,
    *,
    declared_name: str | None = None,
    declared_type: str | None = None,
    now=None,
) -> Uploaded:
    """Stores a file's bytes in the vault and adds it to an open report.

    The fileId depends only on the report and the bytes, so a retried upload (the
    response was lost) answers the same fileId and adds no second file.
    """
    from clearinghouse.media import vault

    now = now or timezone.now()
    _open_report(credential, report_id, lock=False)  # refuse before storing any bytes
    try:
        blob = vault.put(stream, declared_name=declared_name, declared_type=declared_type)
    except (OSError, ValueError, vault.VaultError) as error:
        logger.warning("upload to report %s failed: %s", report_id, error)
        raise IntakeError(Code.FILE_UPLOAD_FAILED) from error
    token = file_token(report_id, blob.sha256)
    with transaction.atomic():
        report = _open_report(credential, report_id, lock=True)
        if not vault.lock_for_reference(blob):
            # Unreferenced bytes were being swept as this upload found them: the
            # platform sends the file again.
            raise IntakeError(Code.FILE_UPLOAD_FAILED, "please send the file again")
        existing = _first(report.files.filter(file_token=token))
        if existing is not None:
            return Uploaded(report, existing, blob.md5)
        position = (report.files.aggregate(last=Max("position"))["last"] or 0) + 1
        report_file = ReportFile.objects.create(
            report=report,
            position=position,
            blob=blob,
            md5=blob.md5,
            sha1=blob.sha1,
            media_type=blob.media_type,
            file_token=token,
        )
        report.last_changed_at = now
        report.save(update_fields=["last_changed_at", "updated_at"])
        events.record("tipline:file:uploaded", subject=report_file, credential=credential.username)
    return Uploaded(report, report_file, blob.md5)


def file_token(report_id: str, sha256: str) -> str:
    """The opaque fileId of these bytes in this report (32 hex digits)."""
    return hashlib.sha256(f"{report_id}:{sha256}".encode()).hexdigest()[:32]


def describe_file(
    credential: EspCredential, document: FileDetailsDocument, *, now=None
) -> ReportFile:
    """Records a file's ``fileDetails``, and the hashes the platform computed when we have
    none of that kind."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _open_report(credential, document.report_id, lock=True)
        report_file = _first(report.files.filter(file_token=document.file_id))
        if report_file is None:
            raise IntakeError(Code.FILE_NOT_FOUND)
        report_file.details = json.dumps(document.details)
        for hash_type, value in document.original_hashes:
            attribute = RECORDED_HASHES.get(hash_type.upper())
            value = value.strip().lower()
            if attribute and not getattr(report_file, attribute) and _is_hex(value, attribute):
                setattr(report_file, attribute, value)
        report_file.save()
        report.last_changed_at = now
        report.save(update_fields=["last_changed_at", "updated_at"])
    return report_file


def _is_hex(value: str, attribute: str) -> bool:
    return len(value) == _HASH_LENGTHS[attribute] and all(c in "0123456789abcdef" for c in value)


# Placing and ranking ----------------------------------------------------------------------


def locate(report: TiplineReport) -> None:
    """Places a report from its clues through ``clearinghouse.geo.resolve`` (when that
    is installed); an unresolved or doubtful place goes to an analyst for review."""
    try:
        resolver = importlib.import_module("clearinghouse.geo.resolve")
    except ImportError:
        report.needs_location_review = True
        return
    try:
        place = resolver.resolve(json.loads(report.clues or "[]"))
    except Exception:  # a resolver bug must not lose an acknowledged report
        logger.exception("could not resolve the location of report %s", report.external_id)
        report.needs_location_review = True
        return
    state = place.state and _jurisdiction(place.state)
    report.state = state or None
    report.country = (place.country or ("US" if state else ""))[:2]
    report.location_clue = (place.clue or "")[:200]
    report.location_confidence = place.confidence or ""
    report.needs_location_review = bool(place.needs_review) or (bool(place.state) and not state)


def triage_priority(report: TiplineReport) -> int:
    """How urgently analysts should look at a finished report (higher first). The rules
    live with the analysts' queue in ``clearinghouse.tipline.triage``: escalation and
    imminent danger first, batched viral reports ordered last by the queue itself."""
    return triage.priority_for(report)


# Helpers ------------------------------------------------------------------------------------


_jurisdictions: dict[str, Jurisdiction] = {}


def _jurisdiction(code: str) -> Jurisdiction | None:
    """The jurisdiction with this USPS code. Jurisdictions are reference data that is
    never deleted (reports protect them), so each process remembers the ones it found
    and asks the database only about a code it has not seen yet."""
    known = _jurisdictions.get(code)
    if known is None:
        known = _first(Jurisdiction.objects.filter(code=code))
        if known is not None:
            _jurisdictions[code] = known
    return known


def _first(queryset):
    """The first row of a query that matches at most one, without the ``ORDER BY`` that
    ``QuerySet.first()`` adds (and Django spends time compiling)."""
    rows = list(queryset[:1])
    return rows[0] if rows else None


# What intake reads of an open report: enough to check it, place it and rank it. The
# encrypted ``document`` (never read again by intake) is left out.
_OPEN_REPORT_FIELDS = [
    "external_id",
    "status",
    "source",
    "reporting_org",
    "credential",
    "received_at",
    "last_changed_at",
    "incident_type",
    "escalated",
    "annotations",
    "batched",
    "clues",
]
_OPEN_REPORT_WHERE = "source = %s AND reporting_org_id = %s AND external_id = %s"
_select_report = fastsql.SelectOne(TiplineReport, _OPEN_REPORT_FIELDS, _OPEN_REPORT_WHERE)
_select_report_for_update = fastsql.SelectOne(
    TiplineReport, _OPEN_REPORT_FIELDS, _OPEN_REPORT_WHERE, lock=True
)
_insert_report = fastsql.Insert(TiplineReport)
_save_finished = fastsql.Update(TiplineReport, FINISH_FIELDS)


def _open_report(credential: EspCredential, report_id: str, *, lock: bool) -> TiplineReport:
    """The credential's organization's report ``report_id``, still open. Another
    organization's report, an expired one or a malformed id all "do not exist".

    Only the fields of ``_OPEN_REPORT_FIELDS`` are loaded; a ``save`` of the result
    writes only the loaded fields."""
    try:
        number = int(str(report_id).strip())
    except ValueError:
        raise IntakeError(Code.REPORT_NOT_FOUND) from None
    select = _select_report_for_update if lock else _select_report
    report = (
        select(TiplineReport.Source.ESP, credential.organization_id, str(number))
        if 0 < number < 2**63
        else None
    )
    if report is None or report.status == TiplineReport.Status.EXPIRED:
        raise IntakeError(Code.REPORT_NOT_FOUND)
    if report.status == TiplineReport.Status.RETRACTED:
        raise IntakeError(Code.REPORT_RETRACTED)
    if report.status == TiplineReport.Status.FINISHED:
        raise IntakeError(Code.REPORT_FINISHED)
    return report


_FILE_TOKENS_SQL = (
    f"SELECT file_token FROM {ReportFile._meta.db_table} WHERE report_id = %s ORDER BY position"  # noqa: S608
)


def _file_tokens(report: TiplineReport) -> list[str]:
    """The fileIds of the report's files, in upload order."""
    return [token for (token,) in fastsql.fetch_all(ReportFile, _FILE_TOKENS_SQL, [report.pk])]


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)
