"""The public report form: what it keeps, how it places a report, its validation, files,
rate limit and confirmation number."""

import io
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from clearinghouse.audit.models import AuditEvent
from clearinghouse.tipline import public
from clearinghouse.tipline.forms import MAX_FILE_BYTES
from clearinghouse.tipline.models import TiplineReport

pytestmark = pytest.mark.django_db

FORM = "/report/"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def answers(**changes):
    data = {
        "incident_type": "online_enticement",
        "incident_date": "2024-03-02",
        "incident_time": "21:15",
        "description": "An adult asked my 13-year-old to meet.",
        "url": "https://chat.example.org/room/7",
        "online_username": "synthetic_suspect",
        "platform": "Example Chat",
        "child_age": "13",
        "suspect_city": "Little Rock",
        "suspect_state": "AR",
        "suspect_zip_code": "72201",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_form_shows_its_sections_with_labels(client):
    body = client.get(FORM).content.decode()
    for legend in (
        "What happened",
        "Where it happened online",
        "The child",
        "The suspect",
        "How to reach you (optional)",
        "Files (optional)",
    ):
        assert f"<legend>{legend}</legend>" in body
    assert '<label for="id_suspect_zip_code">' in body
    assert "csrfmiddlewaretoken" in body


def test_a_report_is_kept_placed_and_confirmed(client):
    response = client.post(FORM, answers(), follow=True)

    report = TiplineReport.objects.get()
    assert report.external_id.startswith("P") and report.external_id[1:].isdigit()
    assert report.external_id in response.content.decode()
    assert (report.source, report.status) == ("public", "finished")
    assert (report.country, report.state_id, report.needs_location_review) == ("US", "AR", False)
    assert report.location_confidence == "high"
    assert report.priority > 0  # online enticement
    document = json.loads(report.document)
    assert document["online_username"] == "synthetic_suspect"
    assert document["incident_date"] == "2024-03-02"
    assert json.loads(report.clues)[0]["zip_code"] == "72201"
    assert AuditEvent.objects.filter(action="tipline:report:submitted").count() == 1


def test_a_report_without_location_hints_waits_for_an_analyst(client):
    client.post(FORM, answers(suspect_city="", suspect_state="", suspect_zip_code=""))

    report = TiplineReport.objects.get()
    assert (report.state_id, report.needs_location_review) == (None, True)


def test_a_phone_number_alone_places_the_report_with_medium_confidence(client):
    client.post(
        FORM,
        answers(
            suspect_city="", suspect_state="", suspect_zip_code="", suspect_phone="(501) 555-0134"
        ),
    )

    report = TiplineReport.objects.get()
    assert report.state_id == "AR"
    assert report.location_confidence == "medium"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"incident_type": ""}, "incident_type", "This field is required."),
        ({"incident_date": "2999-01-01"}, "incident_date", "cannot be in the future"),
        ({"incident_date": "yesterday"}, "incident_date", "YYYY-MM-DD"),
        ({"description": ""}, "description", "This field is required."),
        ({"suspect_zip_code": "7220"}, "suspect_zip_code", "ZIP code such as 72201"),
        ({"child_age": "30"}, "child_age", "17 or younger"),
        ({"reporter_email": "not-an-address"}, "reporter_email", "valid email"),
        ({"url": "not a url"}, "url", "valid URL"),
    ],
)
def test_it_explains_what_is_wrong_and_links_to_the_field(client, changes, field, message):
    response = client.post(FORM, answers(**changes))

    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'href="#id_{field}"' in body  # the error summary links to the field
    assert f'aria-describedby="id_{field}_error"' in body
    assert not TiplineReport.objects.exists()


def test_it_stores_attached_files_in_the_vault(client):
    upload = SimpleUploadedFile("screenshot.png", png(), content_type="image/png")
    client.post(FORM, {**answers(), "files": [upload]})

    report = TiplineReport.objects.get()
    file = report.files.get()
    assert file.blob.media_type == "image/png"
    assert file.blob.size == len(png())
    assert json.loads(report.document)["files"][0]["name"] == "screenshot.png"


def test_it_refuses_too_many_or_too_large_files(client):
    def upload(size=10):
        return SimpleUploadedFile("f.png", b"x" * size, content_type="image/png")

    too_many = client.post(FORM, {**answers(), "files": [upload() for _ in range(4)]})
    assert "Attach at most 3 files." in too_many.content.decode()
    too_large = client.post(FORM, {**answers(), "files": [upload(MAX_FILE_BYTES + 1)]})
    assert "at most 10 MB" in too_large.content.decode()
    assert not TiplineReport.objects.exists()


def test_it_needs_a_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(FORM, answers())
    assert response.status_code == 403
    assert not TiplineReport.objects.exists()


def test_it_limits_reports_per_client_address(client):
    for _ in range(public.RATE_LIMIT):
        assert client.post(FORM, answers()).status_code == 302

    refused = client.post(FORM, answers())

    assert refused.status_code == 429
    assert "Please wait before sending another report" in refused.content.decode()
    assert TiplineReport.objects.count() == public.RATE_LIMIT
    other = client.post(FORM, answers(), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_mistakes_do_not_count_against_the_limit(client):
    for _ in range(public.RATE_LIMIT + 1):
        client.post(FORM, answers(description=""))
    assert client.post(FORM, answers()).status_code == 302


def test_the_confirmation_page_needs_a_report_first(client):
    assert client.get("/report/received/")["Location"] == FORM
