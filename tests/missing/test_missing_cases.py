"""The case services without HTTP: intake rules, likely duplicates and repeat episodes,
the lifecycle and its refusals, and the 24-hour deadline for children missing from care."""

import datetime

import pytest
from django.utils import timezone
from missing_helpers import service_values, years_ago

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.missing import cases, matching
from clearinghouse.missing.models import MissingCase

pytestmark = pytest.mark.django_db


def state(code: str) -> Jurisdiction:
    return Jurisdiction.objects.get(pk=code)


# -- intake ----------------------------------------------------------------------------


def test_intake_opens_an_active_case_assigned_to_its_case_manager(cast):
    result = cases.intake(service_values(), cast.case_manager)

    case = MissingCase.objects.get()
    assert result.case == case
    assert case.status == "active" and case.assigned_to == cast.case_manager
    assert case.external_id.startswith(f"MC-{timezone.now():%Y}-")
    assert case.entered_by == cast.case_manager
    assert AuditEvent.objects.filter(action="missing:case:created", actor=cast.case_manager)


def test_the_childs_identity_is_encrypted_at_rest(cast):
    from django.db import connection

    case = cases.intake(service_values(circumstances="Left after school"), cast.case_manager).case
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child_first_name, circumstances FROM missing_missingcase WHERE id = %s",
            [case.pk],
        )
        stored = cursor.fetchone()
    assert "Avery" not in stored[0] and "school" not in stored[1]


def test_an_officer_files_in_their_own_jurisdiction_only(cast):
    case = cases.intake(service_values(state=None), cast.ar_officer).case
    assert case.state_id == "AR" and case.assigned_to is None

    with pytest.raises(cases.CaseError) as refused:
        cases.intake(service_values(state=state("TX")), cast.ar_officer)
    assert "own jurisdiction" in refused.value.errors["state"]
    assert MissingCase.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"child_date_of_birth": timezone.now().date() + datetime.timedelta(days=2)},
            "child_date_of_birth",
        ),
        ({"last_seen_at": timezone.now() + datetime.timedelta(hours=2)}, "last_seen_at"),
        ({"risk_factors": ["abuse", "astrology"]}, "risk_factors"),
        ({"missing_from_care": True, "reported_by": "child_welfare"}, "custodial_agency"),
    ],
)
def test_bad_intake_is_refused_with_a_clear_error_and_changes_nothing(cast, overrides, field):
    with pytest.raises(cases.CaseError) as refused:
        cases.intake(service_values(**overrides), cast.case_manager)

    assert field in refused.value.errors
    assert not MissingCase.objects.exists()
    assert not AuditEvent.objects.filter(action="missing:case:created").exists()


def test_hhs_orr_reports_need_no_custodial_agency(cast):
    case = cases.intake(
        service_values(missing_from_care=True, reported_by="hhs_orr"), cast.case_manager
    ).case
    assert case.missing_from_care and case.custodial_agency is None


def test_a_custodial_agency_must_be_a_social_service_agency(cast):
    police = make.make_law_enforcement_agency("AR")
    with pytest.raises(cases.CaseError) as refused:
        cases.intake(
            service_values(missing_from_care=True, custodial_agency=police), cast.case_manager
        )
    assert "social service" in refused.value.errors["custodial_agency"]


# -- the same child --------------------------------------------------------------------


def test_names_are_compared_loosely():
    assert matching.name_similarity("Avery", "Synthetic", "avery", "SYNTHETIC") == 1.0
    assert matching.name_similarity("Zoë", "O'Neil", "Zoe", "ONeil") == 1.0
    assert matching.name_similarity("Avery", "Synthetic", "Synthetic", "Avery") == 1.0
    assert matching.name_similarity("Avery", "Synthetic", "Averi", "Synthetik") >= 0.85
    assert matching.name_similarity("Avery", "Synthetic", "Jordan", "Example") < 0.5


def test_a_second_report_of_an_open_case_is_flagged_as_a_likely_duplicate(cast):
    first = cases.intake(service_values(), cast.case_manager).case

    second = cases.intake(
        service_values(child_first_name="Averi", child_last_name="Synthetik"), cast.ar_officer
    )

    assert second.duplicate_of == first
    assert second.case.possible_duplicate_of == first and second.case.duplicate_score >= 0.85
    assert second.previous_episode is None


def test_the_same_name_with_another_date_of_birth_is_not_a_duplicate(cast):
    cases.intake(service_values(), cast.case_manager)
    other = cases.intake(service_values(child_date_of_birth=years_ago(12)), cast.case_manager)
    assert other.duplicate_of is None and other.case.possible_duplicate_of is None


def test_a_child_missing_again_is_linked_and_goes_to_the_same_case_manager(cast):
    first_manager = make.make_case_manager(username="first_manager")
    first = cases.intake(service_values(), first_manager).case
    cases.recover(first, first_manager, city="Little Rock", state=state("AR"), condition="unharmed")

    again = cases.intake(service_values(), cast.case_manager)

    assert again.previous_episode == first and again.duplicate_of is None
    assert again.case.previous_episode == first
    assert again.case.assigned_to == first_manager
    assert "prior_episodes" in again.case.risk_factors


def test_imported_cases_are_found_too(cast):
    """The bulk import writes without save(): the match key is filled in on first use."""
    imported = make.make_missing_case(
        "AR",
        child_first_name="Avery",
        child_last_name="Synthetic",
        child_date_of_birth=years_ago(14),
    )
    MissingCase.objects.filter(pk=imported.pk).update(child_match_key="")

    result = cases.intake(service_values(), cast.case_manager)

    assert result.duplicate_of == imported


# -- the lifecycle ---------------------------------------------------------------------


