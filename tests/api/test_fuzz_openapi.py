"""schemathesis against the JSON API's own OpenAPI schema (``/api/openapi.json``), through
the real WSGI application, signed in as an administrator (who may do the most): every generated
request, valid or not, to every operation gets an answer that is not a server error and,
when it succeeds, matches the schema."""

from __future__ import annotations

import pytest
import schemathesis
from fuzzing import EXAMPLES, fuzz_settings
from hypothesis import given
from schemathesis.checks import not_a_server_error, response_schema_conformance

import factories as make
from clearinghouse.wsgi import application

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture
def signed_in(client):
    """A signed-in administrator's headers, with a CSRF token, so that writes get past the
    door and into the endpoints' own validation."""
    client.force_login(make.make_admin())
    token = "A" * 32  # any 32 characters; the cookie and the header must agree
    return {
        "headers": {"X-CSRFToken": token},
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
    }


def test_the_schema_lists_the_api():
    paths = {operation.path for operation in OPERATIONS}
    assert len(OPERATIONS) >= 10
    assert any(path.startswith("/api/tipline/") for path in paths)


# Operations an administrator may not use, by design: officers submit their agency's
# collections. Everything else must let some generated request past the door.
NOT_FOR_ADMINISTRATORS = {"POST /api/cvip/submissions"}


def fuzz(operation, signed_in) -> set[int]:
    """Generated requests to one operation; the statuses they got."""
    statuses: set[int] = set()

    @fuzz_settings(examples=max(5, EXAMPLES // 4))
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(**signed_in)
        statuses.add(response.status_code)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    run()
    return statuses


def test_every_operation_answers_without_a_server_error(signed_in):
    """One test over every operation, so that the database is reset once, not once an
    operation (a flush of every table costs seconds on PostgreSQL)."""
    for operation in OPERATIONS:
        statuses = fuzz(operation, signed_in)
        if operation.label not in NOT_FOR_ADMINISTRATORS:
            assert statuses != {403}, f"{operation.label}: every request refused at the door"
