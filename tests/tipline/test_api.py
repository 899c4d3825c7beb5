"""The tipline's JSON API: list and filter within the caller's scope, read one report
(audited), refuse roles without tipline access, and describe itself in OpenAPI."""

import pytest

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.tipline.models import IncidentType, TiplineReport

pytestmark = pytest.mark.django_db

LIST = "/api/tipline/reports"


@pytest.fixture
def cast():
    return make.make_cast()


@pytest.fixture
def reports():
    return {
        "ar": make.make_report(
            "AR",
            made_available_at="2023-06-02T09:00:00Z",
            received_at="2023-06-01T00:00:00Z",
            files=1,
        ),
        "ar_pending": make.make_report(
            "AR",
            received_at="2023-03-01T00:00:00Z",
            incident_type=IncidentType.ONLINE_ENTICEMENT,
        ),
        "ar_retracted": make.make_report(
            "AR", made_available_at="2023-06-02T09:00:00Z", status=TiplineReport.Status.RETRACTED
        ),
        "tx": make.make_report(
            "TX", made_available_at="2023-08-02T09:00:00Z", received_at="2023-08-01T00:00:00Z"
        ),
    }


def listed(client, user, **params):
    client.force_login(user)
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return {item["external_id"] for item in response.json()["items"]}


def test_an_analyst_lists_every_report(client, cast, reports):
    assert listed(client, cast.analyst) == {r.external_id for r in reports.values()}


def test_an_officer_lists_only_their_states_made_available_reports(client, cast, reports):
    assert listed(client, cast.ar_officer) == {reports["ar"].external_id}
    assert listed(client, cast.tx_officer) == {reports["tx"].external_id}


def test_the_texas_officer_cannot_read_the_arkansas_report(client, cast, reports):
    client.force_login(cast.tx_officer)
    assert client.get(f"{LIST}/{reports['ar'].pk}").status_code == 404
    assert listed(client, cast.tx_officer, state="AR") == set()
    assert not AuditEvent.objects.exclude(action="accounts:user:logged_in").exists()


@pytest.mark.parametrize("who", ["case_manager", "ar_agency_staff", "no_role"])
def test_roles_without_tipline_access_are_refused(client, cast, reports, who):
    client.force_login(getattr(cast, who))
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}/{reports['ar'].pk}").status_code == 403


def test_an_anonymous_caller_is_refused(client, reports):
    assert client.get(LIST).status_code == 401
    assert client.get(f"{LIST}/{reports['ar'].pk}").status_code == 401


def test_reading_a_report_is_audited_and_lists_its_files(client, cast, reports):
    report = reports["ar"]
    client.force_login(cast.ar_officer)

    body = client.get(f"{LIST}/{report.pk}").json()

    assert body["external_id"] == report.external_id
    assert body["state"] == "AR"
    assert [file["position"] for file in body["files"]] == [0]
    assert "document" not in body and "clues" not in body
    event = AuditEvent.objects.get(action="tipline:report:viewed")
    assert (event.actor, event.subject_id, event.detail) == (
        cast.ar_officer,
        str(report.pk),
        {"via": "api"},
    )


def test_a_missing_report_is_not_found(client, cast):
    client.force_login(cast.analyst)
    assert client.get(f"{LIST}/999999").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "TX"}, {"tx"}),
        ({"status": "retracted"}, {"ar_retracted"}),
        ({"incident_type": "online_enticement"}, {"ar_pending"}),
        ({"made_available": "false"}, {"ar_pending"}),
        ({"made_available": "true", "state": "AR"}, {"ar", "ar_retracted"}),
        (
            {"received_from": "2023-05-01T00:00:00Z", "received_to": "2023-07-01T00:00:00Z"},
            {"ar", "ar_retracted"},
        ),
        ({"made_available_from": "2023-07-01T00:00:00Z"}, {"tx"}),
        ({"made_available_to": "2023-07-01T00:00:00Z"}, {"ar", "ar_retracted"}),
    ],
)
def test_the_list_filters(client, cast, reports, params, expected):
    reports["ar_retracted"].received_at = reports["ar"].received_at
    reports["ar_retracted"].save()
    assert listed(client, cast.analyst, **params) == {reports[n].external_id for n in expected}


def test_the_list_is_paginated(client, cast):
    for _ in range(55):
        make.make_report("AR")
    client.force_login(cast.analyst)

    first = client.get(LIST).json()
    second = client.get(LIST, {"page": 2}).json()

    assert first["count"] == 55
    assert (len(first["items"]), len(second["items"])) == (50, 5)


def test_a_bad_filter_value_is_a_422(client, cast):
    client.force_login(cast.analyst)
    assert client.get(LIST, {"status": "lost"}).status_code == 422


def test_the_api_describes_itself(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/tipline/reports" in schema["paths"]
    assert "/api/tipline/reports/{report_id}" in schema["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
