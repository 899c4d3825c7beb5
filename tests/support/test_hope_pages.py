"""Team HOPE pages: a case manager adds a family and a trained volunteer, matches them and
logs contacts, which moves ``hope.families_supported`` for the family's state (once per
family and year); only case managers reach any of it."""

import pytest
from django.db import connection

from clearinghouse.audit.models import AuditEvent
from clearinghouse.impact.figures import figure_value
from clearinghouse.support.models import Family, PeerMatch, PeerSupport, Volunteer

pytestmark = pytest.mark.django_db


def supported(state="AR", year=2023):
    return figure_value("hope.families_supported", year, state).value


def add_family(client, **changes):
    data = {"kind": "family", "display_name": "Synthetic Family", "state": "AR", **changes}
    return client.post("/support/families/new/", data)


def add_volunteer(client, **changes):
    data = {
        "name": "Synthetic Volunteer",
        "state": "AR",
        "training_status": "trained",
        "trained_on": "2022-09-01",
        **changes,
    }
    return client.post("/support/volunteers/", data)


@pytest.fixture
def manager(cast, signed_in):
    return signed_in(cast.case_manager)


@pytest.fixture
def family(manager):
    assert add_family(manager, contact="555-0100").status_code == 302
    return Family.objects.get()


@pytest.fixture
def volunteer(manager):
    assert add_volunteer(manager).status_code == 302
    return Volunteer.objects.get()


@pytest.fixture
def peer_match(manager, family, volunteer):
    data = {"volunteer": volunteer.pk, "matched_at": "2023-03-01T10:00"}
    assert manager.post(f"/support/families/{family.pk}/match/", data).status_code == 302
    return PeerMatch.objects.get()


def log_contact(client, peer_match, when="2023-03-02T10:00", **changes):
    data = {"supported_at": when, "method": "phone", "notes": "Listened", **changes}
    return client.post(f"/support/matches/{peer_match.pk}/contacts/", data)


def test_a_logged_contact_moves_the_families_supported_of_the_familys_state(
    manager, family, peer_match
):
    assert (supported("AR"), supported(None)) == (0, 0)

    response = log_contact(manager, peer_match)

    assert response.status_code == 302
    contact = PeerSupport.objects.get()
    assert (contact.family_id, contact.state_id, contact.match) == (
        family.external_id,
        "AR",
        peer_match,
    )
    assert (supported("AR"), supported("TX"), supported(None)) == (1, 0, 1)


def test_more_contacts_with_the_same_family_count_it_once_a_year(manager, peer_match):
    log_contact(manager, peer_match, "2023-03-02T10:00")
    log_contact(manager, peer_match, "2023-04-02T10:00")
    log_contact(manager, peer_match, "2024-01-05T10:00")

    assert PeerSupport.objects.count() == 3
    assert (supported("AR", 2023), supported("AR", 2024)) == (1, 1)


def test_a_match_alone_is_not_support_yet(peer_match):
    assert supported("AR") == 0


def test_only_a_trained_active_volunteer_is_matched(manager, family):
    add_volunteer(manager, training_status="in_training", trained_on="")
    untrained = Volunteer.objects.get()

    response = manager.post(f"/support/families/{family.pk}/match/", {"volunteer": untrained.pk})

    assert response.status_code == 400
    assert "Choose an active volunteer who has completed training." in response.content.decode()
    assert not PeerMatch.objects.exists()


def test_training_is_recorded_then_the_volunteer_can_be_matched(manager, family):
    add_volunteer(manager, training_status="in_training", trained_on="")
    volunteer = Volunteer.objects.get()
    url = f"/support/volunteers/{volunteer.pk}/training/"

    missing_date = manager.post(url, {"training_status": "trained", "active": "on"})
    done = manager.post(
        url, {"training_status": "trained", "trained_on": "2023-01-10", "active": "on"}
    )
    matched = manager.post(f"/support/families/{family.pk}/match/", {"volunteer": volunteer.pk})

    assert missing_date.status_code == 400
    assert "Give the date the volunteer completed training." in missing_date.content.decode()
    assert (done.status_code, matched.status_code) == (302, 302)
    assert PeerMatch.objects.get().volunteer == volunteer


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"supported_at": "2023-02-01T10:00"}, "A contact cannot come before the match."),
        ({"supported_at": "2999-02-01T10:00"}, "cannot be in the future"),
        ({"method": "pigeon"}, "Select a valid choice."),
    ],
)
def test_a_bad_contact_is_refused_and_nothing_is_stored(manager, peer_match, changes, message):
    response = log_contact(manager, peer_match, **changes)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PeerSupport.objects.exists()


