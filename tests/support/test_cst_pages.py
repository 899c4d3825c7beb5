"""Recovery services pages: a case manager opens an engagement on a case with an agency
(which moves ``cst.agency_engagements`` for the agency's state), the agency's staff keep
the recovery plan and the logs, and nobody else reaches them."""

import pytest
from django.db import connection

from clearinghouse.audit.models import AuditEvent
from clearinghouse.impact.figures import figure_value
from clearinghouse.support.models import CstEngagement, MultidisciplinaryMeeting, YouthEngagement

pytestmark = pytest.mark.django_db

NEW = "/support/engagements/new/"


def engagements_figure(state="AR", year=2023):
    return figure_value("cst.agency_engagements", year, state).value


def open_one(client, with_agency, case="MC-AR-1", **changes):
    data = {
        "case_number": case,
        "agency": with_agency.pk,
        "engaged_at": "2023-05-02T10:00",
        "recovery_plan": "Safe housing; weekly counseling.",
        **changes,
    }
    return client.post(NEW, data)


@pytest.fixture
def engagement(cast, agencies, cases, signed_in):
    response = open_one(signed_in(cast.case_manager), agencies["own"])
    assert response.status_code == 302, response.content
    return CstEngagement.objects.get()


def test_opening_an_engagement_moves_the_figure_of_the_agencys_state(
    cast, agencies, cases, signed_in
):
    assert (engagements_figure("AR"), engagements_figure("TX")) == (0, 0)

    response = open_one(signed_in(cast.case_manager), agencies["own"])

    engagement = CstEngagement.objects.get()
    assert response.url == f"/support/engagements/{engagement.pk}/"
    assert (engagement.case, engagement.case_ref) == (cases["ar"], "MC-AR-1")
    assert engagement.opened_by == cast.case_manager
    assert (engagements_figure("AR"), engagements_figure("TX")) == (1, 0)
    assert engagements_figure("AR", 2024) == 0
    assert AuditEvent.objects.filter(
        action="support:engagement:created", actor=cast.case_manager, subject_id=engagement.pk
    ).exists()


def test_the_logs_of_an_engagement_do_not_add_engagements(cast, engagement, signed_in):
    client = signed_in(cast.ar_agency_staff)
    url = f"/support/engagements/{engagement.pk}/"

    plan = client.post(url + "plan/", {"recovery_plan": "Return to school in the fall."})
    youth = client.post(
        url + "youth/", {"occurred_at": "2023-05-03T15:00", "method": "in_person", "notes": "Met"}
    )
    meeting = client.post(
        url + "meetings/",
        {"held_at": "2023-05-04T09:00", "attendees": "Agency, detective", "decisions": "Refer"},
    )

    assert [r.status_code for r in (plan, youth, meeting)] == [302, 302, 302]
    engagement.refresh_from_db()
    assert engagement.recovery_plan == "Return to school in the fall."
    assert YouthEngagement.objects.get().recorded_by == cast.ar_agency_staff
    assert MultidisciplinaryMeeting.objects.get().attendees == "Agency, detective"
    assert engagements_figure("AR") == 1
    page = client.get(url).content.decode()
    assert "Return to school in the fall." in page and "Agency, detective" in page


def test_personal_notes_are_encrypted_at_rest(engagement):
    with connection.cursor() as cursor:
        cursor.execute("SELECT recovery_plan FROM support_cstengagement")
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:") and "counseling" not in stored


