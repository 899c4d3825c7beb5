import pytest
import record_builders as make
from django.db import connection

from clearinghouse.impact.figures import KEYS, FigureUnavailable, figure_value
from clearinghouse.tipline.models import IncidentType, TiplineReport

pytestmark = pytest.mark.django_db


def state(key, year=2023, code="AR"):
    return figure_value(key, year, code).value


def national(key, year=2023):
    return figure_value(key, year).value


def test_the_registry_holds_every_key_of_the_spec():
    assert KEYS == (
        "tipline.reports_received",
        "tipline.files_received",
        "tipline.reports_made_available",
        "cvip.children_identified",
        "cvip.submissions_reviewed",
        "missing.cases",
        "missing.cases_from_care",
        "missing.cases_hhs_orr",
        "missing.cases_other",
        "missing.from_care_likely_cst_pct",
        "cst.tipline_reports",
        "cst.agency_engagements",
        "hope.families_supported",
        "faon.families_connected",
        "adam.cases_assisted",
        "education.registered_users",
        "education.new_professionals",
    )


def test_every_figure_is_zero_without_records_and_written_0():
    for key in KEYS:
        for code in ("AR", None):
            try:
                value = figure_value(key, 2023, code)
            except ValueError:
                continue  # not a figure of that scope
            assert value.value == 0, key
            assert value.text in {"0", "0%", "0 cases"}, (key, value.text)
            assert value.source == "records"


def test_a_case_on_the_last_second_of_the_year_counts_in_that_year():
    make.missing_cases(1, state="AR", reported_at="2023-12-31T23:59:59Z")
    make.missing_cases(1, state="AR", reported_at="2024-01-01T00:00:00Z")
    make.missing_cases(1, state="AR", reported_at="2022-12-31T23:59:59.999999Z")
    assert state("missing.cases", 2023) == 1
    assert state("missing.cases", 2024) == 1
    assert state("missing.cases", 2022) == 1


def test_years_are_utc_calendar_years_whatever_the_offset():
    # 18:00 on New Year's Eve in Arkansas is already the next year in UTC.
    make.missing_cases(1, state="AR", reported_at="2023-12-31T18:00:00-06:00")
    assert state("missing.cases", 2023) == 0
    assert state("missing.cases", 2024) == 1


def test_retracted_expired_and_unfinished_reports_never_count():
    common = dict(state="AR", made_available_at="2023-06-02T00:00:00Z", files=2)
    make.reports(3, **common)
    make.reports(1, status=TiplineReport.Status.RETRACTED, **common)
    make.reports(1, status=TiplineReport.Status.EXPIRED, **common)
    make.reports(1, status=TiplineReport.Status.OPEN, **common)
    assert state("tipline.reports_made_available") == 3
    assert national("tipline.reports_received") == 3
    assert national("tipline.files_received") == 6


def test_a_report_counts_for_its_state_in_the_year_it_was_made_available():
    make.reports(
        2, state="AR", received_at="2023-12-30T00:00:00Z", made_available_at="2024-01-02T00:00:00Z"
    )
    make.reports(1, state="TX", made_available_at="2023-06-02T00:00:00Z")
    make.reports(1, state="AR")  # not made available yet
    make.reports(1, country="PH")  # a foreign referral
    make.reports(1)  # unresolved
    assert state("tipline.reports_made_available", 2023) == 0
    assert state("tipline.reports_made_available", 2024) == 2
    assert state("tipline.reports_made_available", 2023, "TX") == 1
    assert national("tipline.reports_received", 2023) == 6


def test_child_sex_trafficking_reports_are_counted_by_incident_type():
    make.reports(2, incident_type=IncidentType.CHILD_SEX_TRAFFICKING)
    make.reports(
        1, incident_type=IncidentType.CHILD_SEX_TRAFFICKING, status=TiplineReport.Status.RETRACTED
    )
    make.reports(4, incident_type=IncidentType.ONLINE_ENTICEMENT)
    assert national("cst.tipline_reports") == 2


def test_missing_cases_split_into_from_care_hhs_orr_and_other():
    make.missing_cases(5, state="AR", missing_from_care=True, reported_by="child_welfare")
    # Reported by HHS-ORR: never "from care", even when the child left a facility.
    make.missing_cases(2, state="AR", missing_from_care=True, reported_by="hhs_orr")
    make.missing_cases(1, state="AR", missing_from_care=False, reported_by="hhs_orr")
    make.missing_cases(3, state="AR", reported_by="parent_guardian")
    make.missing_cases(7, state="TX", missing_from_care=True)
    assert state("missing.cases") == 11
    assert state("missing.cases_from_care") == 5
    assert state("missing.cases_hhs_orr") == 3
    assert state("missing.cases_other") == 3
    assert national("missing.cases") == 18
    assert national("missing.cases_from_care") == 12


