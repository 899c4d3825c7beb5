"""Who sees what: ``clearinghouse.accounts.access`` against a fixed cast and records in
Arkansas and Texas for every model."""

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session

import factories as make
from clearinghouse.accounts import access
from clearinghouse.accounts.models import Organization, User
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.missing.models import MissingCase
from clearinghouse.support.models import CstEngagement
from clearinghouse.tipline.models import ReportFile, TiplineReport
from clearinghouse.victimid.models import CvipSubmission

pytestmark = pytest.mark.django_db

MADE_AVAILABLE = "2023-06-02T09:00:00Z"


@pytest.fixture
def cast():
    return make.make_cast()


@pytest.fixture
def records(cast):
    """One or more records of every model, by name; the prefix says the model."""
    ar_police = cast.ar_officer.organization
    tx_police = cast.tx_officer.organization
    ar_social = cast.ar_agency_staff.organization
    other_ar_police = make.make_law_enforcement_agency("AR")
    other_ar_social = make.make_social_service_agency("AR")
    tx_social = make.make_social_service_agency("TX")
    named = {
        "report_ar_available": make.make_report("AR", made_available_at=MADE_AVAILABLE),
        "report_ar_pending": make.make_report("AR"),
        "report_ar_retracted": make.make_report(
            "AR", made_available_at=MADE_AVAILABLE, status=TiplineReport.Status.RETRACTED
        ),
        "report_ar_open": make.make_report(
            "AR", made_available_at=MADE_AVAILABLE, status=TiplineReport.Status.OPEN
        ),
        "report_tx_available": make.make_report("TX", made_available_at=MADE_AVAILABLE),
        "report_unresolved": make.make_report(None),
        "cvip_ar_own": make.make_cvip_submission(ar_police),
        "cvip_ar_other": make.make_cvip_submission(other_ar_police),
        "cvip_tx_own": make.make_cvip_submission(tx_police),
        "child_identified": make.make_identified_child(),
        "missing_ar": make.make_missing_case("AR"),
        "missing_tx": make.make_missing_case("TX"),
        "adam_ar": make.make_team_adam_deployment("AR"),
        "adam_tx": make.make_team_adam_deployment("TX"),
        "cst_ar_own": make.make_cst_engagement(ar_social),
        "cst_ar_other": make.make_cst_engagement(other_ar_social),
        "cst_tx": make.make_cst_engagement(tx_social),
        "hope_ar": make.make_peer_support("AR"),
        "hope_tx": make.make_peer_support("TX"),
        "faon_ar": make.make_mental_health_referral("AR"),
        "faon_tx": make.make_mental_health_referral("TX"),
        "training_ar": make.make_training_registration("AR"),
        "training_tx": make.make_training_registration("TX"),
        "statistic": make.make_published_statistic(),
        "audit_event": make.make_audit_event(actor=cast.analyst),
        "org_ar_police": ar_police,
        "org_tx_police": tx_police,
        "org_ar_social": ar_social,
        "org_other_ar_police": other_ar_police,
        "org_other_ar_social": other_ar_social,
        "org_tx_social": tx_social,
    }
    for name in ("ar_available", "ar_pending", "ar_retracted", "tx_available"):
        named[f"file_{name}"] = make.make_report_file(named[f"report_{name}"])
    for role, user in cast:
        if user.is_authenticated:
            named[f"user_{role}"] = user
            if user.organization and user.organization.kind == Organization.Kind.CLEARINGHOUSE:
                named[f"org_clearinghouse_{role}"] = user.organization
    return named


def names(records, *prefixes):
    return {name for name in records if name.startswith(prefixes)}


def expected(records):
    """What each member of the cast sees: names of records."""
    return {
        "admin": set(records),
        "analyst": names(
            records, "report_", "file_", "cvip_", "child_", "missing_", "adam_", "statistic", "org_"
        ),
        "case_manager": names(records, "missing_", "adam_", "cst_", "hope_", "faon_", "org_"),
        "ar_officer": {
            "report_ar_available",
            "file_ar_available",
            "cvip_ar_own",
            "missing_ar",
            "adam_ar",
            "org_ar_police",
        },
        "tx_officer": {
            "report_tx_available",
            "file_tx_available",
            "cvip_tx_own",
            "missing_tx",
            "adam_tx",
            "org_tx_police",
        },
        "ar_agency_staff": {"cst_ar_own", "org_ar_social"},
        "no_role": set(),
        "anonymous": set(),
    }


def ruled_models():
    """The models the cast's records cover (not reference data, not permission groups)."""
    return [
        apps.get_model(label)
        for label in access.RULES
        if label not in ("geo.Jurisdiction", "auth.Group")
    ]


def test_each_member_of_the_cast_sees_exactly_their_records(cast, records):
    for role, user in cast:
        want = expected(records)[role]
        for model in ruled_models():
            seen = set(access.visible(user, model))
            wanted = {records[name] for name in want if isinstance(records[name], model)}
            assert seen == wanted, f"{role} on {model._meta.label}"


def test_can_view_agrees_with_the_table_for_every_record(cast, records):
    for role, user in cast:
        want = expected(records)[role]
        for name, record in records.items():
            assert access.can_view(user, record) is (name in want), f"{role} on {name}"


