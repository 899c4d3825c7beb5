"""The support part of the JSON API: each workflow moves its figure, within the caller's
scope (another agency's engagement is a 404, a role without access a 403), and a bad
body is refused with its reason and nothing stored."""

import pytest

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.impact.figures import figure_value
from clearinghouse.support.models import (
    CstEngagement,
    Family,
    MentalHealthProvider,
    MentalHealthReferral,
    PeerMatch,
    PeerSupport,
    Volunteer,
    YouthEngagement,
)

pytestmark = pytest.mark.django_db

API = "/api/support"


def post(client, path, body):
    return client.post(f"{API}{path}", body, content_type="application/json")


@pytest.fixture
def engagement_id(cast, agencies, cases, signed_in):
    body = {"agency_id": agencies["own"].pk, "case_id": cases["ar"].pk}
    body["engaged_at"] = "2023-05-02T10:00:00Z"
    response = post(signed_in(cast.case_manager), "/engagements", body)
    assert response.status_code == 201, response.content
    return response.json()["id"]


# -- recovery services -------------------------------------------------------------------


def test_opening_an_engagement_moves_the_figure(cast, engagement_id, agencies, cases):
    assert figure_value("cst.agency_engagements", 2023, "AR").value == 1
    engagement = CstEngagement.objects.get(pk=engagement_id)
    assert (engagement.agency, engagement.case) == (agencies["own"], cases["ar"])


def test_the_agency_staff_work_on_their_engagement(cast, engagement_id, signed_in):
    client = signed_in(cast.ar_agency_staff)

    logged = post(
        client,
        f"/engagements/{engagement_id}/youth-engagements",
        {"method": "video", "occurred_at": "2023-05-03T10:00:00Z", "notes": "Check-in"},
    )
    meeting = post(
        client, f"/engagements/{engagement_id}/meetings", {"attendees": "Agency, school"}
    )
    plan = client.put(
        f"{API}/engagements/{engagement_id}/recovery-plan",
        {"recovery_plan": "Therapy twice a week"},
        content_type="application/json",
    )
    read = client.get(f"{API}/engagements/{engagement_id}")

    assert (logged.status_code, meeting.status_code, plan.status_code) == (201, 201, 200)
    body = read.json()
    assert body["recovery_plan"] == "Therapy twice a week"
    assert [entry["notes"] for entry in body["youth_engagements"]] == ["Check-in"]
    assert [m["attendees"] for m in body["meetings"]] == ["Agency, school"]
    assert AuditEvent.objects.filter(
        action="support:engagement:viewed", actor=cast.ar_agency_staff
    ).exists()
    assert figure_value("cst.agency_engagements", 2023, "AR").value == 1


def engagement_calls(engagement_id):
    """Every endpoint on one engagement: (method, path, body)."""
    base = f"/engagements/{engagement_id}"
    return [
        ("get", base, None),
        ("put", f"{base}/recovery-plan", {"recovery_plan": "Changed"}),
        ("post", f"{base}/youth-engagements", {"method": "phone"}),
        ("post", f"{base}/meetings", {"attendees": "Someone"}),
        ("post", f"{base}/close", {"note": "x"}),
    ]


def call(client, method, path, body):
    if method == "get":
        return client.get(f"{API}{path}")
    return getattr(client, method)(f"{API}{path}", body, content_type="application/json")


def test_staff_of_another_agency_get_404(agencies, engagement_id, signed_in):
    for staff in (agencies["other_staff"], agencies["texas_staff"]):
        client = signed_in(staff)
        for method, path, body in engagement_calls(engagement_id):
            assert call(client, method, path, body).status_code == 404, (staff, path)
        assert client.get(f"{API}/engagements").json()["items"] == []
    assert not YouthEngagement.objects.exists()
    engagement = CstEngagement.objects.get()
    assert engagement.is_open and engagement.recovery_plan == ""
    assert not engagement.meetings.exists()


def test_roles_without_cst_access_get_403(cast, agencies, cases, engagement_id, signed_in):
    opening = {"agency_id": agencies["own"].pk, "case_id": cases["ar"].pk}
    for user in (cast.analyst, cast.ar_officer, cast.no_role):
        client = signed_in(user)
        assert client.get(f"{API}/engagements").status_code == 403
        assert post(client, "/engagements", opening).status_code == 403
        for method, path, body in engagement_calls(engagement_id):
            assert call(client, method, path, body).status_code == 403, (user, path)
    assert CstEngagement.objects.count() == 1


def test_agency_staff_cannot_open_an_engagement(cast, agencies, cases, signed_in):
    body = {"agency_id": agencies["own"].pk, "case_id": cases["ar"].pk}

    response = post(signed_in(cast.ar_agency_staff), "/engagements", body)

    assert response.status_code == 403
    assert not CstEngagement.objects.exists()


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"case_id": 999999}, 404),
        ({"engaged_at": "2999-01-01T00:00:00Z"}, 400),
        ({"engaged_at": "not a time"}, 422),
        ({"agency_id": None}, 422),
    ],
)
def test_a_bad_engagement_is_refused(cast, agencies, cases, signed_in, changes, status):
    body = {"agency_id": agencies["own"].pk, "case_id": cases["ar"].pk, **changes}

    response = post(signed_in(cast.case_manager), "/engagements", body)

    assert response.status_code == status, response.content
    assert not CstEngagement.objects.exists()


def test_an_engagement_with_a_police_department_is_a_404(cast, cases, signed_in):
    body = {"agency_id": cast.ar_officer.organization_id, "case_id": cases["ar"].pk}

    assert post(signed_in(cast.case_manager), "/engagements", body).status_code == 404


