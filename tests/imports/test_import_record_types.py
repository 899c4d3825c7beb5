"""What each record type of the import format stores."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from clearinghouse.accounts.models import Organization
from clearinghouse.education.models import TrainingRegistration
from clearinghouse.impact.models import PublishedStatistic
from clearinghouse.imports.service import import_file
from clearinghouse.missing.models import MissingCase, TeamAdamDeployment
from clearinghouse.support.models import CstEngagement, MentalHealthReferral, PeerSupport
from clearinghouse.tipline.models import TiplineReport
from clearinghouse.victimid.models import CvipSubmission, IdentifiedChild

pytestmark = pytest.mark.django_db

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
PDQ = "f" * 64


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


# -- every type ----------------------------------------------------------------------------


def test_it_imports_a_tipline_report(jsonl, record):
    path = jsonl(
        record(
            "tipline_report", "T-1",
            source="public",
            reporting_org="Example Platform",
            jurisdiction={"country": "US", "state": "AR"},
            made_available_at="2023-03-02T09:00:00-05:00",
            files=[{"md5": MD5.upper(), "sha1": SHA1, "pdq": PDQ, "media_type": "image/jpeg"}, {}],
            batched=True,
            informational=True,
        )
    )  # fmt: skip

    result = import_file(path)

    assert result.stored and result.counts["tipline_report"].created == 1
    report = TiplineReport.objects.get(external_id="T-1")
    assert report.received_at == at("2023-03-01T10:00:00+00:00")
    assert report.incident_type == "child_sex_trafficking"
    assert report.source == "public"
    assert report.status == TiplineReport.Status.FINISHED
    assert report.reporting_org.kind == Organization.Kind.ESP
    assert report.reporting_org.name == "Example Platform"
    assert (report.country, report.state_id) == ("US", "AR")
    assert report.made_available_at == at("2023-03-02T14:00:00+00:00")
    assert report.batched and report.informational
    assert len(report.import_digest) == 64
    files = list(report.files.order_by("position").values())
    assert [f["position"] for f in files] == [1, 2]
    assert (files[0]["md5"], files[0]["sha1"], files[0]["pdq"]) == (MD5, SHA1, PDQ)
    assert files[0]["media_type"] == "image/jpeg"
    assert (files[1]["md5"], files[1]["media_type"]) == ("", "")


def test_it_imports_foreign_and_unresolved_tipline_reports(jsonl, record):
    path = jsonl(
        record("tipline_report", "T-foreign", jurisdiction={"country": "CA"}),
        record("tipline_report", "T-unresolved"),
    )

    assert import_file(path).stored

    foreign = TiplineReport.objects.get(external_id="T-foreign")
    unresolved = TiplineReport.objects.get(external_id="T-unresolved")
    assert (foreign.country, foreign.state_id) == ("CA", None)
    assert (unresolved.country, unresolved.state_id) == ("", None)
    assert unresolved.source == "esp" and unresolved.reporting_org is None
    assert not unresolved.files.exists()


@pytest.mark.parametrize("incident_type", TiplineReport._meta.get_field("incident_type").choices)
def test_it_accepts_incident_types_by_label_and_by_value(jsonl, record, incident_type):
    value, label = incident_type
    path = jsonl(
        record("tipline_report", "by-label", incident_type=label),
        record("tipline_report", "by-value", incident_type=value),
    )

    assert import_file(path).stored

    assert set(TiplineReport.objects.values_list("incident_type", flat=True)) == {value}


def test_it_imports_a_cvip_submission_under_a_law_enforcement_agency(jsonl, record):
    path = jsonl(
        record("cvip_submission", "C-1", file_count=120, reviewed_at="2023-06-01T00:00:00Z")
    )

    assert import_file(path).stored

    submission = CvipSubmission.objects.get(external_id="C-1")
    assert submission.received_at == at("2023-01-10T09:00:00+00:00")
    assert submission.file_count == 120
    assert submission.reviewed_at == at("2023-06-01T00:00:00+00:00")
    assert submission.agency.kind == Organization.Kind.LAW_ENFORCEMENT
    assert submission.agency.name == "Little Rock Police Department"
    assert submission.agency.jurisdiction_id == "AR"


def test_it_imports_an_identified_child(jsonl, record):
    path = jsonl(record("identified_child", "I-1", series="Series A"), record("identified_child"))

    assert import_file(path).stored

    child = IdentifiedChild.objects.get(external_id="I-1")
    assert (child.identified_at, child.series) == (datetime.date(2021, 6, 30), "Series A")
    assert IdentifiedChild.objects.get(external_id="1").series == ""


def test_it_imports_a_missing_case_with_its_child(jsonl, record):
    path = jsonl(
        record(
            "missing_case", "MC-1",
            missing_from_care=True,
            reported_by="child_welfare",
            likely_cst_victim=True,
            status="recovered",
            resolved_at="2023-05-09T00:00:00Z",
            child={"first_name": "Jane", "last_name": "Doe", "date_of_birth": "2009-02-03",
                   "sex": "F"},
        )
    )  # fmt: skip

    assert import_file(path).stored

    case = MissingCase.objects.get(external_id="MC-1")
    assert (case.state_id, case.case_type, case.status) == ("AR", "endangered_runaway", "recovered")
    assert case.missing_from_care and case.likely_cst_victim
    assert case.reported_by == "child_welfare"
    assert case.resolved_at == at("2023-05-09T00:00:00+00:00")
    assert (case.child_first_name, case.child_last_name) == ("Jane", "Doe")
    assert case.child_date_of_birth == datetime.date(2009, 2, 3)
    assert case.child_sex == "F"


def test_a_missing_case_without_child_or_options_gets_the_defaults(jsonl, record):
    assert import_file(jsonl(record("missing_case", "MC-2"))).stored

    case = MissingCase.objects.get(external_id="MC-2")
    assert case.status == "active" and case.reported_by == ""
    assert not case.missing_from_care and not case.likely_cst_victim
    assert (case.child_first_name, case.child_date_of_birth, case.child_sex) == ("", None, "")


def test_child_names_are_encrypted_at_rest_and_read_back(jsonl, record):
    child = {"first_name": "Zebulon", "last_name": "Quixotic", "date_of_birth": "2010-12-24"}
    assert import_file(jsonl(record("missing_case", "MC-1", child=child))).stored

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child_first_name, child_last_name, child_date_of_birth"
            " FROM missing_missingcase WHERE external_id = %s",
            ["MC-1"],
        )
        raw = cursor.fetchone()
    assert all(value.startswith("v1:") for value in raw)
    assert not any(secret in " ".join(raw) for secret in ("Zebulon", "Quixotic", "2010-12-24"))
    case = MissingCase.objects.get(external_id="MC-1")
    assert (case.child_first_name, case.child_last_name) == ("Zebulon", "Quixotic")
    assert case.child_date_of_birth == datetime.date(2010, 12, 24)


def test_it_imports_a_cst_engagement_under_a_social_service_agency(jsonl, record):
    assert import_file(jsonl(record("cst_engagement", "E-1", case_id="MC-1"))).stored

    engagement = CstEngagement.objects.get(external_id="E-1")
    assert engagement.engaged_at == at("2023-05-06T12:00:00+00:00")
    assert engagement.case_ref == "MC-1"
    assert engagement.agency.kind == Organization.Kind.SOCIAL_SERVICE
    assert engagement.agency.jurisdiction_id == "AR"


def test_it_imports_family_support_deployments_and_training(jsonl, record):
    path = jsonl(
        record("peer_support", "P-1"),
        record("mental_health_referral", "H-1"),
        record("team_adam_deployment", "A-1"),
        record("training_registration", "R-1", profession="child_serving_professional"),
    )

    assert import_file(path).stored

    support = PeerSupport.objects.get(external_id="P-1")
    assert (support.family_id, support.state_id) == ("FAM-1", "AR")
    assert support.supported_at == at("2023-02-01T00:00:00+00:00")
    referral = MentalHealthReferral.objects.get(external_id="H-1")
    assert referral.connected_at == at("2023-02-02T00:00:00+00:00")
    deployment = TeamAdamDeployment.objects.get(external_id="A-1")
    assert (deployment.case_ref, deployment.state_id) == ("MC-1", "AR")
    registration = TrainingRegistration.objects.get(external_id="R-1")
    assert registration.profession == "child_serving_professional"


def test_it_imports_published_statistics_as_exact_decimals(jsonl, record):
    path = jsonl(
        record("published_statistic", "S-1"),
        record("published_statistic", "S-2", metric="tipline.reports_received", value=36.2e6),
        record("published_statistic", "S-3", metric="missing.from_care_likely_cst_pct",
               value=18.6),
    )  # fmt: skip

    assert import_file(path).stored

    values = dict(PublishedStatistic.objects.values_list("external_id", "value"))
    assert values == {"S-1": Decimal(28886), "S-2": Decimal(36200000), "S-3": Decimal("18.6")}
    assert PublishedStatistic.objects.get(external_id="S-1").source.startswith("NCMEC")


def test_an_agency_is_reused_across_lines_and_files(jsonl, record):
    assert import_file(jsonl(record("cvip_submission", "C-1"), record("cvip_submission", "C-2")))
    assert import_file(jsonl(record("cvip_submission", "C-3"), name="second.jsonl")).stored

    assert Organization.objects.filter(kind=Organization.Kind.LAW_ENFORCEMENT).count() == 1


def test_an_agency_named_in_another_state_than_stored_is_an_error(jsonl, record, stored_count):
    Organization.objects.create(
        kind=Organization.Kind.LAW_ENFORCEMENT, name="County Sheriff", jurisdiction_id="TX"
    )
    path = jsonl(
        record("cvip_submission", "C-1"),
        record("cvip_submission", "C-2", agency={"name": "County Sheriff", "state": "AR"}),
    )

    result = import_file(path)

    assert [(e.line, e.reason) for e in result.errors] == [
        (2, "agency 'County Sheriff' is on record in TX, not AR")
    ]
    assert stored_count() == 0


# -- times ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2023-03-01T10:00:00", "2023-03-01T10:00:00+00:00"),  # no offset: UTC
        ("2023-03-01 10:00:00", "2023-03-01T10:00:00+00:00"),
        ("2023-03-01T10:00:00Z", "2023-03-01T10:00:00+00:00"),
        ("2023-03-01t10:00:00z", "2023-03-01T10:00:00+00:00"),
        ("2023-03-01T10:00:00.25+00:00", "2023-03-01T10:00:00.250000+00:00"),
        ("2023-03-01T10:00:00-05:00", "2023-03-01T15:00:00+00:00"),
        ("2023-12-31T23:30:00-01:00", "2024-01-01T00:30:00+00:00"),  # into the next year
        ("2023-01-01T00:30:00+05:30", "2022-12-31T19:00:00+00:00"),
    ],
)
def test_times_are_stored_in_utc(jsonl, record, written, stored):
    assert import_file(jsonl(record("peer_support", supported_at=written))).stored

    support = PeerSupport.objects.get()
    assert support.supported_at == at(stored)
    assert support.supported_at.utcoffset() == datetime.timedelta(0)
