"""The provenance pages: a figure's counts by category for everyone, the list of its
records for staff within their access, every list audited."""

from __future__ import annotations

import impact_world
import pytest

import factories as make
from clearinghouse.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

YEAR = impact_world.YEAR
MADE_AVAILABLE = f"/impact/figures/tipline.reports_made_available/{YEAR}"


@pytest.fixture
def world():
    return impact_world.build()


@pytest.fixture
def cast():
    return make.make_cast()


def test_the_public_sees_a_figure_counted_by_category_but_no_list(client, world):
    page = client.get(f"/impact/figures/missing.cases/{YEAR}/AR/").content.decode()
    assert 'data-figure="state:missing.cases">15<' in page
    assert "Endangered runaway" in page and "<span data-total>15</span>" in page
    assert "/records/" not in page
    assert not any(case.external_id in page for case in world.ar_cases)


def test_a_national_figure_has_its_page_too(client, world):
    page = client.get(f"/impact/figures/tipline.reports_received/{YEAR}/").content.decode()
    assert 'data-figure="national:tipline.reports_received">11<' in page
    assert "Child Pornography (possession, manufacture, and distribution)" in page


def test_unknown_figures_scopes_states_and_years_are_404(client, world):
    assert client.get(f"/impact/figures/tipline.reports_received/{YEAR}/AR/").status_code == 404
    assert client.get(f"{MADE_AVAILABLE}/").status_code == 404  # a state figure
    assert client.get(f"/impact/figures/no.such/{YEAR}/").status_code == 404
    assert client.get(f"{MADE_AVAILABLE}/ZZ/").status_code == 404
    assert client.get("/impact/figures/missing.cases/1999/AR/").status_code == 404


def test_the_public_is_sent_to_sign_in_for_the_list(client, world):
    response = client.get(f"{MADE_AVAILABLE}/AR/records/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_officer_lists_their_states_records_and_the_list_is_audited(client, world, cast):
    client.force_login(cast.ar_officer)
    figure = client.get(f"{MADE_AVAILABLE}/AR/").content.decode()
    assert f'href="{MADE_AVAILABLE}/AR/records/"' in figure
    page = client.get(f"{MADE_AVAILABLE}/AR/records/").content.decode()
    assert all(report.external_id in page for report in world.ar_reports)
    assert "<span data-visible>3</span> of the 3 records" in page
    event = AuditEvent.objects.get(action="impact:provenance:listed")
    assert event.actor == cast.ar_officer
    assert event.detail["figure"] == "tipline.reports_made_available"
    assert event.detail["state"] == "AR"
    assert sorted(event.detail["records"]) == sorted(str(r.pk) for r in world.ar_reports)


def test_an_officer_cannot_list_another_states_records(client, world, cast):
    client.force_login(cast.tx_officer)
    page = client.get(f"{MADE_AVAILABLE}/AR/records/").content.decode()
    assert not any(report.external_id in page for report in world.ar_reports)
    assert "<span data-visible>0</span> of the 3 records" in page
    cases = client.get(f"/impact/figures/missing.cases/{YEAR}/AR/records/").content.decode()
    assert not any(case.external_id in cases for case in world.ar_cases)
    events = AuditEvent.objects.filter(action="impact:provenance:listed")
    assert [event.detail["records"] for event in events] == [[], []]


def test_a_role_without_access_to_the_records_is_refused(client, world, cast):
    client.force_login(cast.case_manager)
    figure = client.get(f"{MADE_AVAILABLE}/AR/").content.decode()
    assert "Your role does not give access to these records." in figure
    assert client.get(f"{MADE_AVAILABLE}/AR/records/").status_code == 403
    client.force_login(cast.no_role)
    assert client.get(f"{MADE_AVAILABLE}/AR/records/").status_code == 403
    assert not AuditEvent.objects.filter(action="impact:provenance:listed").exists()


@pytest.mark.parametrize("who", ["admin", "analyst", "case_manager"])
def test_clearinghouse_staff_list_cases_in_every_state(client, world, cast, who):
    client.force_login(getattr(cast, who))
    page = client.get(f"/impact/figures/missing.cases/{YEAR}/AR/records/").content.decode()
    assert all(case.external_id in page for case in world.ar_cases)
    assert "Synthetic" not in page  # names stay out of the list


def test_the_list_is_paged_and_each_page_is_audited(client, cast):
    for _ in range(55):
        make.make_missing_case("AR", reported_at="2023-05-01T12:00:00Z")
    client.force_login(cast.analyst)
    first = client.get(f"/impact/figures/missing.cases/{YEAR}/AR/records/").content.decode()
    second = client.get(f"/impact/figures/missing.cases/{YEAR}/AR/records/?page=2").content
    assert "Page 1 of 2" in first and "Page 2 of 2" in second.decode()
    pages = AuditEvent.objects.filter(action="impact:provenance:listed").order_by("pk")
    assert [(e.detail["page"], len(e.detail["records"])) for e in pages] == [(1, 50), (2, 5)]


def test_in_public_release_mode_a_withheld_figure_shows_no_parts(client, world, settings):
    settings.IMPACT_PUBLIC_SUPPRESSION = True
    page = client.get(f"/impact/figures/missing.cases_hhs_orr/{YEAR}/AR/").content.decode()
    assert 'data-figure="state:missing.cases_hhs_orr">fewer than 5<' in page
    assert "data-total" not in page
    # withheld beside it, as on the sheet, so the 2 cannot be worked out
    other = client.get(f"/impact/figures/missing.cases_other/{YEAR}/AR/").content.decode()
    assert 'data-figure="state:missing.cases_other">fewer than 5<' in other
    shown = client.get(f"/impact/figures/missing.cases/{YEAR}/AR/").content.decode()
    assert "<span data-total>15</span>" in shown
