"""Triage and referral: the analysts' queues, making a report available to law
enforcement in its jurisdiction, and the officers' work on it in the portal.

Plain functions over models, called by the pages, the JSON API and tests alike. Each
one that changes a report checks who may do it (through ``clearinghouse.accounts.access``,
never a second copy of the rules), writes an audit event in the same transaction, and
raises ``TriageError`` with a sentence fit to show the user when the report is not in a
state that allows it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from clearinghouse.accounts import access
from clearinghouse.accounts.models import User
from clearinghouse.audit import events
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.tipline.models import IncidentType, TiplineReport

Status = TiplineReport.Status


class TriageError(Exception):
    """The action does not apply to this report (or this user); the message says why."""


# -- priority ----------------------------------------------------------------------------

# Annotations a platform sets when a child may be in danger now (the national API's
# ``reportAnnotations``): coercion with images, sadistic exploitation, soliciting images.
IMMINENT_DANGER_ANNOTATIONS = frozenset(
    {"sextortion", "sadisticOnlineExploitation", "csamSolicitation"}
)
# Incident types where a child is being sold or lured towards a meeting.
URGENT_INCIDENT_TYPES = frozenset(
    {IncidentType.CHILD_SEX_TRAFFICKING, IncidentType.ONLINE_ENTICEMENT}
)

# Weights, so that one stronger sign outranks any number of weaker ones.
ESCALATED = 8
KNOWN_HASH_MATCH = 8
IMMINENT_DANGER = 4
URGENT_INCIDENT_TYPE = 2


def matches_known_hash_list(report: TiplineReport) -> bool:
    """Whether a file of the report is on an enabled hash bank: its MD5 or SHA-1 exactly,
    or its PDQ (when analysis has computed it) within the bank's distance."""
    from clearinghouse.banks.matcher import get_matcher

    matcher = get_matcher()
    for file in report.files.select_related("blob"):
        blob = file.blob
        for hash_type in ("md5", "sha1"):
            value = getattr(file, hash_type) or getattr(blob, hash_type, "")
            if value and matcher.match_exact(hash_type, value):
                return True
        pdq = file.pdq or getattr(blob, "pdq", "")
        quality = getattr(blob, "pdq_quality", None) if blob else None
        if pdq and matcher.match_pdq(pdq, quality if quality is not None else 100):
            return True
    return False


def priority_for(report: TiplineReport, *, known_material: bool | None = None) -> int:
    """How urgent a finished report is: higher first. Batched (viral) reports are
    ordered after every other report by the queue, whatever their priority.

    ``known_material`` is whether a file is on a hash bank, when the caller already
    knows (e.g. a report without files); otherwise the banks are asked."""
    annotations = set(report.annotations or [])
    if known_material is None:
        known_material = matches_known_hash_list(report)
    return (
        ESCALATED * report.escalated
        + KNOWN_HASH_MATCH * known_material
        + IMMINENT_DANGER * bool(annotations & IMMINENT_DANGER_ANNOTATIONS)
        + URGENT_INCIDENT_TYPE * (report.incident_type in URGENT_INCIDENT_TYPES)
    )


def prioritize(report: TiplineReport) -> int:
    """Stores ``priority_for(report)``; intake calls it when a report is finished."""
    report.priority = priority_for(report)
    TiplineReport.objects.filter(pk=report.pk).update(priority=report.priority)
    return report.priority


def reprioritize_reports_with(blob) -> int:
    """Ranks again the finished reports carrying ``blob``, once analysis has computed its
    PDQ: a file known only by its picture is known material from then on. Returns how
    many reports changed priority. (A report finished later is ranked at its finish.)"""
    if not blob.pdq:
        return 0
    changed = 0
    reports = TiplineReport.objects.filter(files__blob=blob, status=Status.FINISHED).distinct()
    for report in reports:
        before = report.priority
        if prioritize(report) != before:
            changed += 1
    return changed


# -- the analysts' queues ----------------------------------------------------------------

AWAITING_REFERRAL = Q(status=Status.FINISHED, made_available_at__isnull=True)
# No place yet, a US report without a state, or clues that disagree.
NEEDS_LOCATION_REVIEW = (
    Q(needs_location_review=True) | Q(country="") | Q(country="US", state__isnull=True)
)
QUEUE_ORDER = ("batched", "-priority", "received_at", "pk")


def analyst_queue(user) -> QuerySet[TiplineReport]:
    """Finished reports not yet made available whose place is settled, most urgent first,
    batched viral reports last, then oldest first."""
    reports = access.visible(user, TiplineReport).filter(AWAITING_REFERRAL)
    return reports.exclude(NEEDS_LOCATION_REVIEW).select_related("state").order_by(*QUEUE_ORDER)


def location_review_queue(user) -> QuerySet[TiplineReport]:
    """Finished reports not yet made available that an analyst must place by hand."""
    reports = access.visible(user, TiplineReport).filter(AWAITING_REFERRAL)
    return reports.filter(NEEDS_LOCATION_REVIEW).select_related("state").order_by(*QUEUE_ORDER)


def is_triager(user) -> bool:
    return access.effective_role(user) in (User.Role.ANALYST, User.Role.ADMIN)


def _locked(user, report: TiplineReport) -> TiplineReport:
    """The report, locked for the transaction, if ``user`` may see it."""
    try:
        return access.visible(user, TiplineReport).select_for_update().get(pk=report.pk)
    except TiplineReport.DoesNotExist:
        raise TriageError("No such report.") from None


