"""The missing-children pages: intake errors, the refusals of the lifecycle buttons,
editing (and the poster following), photos, the dashboard's deadlines and episodes."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from missing_helpers import form_data, service_values, synthetic_png

from clearinghouse.audit.models import AuditEvent
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.missing import cases
from clearinghouse.missing.models import MissingCase
from clearinghouse.posterapi import publishing

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, cast):
    client.force_login(cast.case_manager)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_an_incomplete_intake_shows_its_errors_and_saves_nothing(manager):
    response = manager.post(reverse("missing:new"), form_data(child_first_name="", case_type="x"))

    assert response.status_code == 400
    form = response.context["form"]
    assert "child_first_name" in form.errors and "case_type" in form.errors
    assert not MissingCase.objects.exists()


def test_a_rule_broken_at_intake_is_shown_on_its_field(manager):
    response = manager.post(
        reverse("missing:new"),
        form_data(missing_from_care="on", reported_by="child_welfare"),
    )
    assert response.status_code == 400
    assert "custodial agency" in response.context["form"].errors["custodial_agency"][0]
    assert not MissingCase.objects.exists()


def test_a_likely_duplicate_is_flagged_at_intake(manager):
    manager.post(reverse("missing:new"), form_data())
    first = MissingCase.objects.get()

    response = manager.post(
        reverse("missing:new"), form_data(child_first_name="Averie"), follow=True
    )

    assert any(first.external_id in text and "same child" in text for text in messages_of(response))
    second = MissingCase.objects.exclude(pk=first.pk).get()
    assert second.possible_duplicate_of == first
    dashboard = manager.get(reverse("missing:dashboard")).content.decode()
    assert "Likely duplicates" in dashboard and f"looks like {first.external_id}" in dashboard


def test_a_child_missing_again_shows_the_earlier_episode(manager, cast):
    manager.post(reverse("missing:new"), form_data())
    first = MissingCase.objects.get()
    cases.recover(
        first,
        cast.case_manager,
        city="Conway",
        state=Jurisdiction.objects.get(pk="AR"),
        condition="unharmed",
    )

    response = manager.post(reverse("missing:new"), form_data(), follow=True)

    second = MissingCase.objects.exclude(pk=first.pk).get()
    assert second.previous_episode == first
    assert any("earlier episode" in text for text in messages_of(response))
    page = manager.get(reverse("missing:case", args=[first.pk])).content.decode()
    assert "Other episodes of this child" in page and second.external_id in page


def test_a_bad_transition_says_why_and_changes_nothing(manager, cast):
    case = cases.intake(service_values(), cast.case_manager).case
    cases.close(case, cast.case_manager, reason="Duplicate")

    response = manager.post(
        reverse("missing:recover", args=[case.pk]),
        {
            "resolved_at": timezone.now().strftime("%Y-%m-%dT%H:%M"),
            "city": "Conway",
            "state": "AR",
            "condition": "unharmed",
        },
        follow=True,
    )

    assert any("Reopen it first" in text for text in messages_of(response))
    case.refresh_from_db()
    assert case.status == "closed_other"

    response = manager.post(reverse("missing:reopen", args=[case.pk]), {}, follow=True)
    assert any("required" in text for text in messages_of(response))
    case.refresh_from_db()
    assert case.status == "closed_other"


def test_editing_a_case_updates_its_poster_and_is_audited(manager, cast):
    case = cases.intake(service_values(), cast.case_manager).case
    publishing.publish(case, cast.case_manager)
    edit = manager.get(reverse("missing:edit", args=[case.pk]))
    assert AuditEvent.objects.filter(action="missing:case:viewed", detail__via="edit").exists()
    data = {
        key: value for key, value in edit.context["form"].initial.items() if value not in (None, "")
    }
    data.update(
        state="AR",
        child_date_of_birth=case.child_date_of_birth.isoformat(),
        last_seen_city="Benton",
        last_seen_at=case.last_seen_at.strftime("%Y-%m-%dT%H:%M"),
    )
    data.pop("risk_factors", None)

    response = manager.post(reverse("missing:edit", args=[case.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert case.last_seen_city == "Benton"
    assert case.poster.document["children"][0]["missingCity"] == "Benton"
    event = AuditEvent.objects.get(action="missing:case:updated")
    assert "last_seen_city" in event.detail["fields"]
    assert "Benton" not in str(event.detail)  # names of fields, never values


def test_only_images_are_accepted_as_photos(manager, cast):
    case = cases.intake(service_values(), cast.case_manager).case
    fake = SimpleUploadedFile("child.png", b"%PDF-1.4 not an image", content_type="image/png")

    response = manager.post(
        reverse("missing:add-photo", args=[case.pk]), {"photo": fake}, follow=True
    )

    assert any("JPEG, PNG" in text for text in messages_of(response))
    assert not case.photos.exists()
    real = SimpleUploadedFile("child.png", synthetic_png(), content_type="image/png")
    manager.post(reverse("missing:add-photo", args=[case.pk]), {"photo": real})
    photo = case.photos.get()
    shown = manager.get(reverse("missing:photo", args=[photo.pk]))
    assert shown["Content-Type"] == "image/png" and shown.content == synthetic_png()
    assert AuditEvent.objects.filter(action="missing:photo:viewed", subject_id=str(case.pk))


def test_a_poster_needs_a_published_case_and_a_known_language(manager, cast):
    case = cases.intake(service_values(), cast.case_manager).case
    assert manager.get(reverse("missing:poster-pdf", args=[case.pk, "en"])).status_code == 404
    publishing.publish(case, cast.case_manager)
    assert manager.get(reverse("missing:poster-pdf", args=[case.pk, "fr"])).status_code == 404
    assert manager.get(reverse("missing:poster-pdf", args=[case.pk, "es"])).status_code == 200
    cases.close(case, cast.case_manager, reason="Reported in error")
    response = manager.post(reverse("missing:publish-poster", args=[case.pk]), follow=True)
    assert any("resolved" in text for text in messages_of(response))


def test_the_dashboard_lists_deadlines_with_the_overdue_first(manager, cast, custodial_agency):
    def from_care(name, hours_ago):
        return cases.intake(
            service_values(
                child_first_name=name,
                missing_from_care=True,
                reported_by="child_welfare",
                custodial_agency=custodial_agency,
                care_missing_known_at=timezone.now() - datetime.timedelta(hours=hours_ago),
            ),
            cast.case_manager,
        ).case

    recent, overdue = from_care("Robin", 2), from_care("Kim", 30)

    response = manager.get(reverse("missing:dashboard"))

    assert [case for case, _ in response.context["deadlines"]] == [overdue, recent]
    page = response.content.decode()
    assert "Overdue: law enforcement not yet notified" in page
    assert page.index(overdue.external_id) < page.index(recent.external_id)