def test_no_contact_is_logged_on_an_ended_match(manager, peer_match):
    assert manager.post(f"/support/matches/{peer_match.pk}/end/").status_code == 302

    response = log_contact(manager, peer_match)

    assert response.status_code == 400
    assert "This match has ended" in response.content.decode()
    assert not PeerSupport.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"display_name": ""}, "Name"), ({"state": "ZZ"}, "State"), ({"kind": "x"}, "Who")],
)
def test_a_family_without_what_it_needs_is_refused(manager, changes, field):
    response = add_family(manager, **changes)

    assert response.status_code == 400
    assert f"{field}:" in response.content.decode()
    assert not Family.objects.exists()


def test_names_and_contact_details_are_encrypted_at_rest(family, volunteer):
    with connection.cursor() as cursor:
        cursor.execute("SELECT display_name, contact FROM support_family")
        stored = cursor.fetchone()
        cursor.execute("SELECT name FROM support_volunteer")
        stored += cursor.fetchone()
    assert all(value.startswith("v1:") for value in stored)
    assert "Synthetic" not in "".join(stored)


def test_viewing_and_changing_are_audited(cast, manager, family, peer_match):
    manager.get(f"/support/families/{family.pk}/")
    log_contact(manager, peer_match)

    actions = set(
        AuditEvent.objects.filter(actor=cast.case_manager).values_list("action", flat=True)
    )
    assert {
        "support:family:created",
        "support:volunteer:created",
        "support:match:created",
        "support:family:viewed",
        "support:contact:created",
    } <= actions


def test_the_family_page_shows_matches_and_contacts(manager, family, peer_match):
    log_contact(manager, peer_match, notes="Talked about the first week")

    page = manager.get(f"/support/families/{family.pk}/").content.decode()

    assert "Synthetic Family" in page and "Synthetic Volunteer" in page
    assert "Talked about the first week" in page


# -- who sees what -----------------------------------------------------------------------


def hope_pages(family, volunteer, peer_match):
    return [
        ("get", "/support/families/", {}),
        ("get", "/support/families/new/", {}),
        ("post", "/support/families/new/", {"display_name": "X", "state": "AR", "kind": "family"}),
        ("get", f"/support/families/{family.pk}/", {}),
        ("post", f"/support/families/{family.pk}/match/", {"volunteer": volunteer.pk}),
        ("post", f"/support/matches/{peer_match.pk}/contacts/", {"method": "phone"}),
        ("post", f"/support/matches/{peer_match.pk}/end/", {}),
        ("get", "/support/volunteers/", {}),
        ("post", "/support/volunteers/", {"name": "X", "state": "AR"}),
        ("post", f"/support/volunteers/{volunteer.pk}/training/", {"training_status": "lapsed"}),
    ]


def test_every_role_but_case_managers_is_refused(
    client, cast, family, volunteer, peer_match, signed_in
):
    for user in (cast.analyst, cast.ar_officer, cast.tx_officer, cast.ar_agency_staff):
        signed_in(user)
        for method, url, data in hope_pages(family, volunteer, peer_match):
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    client.logout()
    for method, url, data in hope_pages(family, volunteer, peer_match):
        assert getattr(client, method)(url, data).url.startswith("/accounts/login/")
    assert (Family.objects.count(), Volunteer.objects.count(), PeerSupport.objects.count()) == (
        1,
        1,
        0,
    )
    assert PeerMatch.objects.get().is_open


def test_an_administrator_works_like_a_case_manager(cast, family, signed_in):
    assert signed_in(cast.admin).get(f"/support/families/{family.pk}/").status_code == 200


def test_a_record_that_does_not_exist_is_a_404(manager):
    assert manager.get("/support/families/999999/").status_code == 404
    assert log_contact(manager, PeerMatch(pk=999999)).status_code == 404