def _require_triager(user) -> None:
    if not is_triager(user):
        raise TriageError("Only an analyst can triage reports.")


@transaction.atomic
def make_available(report: TiplineReport, analyst) -> TiplineReport:
    """Refers the report to law enforcement in its jurisdiction: it appears in their
    portal queue from now on."""
    _require_triager(analyst)
    report = _locked(analyst, report)
    if report.status != Status.FINISHED:
        raise TriageError(
            f"Only a finished report can be made available; this one is {report.status}."
        )
    if report.made_available_at is not None:
        raise TriageError("This report is already available to law enforcement.")
    if report.country != "US" or report.state_id is None:
        raise TriageError("Only a report placed in a US jurisdiction can be made available.")
    if report.needs_location_review:
        raise TriageError("Its location needs review first: set the jurisdiction.")
    report.made_available_at = timezone.now()
    report.made_available_by = analyst
    report.save(update_fields=["made_available_at", "made_available_by", "updated_at"])
    events.record(
        "tipline:report:made_available", actor=analyst, subject=report, state=report.state_id
    )
    return report


@transaction.atomic
def set_jurisdiction(report: TiplineReport, analyst, state: str) -> TiplineReport:
    """Places the report in a US jurisdiction by an analyst's decision, which settles
    any review its clues asked for."""
    _require_triager(analyst)
    report = _locked(analyst, report)
    if report.made_available_at is not None:
        raise TriageError("The report is already available to law enforcement; its place is fixed.")
    if not Jurisdiction.objects.filter(code=state).exists():
        raise TriageError("Choose a state, DC or territory from the list.")
    previous = report.state_id
    report.country, report.state_id = "US", state
    report.location_clue = "set by an analyst"
    report.location_confidence = TiplineReport.Confidence.HIGH
    report.needs_location_review = False
    report.save(
        update_fields=[
            "country",
            "state",
            "location_clue",
            "location_confidence",
            "needs_location_review",
            "updated_at",
        ]
    )
    events.record(
        "tipline:report:located", actor=analyst, subject=report, state=state, previous=previous
    )
    return report


# -- the law-enforcement portal ----------------------------------------------------------


def is_officer(user) -> bool:
    return access.effective_role(user) == User.Role.OFFICER


def portal_queue(officer) -> QuerySet[TiplineReport]:
    """The officer's jurisdiction's reports (made available, never retracted or expired:
    ``access.visible`` says so): open ones first, new ones before acknowledged ones, then
    by priority and the most recently made available."""
    if not is_officer(officer):
        return TiplineReport.objects.none()
    return (
        access.visible(officer, TiplineReport)
        .select_related("state", "assigned_to")
        .order_by(
            _is(closed_at__isnull=False),
            _is(acknowledged_at__isnull=False),
            "-priority",
            "-made_available_at",
            "-pk",
        )
    )


def _is(**condition) -> ExpressionWrapper:
    """A condition as a value to order by (false first)."""
    return ExpressionWrapper(Q(**condition), output_field=BooleanField())


def colleagues(officer) -> QuerySet[User]:
    """Officers of the same agency: whom a report may be assigned to."""
    return User.objects.filter(
        organization_id=officer.organization_id, role=User.Role.OFFICER, is_active=True
    ).order_by("last_name", "first_name", "username")


def _portal_report(officer, report: TiplineReport) -> TiplineReport:
    if not is_officer(officer):
        raise TriageError("Only a law-enforcement officer works reports in the portal.")
    report = _locked(officer, report)
    if report.closed_at is not None:
        raise TriageError("This report is closed.")
    return report


@transaction.atomic
def acknowledge(report: TiplineReport, officer) -> TiplineReport:
    """The agency has seen the report. Acknowledging twice keeps the first time."""
    report = _portal_report(officer, report)
    if report.acknowledged_at is None:
        report.acknowledged_at, report.acknowledged_by = timezone.now(), officer
        report.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        events.record("tipline:report:acknowledged", actor=officer, subject=report)
    return report


@transaction.atomic
def assign(report: TiplineReport, officer, assignee: User) -> TiplineReport:
    """Gives the report to an officer of the same agency (and acknowledges it if nobody
    had)."""
    report = _portal_report(officer, report)
    if not colleagues(officer).filter(pk=assignee.pk).exists():
        raise TriageError("A report can only be assigned to an officer of your own agency.")
    report.assigned_to = assignee
    if report.acknowledged_at is None:
        report.acknowledged_at, report.acknowledged_by = timezone.now(), officer
    report.save(update_fields=["assigned_to", "acknowledged_at", "acknowledged_by", "updated_at"])
    events.record("tipline:report:assigned", actor=officer, subject=report, assignee=assignee.pk)
    return report


@transaction.atomic
def close(report: TiplineReport, officer, outcome: str) -> TiplineReport:
    """Ends the agency's work on the report with an outcome."""
    if outcome not in TiplineReport.Outcome.values:
        raise TriageError("Choose an outcome from the list.")
    report = _portal_report(officer, report)
    now = timezone.now()
    report.closed_at, report.outcome = now, outcome
    if report.acknowledged_at is None:
        report.acknowledged_at, report.acknowledged_by = now, officer
    report.save(
        update_fields=[
            "closed_at",
            "outcome",
            "acknowledged_at",
            "acknowledged_by",
            "updated_at",
        ]
    )
    events.record("tipline:report:closed", actor=officer, subject=report, outcome=outcome)
    return report
