"""A case's whole life over HTTP: intake, photo and poster, Team Adam request and
deployment, recovery and the poster's withdrawal; each step moves the figure of its
state's sheet that it should, and no other."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from missing_helpers import form_data, synthetic_png

from clearinghouse.audit.models import AuditEvent
from clearinghouse.impact.figures import figure_value
from clearinghouse.missing.models import MissingCase
from clearinghouse.posterapi.models import Poster

pytestmark = pytest.mark.django_db

FIGURES = (
    "missing.cases",
    "missing.cases_from_care",
    "missing.cases_hhs_orr",
    "missing.cases_other",
    "adam.cases_assisted",
)


def sheet(state: str = "AR") -> dict[str, int]:
    year = timezone.now().year
    return {key: figure_value(key, year, state).value for key in FIGURES}


def moved(before: dict, after: dict) -> dict:
    return {key: after[key] - before[key] for key in FIGURES if after[key] != before[key]}


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_case_from_intake_to_recovery_moves_its_figures(
    client, cast, custodial_agency, consultant
):
    client.force_login(cast.case_manager)
    before = sheet()
    texas_before = sheet("TX")

    # Intake: a child missing from care, reported by child welfare.
    response = client.post(
        reverse("missing:new"),
        form_data(
            reported_by="child_welfare",
            missing_from_care="on",
            custodial_agency=custodial_agency.pk,
            risk_factors=["trafficking_signs", "substance_use"],
            likely_cst_victim="on",
        ),
    )
    assert response.status_code == 302
    case = MissingCase.objects.get()
    assert response["Location"] == reverse("missing:case", args=[case.pk])
    after_intake = sheet()
    assert moved(before, after_intake) == {"missing.cases": 1, "missing.cases_from_care": 1}

    # A photo and the poster: no figure moves.
    response = client.post(
        reverse("missing:add-photo", args=[case.pk]),
        {"photo": _upload(synthetic_png())},
    )
    assert response.status_code == 302
    assert client.post(reverse("missing:publish-poster", args=[case.pk])).status_code == 302
    poster = Poster.objects.get(case=case)
    assert poster.is_published and poster.photos.count() == 1
    pdf = client.get(reverse("missing:poster-pdf", args=[case.pk, "en"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert sheet() == after_intake

    # Team Adam: the request alone counts nothing; the deployment counts the case.
    response = client.post(
        reverse("missing:request-team-adam", args=[case.pk]),
        {"reason": "Critical runaway, local resources exhausted."},
    )
    assert response.status_code == 302
    deployment = case.team_adam_deployments.get()
    assert deployment.status == "requested"
    assert sheet() == after_intake
    response = client.post(
        reverse("missing:deploy-team-adam", args=[deployment.pk]),
        {"consultants": [consultant.pk], "deployed_at": local(timezone.now())},
    )
    assert response.status_code == 302
    deployment.refresh_from_db()
    assert deployment.status == "deployed" and deployment.case_ref == case.external_id
    after_deployment = sheet()
    assert moved(after_intake, after_deployment) == {"adam.cases_assisted": 1}
    response = client.post(
        reverse("missing:team-adam-activity", args=[deployment.pk]),
        {"occurred_on": timezone.localdate().isoformat(), "kind": "search", "note": "Grid"},
    )
    assert response.status_code == 302
    assert deployment.activities.count() == 1

    # Recovery: the case stays counted, its poster goes.
    response = client.post(
        reverse("missing:recover", args=[case.pk]),
        {
            "resolved_at": local(timezone.now()),
            "city": "Memphis",
            "state": "TN",
            "condition": "unharmed",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "recovered" and case.recovered_state_id == "TN"
    poster.refresh_from_db()
    assert not poster.is_published and poster.document == {}
    assert not poster.photos.exists()
    assert client.get(reverse("missing:poster-pdf", args=[case.pk, "en"])).status_code == 404
    assert sheet() == after_deployment
    assert sheet("TX") == texas_before

    actions = list(
        AuditEvent.objects.filter(subject_id__in=[str(case.pk), str(deployment.pk)])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    for action in (
        "missing:case:created",
        "missing:photo:added",
        "missing:poster:published",
        "missing:poster:viewed",
        "missing:adam:requested",
        "missing:adam:updated",
        "missing:adam:activity_logged",
        "missing:case:recovered",
        "missing:poster:withdrawn",
    ):
        assert action in actions


def test_the_case_page_shows_the_case_and_is_audited(client, cast):
    client.force_login(cast.case_manager)
    client.post(reverse("missing:new"), form_data())
    case = MissingCase.objects.get()

    page = client.get(reverse("missing:case", args=[case.pk])).content.decode()

    assert "Avery" in page and "Little Rock" in page
    assert AuditEvent.objects.filter(action="missing:case:viewed", subject_id=str(case.pk)).exists()


def _upload(data: bytes, name: str = "child.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")
