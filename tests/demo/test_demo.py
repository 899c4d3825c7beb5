"""The demo: its synthetic world, imported through the real import path, holds Arkansas
2023 exactly as the seed sheet; the same seed writes the same files; running it again
changes nothing but the users' passwords."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, Max, Min
from testdb import ensure_jurisdictions

from clearinghouse.accounts import signin, totp
from clearinghouse.accounts.models import Organization, SecondFactor, User
from clearinghouse.audit import triggers
from clearinghouse.audit.models import AuditEvent
from clearinghouse.demo import plan
from clearinghouse.demo.management.commands import demo as demo_command
from clearinghouse.demo.service import import_world
from clearinghouse.demo.users import create_demo_users
from clearinghouse.demo.world import RECORD_TYPES, generate_world
from clearinghouse.education.models import TrainingRegistration
from clearinghouse.impact.figures import FIGURES, STATE, figure_value
from clearinghouse.impact.models import PublishedStatistic
from clearinghouse.imports.records import KINDS
from clearinghouse.missing.models import MissingCase, TeamAdamDeployment
from clearinghouse.support.models import CstEngagement, MentalHealthReferral, PeerSupport
from clearinghouse.tipline.models import ReportFile, TiplineReport
from clearinghouse.victimid.models import CvipSubmission

# Small enough to be quick, large enough that every jurisdiction has a few records.
SCALE = 0.01
UTC = datetime.UTC
START_2023 = datetime.datetime(2023, 1, 1, tzinfo=UTC)
START_2024 = datetime.datetime(2024, 1, 1, tzinfo=UTC)
COUNTED_PROFESSIONS = ["law_enforcement", "child_serving_professional"]
RECORD_MODELS = [kind.model for kind in KINDS.values()]


def in_2023(field: str) -> dict:
    return {f"{field}__gte": START_2023, f"{field}__lt": START_2024}


def lines_of(path: Path, pattern: str) -> list[str]:
    return [line for line in path.read_text().splitlines() if re.search(pattern, line)]


def digests(directory: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.glob("*.jsonl"))
    }


class Snapshot:
    """The newest row of each table the demo writes to, to remove what came after."""

    MODELS = [*RECORD_MODELS, User, AuditEvent, Organization]

    def __init__(self) -> None:
        self.last = {model: self._max_pk(model) for model in self.MODELS}

    @staticmethod
    def _max_pk(model) -> int:
        return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def restore(self) -> None:
        # The audit trail is append-only (database triggers): lifted, as only a test may,
        # to take back the events of the import.
        with triggers.lifted():
            for model in self.MODELS:  # records before the organizations they point to
                model.objects.filter(pk__gt=self.last[model]).delete()


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A small demo world, written but not imported."""
    return generate_world(tmp_path_factory.mktemp("demo") / "demo", seed=2023, scale=SCALE)


@pytest.fixture(scope="module")
def world(written, django_db_setup, django_db_blocker):
    """The small world, imported once into the test database for this module's database
    tests (and removed after them: other modules expect an empty database)."""
    with django_db_blocker.unblock():
        ensure_jurisdictions()
        snapshot = Snapshot()
        try:
            import_world(written)
            yield written
        finally:
            snapshot.restore()


# -- Arkansas 2023 is the seed sheet -------------------------------------------------------


@pytest.mark.django_db
def test_arkansas_2023_holds_exactly_the_seed_sheets_figures(world):
    reports = TiplineReport.objects.filter(state="AR", **in_2023("made_available_at"))
    assert reports.filter(status=TiplineReport.Status.FINISHED).count() == 5_070
    assert (
        CvipSubmission.objects.filter(agency__jurisdiction="AR", **in_2023("reviewed_at")).count()
        == 30
    )

    cases = MissingCase.objects.filter(state="AR", **in_2023("reported_at"))
    assert cases.count() == 255
    assert cases.filter(missing_from_care=True).exclude(reported_by="hhs_orr").count() == 203
    assert cases.filter(reported_by="hhs_orr").count() == 14
    assert cases.filter(missing_from_care=False).exclude(reported_by="hhs_orr").count() == 38

    assert (
        CstEngagement.objects.filter(agency__jurisdiction="AR", **in_2023("engaged_at")).count()
        == 17
    )
    supported = PeerSupport.objects.filter(state="AR", **in_2023("supported_at"))
    assert supported.values("family_id").distinct().count() == 38
    connected = MentalHealthReferral.objects.filter(state="AR", **in_2023("connected_at"))
    assert connected.values("family_id").distinct().count() == 36
    deployments = TeamAdamDeployment.objects.filter(state="AR", **in_2023("deployed_at"))
    assert deployments.values("case_ref").distinct().count() == 1
    registrations = TrainingRegistration.objects.filter(state="AR", **in_2023("registered_at"))
    assert registrations.filter(profession__in=COUNTED_PROFESSIONS).count() == 174


