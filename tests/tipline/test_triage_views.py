"""The analysts' pages: the queues, a report's detail (audited), making it available and
placing it, and a file's bytes behind an audited confirmation."""

import io

import pytest
from django.urls import reverse
from PIL import Image

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.media import vault
from clearinghouse.tipline.models import ReportFile

pytestmark = pytest.mark.django_db

MADE_AVAILABLE = "2023-06-02T09:00:00Z"


@pytest.fixture
def cast():
    return make.make_cast()


def signed_in(client, user):
    client.force_login(user)
    return client


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def stored_file():
    """An Arkansas report, made available, with one image held in the vault."""
    report = make.make_report("AR", made_available_at=MADE_AVAILABLE)
    blob = vault.put(png_bytes(), declared_name="picture.png")
    return ReportFile.objects.create(report=report, position=0, blob=blob, media_type="image/png")


# -- queues ------------------------------------------------------------------------------


def test_an_analyst_sees_the_queue(client, cast):
    waiting = make.make_report("AR", escalated=True)
    unplaced = make.make_report(None)
    client = signed_in(client, cast.analyst)

    queue = client.get(reverse("tipline:queue"))
    review = client.get(reverse("tipline:review"))

    assert queue.status_code == 200
    assert [r.external_id for r in queue.context["page"]] == [waiting.external_id]
    assert [r.external_id for r in review.context["page"]] == [unplaced.external_id]


def test_signing_in_lands_each_role_on_its_screen(client, cast):
    home = reverse("tipline:home")
    assert signed_in(client, cast.analyst).get(home)["Location"] == reverse("tipline:queue")
    assert signed_in(client, cast.ar_officer).get(home)["Location"] == reverse(
        "tipline:portal-queue"
    )
    assert signed_in(client, cast.case_manager).get(home)["Location"] == reverse(
        "missing:dashboard"
    )
    assert signed_in(client, cast.ar_agency_staff).get(home)["Location"] == reverse("support:home")
    assert signed_in(client, cast.no_role).get(home).status_code == 403


@pytest.mark.parametrize("who", ["case_manager", "ar_officer", "ar_agency_staff", "no_role"])
def test_other_roles_are_refused_the_analyst_pages(client, cast, who):
    report = make.make_report("AR", made_available_at=MADE_AVAILABLE)
    client = signed_in(client, getattr(cast, who))
    for url in (
        reverse("tipline:queue"),
        reverse("tipline:review"),
        reverse("tipline:report", args=[report.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("tipline:make-available", args=[report.pk])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("tipline:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# -- detail and referral -----------------------------------------------------------------


def test_viewing_a_report_is_audited(client, cast):
    report = make.make_report("AR", files=1)
    response = signed_in(client, cast.analyst).get(reverse("tipline:report", args=[report.pk]))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="tipline:report:viewed")
    assert (event.actor, event.subject_id, event.detail) == (
        cast.analyst,
        str(report.pk),
        {"via": "triage"},
    )


def test_the_make_available_button_refers_the_report(client, cast):
    report = make.make_report("AR")
    response = signed_in(client, cast.analyst).post(
        reverse("tipline:make-available", args=[report.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "Made available to law enforcement in Arkansas" in response.content.decode()
    report.refresh_from_db()
    assert report.made_available_by == cast.analyst


def test_the_button_says_why_a_report_cannot_be_referred(client, cast):
    report = make.make_report(None)
    response = signed_in(client, cast.analyst).post(
        reverse("tipline:make-available", args=[report.pk]), follow=True
    )

    assert "Only a report placed in a US jurisdiction" in response.content.decode()


def test_make_available_needs_a_csrf_token(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.analyst)
    report = make.make_report("AR")
    assert client.post(reverse("tipline:make-available", args=[report.pk])).status_code == 403
    report.refresh_from_db()
    assert report.made_available_at is None


def test_an_analyst_places_a_report_from_the_review_queue(client, cast):
    report = make.make_report(None, needs_location_review=True)
    signed_in(client, cast.analyst).post(
        reverse("tipline:set-jurisdiction", args=[report.pk]), {"state": "AR"}
    )

    report.refresh_from_db()
    assert (report.state_id, report.needs_location_review) == ("AR", False)
    assert AuditEvent.objects.filter(action="tipline:report:located").exists()


# -- files -------------------------------------------------------------------------------


def test_a_file_is_shown_blurred_and_its_bytes_only_after_confirming(client, cast, stored_file):
    client = signed_in(client, cast.analyst)
    detail = client.get(reverse("tipline:report", args=[stored_file.report.pk])).content.decode()
    assert reverse("tipline:file-thumbnail", args=[stored_file.pk]) in detail

    thumbnail = client.get(reverse("tipline:file-thumbnail", args=[stored_file.pk]))
    assert thumbnail["Content-Type"] == "image/jpeg"
    assert thumbnail.content != png_bytes()

    confirm = client.get(reverse("tipline:file", args=[stored_file.pk]))
    assert confirm.status_code == 200
    assert "recorded in the audit trail" in confirm.content.decode()
    assert not AuditEvent.objects.filter(action="tipline:file:viewed").exists()

    download = client.post(reverse("tipline:file", args=[stored_file.pk]))
    assert download.content == png_bytes()
    assert download["Content-Disposition"].startswith("attachment")
    event = AuditEvent.objects.get(action="tipline:file:viewed")
    assert (event.actor, event.subject_id) == (cast.analyst, str(stored_file.pk))


def test_the_arkansas_officer_may_open_their_reports_file(client, cast, stored_file):
    response = signed_in(client, cast.ar_officer).post(
        reverse("tipline:file", args=[stored_file.pk])
    )
    assert response.content == png_bytes()


@pytest.mark.parametrize("who", ["tx_officer", "case_manager"])
def test_others_cannot_reach_the_file(client, cast, stored_file, who):
    client = signed_in(client, getattr(cast, who))
    expected = 404 if who == "tx_officer" else 403
    for url in (
        reverse("tipline:file", args=[stored_file.pk]),
        reverse("tipline:file-thumbnail", args=[stored_file.pk]),
    ):
        assert client.get(url).status_code == expected
    assert client.post(reverse("tipline:file", args=[stored_file.pk])).status_code == expected
    assert not AuditEvent.objects.filter(action="tipline:file:viewed").exists()


def test_an_anonymous_visitor_cannot_reach_the_file(client, stored_file):
    assert client.post(reverse("tipline:file", args=[stored_file.pk])).status_code == 302
