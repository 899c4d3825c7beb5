"""The law-enforcement portal: an officer's queue and report detail, acknowledging,
assigning within the agency and closing, and who else is kept out."""

import pytest
from django.urls import reverse

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.tipline import triage
from clearinghouse.tipline.models import TiplineReport

pytestmark = pytest.mark.django_db

MADE_AVAILABLE = "2023-06-02T09:00:00Z"


@pytest.fixture
def cast():
    return make.make_cast()


@pytest.fixture
def reports():
    return {
        "ar": make.make_report("AR", made_available_at=MADE_AVAILABLE, files=1),
        "ar_pending": make.make_report("AR"),
        "ar_retracted": make.make_report(
            "AR", made_available_at=MADE_AVAILABLE, status=TiplineReport.Status.RETRACTED
        ),
        "ar_expired": make.make_report(
            "AR", made_available_at=MADE_AVAILABLE, status=TiplineReport.Status.EXPIRED
        ),
        "tx": make.make_report("TX", made_available_at=MADE_AVAILABLE),
    }


def signed_in(client, user):
    client.force_login(user)
    return client


# -- the queue ---------------------------------------------------------------------------


def test_an_officer_sees_only_their_states_made_available_reports(client, cast, reports):
    response = signed_in(client, cast.ar_officer).get(reverse("tipline:portal-queue"))

    assert response.status_code == 200
    shown = [report.external_id for report in response.context["page"]]
    assert shown == [reports["ar"].external_id]
    for name in ("ar_pending", "ar_retracted", "ar_expired", "tx"):
        assert reports[name].external_id not in response.content.decode()


def test_the_texas_officer_does_not_see_the_arkansas_report(client, cast, reports):
    response = signed_in(client, cast.tx_officer).get(reverse("tipline:portal-queue"))

    assert [r.external_id for r in response.context["page"]] == [reports["tx"].external_id]


def test_the_queue_puts_new_reports_before_acknowledged_and_closed_ones(cast):
    closed = make.make_report("AR", made_available_at="2023-06-05T00:00:00Z")
    acknowledged = make.make_report("AR", made_available_at="2023-06-04T00:00:00Z")
    new = make.make_report("AR", made_available_at="2023-06-01T00:00:00Z")
    triage.close(closed, cast.ar_officer, "arrest")
    triage.acknowledge(acknowledged, cast.ar_officer)

    assert list(triage.portal_queue(cast.ar_officer)) == [new, acknowledged, closed]


def test_the_queue_filters_by_state_of_work_and_number(client, cast):
    new = make.make_report("AR", made_available_at=MADE_AVAILABLE, external_id="R-NEW-1")
    closed = make.make_report("AR", made_available_at=MADE_AVAILABLE, external_id="R-DONE-2")
    triage.close(closed, cast.ar_officer, "no_crime")
    client = signed_in(client, cast.ar_officer)

    def shown(**params):
        response = client.get(reverse("tipline:portal-queue"), params)
        return [report.external_id for report in response.context["page"]]

    assert shown() == [new.external_id]
    assert shown(show="closed") == [closed.external_id]
    assert sorted(shown(show="all")) == sorted([new.external_id, closed.external_id])
    assert shown(show="all", q="done") == [closed.external_id]