def test_closing_stops_the_logs(cast, engagement, signed_in):
    client = signed_in(cast.case_manager)
    url = f"/support/engagements/{engagement.pk}/"

    assert client.post(url + "close/", {"note": "Youth safe with family."}).status_code == 302
    refused = client.post(url + "youth/", {"method": "phone"})

    assert refused.status_code == 400
    assert "This engagement is closed." in refused.content.decode()
    assert not YouthEngagement.objects.exists()
    assert engagements_figure("AR") == 1  # counted in the year it began


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"case_number": "MC-NOPE"}, "No missing case numbered"),
        ({"engaged_at": "2999-01-01T00:00"}, "cannot be in the future"),
        ({"engaged_at": "yesterday"}, "Enter a valid date/time."),
        ({"agency": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    cast, agencies, cases, signed_in, changes, message
):
    response = open_one(signed_in(cast.case_manager), agencies["own"], **changes)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CstEngagement.objects.exists()


def test_a_second_open_engagement_of_the_same_agency_on_the_case_is_refused(
    cast, agencies, engagement, signed_in
):
    response = open_one(signed_in(cast.case_manager), agencies["own"])

    assert response.status_code == 400
    assert "already has an open engagement" in response.content.decode()
    assert CstEngagement.objects.count() == 1


def test_an_engagement_is_opened_only_with_a_social_service_agency(cast, cases, signed_in):
    police = cast.ar_officer.organization
    response = open_one(signed_in(cast.case_manager), police)

    assert response.status_code == 400
    assert not CstEngagement.objects.exists()


def test_a_log_without_what_it_needs_is_refused(cast, engagement, signed_in):
    client = signed_in(cast.ar_agency_staff)
    url = f"/support/engagements/{engagement.pk}/"

    meeting = client.post(url + "meetings/", {"held_at": "2023-05-04T09:00", "attendees": " "})
    youth = client.post(url + "youth/", {"method": "telepathy"})
    plan = client.post(url + "plan/", {"recovery_plan": ""})

    assert [r.status_code for r in (meeting, youth, plan)] == [400, 400, 400]
    assert "Who attended" in meeting.content.decode()
    assert not MultidisciplinaryMeeting.objects.exists() and not YouthEngagement.objects.exists()
    engagement.refresh_from_db()
    assert engagement.recovery_plan == "Safe housing; weekly counseling."


# -- who sees what -----------------------------------------------------------------------


def pages(engagement):
    url = f"/support/engagements/{engagement.pk}/"
    return [
        ("get", url, {}),
        ("post", url + "plan/", {"recovery_plan": "Changed"}),
        ("post", url + "youth/", {"method": "phone"}),
        ("post", url + "meetings/", {"attendees": "Someone"}),
        ("post", url + "close/", {"note": "Done"}),
    ]


def test_staff_of_another_agency_get_404_everywhere(agencies, engagement, signed_in):
    for staff in (agencies["other_staff"], agencies["texas_staff"]):
        client = signed_in(staff)
        for method, url, data in pages(engagement):
            assert getattr(client, method)(url, data).status_code == 404, (staff, url)
    engagement.refresh_from_db()
    assert engagement.is_open and engagement.recovery_plan != "Changed"
    assert not YouthEngagement.objects.exists()


def test_roles_without_cst_access_get_403(cast, engagement, signed_in):
    for user in (cast.analyst, cast.ar_officer, cast.no_role):
        client = signed_in(user)
        for method, url, data in pages(engagement):
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
        assert client.get("/support/engagements/").status_code == 403
        assert client.get(NEW).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, engagement):
    client.logout()
    for method, url, data in pages(engagement):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_agency_staff_list_only_their_own_engagements(cast, agencies, cases, signed_in):
    manager = signed_in(cast.case_manager)
    open_one(manager, agencies["own"])
    open_one(manager, agencies["texas"], case="MC-TX-1")
    own, texas = CstEngagement.objects.order_by("pk")

    listing = signed_in(cast.ar_agency_staff).get("/support/engagements/").content.decode()

    assert own.external_id in listing and texas.external_id not in listing
    assert signed_in(cast.ar_agency_staff).get(NEW).status_code == 403


def test_viewing_an_engagement_is_audited(cast, engagement, signed_in):
    signed_in(cast.ar_agency_staff).get(f"/support/engagements/{engagement.pk}/")

    assert AuditEvent.objects.filter(
        action="support:engagement:viewed", actor=cast.ar_agency_staff, subject_id=engagement.pk
    ).exists()


def test_the_case_is_linked_for_those_who_see_it_and_named_for_the_agency(
    cast, engagement, cases, signed_in
):
    url = f"/support/engagements/{engagement.pk}/"
    link = f'href="/missing/cases/{cases["ar"].pk}/"'

    manager_page = signed_in(cast.case_manager).get(url).content.decode()
    staff_page = signed_in(cast.ar_agency_staff).get(url).content.decode()

    assert link in manager_page
    assert link not in staff_page and "MC-AR-1" in staff_page


def test_the_support_home_sends_each_role_to_its_work(cast, agencies, signed_in):
    assert signed_in(cast.case_manager).get("/support/").url == "/support/families/"
    assert signed_in(cast.ar_agency_staff).get("/support/").url == "/support/engagements/"
    assert signed_in(cast.analyst).get("/support/").status_code == 403
    assert signed_in(cast.ar_officer).get("/support/").status_code == 403
