"""Who reaches which missing-children page and API endpoint: case managers and
administrators every case, an officer their jurisdiction's (another state's case is a
404), a child-welfare agency the cases of children in its care, Team Adam decisions for
the clearinghouse only, everybody else nobody."""

import json

import pytest
from django.urls import reverse
from missing_helpers import service_values, synthetic_png

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.media import vault
from clearinghouse.missing import cases, teamadam
from clearinghouse.missing.models import CasePhoto, MissingCase
from clearinghouse.posterapi import publishing

pytestmark = pytest.mark.django_db


@pytest.fixture
def ar_case(cast, consultant):
    case = cases.intake(service_values(), cast.case_manager).case
    CasePhoto.objects.create(case=case, blob=vault.put(synthetic_png()))
    publishing.publish(case, cast.case_manager)
    return case


@pytest.fixture
def deployment(cast, ar_case):
    return teamadam.request(ar_case, cast.ar_officer, reason="Needs help on site")


def case_pages(case, photo, deployment):
    """(method, url) of every page that shows or changes one case."""
    return [
        ("get", reverse("missing:case", args=[case.pk])),
        ("get", reverse("missing:edit", args=[case.pk])),
        ("post", reverse("missing:edit", args=[case.pk])),
        ("post", reverse("missing:recover", args=[case.pk])),
        ("post", reverse("missing:located-deceased", args=[case.pk])),
        ("post", reverse("missing:close", args=[case.pk])),
        ("post", reverse("missing:reopen", args=[case.pk])),
        ("post", reverse("missing:add-photo", args=[case.pk])),
        ("get", reverse("missing:photo", args=[photo.pk])),
        ("get", reverse("missing:poster-pdf", args=[case.pk, "en"])),
        ("get", reverse("missing:poster-pdf", args=[case.pk, "es"])),
        ("post", reverse("missing:publish-poster", args=[case.pk])),
        ("post", reverse("missing:withdraw-poster", args=[case.pk])),
        ("post", reverse("missing:request-team-adam", args=[case.pk])),
        ("post", reverse("missing:team-adam-activity", args=[deployment.pk])),
        ("get", f"/api/missing/cases/{case.pk}"),
        ("put", f"/api/missing/cases/{case.pk}"),
        ("post", f"/api/missing/cases/{case.pk}/recover"),
        ("post", f"/api/missing/cases/{case.pk}/located-deceased"),
        ("post", f"/api/missing/cases/{case.pk}/close"),
        ("post", f"/api/missing/cases/{case.pk}/reopen"),
        ("get", f"/api/missing/cases/{case.pk}/amber"),
        ("post", f"/api/missing/cases/{case.pk}/poster"),
        ("delete", f"/api/missing/cases/{case.pk}/poster"),
        ("get", f"/api/missing/cases/{case.pk}/team-adam"),
        ("post", f"/api/missing/cases/{case.pk}/team-adam"),
        ("post", f"/api/missing/team-adam/{deployment.pk}/activities"),
    ]


LISTS = [
    ("get", "/missing/"),
    ("get", "/missing/cases/"),
    ("get", "/missing/cases/new/"),
    ("post", "/missing/cases/new/"),
    ("get", "/api/missing/cases"),
    ("post", "/api/missing/cases"),
]

DECISIONS = ["deploy", "decline", "complete"]

# One body that every endpoint accepts (each reads its own fields): a refusal then
# comes from who is asking, never from a malformed body.
BODY = {
    "case_type": "endangered_runaway",
    "state": "AR",
    "reported_by": "parent_guardian",
    "child_first_name": "Avery",
    "child_last_name": "Synthetic",
    "reason": "Checking access",
    "occurred_on": "2020-01-01",
    "kind": "search",
    "consultants": [],
}


def call(client, method, url):
    if url.startswith("/api/") and method != "get":
        return getattr(client, method)(url, json.dumps(BODY), content_type="application/json")
    return getattr(client, method)(url)


def test_every_case_page_and_endpoint_is_a_404_for_another_states_officer(
    client, cast, ar_case, deployment
):
    client.force_login(cast.tx_officer)
    for method, url in case_pages(ar_case, ar_case.photos.get(), deployment):
        assert call(client, method, url).status_code == 404, (method, url)
    ar_case.refresh_from_db()
    assert ar_case.status == "active" and ar_case.poster.is_published
    by_the_officer = AuditEvent.objects.filter(actor=cast.tx_officer)
    assert not by_the_officer.exclude(action="accounts:user:logged_in").exists()


@pytest.mark.parametrize("who", ["case_manager", "admin", "ar_officer"])
def test_the_case_is_reachable_by_those_who_work_it(client, cast, ar_case, deployment, who):
    client.force_login(getattr(cast, who))
    for method, url in case_pages(ar_case, ar_case.photos.get(), deployment):
        status = call(client, method, url).status_code
        assert status not in (401, 403, 404), (who, method, url, status)


