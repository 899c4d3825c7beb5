"""Crashes schemathesis found in the JSON API, kept as tests (``test_fuzz_openapi.py``):
numbers beyond the database's integers are invalid input (422), never a server error."""

import pytest

import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make.make_admin())
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/api/support/families",
        "/api/support/volunteers",
        "/api/education/registrations",
        "/api/tipline/reports",
    ],
)
def test_a_page_number_beyond_any_list_is_invalid_input(admin_client, path):
    response = admin_client.get(path, {"page": "263223067025165123584", "page_size": "233"})
    assert response.status_code == 422
    assert admin_client.get(path, {"page": "10000000"}).status_code == 200  # just empty


def test_an_id_of_thirty_digits_is_invalid_input_and_not_echoed(admin_client):
    response = admin_client.post(
        "/api/missing/team-adam/3000/deploy",
        {"consultants": [-10620171575577995775049728, 4688248], "deployed_at": None},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert b"10620171575577995775049728" not in response.content
