"""The outreach network's pages: the provider directory by state with its free and
sliding-scale filters, and a referral that counts in ``faon.families_connected`` only
once the family is connected."""

import pytest

from clearinghouse.audit.models import AuditEvent
from clearinghouse.impact.figures import figure_value
from clearinghouse.support.models import Family, MentalHealthProvider, MentalHealthReferral

pytestmark = pytest.mark.django_db


def connected(state="AR", year=2023):
    return figure_value("faon.families_connected", year, state).value


def provider(name, state="AR", **fields):
    fields.setdefault("city", "Little Rock")
    return MentalHealthProvider.objects.create(name=name, state_id=state, **fields)


@pytest.fixture
def manager(cast, signed_in):
    return signed_in(cast.case_manager)


@pytest.fixture
def directory():
    return {
        "free": provider("Free Counseling Center", offers_free_services=True),
        "sliding": provider("Sliding Scale Therapy", offers_sliding_scale=True),
        "full": provider("Full Fee Practice"),
        "closed": provider("Waitlisted Clinic", accepting_referrals=False),
        "texas": provider("Texas Free Clinic", "TX", offers_free_services=True),
    }


@pytest.fixture
def family(manager):
    data = {"kind": "survivor", "display_name": "Synthetic Survivor", "state": "AR"}
    assert manager.post("/support/families/new/", data).status_code == 302
    return Family.objects.get()


def refer(client, family, to, **changes):
    data = {"provider": to.pk, "referred_at": "2023-04-01T09:00", **changes}
    return client.post(f"/support/families/{family.pk}/refer/", data)


def connect(client, referral, when="2023-04-10T09:00"):
    return client.post(f"/support/referrals/{referral.pk}/connected/", {"connected_at": when})


def listed(client, **params):
    page = client.get("/support/providers/", params).content.decode()
    return {
        name
        for name in ("Free Counseling", "Sliding Scale", "Full Fee", "Texas Free")
        if name in page
    }


def test_the_directory_filters_by_state_and_cost(manager, directory):
    assert listed(manager, state="AR") == {"Free Counseling", "Sliding Scale", "Full Fee"}
    assert listed(manager, state="AR", free="on") == {"Free Counseling"}
    assert listed(manager, state="AR", sliding_scale="on") == {"Sliding Scale"}
    assert listed(manager, state="AR", free="on", sliding_scale="on") == {
        "Free Counseling",
        "Sliding Scale",
    }
    assert listed(manager, free="on") == {"Free Counseling", "Texas Free"}


def test_a_provider_is_added_to_the_directory(manager):
    data = {
        "name": "New Hope Counseling",
        "state": "AR",
        "city": "Conway",
        "website": "https://counseling.example.org",
        "offers_sliding_scale": "on",
        "accepting_referrals": "on",
    }
    response = manager.post("/support/providers/new/", data)

    assert response.status_code == 302
    added = MentalHealthProvider.objects.get()
    assert (added.offers_sliding_scale, added.offers_free_services) == (True, False)
    assert AuditEvent.objects.filter(action="support:provider:created").exists()


def test_a_provider_twice_in_a_state_is_refused(manager, directory):
    response = manager.post(
        "/support/providers/new/", {"name": "free counseling center", "state": "AR"}
    )

    assert response.status_code == 400
    assert "already in the directory" in response.content.decode()
    assert MentalHealthProvider.objects.count() == len(directory)


def test_a_referral_counts_once_the_family_is_connected(manager, family, directory):
    assert refer(manager, family, directory["free"]).status_code == 302
    referral = MentalHealthReferral.objects.get()
    assert (referral.family_id, referral.state_id, referral.status) == (
        family.external_id,
        "AR",
        "referred",
    )
    assert connected() == 0

    assert connect(manager, referral).status_code == 302

    referral.refresh_from_db()
    assert referral.status == "connected"
    assert (connected("AR"), connected("TX"), connected("AR", 2024)) == (1, 0, 0)
    assert AuditEvent.objects.filter(
        action="support:referral:connected", subject_id=referral.pk
    ).exists()


def test_a_family_connected_twice_counts_once(manager, family, directory):
    refer(manager, family, directory["free"])
    refer(manager, family, directory["sliding"])
    for referral in MentalHealthReferral.objects.all():
        connect(manager, referral)

    assert connected() == 1


def test_a_referral_closed_without_connection_does_not_count(manager, family, directory):
    refer(manager, family, directory["free"])
    referral = MentalHealthReferral.objects.get()

    closed = manager.post(f"/support/referrals/{referral.pk}/close/", {"note": "Declined"})
    late = connect(manager, referral)

    assert (closed.status_code, late.status_code) == (302, 400)
    assert "This referral is closed." in late.content.decode()
    assert connected() == 0


@pytest.mark.parametrize(
    ("target", "changes", "message"),
    [
        ("closed", {}, "Choose a provider of the family&#x27;s state that accepts referrals."),
        ("texas", {}, "Choose a provider of the family&#x27;s state that accepts referrals."),
        ("free", {"referred_at": "2999-01-01T00:00"}, "cannot be in the future"),
    ],
)
def test_a_bad_referral_is_refused_and_nothing_is_stored(
    manager, family, directory, target, changes, message
):
    response = refer(manager, family, directory[target], **changes)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MentalHealthReferral.objects.exists()


def test_a_connection_before_the_referral_is_refused(manager, family, directory):
    refer(manager, family, directory["free"])
    referral = MentalHealthReferral.objects.get()

    response = connect(manager, referral, "2023-03-01T00:00")

    assert response.status_code == 400
    assert "cannot be connected before it was referred" in response.content.decode()
    referral.refresh_from_db()
    assert referral.connected_at is None


def test_every_role_but_case_managers_is_refused(client, cast, family, directory, signed_in):
    refer(signed_in(cast.case_manager), family, directory["free"])
    referral = MentalHealthReferral.objects.get()
    pages = [
        ("get", "/support/providers/", {}),
        ("get", "/support/providers/new/", {}),
        ("post", "/support/providers/new/", {"name": "X", "state": "AR"}),
        ("get", f"/support/providers/{directory['free'].pk}/", {}),
        ("post", f"/support/families/{family.pk}/refer/", {"provider": directory["sliding"].pk}),
        ("post", f"/support/referrals/{referral.pk}/connected/", {}),
        ("post", f"/support/referrals/{referral.pk}/close/", {"note": "x"}),
    ]
    for user in (cast.analyst, cast.ar_officer, cast.ar_agency_staff, cast.no_role):
        signed_in(user)
        for method, url, data in pages:
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    assert MentalHealthReferral.objects.get().status == "referred"
    assert MentalHealthProvider.objects.count() == len(directory)
