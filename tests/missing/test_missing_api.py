"""The JSON API under /api/missing/: intake with every field, reading (audited), the
lifecycle with its refusals, and the OpenAPI description."""

import datetime
import json

import pytest
from django.utils import timezone

from clearinghouse.audit.models import AuditEvent
from clearinghouse.missing.models import MissingCase

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def full_intake(agency) -> dict:
    last_seen = timezone.now() - datetime.timedelta(hours=5)
    return {
        "case_type": "family_abduction",
        "state": "AR",
        "reported_by": "child_welfare",
        "reporter_name": "Pat Reporter",
        "reporter_phone": "501-555-0100",
        "child_first_name": "Avery",
        "child_middle_name": "Lee",
        "child_last_name": "Synthetic",
        "child_date_of_birth": "2013-04-05",
        "child_sex": "F",
        "child_race": "Asian",
        "child_height": "4'11\"",
        "child_weight": "90 lbs",
        "child_hair": "Black",
        "child_eyes": "Brown",
        "child_marks": "Mole on the left cheek",
        "last_seen_at": last_seen.isoformat(),
        "last_seen_city": "Conway",
        "last_seen_county": "Faulkner",
        "last_seen_zip": "72032",
        "last_seen_place": "Foster home, 1 Example Road",
        "circumstances": "Taken by a non-custodial parent during a visit.",
        "missing_from_care": True,
        "custodial_agency": agency.pk,
        "care_missing_known_at": last_seen.isoformat(),
        "law_enforcement_notified_at": (last_seen + datetime.timedelta(hours=2)).isoformat(),
        "ncic_number": "M987654321",
        "ncic_abduction_flag": True,
        "abduction_believed": True,
        "imminent_danger": False,
        "vehicle_description": "Grey pickup",
        "risk_factors": ["family_conflict", "medical"],
        "likely_cst_victim": False,
        "contact_agency": "Conway Police",
        "contact_phone": "501-555-0123",
        "companions": [
            {
                "kind": "abductor",
                "relationship": "father",
                "first_name": "Sam",
                "last_name": "Synthetic",
                "date_of_birth": "1985-01-02",
                "sex": "M",
                "description": "Beard, tattoo on the right arm",
            },
        ],
    }


def test_intake_through_the_api_keeps_every_field(client, cast, custodial_agency):
    client.force_login(cast.case_manager)
    response = post(client, "/api/missing/cases", full_intake(custodial_agency))

    assert response.status_code == 201, response.content
    body = response.json()
    case = MissingCase.objects.get(pk=body["id"])
    assert (case.case_type, case.state_id, case.reported_by) == (
        "family_abduction",
        "AR",
        "child_welfare",
    )
    assert case.child_date_of_birth == datetime.date(2013, 4, 5)
    assert (case.child_middle_name, case.child_race, case.last_seen_zip) == (
        "Lee",
        "Asian",
        "72032",
    )
    assert case.custodial_agency == custodial_agency and case.ncic_abduction_flag
    assert case.risk_factors == ["family_conflict", "medical"]
    assert case.companions.get().first_name == "Sam"
    assert body["care_deadline"]["state"] == "met"
    assert body["companions"][0]["relationship"] == "father"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"case_type": "kidnapped"}, "case_type"),
        ({"state": "ZZ"}, "unknown jurisdiction"),
        ({"child_first_name": ""}, "child_first_name"),
        ({"risk_factors": ["astrology"]}, "risk_factors"),
        ({"custodial_agency": None}, "custodial agency"),
        ({"child_date_of_birth": "2999-01-01"}, "future"),
        ({"companions": [{"kind": "cousin"}]}, "kind"),
    ],
)
def test_bad_intake_is_a_422_that_says_why_and_changes_nothing(
    client, cast, custodial_agency, change, words
):
    client.force_login(cast.case_manager)
    response = post(client, "/api/missing/cases", {**full_intake(custodial_agency), **change})

    assert response.status_code == 422
    assert words in response.content.decode()
    assert not MissingCase.objects.exists()


def test_reading_a_case_is_audited_and_shows_private_facts_to_its_workers(
    client, cast, custodial_agency
):
    client.force_login(cast.case_manager)
    case_id = post(client, "/api/missing/cases", full_intake(custodial_agency)).json()["id"]
    client.force_login(cast.ar_officer)

    body = client.get(f"/api/missing/cases/{case_id}").json()

    assert body["circumstances"].startswith("Taken by") and body["missing_from_care"]
    assert AuditEvent.objects.filter(
        action="missing:case:viewed", actor=cast.ar_officer, subject_id=str(case_id)
    ).exists()


def test_the_lifecycle_through_the_api(client, cast, custodial_agency):
    client.force_login(cast.case_manager)
    case_id = post(client, "/api/missing/cases", full_intake(custodial_agency)).json()["id"]
    base = f"/api/missing/cases/{case_id}"

    assert post(client, f"{base}/poster", {}).json()["has_poster"] is True
    refused = post(client, f"{base}/recover", {"city": "Memphis", "state": "TN"})
    assert refused.status_code == 422 and "condition" in refused.json()["detail"]
    recovered = post(
        client, f"{base}/recover", {"city": "Memphis", "state": "TN", "condition": "unharmed"}
    )
    assert recovered.status_code == 200
    assert (recovered.json()["status"], recovered.json()["has_poster"]) == ("recovered", False)

    again = post(
        client, f"{base}/recover", {"city": "Memphis", "state": "TN", "condition": "unharmed"}
    )
    assert again.status_code == 422 and "Reopen it first" in again.json()["detail"]
    assert post(client, f"{base}/close", {"reason": "x"}).status_code == 422

    reopened = post(client, f"{base}/reopen", {"reason": "Ran away again the same night"})
    assert reopened.json()["status"] == "active" and reopened.json()["resolved_at"] is None
    assert (
        post(client, f"{base}/close", {"reason": "Reported twice"}).json()["status"]
        == "closed_other"
    )


def test_the_list_filters(client, cast, custodial_agency):
    client.force_login(cast.case_manager)
    first = post(client, "/api/missing/cases", full_intake(custodial_agency)).json()
    other = {
        **full_intake(custodial_agency),
        "state": "TX",
        "case_type": "endangered_runaway",
        "child_first_name": "Kim",
    }
    second = post(client, "/api/missing/cases", other).json()

    def listed(**params):
        return [c["id"] for c in client.get("/api/missing/cases", params).json()["items"]]

    assert listed(state="TX") == [second["id"]]
    assert listed(case_type="family_abduction") == [first["id"]]
    assert set(listed(status="active")) == {first["id"], second["id"]}


def test_the_api_describes_itself(client, cast):
    client.force_login(cast.case_manager)
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/missing/cases" in paths and "/api/missing/cases/{case_id}/amber" in paths
