"""The Django admin over HTTP: who gets in, and what its pages show them."""

import datetime

import authenticator
import pytest
from django.contrib import admin
from django.urls import reverse

import factories as make
from clearinghouse.accounts.admin_scoping import ReadOnlyAdminMixin
from clearinghouse.audit.models import AuditEvent
from clearinghouse.missing.models import MissingCase
from clearinghouse.support.models import CstEngagement, PeerSupport
from clearinghouse.tipline.models import TiplineReport

pytestmark = pytest.mark.django_db

MADE_AVAILABLE = "2023-06-02T09:00:00Z"


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change_page(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def add_page(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def reports():
    return {
        "ar_available": make.make_report(
            "AR", made_available_at=MADE_AVAILABLE, external_id="AR-AVAILABLE"
        ),
        "ar_pending": make.make_report("AR", external_id="AR-PENDING"),
        "ar_retracted": make.make_report(
            "AR",
            made_available_at=MADE_AVAILABLE,
            status=TiplineReport.Status.RETRACTED,
            external_id="AR-RETRACTED",
        ),
        "tx_available": make.make_report(
            "TX", made_available_at=MADE_AVAILABLE, external_id="TX-AVAILABLE"
        ),
    }


@pytest.fixture
def staff_analyst():
    """An analyst with the admin and Django's view permission on every model, so that
    only the access table stands between them and a record."""
    analyst = make.make_analyst(is_staff=True)
    return make.grant(analyst, "view", *admin.site._registry)


def test_an_officer_cannot_sign_in_to_the_admin(client):
    make.make_officer("AR", username="officer", password="a long test passphrase")

    # The admin's own sign-in form would skip the code: it sends to the site's, signed out.
    response = client.post(
        reverse("admin:login"),
        {"username": "officer", "password": "a long test passphrase", "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/admin/"
    assert "_auth_user_id" not in client.session

    # Signed in with the password and a code, the officer is still no staff.
    authenticator.sign_in(client, "officer", "a long test passphrase", next="/admin/")
    assert "_auth_user_id" in client.session
    refused = client.get("/admin/")
    assert refused.status_code == 302
    assert refused["Location"] == "/admin/login/?next=/admin/"  # which sends to the above


def test_an_officer_signed_in_elsewhere_is_sent_to_the_admin_login(client, reports):
    signed_in(client, make.make_officer("AR"))

    for url in (reverse("admin:index"), changelist(TiplineReport)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_a_staff_analyst_sees_reports_of_every_jurisdiction(client, staff_analyst, reports):
    response = signed_in(client, staff_analyst).get(changelist(TiplineReport))

    assert response.status_code == 200
    shown = {report.external_id for report in response.context["cl"].result_list}
    assert shown == {"AR-AVAILABLE", "AR-PENDING", "AR-RETRACTED", "TX-AVAILABLE"}


def test_a_staff_analyst_cannot_open_what_the_table_denies(client, staff_analyst):
    make.make_peer_support("AR")
    make.make_cst_engagement(state="AR")
    signed_in(client, staff_analyst)

    for model in (PeerSupport, CstEngagement, AuditEvent, type(staff_analyst)):
        assert client.get(changelist(model)).status_code == 403, model


def test_the_admin_index_lists_only_models_in_the_analysts_scope(client, staff_analyst):
    response = signed_in(client, staff_analyst).get(reverse("admin:index"))

    listed = {
        entry["object_name"] for app in response.context["app_list"] for entry in app["models"]
    }
    assert listed == {
        "TiplineReport",
        "ReportFile",
        "Blob",
        "HashBank",
        "BankHash",
        "CvipSubmission",
        "IdentifiedChild",
        "MissingCase",
        "TeamAdamDeployment",
        "PublishedStatistic",
        "Organization",
        "Jurisdiction",
    }


def test_a_staff_officer_sees_only_their_states_reports_made_available(client, reports):
    officer = make.grant(make.make_officer("AR", is_staff=True), "view", TiplineReport)
    signed_in(client, officer)

    response = client.get(changelist(TiplineReport))

    shown = {report.external_id for report in response.context["cl"].result_list}
    assert shown == {"AR-AVAILABLE"}
    assert client.get(change_page(reports["ar_available"])).status_code == 200
    for hidden in ("tx_available", "ar_pending", "ar_retracted"):
        response = client.get(change_page(reports[hidden]))
        assert response.status_code == 302, hidden  # "doesn't exist", back to the index
        assert response.url == reverse("admin:index")


def test_a_staff_officer_filter_lists_only_jurisdictions_they_see(client, reports):
    officer = make.grant(make.make_officer("AR", is_staff=True), "view", TiplineReport)

    response = signed_in(client, officer).get(changelist(TiplineReport))

    assert "Arkansas" in response.content.decode()
    assert "Texas" not in response.content.decode()


def test_agency_staff_see_their_own_organizations_engagements(client):
    staff = make.make_agency_staff("AR", is_staff=True)
    staff = make.grant(staff, "view", CstEngagement)
    own = make.make_cst_engagement(staff.organization, external_id="CST-OWN")
    make.make_cst_engagement(state="AR", external_id="CST-OTHER")

    response = signed_in(client, staff).get(changelist(CstEngagement))

    assert [row.external_id for row in response.context["cl"].result_list] == ["CST-OWN"]
    assert client.get(change_page(own)).status_code == 200


def test_every_admin_page_renders_for_a_superuser(client):
    signed_in(client, make.make_superuser())
    make.make_report("AR", made_available_at=MADE_AVAILABLE, files=1)

    for model, model_admin in admin.site._registry.items():
        assert client.get(changelist(model)).status_code == 200, model
        if not isinstance(model_admin, ReadOnlyAdminMixin):
            assert client.get(add_page(model)).status_code == 200, model
    report = TiplineReport.objects.get()
    assert client.get(change_page(report)).status_code == 200


def test_the_missing_case_list_never_shows_the_childs_name(client):
    case = make.make_missing_case("AR", child_first_name="Zephyrine", child_last_name="Quill")
    signed_in(client, make.make_superuser())

    listing = client.get(changelist(MissingCase), {"q": case.external_id}).content.decode()
    page = client.get(change_page(case)).content.decode()

    assert case.external_id in listing
    assert "Zephyrine" not in listing
    assert "Zephyrine" in page


def test_showing_a_missing_case_is_audited(client):
    case = make.make_missing_case("AR")
    superuser = make.make_superuser()

    signed_in(client, superuser).get(change_page(case))

    event = AuditEvent.objects.exclude(action="accounts:user:logged_in").get()
    assert (event.action, event.actor, event.subject_id) == (
        "missing:case:viewed",
        superuser,
        str(case.pk),
    )


def test_the_missing_case_form_keeps_the_childs_date_of_birth(client):
    case = make.make_missing_case("AR")
    signed_in(client, make.make_superuser())

    response = client.post(
        change_page(case),
        {
            "external_id": case.external_id,
            "reported_at_0": "2023-06-01",
            "reported_at_1": "12:00:00",
            "state": "AR",
            "case_type": case.case_type,
            "status": case.status,
            "reported_by": "",
            "child_first_name": "Ada",
            "child_last_name": "Lovelace",
            "child_date_of_birth": "2010-05-04",
            "child_sex": "F",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    case.refresh_from_db()
    assert case.child_date_of_birth == datetime.date(2010, 5, 4)
    assert case.child_first_name == "Ada"


def test_the_audit_trail_is_read_only_in_the_admin(client):
    event = make.make_audit_event()
    signed_in(client, make.make_superuser())

    assert client.get(add_page(AuditEvent)).status_code == 403
    page = client.get(change_page(event))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_user_admin_edits_role_and_organization(client):
    officer = make.make_officer("AR")
    signed_in(client, make.make_superuser())

    page = client.get(change_page(officer)).content.decode()

    assert 'name="role"' in page
    assert 'name="organization"' in page
