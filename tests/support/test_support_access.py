"""The access rules of the support records that the workflows added: an engagement's logs
follow the engagement to its agency's staff; families, volunteers, matches and the
provider directory are for case managers (and administrators) only."""

import pytest

import factories as make
from clearinghouse.accounts import access
from clearinghouse.support import cst, hope
from clearinghouse.support.models import (
    Family,
    MentalHealthProvider,
    MultidisciplinaryMeeting,
    PeerMatch,
    Volunteer,
    YouthEngagement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(cast, agencies, cases):
    """A youth engagement and a meeting on an engagement of each Arkansas agency."""
    made = {}
    for name in ("own", "other"):
        engagement = cst.open_engagement(cast.case_manager, agency=agencies[name], case=cases["ar"])
        made[f"youth_{name}"] = cst.log_youth_engagement(
            cast.case_manager, engagement, occurred_at=None, method="phone"
        )
        made[f"meeting_{name}"] = cst.log_meeting(
            cast.case_manager, engagement, held_at=None, attendees="Team"
        )
    return made


def test_an_engagements_logs_are_seen_by_its_agency_only(cast, agencies, logs):
    staff = cast.ar_agency_staff

    assert set(access.visible(staff, YouthEngagement)) == {logs["youth_own"]}
    assert set(access.visible(staff, MultidisciplinaryMeeting)) == {logs["meeting_own"]}
    assert set(access.visible(agencies["other_staff"], YouthEngagement)) == {logs["youth_other"]}
    assert not access.visible(agencies["texas_staff"], YouthEngagement).exists()
    for user in (cast.case_manager, cast.admin):
        assert access.visible(user, MultidisciplinaryMeeting).count() == 2
    for user in (cast.analyst, cast.ar_officer, cast.no_role, cast.anonymous):
        assert not access.visible(user, YouthEngagement).exists()
        assert not access.visible(user, MultidisciplinaryMeeting).exists()


def test_family_programs_are_seen_by_case_managers_and_administrators_only(cast):
    arkansas = make.jurisdiction("AR")
    family = hope.create_family(cast.case_manager, state=arkansas, display_name="F")
    volunteer = hope.create_volunteer(
        cast.case_manager,
        name="V",
        state=arkansas,
        training_status="trained",
        trained_on=make.DEFAULT_TIME.date(),
    )
    peer_match = hope.match(cast.case_manager, family, volunteer)
    provider = MentalHealthProvider.objects.create(name="P", state=arkansas)
    records = {Family: family, Volunteer: volunteer, PeerMatch: peer_match}
    records[MentalHealthProvider] = provider

    for model, record in records.items():
        for user in (cast.case_manager, cast.admin):
            assert list(access.visible(user, model)) == [record], (user, model)
        for user in (cast.analyst, cast.ar_officer, cast.ar_agency_staff, cast.no_role):
            assert not access.visible(user, model).exists(), (user, model)