@pytest.fixture
def case(cast):
    return cases.intake(service_values(), cast.case_manager).case


def test_recovery_records_when_where_and_how(cast, case):
    when = timezone.now() - datetime.timedelta(hours=1)
    cases.recover(
        case,
        cast.ar_officer,
        when=when,
        city="Memphis",
        state=state("TN"),
        condition="injured",
        note="Found at a bus station",
    )

    case.refresh_from_db()
    assert (case.status, case.resolved_at, case.recovered_city) == ("recovered", when, "Memphis")
    assert case.recovery_condition == "injured" and case.resolution_note == "Found at a bus station"
    assert AuditEvent.objects.filter(action="missing:case:recovered", actor=cast.ar_officer)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"city": "Memphis", "state": "TN"}, "recovery_condition"),
        ({"condition": "unharmed"}, "recovered_city"),
        (
            {"city": "Memphis", "state": "TN", "condition": "unharmed", "future": True},
            "resolved_at",
        ),
        (
            {"city": "Memphis", "state": "TN", "condition": "unharmed", "before": True},
            "resolved_at",
        ),
    ],
)
def test_a_bad_recovery_is_refused(cast, case, kwargs, field):
    kwargs = dict(kwargs)
    if kwargs.pop("future", False):
        kwargs["when"] = timezone.now() + datetime.timedelta(days=1)
    if kwargs.pop("before", False):
        kwargs["when"] = case.last_seen_at - datetime.timedelta(days=1)
    if "state" in kwargs:
        kwargs["state"] = state(kwargs["state"])

    with pytest.raises(cases.CaseError) as refused:
        cases.recover(case, cast.case_manager, **kwargs)

    assert field in refused.value.errors
    case.refresh_from_db()
    assert case.status == "active" and case.resolved_at is None


def test_only_an_active_case_is_resolved_and_only_a_resolved_one_reopened(cast, case):
    with pytest.raises(cases.CaseError, match="already active"):
        cases.reopen(case, cast.case_manager, reason="checking")
    cases.close(case, cast.case_manager, reason="Reported in error")

    with pytest.raises(cases.CaseError, match="closed .*Reopen it first"):
        cases.recover(case, cast.case_manager, city="X", state=state("AR"), condition="unharmed")
    with pytest.raises(cases.CaseError, match="closed"):
        cases.locate_deceased(case, cast.case_manager, city="X", state=state("AR"))
    with pytest.raises(cases.CaseError):
        cases.close(case, cast.case_manager, reason="again")

    cases.reopen(case, cast.case_manager, reason="Missing again after all")
    case.refresh_from_db()
    assert case.status == "active" and case.resolved_at is None and case.resolution_note == ""
    cases.locate_deceased(case, cast.case_manager, city="Hot Springs", state=state("AR"))
    case.refresh_from_db()
    assert case.status == "located_deceased"
    actions = AuditEvent.objects.filter(subject_id=str(case.pk)).values_list("action", flat=True)
    assert {"missing:case:closed", "missing:case:reopened", "missing:case:located_deceased"} <= set(
        actions
    )


def test_closing_and_reopening_need_a_reason(cast, case):
    with pytest.raises(cases.CaseError):
        cases.close(case, cast.case_manager, reason="  ")
    cases.close(case, cast.case_manager, reason="Duplicate report")
    with pytest.raises(cases.CaseError):
        cases.reopen(case, cast.case_manager, reason="")


# -- the 24-hour deadline --------------------------------------------------------------


def test_the_deadline_is_24_hours_after_the_agency_learned(cast, custodial_agency):
    learned = timezone.now() - datetime.timedelta(hours=30)
    case = cases.intake(
        service_values(
            missing_from_care=True,
            reported_by="child_welfare",
            custodial_agency=custodial_agency,
            care_missing_known_at=learned,
        ),
        cast.case_manager,
    ).case

    deadline = cases.care_deadline(case)
    assert deadline.due_at == learned + datetime.timedelta(hours=24)
    assert deadline.state == "overdue"

    case.law_enforcement_notified_at = learned + datetime.timedelta(hours=2)
    assert cases.care_deadline(case).state == "late"  # reported to us after 30 hours

    case.reported_at = learned + datetime.timedelta(hours=3)
    assert cases.care_deadline(case).state == "met"

    case.law_enforcement_notified_at = None
    case.care_missing_known_at = timezone.now() - datetime.timedelta(hours=1)
    assert cases.care_deadline(case).state == "due"


def test_a_child_not_from_care_has_no_deadline(cast):
    assert cases.care_deadline(cases.intake(service_values(), cast.case_manager).case) is None


def test_the_dashboard_shows_open_cases_deadlines_and_recoveries(cast, custodial_agency):
    from_care = cases.intake(
        service_values(
            missing_from_care=True,
            reported_by="child_welfare",
            custodial_agency=custodial_agency,
            child_first_name="Robin",
            care_missing_known_at=timezone.now() - datetime.timedelta(hours=2),
        ),
        cast.case_manager,
    ).case
    recovered = cases.intake(service_values(child_first_name="Sky"), cast.case_manager).case
    cases.recover(
        recovered, cast.case_manager, city="Conway", state=state("AR"), condition="unharmed"
    )
    texas = cases.intake(
        service_values(state=state("TX"), child_first_name="Lee"), cast.case_manager
    )

    board = cases.dashboard(cast.case_manager)
    assert set(board["open_cases"]) == {from_care, texas.case}
    assert [case for case, _ in board["deadlines"]] == [from_care]
    assert list(board["recoveries"]) == [recovered]

    officer_board = cases.dashboard(cast.tx_officer)
    assert list(officer_board["open_cases"]) == [texas.case]
    assert officer_board["deadlines"] == [] and not officer_board["recoveries"]
