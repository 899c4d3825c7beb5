"""Recovery services: child sex trafficking engagements with social service agencies.

A case manager opens an engagement on a missing child case with a social service agency
of the child's care; from then on the agency's staff and the case managers keep its
recovery plan, log each engagement with the youth and each multidisciplinary meeting,
and close it. Each engagement counts once in ``cst.agency_engagements`` for the year it
began and the agency's state; the logs on it do not add engagements.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from clearinghouse.accounts import access
from clearinghouse.accounts.models import Organization
from clearinghouse.audit import events
from clearinghouse.missing.models import MissingCase
from clearinghouse.support.models import (
    ContactMethod,
    CstEngagement,
    MultidisciplinaryMeeting,
    YouthEngagement,
)
from clearinghouse.support.services import (
    SupportError,
    checked_time,
    is_case_manager,
    new_external_id,
    optional_text,
    required_text,
)


def social_service_agencies():
    """The agencies an engagement can be opened with: social service agencies placed in
    a jurisdiction (whose figure it counts in)."""
    return Organization.objects.filter(
        kind=Organization.Kind.SOCIAL_SERVICE, jurisdiction__isnull=False
    ).order_by("name")


def find_case(user, number: str) -> MissingCase:
    """The missing case with that number, among those ``user`` may see."""
    number = (number or "").strip()
    case = access.visible(user, MissingCase).filter(external_id=number).first()
    if case is None:
        raise SupportError(f"No missing case numbered {number!r} is open to you.")
    return case


@transaction.atomic
def open_engagement(
    user, *, agency: Organization, case: MissingCase, engaged_at=None, recovery_plan: str = ""
) -> CstEngagement:
    """Opens an engagement of ``agency`` on ``case``; only case managers refer a case."""
    if not is_case_manager(user):
        raise SupportError("Only case managers open an engagement with an agency.")
    if not social_service_agencies().filter(pk=agency.pk).exists():
        raise SupportError("An engagement is with a social service agency of a state.")
    if not access.can_view(user, case):
        raise SupportError("That missing case is not open to you.")
    if CstEngagement.objects.filter(case=case, agency=agency, closed_at__isnull=True).exists():
        raise SupportError(f"{agency} already has an open engagement on this case.")
    plan = optional_text(recovery_plan, "The recovery plan")
    engagement = CstEngagement.objects.create(
        external_id=new_external_id("CST"),
        engaged_at=checked_time(engaged_at, "The engagement date"),
        agency=agency,
        case=case,
        case_ref=case.external_id,
        recovery_plan=plan,
        recovery_plan_updated_at=timezone.now() if plan else None,
        opened_by=user,
    )
    events.record(
        "support:engagement:created", actor=user, subject=engagement, agency=agency.pk, case=case.pk
    )
    return engagement


def _open(engagement: CstEngagement) -> None:
    if not engagement.is_open:
        raise SupportError("This engagement is closed.")


@transaction.atomic
def update_recovery_plan(user, engagement: CstEngagement, plan: str) -> None:
    _open(engagement)
    engagement.recovery_plan = required_text(plan, "The recovery plan")
    engagement.recovery_plan_updated_at = timezone.now()
    engagement.save(update_fields=["recovery_plan", "recovery_plan_updated_at", "updated_at"])
    events.record(
        "support:engagement:changed", actor=user, subject=engagement, changed="recovery_plan"
    )


@transaction.atomic
def log_youth_engagement(
    user, engagement: CstEngagement, *, occurred_at, method: str, notes: str = ""
) -> YouthEngagement:
    _open(engagement)
    if method not in ContactMethod.values:
        raise SupportError("Choose how the youth was engaged from the list.")
    entry = YouthEngagement.objects.create(
        engagement=engagement,
        occurred_at=checked_time(occurred_at, "The time of the engagement"),
        method=method,
        notes=optional_text(notes, "The notes"),
        recorded_by=user,
    )
    events.record(
        "support:youth_engagement:created", actor=user, subject=entry, engagement=engagement.pk
    )
    return entry


@transaction.atomic
def log_meeting(
    user, engagement: CstEngagement, *, held_at, attendees: str, decisions: str = ""
) -> MultidisciplinaryMeeting:
    _open(engagement)
    meeting = MultidisciplinaryMeeting.objects.create(
        engagement=engagement,
        held_at=checked_time(held_at, "The meeting time"),
        attendees=required_text(attendees, "Who attended", limit=2_000),
        decisions=optional_text(decisions, "The decisions"),
        recorded_by=user,
    )
    events.record("support:meeting:created", actor=user, subject=meeting, engagement=engagement.pk)
    return meeting


@transaction.atomic
def close_engagement(user, engagement: CstEngagement, *, note: str) -> None:
    _open(engagement)
    engagement.closing_note = required_text(note, "Why the engagement ends")
    engagement.closed_at = timezone.now()
    engagement.save(update_fields=["closing_note", "closed_at", "updated_at"])
    events.record("support:engagement:closed", actor=user, subject=engagement)