def test_a_refused_step_says_why(cast, engagement_id, signed_in):
    client = signed_in(cast.case_manager)
    post(client, f"/engagements/{engagement_id}/close", {"note": "Done"})

    response = post(client, f"/engagements/{engagement_id}/meetings", {"attendees": "A"})

    assert response.status_code == 400
    assert response.json() == {"detail": "This engagement is closed."}


# -- Team HOPE and FAON ------------------------------------------------------------------


@pytest.fixture
def manager(cast, signed_in):
    return signed_in(cast.case_manager)


@pytest.fixture
def family_id(manager):
    body = {"state": "ar", "display_name": "Synthetic Family", "contact": "555-0100"}
    response = post(manager, "/families", body)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def trained_volunteer(manager, **changes):
    body = {"name": "Synthetic Volunteer", "state": "AR", "training_status": "trained"}
    body.update({"trained_on": "2022-01-01", **changes})
    return post(manager, "/volunteers", body)


def test_team_hope_over_the_api_moves_families_supported(manager, family_id):
    volunteer = trained_volunteer(manager).json()
    match = post(
        manager,
        "/matches",
        {
            "family_id": family_id,
            "volunteer_id": volunteer["id"],
            "matched_at": "2023-02-01T00:00:00Z",
        },
    )
    contact = post(
        manager,
        f"/matches/{match.json()['id']}/contacts",
        {"method": "phone", "supported_at": "2023-02-02T00:00:00Z"},
    )

    assert (match.status_code, contact.status_code) == (201, 201)
    assert contact.json()["family_id"] == Family.objects.get().external_id
    assert figure_value("hope.families_supported", 2023, "AR").value == 1


def test_an_untrained_volunteer_is_not_matched(manager, family_id):
    volunteer = trained_volunteer(manager, training_status="in_training", trained_on=None)

    response = post(
        manager, "/matches", {"family_id": family_id, "volunteer_id": volunteer.json()["id"]}
    )

    assert response.status_code == 400
    assert "completed training" in response.json()["detail"]
    assert not PeerMatch.objects.exists()


def test_a_trained_volunteer_needs_a_training_date(manager):
    response = trained_volunteer(manager, trained_on=None)

    assert response.status_code == 400
    assert not Volunteer.objects.exists()


def test_a_family_in_an_unknown_state_is_refused(manager):
    response = post(manager, "/families", {"state": "ZZ", "display_name": "X"})

    assert response.status_code == 400
    assert "'ZZ' is not a US state" in response.json()["detail"]
    assert not Family.objects.exists()


def test_faon_over_the_api_moves_families_connected(manager, family_id):
    added = post(
        manager,
        "/providers",
        {"name": "Sliding Scale Therapy", "state": "AR", "offers_sliding_scale": True},
    )
    post(
        manager, "/providers", {"name": "Texas Clinic", "state": "TX", "offers_free_services": True}
    )
    found = manager.get(f"{API}/providers", {"state": "AR", "sliding_scale": True}).json()
    referral = post(
        manager,
        "/referrals",
        {
            "family_id": family_id,
            "provider_id": added.json()["id"],
            "referred_at": "2023-06-01T00:00:00Z",
        },
    )
    assert figure_value("faon.families_connected", 2023, "AR").value == 0
    connection = post(
        manager,
        f"/referrals/{referral.json()['id']}/connection",
        {"connected_at": "2023-06-05T00:00:00Z"},
    )

    assert [p["name"] for p in found["items"]] == ["Sliding Scale Therapy"]
    assert (referral.status_code, connection.status_code) == (201, 200)
    assert connection.json()["status"] == "connected"
    assert figure_value("faon.families_connected", 2023, "AR").value == 1


def test_a_bad_provider_is_refused(manager):
    blank = post(manager, "/providers", {"name": " ", "state": "AR"})
    bad_site = post(manager, "/providers", {"name": "X", "state": "AR", "website": "javascript:x"})

    assert (blank.status_code, bad_site.status_code) == (400, 422)
    assert not MentalHealthProvider.objects.exists()


def test_family_programs_are_for_case_managers_only(cast, family_id, signed_in):
    provider = MentalHealthProvider.objects.create(name="P", state_id="AR")
    calls = [
        ("get", "/families", None),
        ("post", "/families", {"state": "AR", "display_name": "X"}),
        ("get", "/volunteers", None),
        ("post", "/volunteers", {"name": "X", "state": "AR"}),
        ("post", "/matches", {"family_id": family_id, "volunteer_id": 1}),
        ("post", "/matches/1/contacts", {"method": "phone"}),
        ("get", "/providers", None),
        ("post", "/providers", {"name": "X", "state": "AR"}),
        ("post", "/referrals", {"family_id": family_id, "provider_id": provider.pk}),
        ("post", "/referrals/1/connection", {}),
    ]
    for user in (cast.analyst, cast.ar_officer, cast.ar_agency_staff, cast.no_role):
        client = signed_in(user)
        for method, path, body in calls:
            if method == "get":
                response = client.get(f"{API}{path}")
            else:
                response = post(client, path, body)
            assert response.status_code == 403, (user, path)
    assert (Family.objects.count(), MentalHealthReferral.objects.count()) == (1, 0)
    assert not PeerSupport.objects.exists()


def test_an_anonymous_caller_is_refused(client, family_id):
    client.logout()
    assert client.get(f"{API}/families").status_code == 401
    assert client.get(f"{API}/engagements").status_code == 401


def test_the_api_describes_itself(client, cast):
    client.force_login(make.make_admin())
    paths = client.get("/api/openapi.json").json()["paths"]
    assert f"{API}/engagements" in paths and f"{API}/referrals" in paths
