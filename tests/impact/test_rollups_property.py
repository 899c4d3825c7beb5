"""The figures read from the rollups equal the figures of the full scans, whatever
sequence of writes came before: inserts, updates (a report finished, retracted, expired,
made available; a case recovered or re-described; an agency moved), deletions and
compactions, through the ORM, ``QuerySet.update`` and the intake's compiled SQL alike."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import transaction
from django.db.models import Max
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearinghouse.accounts.models import Organization
from clearinghouse.core import fastsql
from clearinghouse.education.models import TrainingRegistration
from clearinghouse.impact.rollups import store
from clearinghouse.impact.rollups.check import differences
from clearinghouse.missing.models import MissingCase, TeamAdamDeployment
from clearinghouse.support.models import CstEngagement, MentalHealthReferral, PeerSupport
from clearinghouse.tipline.models import IncidentType, ReportFile, TiplineReport
from clearinghouse.victimid.models import CvipSubmission, IdentifiedChild

pytestmark = pytest.mark.django_db

STATES = ("AR", "TX", "PR")
UNTOUCHED = "WY"  # never given a record: its figures must stay 0 both ways
YEARS = (2022, 2023, 2024)
# The edges of the years, where an off-by-one in a year boundary would show.
MOMENTS = tuple(
    datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)
    for text in (
        "2022-12-31T23:59:59.999999",
        "2023-01-01T00:00:00",
        "2023-06-15T12:00:00",
        "2023-12-31T23:59:59.999999",
        "2024-01-01T00:00:00",
        "2024-07-04T08:00:00",
    )
)
Status = TiplineReport.Status

states = st.sampled_from(STATES)
moments = st.sampled_from(MOMENTS)
maybe_moments = st.none() | moments
picks = st.integers(0, 50)  # which existing row (modulo how many there are)
members = st.integers(0, 3)  # few families and cases, so that they repeat
professions = st.sampled_from(TrainingRegistration.Profession.values)
reporters = st.sampled_from(["", "law_enforcement", "child_welfare", "hhs_orr"])


def op(name: str, *arguments) -> st.SearchStrategy:
    return st.tuples(st.just(name), *arguments)


operations = st.one_of(
    op("report", st.none() | states, moments, st.sampled_from(Status.values), st.booleans(),
       maybe_moments, st.integers(0, 3)),
    op("finish", picks),
    op("retract", picks),
    op("expire_open"),
    op("make_available", picks, moments, states),
    op("receive_again", picks, moments),
    op("add_file", picks),
    op("delete_file", picks),
    op("delete_report", picks),
    op("case", states, moments, st.booleans(), reporters, st.booleans()),
    op("describe_case", picks, states, st.booleans(), reporters, st.booleans()),
    op("recover_case", picks, moments),
    op("delete_case", picks),
    op("cvip", picks, moments, maybe_moments),
    op("review_cvip", picks, maybe_moments),
    op("delete_cvip", picks),
    op("move_agency", picks, st.none() | states),
    op("child", moments),
    op("delete_child", picks),
    op("cst", picks, moments),
    op("delete_cst", picks),
    op("hope", members, states, moments),
    op("hope_family", picks, members),
    op("delete_hope", picks),
    op("faon", members, states, maybe_moments),
    op("connect_faon", picks, maybe_moments),
    op("delete_faon", picks),
    op("adam", members, states, maybe_moments),
    op("deploy_adam", picks, moments),
    op("delete_adam", picks),
    op("training", states, professions, moments),
    op("profession", picks, professions),
    op("delete_training", picks),
    op("compact"),
)  # fmt: skip


class World:
    """Applies operations to the database, the way the platform's code paths write."""

    finish_statement = fastsql.Update(TiplineReport, ["status", "finished_at", "last_changed_at"])

    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.agencies = [
            Organization.objects.create(
                name=f"Synthetic agency {n}", kind=kind, jurisdiction_id=state
            )
            for n, (kind, state) in enumerate(
                [
                    (Organization.Kind.LAW_ENFORCEMENT, "AR"),
                    (Organization.Kind.LAW_ENFORCEMENT, "TX"),
                    (Organization.Kind.SOCIAL_SERVICE, "AR"),
                    (Organization.Kind.SOCIAL_SERVICE, "PR"),
                ]
            )
        ]

    def external_id(self) -> str:
        return f"property-{next(self.ids)}"

    def apply(self, operation: tuple) -> None:
        name, *arguments = operation
        getattr(self, f"do_{name}")(*arguments)

    @staticmethod
    def pick(model, index: int):
        keys = list(model.objects.order_by("pk").values_list("pk", flat=True))
        return model.objects.get(pk=keys[index % len(keys)]) if keys else None

    # -- the CyberTipline: the ORM, bulk updates and the intake's compiled statements

    def do_report(self, state, received_at, status, trafficking, made_available_at, files):
        report = TiplineReport.objects.create(
            external_id=self.external_id(),
            received_at=received_at,
            incident_type=IncidentType.CHILD_SEX_TRAFFICKING
            if trafficking
            else IncidentType.ONLINE_ENTICEMENT,
            status=status,
            state_id=state,
            country="US" if state else "",
            made_available_at=made_available_at,
        )
        ReportFile.objects.bulk_create(
            ReportFile(report=report, position=n, media_type="image/jpeg") for n in range(files)
        )

    def do_finish(self, index):
        report = self.pick(TiplineReport, index)
        if report is not None and report.status == Status.OPEN:
            report.status, report.finished_at = Status.FINISHED, report.received_at
            report.last_changed_at = report.received_at
            self.finish_statement(report)

    def do_retract(self, index):
        report = self.pick(TiplineReport, index)
        if report is not None:
            report.status = Status.RETRACTED
            report.save(update_fields=["status"])

    def do_expire_open(self):
        TiplineReport.objects.filter(status=Status.OPEN).update(status=Status.EXPIRED)

    def do_make_available(self, index, moment, state):
        report = self.pick(TiplineReport, index)
        if report is not None:
            report.made_available_at, report.state_id = moment, state
            report.save()

    def do_receive_again(self, index, moment):
        report = self.pick(TiplineReport, index)
        if report is not None:
            TiplineReport.objects.filter(pk=report.pk).update(received_at=moment)

    def do_add_file(self, index):
        report = self.pick(TiplineReport, index)
        if report is not None:
            position = (report.files.aggregate(last=Max("position"))["last"] or 0) + 1
            ReportFile.objects.create(report=report, position=position, media_type="image/png")

    def do_delete_file(self, index):
        file = self.pick(ReportFile, index)
        if file is not None:
            file.delete()

    def do_delete_report(self, index):
        report = self.pick(TiplineReport, index)
        if report is not None:
            report.delete()

    # -- missing children

    def do_case(self, state, reported_at, from_care, reported_by, likely_cst):
        MissingCase.objects.create(
            external_id=self.external_id(),
            reported_at=reported_at,
            state_id=state,
            case_type=MissingCase.CaseType.ENDANGERED_RUNAWAY,
            missing_from_care=from_care,
            reported_by=reported_by,
            likely_cst_victim=likely_cst,
        )

    def do_describe_case(self, index, state, from_care, reported_by, likely_cst):
        case = self.pick(MissingCase, index)
        if case is not None:
            case.state_id, case.missing_from_care = state, from_care
            case.reported_by, case.likely_cst_victim = reported_by, likely_cst
            case.save()

    def do_recover_case(self, index, moment):
        case = self.pick(MissingCase, index)
        if case is not None:
            case.status, case.resolved_at = MissingCase.Status.RECOVERED, moment
            case.save(update_fields=["status", "resolved_at"])

    def do_delete_case(self, index):
        case = self.pick(MissingCase, index)
        if case is not None:
            case.delete()

    # -- victim identification

    def do_cvip(self, agency, received_at, reviewed_at):
        CvipSubmission.objects.create(
            external_id=self.external_id(),
            received_at=received_at,
            reviewed_at=reviewed_at,
            agency=self.agencies[agency % 2],
        )

    def do_review_cvip(self, index, moment):
        submission = self.pick(CvipSubmission, index)
        if submission is not None:
            CvipSubmission.objects.filter(pk=submission.pk).update(reviewed_at=moment)

    def do_delete_cvip(self, index):
        submission = self.pick(CvipSubmission, index)
        if submission is not None:
            submission.delete()

    def do_move_agency(self, index, state):
        agency = self.agencies[index % len(self.agencies)]
        Organization.objects.filter(pk=agency.pk).update(jurisdiction_id=state)

    def do_child(self, moment):
        IdentifiedChild.objects.create(external_id=self.external_id(), identified_at=moment.date())

    def do_delete_child(self, index):
        child = self.pick(IdentifiedChild, index)
        if child is not None:
            child.delete()

    # -- recovery services and family support

    def do_cst(self, agency, engaged_at):
        CstEngagement.objects.create(
            external_id=self.external_id(),
            engaged_at=engaged_at,
            agency=self.agencies[2 + agency % 2],
        )

    def do_delete_cst(self, index):
        engagement = self.pick(CstEngagement, index)
        if engagement is not None:
            engagement.delete()

    def do_hope(self, family, state, moment):
        PeerSupport.objects.create(
            external_id=self.external_id(),
            family_id=f"family-{family}",
            state_id=state,
            supported_at=moment,
        )

    def do_hope_family(self, index, family):
        contact = self.pick(PeerSupport, index)
        if contact is not None:
            contact.family_id = f"family-{family}"
            contact.save()

    def do_delete_hope(self, index):
        contact = self.pick(PeerSupport, index)
        if contact is not None:
            contact.delete()

    def do_faon(self, family, state, moment):
        MentalHealthReferral.objects.create(
            external_id=self.external_id(),
            family_id=f"family-{family}",
            state_id=state,
            connected_at=moment,
        )

    def do_connect_faon(self, index, moment):
        referral = self.pick(MentalHealthReferral, index)
        if referral is not None:
            referral.connected_at = moment
            referral.save(update_fields=["connected_at"])

    def do_delete_faon(self, index):
        referral = self.pick(MentalHealthReferral, index)
        if referral is not None:
            referral.delete()

    def do_adam(self, case, state, moment):
        TeamAdamDeployment.objects.create(
            external_id=self.external_id(),
            case_ref=f"case-{case}",
            state_id=state,
            deployed_at=moment,
            status=TeamAdamDeployment.Status.DEPLOYED
            if moment
            else TeamAdamDeployment.Status.REQUESTED,
        )

    def do_deploy_adam(self, index, moment):
        deployment = self.pick(TeamAdamDeployment, index)
        if deployment is not None:
            deployment.deployed_at, deployment.status = moment, TeamAdamDeployment.Status.DEPLOYED
            deployment.save()

    def do_delete_adam(self, index):
        deployment = self.pick(TeamAdamDeployment, index)
        if deployment is not None:
            deployment.delete()

    # -- education

    def do_training(self, state, profession, moment):
        TrainingRegistration.objects.create(
            external_id=self.external_id(),
            registered_at=moment,
            state_id=state,
            profession=profession,
        )

    def do_profession(self, index, profession):
        registration = self.pick(TrainingRegistration, index)
        if registration is not None:
            TrainingRegistration.objects.filter(pk=registration.pk).update(profession=profession)

    def do_delete_training(self, index):
        registration = self.pick(TrainingRegistration, index)
        if registration is not None:
            registration.delete()

    def do_compact(self):
        store.compact()


def assert_rollups_equal_full_scans() -> None:
    for year in YEARS:
        assert differences(year, [*STATES, UNTOUCHED]) == []


@settings(
    max_examples=12,
    deadline=None,
    database=None,  # every run explores afresh; nothing is written to the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operations, min_size=1, max_size=30))
def test_rollup_figures_equal_full_scan_figures_after_any_writes(steps):
    with transaction.atomic():
        world = World()
        for step in steps:
            world.apply(step)
        assert_rollups_equal_full_scans()
        store.compact()
        assert_rollups_equal_full_scans()
        transaction.set_rollback(True)  # the next example starts from an empty world
