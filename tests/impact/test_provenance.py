"""``impact.provenance``: the records behind each figure are the ones it counts, broken
down by category, and listed only within the viewer's access."""

from __future__ import annotations

import impact_world
import pytest

import factories as make
from clearinghouse.impact import provenance
from clearinghouse.impact.figures import FIGURES, NATIONAL, STATE, figure_value
from clearinghouse.impact.formatting import whole_percent
from clearinghouse.tipline.models import IncidentType

pytestmark = pytest.mark.django_db

YEAR = 2023


@pytest.fixture
def world():
    """The impact world, plus at least one record behind every figure (and one of each
    kind that the year or the state leaves out)."""
    built = impact_world.build()
    make.make_report(None, incident_type=IncidentType.CHILD_SEX_TRAFFICKING)
    make.make_report("AR", received_at="2022-06-01T00:00:00Z")
    make.make_cvip_submission(state="AR", reviewed_at="2023-08-01T00:00:00Z")
    make.make_cvip_submission(state="TX", reviewed_at="2023-08-01T00:00:00Z")
    make.make_identified_child("2023-01-15")
    make.make_identified_child("2024-01-15")
    make.make_cst_engagement(state="AR")
    make.make_peer_support("AR", family_id="family-a")
    make.make_peer_support("AR", family_id="family-a", supported_at="2023-09-01T00:00:00Z")
    make.make_peer_support("TX", family_id="family-b")
    make.make_mental_health_referral("AR", family_id="family-c")
    make.make_team_adam_deployment("AR", case_ref="case-a")
    make.make_team_adam_deployment("AR", case_ref="case-a", deployed_at="2023-10-01T00:00:00Z")
    make.make_training_registration("AR")
    make.make_training_registration("AR", profession="other")
    return built


def _scopes():
    for key, figure in FIGURES.items():
        for scope in figure.scopes:
            yield key, "AR" if scope == STATE else None


@pytest.mark.parametrize(("key", "state"), list(_scopes()))
def test_counting_the_records_gives_the_figure(world, key, state):
    value = figure_value(key, YEAR, state).value
    records = provenance.records(key, YEAR, state)
    distinct = provenance.source(key, state).distinct
    if key == "missing.from_care_likely_cst_pct":
        counted = whole_percent(records.filter(likely_cst_victim=True).count(), records.count())
    elif distinct:
        counted = records.order_by().values(distinct).distinct().count()
    else:
        counted = records.count()
    assert counted == value
    assert records.exists(), f"the world has no record behind {key}"


@pytest.mark.parametrize(("key", "state"), list(_scopes()))
def test_the_categories_add_up_to_the_records(world, key, state):
    categories = provenance.counts_by_category(key, YEAR, state)
    assert sum(count for _, count in categories) == provenance.records(key, YEAR, state).count()


def test_categories_are_named_as_people_read_them(world):
    assert provenance.counts_by_category("missing.cases", YEAR, "AR") == [
        ("Endangered runaway", 15)
    ]
    assert provenance.counts_by_category("missing.cases_other", YEAR, "AR") == [
        ("Parent or guardian", 6)
    ]
    assert provenance.counts_by_category("missing.from_care_likely_cst_pct", YEAR) == [
        ("no", 5),
        ("yes", 2),
    ]
    assert provenance.counts_by_category("adam.cases_assisted", YEAR, "AR") == [
        ("2023-06", 1),
        ("2023-10", 1),
    ]


def test_an_officer_lists_their_states_records_and_not_another_states(world):
    ar_officer, tx_officer = make.make_officer("AR"), make.make_officer("TX")
    key = "tipline.reports_made_available"
    mine = provenance.visible_records(ar_officer, key, YEAR, "AR")
    assert {report.pk for report in mine} == {report.pk for report in world.ar_reports}
    assert not provenance.visible_records(tx_officer, key, YEAR, "AR").exists()
    assert provenance.visible_records(tx_officer, key, YEAR, "TX").count() == 8


def test_a_role_that_sees_no_such_record_may_not_list_them(world):
    case_manager, analyst = make.make_case_manager(), make.make_analyst()
    assert not provenance.may_list(case_manager, "tipline.reports_made_available", "AR")
    assert provenance.may_list(case_manager, "missing.cases", "AR")
    assert provenance.may_list(analyst, "tipline.reports_made_available", "AR")
    assert not provenance.may_list(analyst, "hope.families_supported", "AR")


def test_it_refuses_a_figure_outside_its_scope():
    with pytest.raises(provenance.UnknownFigure):
        provenance.records("tipline.reports_received", YEAR, "AR")
    with pytest.raises(provenance.UnknownFigure):
        provenance.records("tipline.reports_made_available", YEAR, None)
    with pytest.raises(provenance.UnknownFigure):
        provenance.records("no.such_figure", YEAR, None)


def test_every_figure_has_a_source():
    assert set(provenance.SOURCES) == set(FIGURES)
    assert {scope for figure in FIGURES.values() for scope in figure.scopes} == {NATIONAL, STATE}
