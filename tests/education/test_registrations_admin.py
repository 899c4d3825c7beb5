"""The administrators' list of training registrations, its CSV export and its API: for
administrators only, filtered, audited."""

import csv
import io

import pytest

import factories as make
from clearinghouse.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/education/registrations/"
CSV = "/education/registrations.csv"
API = "/api/education/registrations"


@pytest.fixture
def cast():
    return make.make_cast()


@pytest.fixture
def registrations():
    return {
        "ar": make.make_training_registration(
            "AR",
            full_name="Synthetic Detective",
            email="detective@example.org",
            agency_name='=HYPERLINK("http://evil.example")',
        ),
        "tx": make.make_training_registration(
            "TX",
            profession="child_serving_professional",
            registered_at="2022-03-01T00:00:00Z",
            full_name="Synthetic Teacher",
        ),
    }


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_an_administrator_lists_registrations_with_who_they_are(client, cast, registrations):
    client.force_login(cast.admin)

    response = client.get(LIST)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Synthetic Detective" in body and "detective@example.org" in body
    assert "Synthetic Teacher" in body
    assert AuditEvent.objects.filter(
        action="education:registration:listed", actor=cast.admin
    ).exists()


def test_the_list_filters_by_state_profession_and_year(client, cast, registrations):
    client.force_login(cast.admin)

    by_state = client.get(LIST, {"state": "TX"}).content.decode()
    by_year = client.get(LIST, {"year": "2023"}).content.decode()
    by_profession = client.get(LIST, {"profession": "law_enforcement"}).content.decode()

    assert "Synthetic Teacher" in by_state and "Synthetic Detective" not in by_state
    assert "Synthetic Detective" in by_year and "Synthetic Teacher" not in by_year
    assert "Synthetic Detective" in by_profession and "Synthetic Teacher" not in by_profession


def test_a_bad_filter_says_so(client, cast, registrations):
    client.force_login(cast.admin)

    response = client.get(LIST, {"year": "soon"})

    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()
    assert client.get(CSV, {"year": "soon"}).status_code == 400


def test_the_csv_export_is_complete_safe_and_audited(client, cast, registrations):
    client.force_login(cast.admin)

    response = client.get(CSV, {"state": "AR"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    (row,) = rows(response)
    assert row["registration"] == registrations["ar"].external_id
    assert (row["state"], row["profession"], row["email"]) == (
        "AR",
        "law_enforcement",
        "detective@example.org",
    )
    assert row["agency"].startswith("'=")  # a spreadsheet shows it, never runs it
    assert row["registered_at"] == "2023-06-01T12:00:00+00:00"
    event = AuditEvent.objects.get(action="education:registration:exported")
    assert (event.actor, event.detail["count"], event.detail["filters"]) == (
        cast.admin,
        1,
        "state=AR",
    )


def test_nobody_else_sees_registrations(client, cast, registrations):
    for user in (cast.analyst, cast.case_manager, cast.ar_officer, cast.ar_agency_staff):
        client.force_login(user)
        assert client.get(LIST).status_code == 403, user
        assert client.get(CSV).status_code == 403, user
        assert client.get(API).status_code == 403, user
    client.logout()
    assert client.get(LIST).url.startswith("/accounts/login/")
    assert client.get(CSV).url.startswith("/accounts/login/")
    assert client.get(API).status_code == 401
    assert not AuditEvent.objects.filter(action__startswith="education:registration:").exists()


def test_the_api_lists_registrations_for_administrators(client, cast, registrations):
    client.force_login(cast.admin)

    everything = client.get(API).json()
    texas = client.get(API, {"state": "tx"}).json()
    bad = client.get(API, {"profession": "astronaut"})

    assert everything["count"] == 2
    assert [item["full_name"] for item in texas["items"]] == ["Synthetic Teacher"]
    assert bad.status_code == 422
    assert AuditEvent.objects.filter(action="education:registration:listed").count() == 2
