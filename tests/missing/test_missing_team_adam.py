"""Team Adam: requests on a case, deployment with consultants, activities and the end
of a deployment; the refusals; and the figure, for imported and platform deployments."""

import datetime

import pytest
from django.utils import timezone
from missing_helpers import service_values

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.impact.figures import figure_value
from clearinghouse.missing import cases, teamadam
from clearinghouse.missing.models import TeamAdamConsultant, TeamAdamDeployment

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast):
    return cases.intake(service_values(), cast.case_manager).case


@pytest.fixture
def requested(cast, case):
    return teamadam.request(case, cast.ar_officer, reason="Search area too large for us")


def assisted(state="AR") -> int:
    return figure_value("adam.cases_assisted", timezone.now().year, state).value


def test_a_request_is_recorded_on_the_case_without_counting(cast, case, requested):
    assert requested.case == case and requested.case_ref == case.external_id
    assert (requested.status, requested.state_id, requested.deployed_at) == (
        "requested",
        "AR",
        None,
    )
    assert requested.requested_by == cast.ar_officer
    assert assisted() == 0
    assert AuditEvent.objects.filter(action="missing:adam:requested", actor=cast.ar_officer)


def test_a_second_open_request_or_one_on_a_resolved_case_is_refused(cast, case, requested):
    with pytest.raises(cases.CaseError, match="already has"):
        teamadam.request(case, cast.case_manager, reason="again")
    other = cases.intake(service_values(child_first_name="Kim"), cast.case_manager).case
    cases.close(other, cast.case_manager, reason="Duplicate")
    with pytest.raises(cases.CaseError, match="active case"):
        teamadam.request(other, cast.case_manager, reason="help")
    with pytest.raises(cases.CaseError):
        teamadam.request(
            cases.intake(service_values(child_first_name="Lou"), cast.case_manager).case,
            cast.case_manager,
            reason=" ",
        )
    assert TeamAdamDeployment.objects.count() == 1


def test_deploying_counts_the_case_once_in_its_state(cast, case, requested, consultant):
    second = TeamAdamConsultant.objects.create(name="Lee Consultant")
    deployed = teamadam.deploy(requested, cast.case_manager, consultants=[consultant, second])

    assert deployed.status == "deployed" and deployed.deployed_at is not None
    assert set(deployed.consultants.all()) == {consultant, second}
    assert assisted() == 1 and assisted("TX") == 0

    teamadam.complete(deployed, cast.case_manager)
    again = teamadam.request(case, cast.ar_officer, reason="Second search")
    teamadam.deploy(again, cast.case_manager, consultants=[consultant])
    assert assisted() == 1  # distinct cases


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"consultants": []}, "at least one"),
        ({"inactive": True}, "inactive"),
        ({"deployed_at": timezone.now() + datetime.timedelta(days=1)}, "future"),
        ({"deployed_at": timezone.now() - datetime.timedelta(days=3)}, "after it is requested"),
    ],
)
def test_a_bad_deployment_is_refused(cast, requested, consultant, kwargs, words):
    kwargs = dict(kwargs)
    if kwargs.pop("inactive", False):
        consultant.active = False
        consultant.save()
    kwargs.setdefault("consultants", [consultant])

    with pytest.raises(cases.CaseError) as refused:
        teamadam.deploy(requested, cast.case_manager, **kwargs)

    assert words in str(refused.value)
    requested.refresh_from_db()
    assert requested.status == "requested" and assisted() == 0


def test_transitions_in_the_wrong_order_are_refused(cast, requested, consultant):
    with pytest.raises(cases.CaseError, match="requested: it cannot be completed"):
        teamadam.complete(requested, cast.case_manager)
    with pytest.raises(cases.CaseError, match="deployed team only"):
        teamadam.log_activity(
            requested, cast.case_manager, occurred_on=timezone.now().date(), kind="search"
        )
    teamadam.decline(requested, cast.case_manager, reason="Local resources suffice")
    requested.refresh_from_db()
    assert requested.status == "declined" and "Local resources suffice" in requested.request_reason
    with pytest.raises(cases.CaseError, match="declined: it cannot be deployed"):
        teamadam.deploy(requested, cast.case_manager, consultants=[consultant])


def test_activities_are_logged_on_days_of_the_deployment(cast, requested, consultant):
    deployed = teamadam.deploy(requested, cast.case_manager, consultants=[consultant])
    today = timezone.now().date()

    activity = teamadam.log_activity(
        deployed, cast.ar_officer, occurred_on=today, kind="media", note="Posters to 40 businesses"
    )
    assert activity.logged_by == cast.ar_officer and activity.note == "Posters to 40 businesses"
    for day, kind, words in (
        (today - datetime.timedelta(days=2), "search", "before the team"),
        (today + datetime.timedelta(days=1), "search", "future"),
        (today, "karaoke", "from the list"),
    ):
        with pytest.raises(cases.CaseError, match=words):
            teamadam.log_activity(deployed, cast.ar_officer, occurred_on=day, kind=kind)
    assert deployed.activities.count() == 1

    with pytest.raises(cases.CaseError, match="ends after it starts"):
        teamadam.complete(
            deployed, cast.case_manager, ended_at=deployed.deployed_at - datetime.timedelta(hours=1)
        )
    finished = teamadam.complete(deployed, cast.case_manager)
    assert finished.status == "completed" and finished.ended_at >= finished.deployed_at


def test_imported_deployments_keep_counting(cast):
    """An import's deployment has no case and no request: it happened, and counts."""
    make.make_team_adam_deployment("AR", case_ref="IMPORTED-1", deployed_at="2023-05-01T00:00:00Z")
    make.make_team_adam_deployment("AR", case_ref="IMPORTED-1", deployed_at="2023-06-01T00:00:00Z")
    assert figure_value("adam.cases_assisted", 2023, "AR").value == 1
    assert TeamAdamDeployment.objects.first().status == "deployed"


def test_the_api_requests_deploys_and_logs(client, cast, case, consultant):
    import json

    def post(url, body):
        return client.post(url, json.dumps(body), content_type="application/json")

    client.force_login(cast.ar_officer)
    created = post(f"/api/missing/cases/{case.pk}/team-adam", {"reason": "Need help"})
    assert created.status_code == 201
    deployment_id = created.json()["id"]
    client.force_login(cast.case_manager)
    listed = client.get("/api/missing/team-adam/consultants").json()
    assert [c["name"] for c in listed] == ["Dana Consultant"]
    bad = post(f"/api/missing/team-adam/{deployment_id}/deploy", {"consultants": [9999]})
    assert bad.status_code == 422
    deployed = post(
        f"/api/missing/team-adam/{deployment_id}/deploy", {"consultants": [consultant.pk]}
    )
    assert deployed.json()["status"] == "deployed" and deployed.json()["consultants"] == [
        "Dana Consultant"
    ]
    client.force_login(cast.ar_officer)
    logged = post(
        f"/api/missing/team-adam/{deployment_id}/activities",
        {"occurred_on": timezone.now().date().isoformat(), "kind": "family"},
    )
    assert [a["kind"] for a in logged.json()["activities"]] == ["family"]
    assert assisted() == 1
    assert Jurisdiction.objects.filter(pk="AR").exists()