@pytest.mark.django_db
def test_records_that_must_not_count_are_there_and_do_not(world):
    """Several records per family and per case, other professions, and the edges."""
    assert PeerSupport.objects.filter(state="AR", **in_2023("supported_at")).count() > 38
    assert TeamAdamDeployment.objects.filter(state="AR", **in_2023("deployed_at")).count() == 2
    assert TrainingRegistration.objects.filter(
        state="AR", profession="other", **in_2023("registered_at")
    ).exists()
    made_available_in_2024 = TiplineReport.objects.filter(
        state="AR",
        received_at__lt=START_2024,
        made_available_at__gte=START_2024,
        made_available_at__lt=datetime.datetime(2024, 1, 2, tzinfo=UTC),
    )
    assert made_available_in_2024.count() >= 3
    assert TiplineReport.objects.filter(
        state="AR", made_available_at=None, **in_2023("received_at")
    ).exists()
    assert TiplineReport.objects.filter(country="", **in_2023("received_at")).exists()
    assert TiplineReport.objects.filter(state=None, country="MX").exists()
    assert (
        CvipSubmission.objects.filter(
            agency__jurisdiction="AR", reviewed_at=None, **in_2023("received_at")
        ).count()
        == 3
    )
    # Reported on New Year's Eve in Arkansas time, which is 2024 in UTC.
    late = MissingCase.objects.get(external_id="demo-case-AR-edge-01")
    assert late.reported_at == datetime.datetime(2024, 1, 1, 2, tzinfo=UTC)
    assert PeerSupport.objects.filter(state="AR", supported_at__year=2022).exists()
    # HHS-ORR children are often missing from its care; they never count as from care.
    assert MissingCase.objects.filter(
        state="AR", reported_by="hhs_orr", missing_from_care=True, **in_2023("reported_at")
    ).exists()


@pytest.mark.django_db
def test_the_figures_of_the_platform_are_the_seed_sheets(world):
    state_figures = [key for key, figure in FIGURES.items() if STATE in figure.scopes]
    assert {
        key: figure_value(key, 2023, "AR").value for key in state_figures
    } == plan.ARKANSAS_2023.by_metric()
    assert figure_value("adam.cases_assisted", 2023, "AR").text == "1 case"


@pytest.mark.django_db
def test_national_figures_are_published_statistics_rendered_as_on_the_sheet(world):
    shown = {key: figure_value(key, 2023) for key in plan.NATIONAL_2023}
    assert {key: value.text for key, value in shown.items()} == {
        "tipline.reports_received": "36.2 million",
        "tipline.files_received": "more than 105 million",
        "cvip.children_identified": "27,130",
        "missing.cases": "28,886",
        "missing.cases_from_care": "22,442",
        "missing.from_care_likely_cst_pct": "19%",
        "cst.tipline_reports": "more than 18,400",
        "hope.families_supported": "5,759",
        "education.registered_users": "more than 18,000",
    }
    assert {value.citation for value in shown.values()} == {
        "NCMEC, Arkansas Data (state data sheet), 2023"
    }


@pytest.mark.django_db
def test_other_years_have_synthetic_statistics_that_are_labelled_so(world):
    others = PublishedStatistic.objects.exclude(year=2023)
    assert sorted(others.values_list("year", flat=True).distinct()) == [2021, 2022, 2024]
    assert set(others.values_list("source", flat=True)) == {
        "Synthetic demo value (not a published statistic)"
    }
    for metric in plan.CUMULATIVE_METRICS:  # running totals only grow
        values = PublishedStatistic.objects.filter(metric=metric).order_by("year")
        assert list(values.values_list("value", flat=True)) == sorted(
            values.values_list("value", flat=True)
        )
    for year in (2021, 2022, 2024):
        cases = PublishedStatistic.objects.get(metric="missing.cases", year=year).value
        from_care = PublishedStatistic.objects.get(metric="missing.cases_from_care", year=year)
        assert 0 < from_care.value < cases


@pytest.mark.django_db
def test_other_jurisdictions_hold_the_figures_planned_for_them(world):
    for code, year in [("TX", 2021), ("CA", 2023), ("WY", 2024), ("PR", 2022), ("AR", 2021)]:
        planned = world.figures[code, year].by_metric()
        assert {key: figure_value(key, year, code).value for key in planned} == planned


