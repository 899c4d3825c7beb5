"""The public training sign-up page: open to anybody, CSRF-protected, usable on a phone,
rate-limited per client address; each sign-up moves the education figures, a repeated
address does not count twice, and bad input stores nothing."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from clearinghouse.audit.models import AuditEvent
from clearinghouse.education import signup
from clearinghouse.education.models import TrainingRegistration
from clearinghouse.impact.figures import figure_value

pytestmark = pytest.mark.django_db

PAGE = "/training/register/"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def answers(**changes):
    data = {
        "full_name": "Synthetic Officer",
        "email": "officer@police.example.org",
        "profession": "law_enforcement",
        "job_title": "Detective",
        "agency_name": "Synthetic Police Department",
        "state": "AR",
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def figures(state="AR"):
    year = timezone.now().year
    return (
        figure_value("education.new_professionals", year, state).value,
        figure_value("education.registered_users", year).value,
    )


def test_the_page_is_open_accessible_and_fits_a_phone(client):
    response = client.get(PAGE)

    body = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    assert '<html lang="en">' in body
    assert "csrfmiddlewaretoken" in body
    for field in ("full_name", "email", "profession", "job_title", "agency_name", "state"):
        assert f'<label for="id_{field}">' in body
    assert 'autocomplete="email"' in body and 'type="email"' in body
    assert 'aria-describedby="id_email_helptext"' in body


def test_a_sign_up_is_kept_and_moves_the_states_figure(client):
    assert figures("AR") == (0, 0)

    response = client.post(PAGE, answers(), follow=True)

    assert response.redirect_chain[-1][0] == "/training/register/thanks/"
    assert "Thank you for signing up" in response.content.decode()
    registration = TrainingRegistration.objects.get()
    assert (registration.state_id, registration.profession) == ("AR", "law_enforcement")
    assert (registration.full_name, registration.agency_name) == (
        "Synthetic Officer",
        "Synthetic Police Department",
    )
    assert figures("AR") == (1, 1)
    assert figures("TX") == (0, 1)
    assert AuditEvent.objects.filter(
        action="education:registration:created", subject_id=registration.pk, actor=None
    ).exists()


def test_other_professions_count_as_users_not_as_new_professionals(client):
    client.post(PAGE, answers(profession="other"))

    assert figures("AR") == (0, 1)


def test_name_and_email_are_encrypted_at_rest(client):
    client.post(PAGE, answers())

    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, email, email_digest FROM education_trainingregistration")
        name, email, digest = cursor.fetchone()
    assert name.startswith("v1:") and email.startswith("v1:")
    assert "officer" not in name + email + digest


def test_the_same_address_twice_is_one_registration_and_tells_nobody(client):
    first = client.post(PAGE, answers())
    again = client.post(PAGE, answers(email=" OFFICER@police.example.org ", state="TX"))

    assert first.url == again.url == "/training/register/thanks/"
    assert TrainingRegistration.objects.count() == 1
    assert figures("AR") == (1, 1) and figures("TX") == (0, 1)


@pytest.mark.parametrize(
    ("changes", "label", "message"),
    [
        ({"email": "not-an-address"}, "Work email", "Enter a valid email address."),
        ({"state": None}, "State or territory where you work", "This field is required."),
        ({"state": "ZZ"}, "State or territory where you work", "Select a valid choice."),
        ({"profession": "astronaut"}, "Profession", "Select a valid choice."),
        ({"agency_name": "  "}, "Agency or organization", "This field is required."),
        ({"full_name": "Line\nbreak"}, "Full name", "Your name must be on one line."),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_stored(
    client, changes, label, message
):
    response = client.post(PAGE, answers(**changes))

    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem with your sign-up" in body
    assert f"{label}: {message}" in body
    assert "<title>Error:" in body
    assert not TrainingRegistration.objects.exists()


def test_the_form_needs_its_csrf_token():
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(PAGE, answers())

    assert response.status_code == 403
    assert not TrainingRegistration.objects.exists()


def test_each_address_is_limited_and_others_are_not(client):
    for number in range(signup.RATE_LIMIT):
        response = client.post(
            PAGE, answers(email=f"p{number}@example.org"), REMOTE_ADDR="192.0.2.7"
        )
        assert response.status_code == 302

    refused = client.post(PAGE, answers(email="late@example.org"), REMOTE_ADDR="192.0.2.7")
    other = client.post(PAGE, answers(email="other@example.org"), REMOTE_ADDR="192.0.2.8")

    assert refused.status_code == 429
    assert "Please wait before signing up again" in refused.content.decode()
    assert other.status_code == 302
    assert TrainingRegistration.objects.count() == signup.RATE_LIMIT + 1


def test_refused_sign_ups_do_not_use_up_the_limit(client):
    for _ in range(signup.RATE_LIMIT + 2):
        assert client.post(PAGE, answers(email="bad")).status_code == 400

    assert client.post(PAGE, answers()).status_code == 302


def test_the_thanks_page_needs_a_sign_up_first(client):
    assert client.get("/training/register/thanks/").url == PAGE