def test_likely_trafficking_share_is_of_from_care_cases_rounded():
    make.missing_cases(1, state="AR", missing_from_care=True, likely_cst_victim=True)
    make.missing_cases(4, state="TX", missing_from_care=True)
    make.missing_cases(3, state="TX", likely_cst_victim=True)  # not from care
    make.missing_cases(
        2, state="TX", missing_from_care=True, reported_by="hhs_orr", likely_cst_victim=True
    )
    assert national("missing.from_care_likely_cst_pct") == 20
    assert figure_value("missing.from_care_likely_cst_pct", 2023).text == "20%"


def test_cvip_submissions_count_by_agency_state_and_review_year():
    make.cvip_submissions(3, state="AR", reviewed_at="2023-02-01T00:00:00Z")
    make.cvip_submissions(1, state="AR", reviewed_at=None)
    make.cvip_submissions(
        1, state="AR", reviewed_at="2024-01-01T00:00:00Z", received_at="2023-12-01T00:00:00Z"
    )
    make.cvip_submissions(2, state="TX", reviewed_at="2023-02-01T00:00:00Z")
    assert state("cvip.submissions_reviewed") == 3


def test_identified_children_accumulate_to_the_end_of_the_year():
    make.identified_children(2, identified_at="2019-05-01")
    make.identified_children(1, identified_at="2023-12-31")
    make.identified_children(1, identified_at="2024-01-01")
    assert national("cvip.children_identified", 2022) == 2
    assert national("cvip.children_identified", 2023) == 3


def test_families_and_cases_are_counted_once_however_many_contacts():
    make.peer_support(4, state="AR", contacts_each=3)
    make.peer_support(2, state="TX")
    make.peer_support(5, state="AR", supported_at="2022-06-01T00:00:00Z", family_prefix="old")
    make.mental_health_referrals(3, state="AR", each=2)
    make.team_adam(1, state="AR", deployments_each=2)
    assert state("hope.families_supported") == 4
    assert national("hope.families_supported") == 6
    assert state("faon.families_connected") == 3
    assert state("adam.cases_assisted") == 1
    assert figure_value("adam.cases_assisted", 2023, "AR").text == "1 case"


def test_team_adam_cases_agree_in_number():
    make.team_adam(2, state="AR")
    assert figure_value("adam.cases_assisted", 2023, "AR").text == "2 cases"
    assert figure_value("adam.cases_assisted", 2023, "TX").text == "0 cases"


def test_cst_engagements_count_by_agency_state():
    make.cst_engagements(4, state="AR")
    make.cst_engagements(1, state="AR", engaged_at="2024-02-01T00:00:00Z")
    make.cst_engagements(2, state="OK")
    assert state("cst.agency_engagements") == 4


def test_education_counts_new_professionals_and_all_registered_users():
    make.registrations(3, state="AR", profession="law_enforcement")
    make.registrations(2, state="AR", profession="child_serving_professional")
    make.registrations(4, state="AR", profession="other")
    make.registrations(6, state="AR", registered_at="2021-01-01T00:00:00Z")
    assert state("education.new_professionals") == 5
    assert national("education.registered_users", 2023) == 15
    assert national("education.registered_users", 2021) == 6


def test_state_figures_always_come_from_records_even_when_published(settings):
    settings.NATIONAL_FIGURES = "published"
    make.published("missing.cases", 2023, 28_886)
    make.missing_cases(2, state="AR")
    assert state("missing.cases") == 2
    national_value = figure_value("missing.cases", 2023)
    assert (national_value.value, national_value.source) == (28_886, "published")
    assert national_value.citation == "Synthetic test citation"


def test_a_published_only_deployment_refuses_a_missing_statistic(settings):
    settings.NATIONAL_FIGURES = "published"
    with pytest.raises(FigureUnavailable, match="tipline.reports_received in 2023"):
        figure_value("tipline.reports_received", 2023)


def test_auto_uses_records_when_nothing_is_published(settings):
    settings.NATIONAL_FIGURES = "auto"
    make.reports(2)
    make.published("tipline.reports_received", 2022, 5)
    assert figure_value("tipline.reports_received", 2023).source == "records"
    assert figure_value("tipline.reports_received", 2022).value == 5


def test_a_national_deployment_ignores_published_statistics(settings):
    settings.NATIONAL_FIGURES = "records"
    make.published("tipline.reports_received", 2023, 36_210_368)
    make.reports(2)
    assert figure_value("tipline.reports_received", 2023).value == 2


def test_a_figure_is_a_handful_of_queries(django_assert_max_num_queries):
    make.missing_cases(3, state="AR", missing_from_care=True)
    with django_assert_max_num_queries(3):
        state("missing.cases_other")
    assert connection.vendor in {"sqlite", "postgresql"}
