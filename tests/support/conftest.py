"""Fixtures of the recovery services and family support tests: the fixed cast, a second
Arkansas agency and a Texas one, and a missing case in each state."""

import pytest

import factories as make


@pytest.fixture
def cast():
    return make.make_cast()


@pytest.fixture
def agencies(cast):
    """The Arkansas agency staff's own agency, another Arkansas agency and a Texas one,
    each with a member of staff."""
    own = cast.ar_agency_staff.organization
    other = make.make_social_service_agency("AR", name="Other Arkansas Family Services")
    texas = make.make_social_service_agency("TX", name="Texas Youth Services")
    return {
        "own": own,
        "other": other,
        "texas": texas,
        "other_staff": make.make_agency_staff("AR", organization=other),
        "texas_staff": make.make_agency_staff("TX", organization=texas),
    }


@pytest.fixture
def cases():
    return {
        "ar": make.make_missing_case("AR", external_id="MC-AR-1", likely_cst_victim=True),
        "tx": make.make_missing_case("TX", external_id="MC-TX-1"),
    }


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