def test_an_arkansas_officer_sees_only_arkansas_reports_made_available(cast, records):
    visible = set(access.visible(cast.ar_officer, TiplineReport))

    assert visible == {records["report_ar_available"]}
    assert not access.can_view(cast.ar_officer, records["report_tx_available"])
    assert not access.can_view(cast.ar_officer, records["report_ar_pending"])
    assert not access.can_view(cast.ar_officer, records["report_ar_retracted"])
    assert not access.can_view(cast.ar_officer, records["report_ar_open"])


def test_a_report_becomes_visible_to_its_officers_once_made_available(cast):
    report = make.make_report("AR")
    assert not access.can_view(cast.ar_officer, report)

    report.made_available_at = make.at(MADE_AVAILABLE)
    report.save()

    assert access.can_view(cast.ar_officer, report)
    assert not access.can_view(cast.tx_officer, report)


def test_a_retracted_report_disappears_for_officers_with_its_files(cast):
    report = make.make_report("AR", made_available_at=MADE_AVAILABLE, files=2)
    assert access.visible(cast.ar_officer, ReportFile).count() == 2

    report.status = TiplineReport.Status.RETRACTED
    report.save()

    assert not access.can_view(cast.ar_officer, report)
    assert access.visible(cast.ar_officer, ReportFile).count() == 0
    assert access.can_view(cast.analyst, report)


def test_an_officer_sees_cvip_submissions_of_their_own_agency_only(cast, records):
    colleague = make.make_officer("AR", agency=cast.ar_officer.organization)

    assert set(access.visible(colleague, CvipSubmission)) == {records["cvip_ar_own"]}
    assert set(access.visible(cast.tx_officer, CvipSubmission)) == {records["cvip_tx_own"]}


def test_visible_narrows_a_queryset(cast, records):
    arkansas = TiplineReport.objects.filter(state="AR")

    assert set(access.visible(cast.analyst, arkansas)) == {
        records[name] for name in names(records, "report_ar_")
    }
    assert set(access.visible(cast.tx_officer, arkansas)) == set()
    assert set(access.visible(cast.ar_officer, arkansas)) == {records["report_ar_available"]}


def test_every_role_with_a_valid_account_sees_the_jurisdictions(cast):
    for role, user in cast:
        count = access.visible(user, Jurisdiction).count()
        assert count == (0 if role in ("no_role", "anonymous") else 56), role


def test_a_superuser_without_a_role_is_an_admin(records):
    superuser = make.make_superuser()

    assert access.effective_role(superuser) == User.Role.ADMIN
    for model in ruled_models():
        assert access.visible(superuser, model).count() == model.objects.count()


def test_a_superuser_given_a_role_is_held_to_it(records):
    officer = make.make_officer("AR", is_superuser=True)

    assert set(access.visible(officer, MissingCase)) == {records["missing_ar"]}


def test_an_inactive_user_sees_nothing(cast, records):
    for user in (cast.admin, cast.ar_officer, make.make_superuser()):
        user.is_active = False
        user.save()
        for model in ruled_models():
            assert not access.visible(user, model).exists(), model


def test_a_role_in_the_wrong_kind_of_organization_sees_nothing(records):
    # Bypasses User.clean, as a bad import or a hand-edited row would.
    officer = User.objects.create(
        username="misfiled",
        role=User.Role.OFFICER,
        organization=make.make_social_service_agency("AR"),
    )
    staff = User.objects.create(username="orphan", role=User.Role.AGENCY_STAFF)

    for user in (officer, staff):
        assert access.effective_role(user) is None
        for model in ruled_models():
            assert not access.visible(user, model).exists(), model


def test_an_agency_without_a_jurisdiction_gives_its_officers_no_jurisdiction(records):
    agency = Organization.objects.create(name="Unplaced", kind=Organization.Kind.LAW_ENFORCEMENT)
    officer = User.objects.create(username="unplaced", role=User.Role.OFFICER, organization=agency)
    own = make.make_cvip_submission(agency)

    assert not access.visible(officer, TiplineReport).exists()
    assert not access.visible(officer, MissingCase).exists()
    assert set(access.visible(officer, CvipSubmission)) == {own}


def test_scope_for_names_the_reach_of_each_role(cast):
    assert access.scope_for(cast.admin, TiplineReport) == access.ALL
    assert access.scope_for(cast.ar_officer, TiplineReport).reach is access.Reach.JURISDICTION
    assert access.scope_for(cast.ar_officer, TiplineReport).path == "state"
    assert access.scope_for(cast.ar_agency_staff, CstEngagement).reach is (
        access.Reach.ORGANIZATION
    )
    assert access.scope_for(cast.case_manager, TiplineReport) == access.NONE
    assert access.scope_for(cast.anonymous, TiplineReport) == access.NONE


def test_a_model_without_a_rule_is_an_error_for_everybody(cast):
    for _, user in cast:
        with pytest.raises(access.NoAccessRule, match="sessions.Session"):
            access.visible(user, Session)
        with pytest.raises(access.NoAccessRule):
            access.scope_for(user, Session)


def test_every_model_of_the_platform_has_a_rule():
    ours = {
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("clearinghouse.")
    }
    assert ours - set(access.RULES) == set()


def test_every_rule_names_every_role_and_a_real_model():
    for label, rule in access.RULES.items():
        assert apps.get_model(label)
        assert set(rule) == set(User.Role.values), label


def test_can_view_is_false_for_an_unsaved_record(cast):
    assert not access.can_view(cast.admin, TiplineReport())