@pytest.mark.parametrize("who", ["analyst", "case_manager", "ar_agency_staff", "no_role"])
def test_other_roles_are_refused_the_portal(client, cast, reports, who):
    client = signed_in(client, getattr(cast, who))
    assert client.get(reverse("tipline:portal-queue")).status_code == 403
    assert client.get(reverse("tipline:portal-report", args=[reports["ar"].pk])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, reports):
    for url in (
        reverse("tipline:portal-queue"),
        reverse("tipline:portal-report", args=[reports["ar"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# -- the detail --------------------------------------------------------------------------


def test_an_officer_reads_a_report_and_the_view_is_audited(client, cast, reports):
    report = reports["ar"]
    response = signed_in(client, cast.ar_officer).get(
        reverse("tipline:portal-report", args=[report.pk])
    )

    assert response.status_code == 200
    assert report.external_id in response.content.decode()
    event = AuditEvent.objects.get(action="tipline:report:viewed")
    assert (event.actor, event.subject_id, event.detail) == (
        cast.ar_officer,
        str(report.pk),
        {"via": "portal"},
    )


@pytest.mark.parametrize("name", ["tx", "ar_pending", "ar_retracted", "ar_expired"])
def test_a_report_out_of_scope_is_not_found(client, cast, reports, name):
    response = signed_in(client, cast.ar_officer).get(
        reverse("tipline:portal-report", args=[reports[name].pk])
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.exclude(action="accounts:user:logged_in").exists()


def test_the_texas_officer_cannot_act_on_the_arkansas_report(client, cast, reports):
    client = signed_in(client, cast.tx_officer)
    pk = reports["ar"].pk
    assert client.post(reverse("tipline:portal-acknowledge", args=[pk])).status_code == 404
    assert (
        client.post(reverse("tipline:portal-close", args=[pk]), {"outcome": "arrest"}).status_code
        == 404
    )
    reports["ar"].refresh_from_db()
    assert reports["ar"].acknowledged_at is None and reports["ar"].closed_at is None


# -- the work ----------------------------------------------------------------------------


def test_an_officer_acknowledges_a_report(client, cast, reports):
    report = reports["ar"]
    response = signed_in(client, cast.ar_officer).post(
        reverse("tipline:portal-acknowledge", args=[report.pk])
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.acknowledged_at is not None
    assert report.acknowledged_by == cast.ar_officer
    assert AuditEvent.objects.filter(action="tipline:report:acknowledged").count() == 1


def test_acknowledging_twice_keeps_the_first_time(cast, reports):
    first = triage.acknowledge(reports["ar"], cast.ar_officer).acknowledged_at
    assert triage.acknowledge(reports["ar"], cast.ar_officer).acknowledged_at == first
    assert AuditEvent.objects.filter(action="tipline:report:acknowledged").count() == 1


def test_htmx_gets_the_changed_panel_back(client, cast, reports):
    response = signed_in(client, cast.ar_officer).post(
        reverse("tipline:portal-acknowledge", args=[reports["ar"].pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="work"')
    assert "Acknowledged" in body


def test_an_officer_assigns_a_report_to_a_colleague(client, cast, reports):
    colleague = make.make_officer(agency=cast.ar_officer.organization)
    report = reports["ar"]

    signed_in(client, cast.ar_officer).post(
        reverse("tipline:portal-assign", args=[report.pk]), {"assignee": colleague.pk}
    )

    report.refresh_from_db()
    assert report.assigned_to == colleague
    assert report.acknowledged_by == cast.ar_officer
    event = AuditEvent.objects.get(action="tipline:report:assigned")
    assert event.detail == {"assignee": colleague.pk}


@pytest.mark.parametrize("other", ["same_state_other_agency", "tx_officer", "analyst"])
def test_a_report_cannot_be_assigned_outside_the_agency(client, cast, reports, other):
    assignee = {
        "same_state_other_agency": lambda: make.make_officer("AR"),
        "tx_officer": lambda: cast.tx_officer,
        "analyst": lambda: cast.analyst,
    }[other]()
    report = reports["ar"]

    response = signed_in(client, cast.ar_officer).post(
        reverse("tipline:portal-assign", args=[report.pk]), {"assignee": assignee.pk}, follow=True
    )

    assert "only be assigned to an officer of your own agency" in response.content.decode()
    report.refresh_from_db()
    assert report.assigned_to is None
    with pytest.raises(triage.TriageError, match="own agency"):
        triage.assign(report, cast.ar_officer, assignee)


def test_an_officer_closes_a_report_with_an_outcome(client, cast, reports):
    report = reports["ar"]
    signed_in(client, cast.ar_officer).post(
        reverse("tipline:portal-close", args=[report.pk]), {"outcome": "arrest"}
    )

    report.refresh_from_db()
    assert report.closed_at is not None
    assert report.outcome == "arrest"
    assert AuditEvent.objects.get(action="tipline:report:closed").detail == {"outcome": "arrest"}


def test_closing_needs_a_known_outcome_and_an_open_report(cast, reports):
    with pytest.raises(triage.TriageError, match="outcome"):
        triage.close(reports["ar"], cast.ar_officer, "solved-it")
    triage.close(reports["ar"], cast.ar_officer, "referred")
    with pytest.raises(triage.TriageError, match="closed"):
        triage.close(reports["ar"], cast.ar_officer, "arrest")
    with pytest.raises(triage.TriageError, match="closed"):
        triage.acknowledge(reports["ar"], cast.ar_officer)


def test_only_officers_work_reports_in_the_portal(cast, reports):
    with pytest.raises(triage.TriageError, match="law-enforcement officer"):
        triage.acknowledge(reports["ar"], cast.analyst)