def test_jurisdictions_are_sized_by_population():
    texas = plan.planned_figures("TX", 2023, seed=2023, scale=1)
    wyoming = plan.planned_figures("WY", 2023, seed=2023, scale=1)
    # Texas has 50 times Wyoming's people; noise does not blur that.
    assert texas.cases > 20 * wyoming.cases
    assert 500 < texas.cases < 4_000  # 255 for Arkansas's 3 million people
    arkansas_2022 = plan.planned_figures("AR", 2022, seed=2023, scale=0.01)
    assert 150 < arkansas_2022.cases < 400  # Arkansas keeps its size at any scale


# -- what the records look like ------------------------------------------------------------


@pytest.mark.django_db
def test_children_are_visibly_synthetic_and_3_to_17_when_reported(world):
    for case in MissingCase.objects.filter(state="AR", **in_2023("reported_at")):
        assert case.child_first_name == "Demo"
        assert case.child_last_name.startswith("Child-AR23-")
        reported = case.reported_at.date()
        born = case.child_date_of_birth
        age = reported.year - born.year - ((reported.month, reported.day) < (born.month, born.day))
        assert 3 <= age <= 17, (case.external_id, born, reported)
        assert case.child_sex in {"F", "M", "U"}


@pytest.mark.django_db
def test_agencies_and_platforms_are_visibly_synthetic(world):
    names = set(Organization.objects.values_list("name", flat=True))
    assert "Demo County Sheriff's Office (AR)" in names
    assert "Example Platform 1" in names
    assert all("Demo" in name or name.startswith("Example Platform ") for name in names)
    assert Organization.objects.get(name="Arkansas Demo Police Department").jurisdiction_id == "AR"


@pytest.mark.django_db
def test_reports_have_one_to_four_files_known_by_hashes(world):
    reports = TiplineReport.objects.filter(state="AR", **in_2023("made_available_at"))
    per_report = reports.annotate(files_held=Count("files")).aggregate(
        fewest=Min("files_held"), most=Max("files_held")
    )
    assert (per_report["fewest"], per_report["most"]) == (1, 4)
    for file in ReportFile.objects.filter(report__in=reports[:50]):
        assert re.fullmatch(r"[0-9a-f]{32}", file.md5)
        assert re.fullmatch(r"[0-9a-f]{40}", file.sha1)
        assert file.media_type in {"image/jpeg", "video/mp4"}


@pytest.mark.django_db
def test_team_adam_and_cst_cases_are_missing_cases_of_the_same_state(world):
    cases = dict(MissingCase.objects.values_list("external_id", "state_id"))
    for case_ref, state in TeamAdamDeployment.objects.values_list("case_ref", "state_id"):
        assert cases[case_ref] == state
    engagements = CstEngagement.objects.values_list("case_ref", "agency__jurisdiction_id")
    assert engagements.exists()
    for case_ref, state in engagements:
        assert cases[case_ref] == state


# -- same seed, same world; again, nothing changes -----------------------------------------


def test_the_same_seed_writes_the_same_files(tmp_path):
    first = generate_world(tmp_path / "first", seed=7, scale=SCALE)
    second = generate_world(tmp_path / "second", seed=7, scale=SCALE)
    assert digests(first.directory) == digests(second.directory)
    assert sorted(digests(first.directory)) == sorted(f"{kind}.jsonl" for kind in RECORD_TYPES)


def test_another_seed_writes_another_world_with_the_same_arkansas_figures(tmp_path):
    first = generate_world(tmp_path / "first", seed=7, scale=SCALE)
    second = generate_world(tmp_path / "second", seed=8, scale=SCALE)
    assert digests(first.directory) != digests(second.directory)
    assert first.figures["AR", 2023] == second.figures["AR", 2023] == plan.ARKANSAS_2023


def test_arkansas_2023_records_do_not_depend_on_the_scale(tmp_path):
    small = generate_world(tmp_path / "small", seed=2023, scale=0)
    large = generate_world(tmp_path / "large", seed=2023, scale=SCALE)
    assert small.total < large.total
    for kind in RECORD_TYPES:
        arkansas = r'"id":"demo-[a-z]+-AR-(2023|edge)-'
        assert lines_of(small.paths[kind], arkansas) == lines_of(large.paths[kind], arkansas)


def test_lines_are_compact_json_of_the_import_format(written):
    line = written.paths["cvip_submission"].read_text().splitlines()[0]
    assert ", " not in line and '": ' not in line
    assert set(json.loads(line)) <= {
        "type",
        "id",
        "received_at",
        "agency",
        "file_count",
        "reviewed_at",
    }


