"""The five DOJ AMBER Alert criteria, read from an abduction case's fields, on the case
page and in the API; other case types have no panel."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from missing_helpers import service_values, synthetic_png, years_ago

from clearinghouse.media import vault
from clearinghouse.missing import amber, cases
from clearinghouse.missing.models import CasePhoto

pytestmark = pytest.mark.django_db

ABDUCTOR = {"kind": "abductor", "relationship": "stranger", "description": "Tall man, red cap"}


def abduction(cast, *, companions=(ABDUCTOR,), **overrides):
    values = service_values(
        case_type="nonfamily_abduction",
        abduction_believed=True,
        imminent_danger=True,
        ncic_number="M123456789",
        ncic_abduction_flag=True,
        child_height="4'10\"",
        child_hair="Black",
    )
    values.update(overrides)
    return cases.intake(values, cast.case_manager, companions=list(companions)).case


def held(case) -> list[int]:
    return [criterion.number for criterion in amber.criteria(case) if criterion.holds]


def test_a_case_meeting_every_criterion(cast):
    case = abduction(cast)
    assert held(case) == [1, 2, 3, 4, 5] and amber.all_met(case)


@pytest.mark.parametrize(
    ("overrides", "failing"),
    [
        ({"abduction_believed": False}, {1}),
        ({"child_date_of_birth": years_ago(18)}, {2}),
        ({"child_date_of_birth": None}, {2, 4}),  # no age, and too little description
        ({"imminent_danger": False}, {3}),
        ({"child_height": "", "child_hair": ""}, {4}),
        ({"ncic_abduction_flag": False}, {5}),
        ({"ncic_number": ""}, {5}),
    ],
)
def test_each_criterion_follows_its_fact(cast, overrides, failing):
    case = abduction(cast, **overrides)
    assert set(held(case)) == {1, 2, 3, 4, 5} - failing
    assert not amber.all_met(case)


def test_the_age_is_the_age_when_last_seen(cast):
    """17 on the day of the abduction still qualifies after an 18th birthday since."""
    born = timezone.now().date().replace(year=timezone.now().year - 18) - datetime.timedelta(days=3)
    case = abduction(
        cast, child_date_of_birth=born, last_seen_at=timezone.now() - datetime.timedelta(days=5)
    )
    assert 2 in held(case)


def test_a_photo_describes_the_child_and_a_vehicle_the_abduction(cast):
    case = abduction(
        cast,
        companions=(),
        child_height="",
        child_hair="",
        vehicle_description="Blue sedan, partial plate 4XK",
    )
    assert 4 not in held(case)
    CasePhoto.objects.create(case=case, blob=vault.put(synthetic_png()))
    assert 4 in held(case)


def test_only_abductions_have_criteria(cast):
    runaway = cases.intake(service_values(), cast.case_manager).case
    assert amber.criteria(runaway) is None
    family = abduction(cast, case_type="family_abduction")
    assert len(amber.criteria(family)) == 5


def test_the_case_page_and_the_api_show_the_panel(client, cast):
    case = abduction(cast, imminent_danger=False)
    client.force_login(cast.ar_officer)

    page = client.get(reverse("missing:case", args=[case.pk])).content.decode()
    answer = client.get(f"/api/missing/cases/{case.pk}/amber").json()

    assert "AMBER Alert criteria" in page and "does not send alerts" in page
    assert page.count("<strong>Met</strong>") == 4 and page.count("<strong>Not met</strong>") == 1
    assert answer["applies"] and not answer["all_met"]
    assert [c["holds"] for c in answer["criteria"]] == [True, True, False, True, True]

    runaway = cases.intake(service_values(), cast.case_manager).case
    assert "AMBER" not in client.get(reverse("missing:case", args=[runaway.pk])).content.decode()
    assert client.get(f"/api/missing/cases/{runaway.pk}/amber").json() == {
        "applies": False,
        "all_met": False,
        "criteria": [],
    }