@pytest.mark.parametrize("who", ["analyst", "no_role"])
def test_roles_without_missing_work_are_refused_everywhere(client, cast, ar_case, deployment, who):
    client.force_login(getattr(cast, who))
    urls = case_pages(ar_case, ar_case.photos.get(), deployment) + LISTS
    for method, url in urls:
        assert call(client, method, url).status_code == 403, (who, method, url)


def test_the_anonymous_are_sent_to_sign_in_or_refused(client, ar_case, deployment):
    for method, url in case_pages(ar_case, ar_case.photos.get(), deployment) + LISTS:
        response = call(client, method, url)
        if url.startswith("/api/"):
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("decision", DECISIONS)
def test_only_the_clearinghouse_decides_on_team_adam(client, cast, deployment, decision):
    for officer in (cast.ar_officer, cast.tx_officer):
        client.force_login(officer)
        page = client.post(reverse(f"missing:{decision}-team-adam", args=[deployment.pk]))
        api = client.post(
            f"/api/missing/team-adam/{deployment.pk}/{decision}",
            json.dumps(BODY),
            content_type="application/json",
        )
        assert page.status_code == 403
        assert api.status_code in (403, 404)  # 404: the Texan does not see the case
    deployment.refresh_from_db()
    assert deployment.status == "requested"


def test_the_officer_dashboard_and_list_show_only_their_state(client, cast):
    ar = cases.intake(service_values(), cast.case_manager).case
    tx = cases.intake(service_values(state=None), cast.tx_officer).case
    client.force_login(cast.tx_officer)

    dashboard = client.get("/missing/")
    listing = client.get("/missing/cases/")
    api = client.get("/api/missing/cases").json()

    assert list(dashboard.context["open_page"]) == [tx]
    assert list(listing.context["page"]) == [tx]
    assert [item["external_id"] for item in api["items"]] == [tx.external_id]
    for response in (dashboard, listing):
        assert ar.external_id not in response.content.decode()


def test_a_likely_duplicate_in_another_state_is_not_named(client, cast):
    ar = cases.intake(service_values(), cast.case_manager).case
    client.force_login(cast.tx_officer)

    response = client.post(
        "/api/missing/cases",
        json.dumps(
            {**BODY, "state": "TX", "child_date_of_birth": ar.child_date_of_birth.isoformat()}
        ),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["possible_duplicate_of"] is None
    assert ar.external_id not in response.content.decode()
    client.force_login(cast.case_manager)
    tx_id = response.json()["id"]
    assert (
        client.get(f"/api/missing/cases/{tx_id}").json()["possible_duplicate_of"] == ar.external_id
    )


def test_the_officer_intake_form_offers_only_their_state(client, cast):
    client.force_login(cast.ar_officer)
    form = client.get(reverse("missing:new")).context["form"]
    assert [j.pk for j in form.fields["state"].queryset] == ["AR"]


def test_a_child_welfare_agency_sees_only_the_children_in_its_care(
    client, cast, ar_case, deployment
):
    """The agency of ``ar_agency_staff`` has no custody of ``ar_case``: 404 everywhere,
    and its lists are empty."""
    client.force_login(cast.ar_agency_staff)
    for method, url in case_pages(ar_case, ar_case.photos.get(), deployment):
        assert call(client, method, url).status_code == 404, (method, url)
    assert list(client.get("/missing/cases/").context["page"]) == []
    assert client.get("/api/missing/cases").json()["items"] == []
    ar_case.refresh_from_db()
    assert ar_case.status == "active" and ar_case.poster.is_published


def test_a_child_welfare_agency_reports_a_child_missing_from_its_care(client, cast):
    from clearinghouse.impact.figures import figure_value

    agency = cast.ar_agency_staff.organization
    before = figure_value("missing.cases_from_care", timezone_year(), "AR").value
    client.force_login(cast.ar_agency_staff)

    response = client.post(
        "/api/missing/cases",
        # Whatever the form says, the case is the agency's own, from its care.
        json.dumps({**BODY, "reported_by": "parent_guardian"}),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    case = MissingCase.objects.get(pk=response.json()["id"])
    assert case.custodial_agency == agency
    assert case.missing_from_care and case.reported_by == "child_welfare"
    assert [c["id"] for c in client.get("/api/missing/cases").json()["items"]] == [case.pk]
    assert client.get(reverse("missing:case", args=[case.pk])).status_code == 200
    assert figure_value("missing.cases_from_care", timezone_year(), "AR").value == before + 1
    # The state's officers work it too; another agency's staff do not see it.
    client.force_login(cast.ar_officer)
    assert client.get(reverse("missing:case", args=[case.pk])).status_code == 200
    other = make.make_agency_staff("AR", username="other_agency_staff")
    client.force_login(other)
    assert client.get(reverse("missing:case", args=[case.pk])).status_code == 404
    assert client.get(f"/api/missing/cases/{case.pk}").status_code == 404


def timezone_year() -> int:
    from django.utils import timezone

    return timezone.now().year
