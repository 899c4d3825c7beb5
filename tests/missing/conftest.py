"""Fixtures of the missing-children tests: the cast, a custodial agency, a consultant."""

from __future__ import annotations

import pytest

import factories as make
from clearinghouse.missing.models import TeamAdamConsultant


@pytest.fixture
def cast():
    return make.make_cast()


@pytest.fixture
def custodial_agency():
    return make.make_social_service_agency("AR", name="Arkansas Division of Children")


@pytest.fixture
def consultant():
    return TeamAdamConsultant.objects.create(name="Dana Consultant", home_state_id="TX")