@pytest.mark.django_db
def test_importing_the_world_again_changes_nothing(world):
    before = {model: model.objects.count() for model in [*RECORD_MODELS, ReportFile]}
    last_update = MissingCase.objects.order_by("-updated_at").values_list("updated_at").first()

    results = import_world(world)

    assert sum(result.total("created") + result.total("updated") for result in results) == 0
    assert sum(result.total("unchanged") for result in results) == world.total
    assert {model: model.objects.count() for model in before} == before
    assert MissingCase.objects.order_by("-updated_at").values_list("updated_at").first() == (
        last_update
    )


# -- users -------------------------------------------------------------------------------


@pytest.fixture
def fast_hashing(settings):
    """The real hasher is slow on purpose; these tests check passwords by the dozen."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_there_is_one_demo_user_per_role_in_the_right_organization(world, fast_hashing):
    accounts = {account.username: account for account in create_demo_users()}

    assert set(accounts) == {
        "demo-admin",
        "demo-analyst",
        "demo-case-manager",
        "demo-officer",
        "demo-agency-staff",
    }
    users = {user.username: user for user in User.objects.filter(username__in=accounts)}
    for username, account in accounts.items():
        assert authenticate(username=username, password=account.password) == users[username]
        assert len(account.password) >= 20
        # Enrolled with the printed key: its code signs in, once.
        factor = SecondFactor.objects.get(user=users[username])
        assert factor.secret == account.secret and factor.confirmed_at is not None
        assert signin.check_code(factor, totp.code(account.secret, totp.step_at()))
    admin = users["demo-admin"]
    assert (admin.role, admin.is_superuser, admin.is_staff) == ("admin", True, True)
    for username in ("demo-analyst", "demo-case-manager"):
        assert users[username].is_staff and not users[username].is_superuser
        assert users[username].organization.name == "Demo National Clearinghouse"
        assert users[username].organization.kind == "clearinghouse"
    officer, staff = users["demo-officer"], users["demo-agency-staff"]
    assert (
        officer.role,
        officer.organization.name,
        officer.organization.kind,
        officer.organization.jurisdiction_id,
    ) == ("officer", "Arkansas Demo Police Department", "law_enforcement", "AR")
    assert (
        staff.role,
        staff.organization.name,
        staff.organization.kind,
        staff.organization.jurisdiction_id,
    ) == ("agency_staff", "Arkansas Demo Family Services", "social_service", "AR")
    assert not officer.is_staff and not staff.is_staff


@pytest.mark.django_db
def test_running_again_resets_the_passwords(world, fast_hashing):
    first = {account.username: account.password for account in create_demo_users()}
    keys = dict(SecondFactor.objects.values_list("user__username", "secret"))
    second = {account.username: account.password for account in create_demo_users()}
    new_keys = dict(SecondFactor.objects.values_list("user__username", "secret"))
    assert set(keys) == set(new_keys) == set(first)
    assert not set(keys.values()) & set(new_keys.values())  # new keys too

    assert User.objects.filter(username__startswith="demo-").count() == 5
    for username, password in first.items():
        assert second[username] != password
        assert authenticate(username=username, password=password) is None
        assert authenticate(username=username, password=second[username]) is not None


# -- the command -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_serves_the_demo_unless_told_not_to(world, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(demo_command, "call_command", lambda *args, **kw: calls.append((args, kw)))

    call_command("demo", "--scale", str(SCALE), verbosity=0)
    call_command("demo", "--scale", str(SCALE), "--no-serve", verbosity=0)

    assert calls == [(("serve",), {"host": "127.0.0.1", "port": 8000})]
    output = capsys.readouterr().out
    assert output.count("demo-officer") == 2
    assert "http://127.0.0.1:8000/impact/AR/2023/" in output
    assert f"imported 0 new, {world.total:,} already there" in output


def test_the_cli_builds_the_demo_prints_the_users_and_can_run_again(cli, demo_deployment):
    # The first run is the one every test process makes for the tests that need the demo.
    first = demo_deployment("demo-data")
    data_dir = first.data_dir
    assert first.seconds < 120, f"the demo took {first.seconds:.0f} s"
    assert (data_dir / "demo" / "tipline_report.jsonl").exists()

    second = cli("demo", "--no-serve", data_dir=data_dir)
    assert second.returncode == 0, second.stderr
    assert "imported 0 new" in second.stdout

    def passwords(output: str) -> dict[str, str]:
        rows = re.findall(r"^(demo-[a-z-]+)\s+(\S+)\s", output, flags=re.MULTILINE)
        return dict(rows)

    assert set(passwords(first.output)) == {
        "demo-admin",
        "demo-analyst",
        "demo-case-manager",
        "demo-officer",
        "demo-agency-staff",
    }
    for username, password in passwords(first.output).items():
        assert passwords(second.stdout)[username] != password
