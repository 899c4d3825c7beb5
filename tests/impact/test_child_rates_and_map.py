"""Rates per 100,000 children, and the tile map's layout of the 56 jurisdictions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clearinghouse.geo.models import Jurisdiction
from clearinghouse.impact import tilemap
from clearinghouse.impact.population import CHILDREN_UNDER_18, national_per_100k, per_100k


def test_a_rate_is_per_100k_children_to_one_decimal_half_up():
    assert per_100k(15, 705_879) == Decimal("2.1")
    assert per_100k(1, 200_000) == Decimal("0.5")
    assert per_100k(None, 705_879) is None
    assert per_100k(3, None) is None


def test_the_national_rate_leaves_out_jurisdictions_without_a_child_population():
    rate = national_per_100k({"AR": 700, "TX": 300, "GU": 5_000})
    assert rate == per_100k(1_000, CHILDREN_UNDER_18["AR"] + CHILDREN_UNDER_18["TX"])


@pytest.mark.django_db
def test_every_jurisdiction_has_one_tile_of_its_own_and_a_population_unless_an_island_area():
    codes = set(Jurisdiction.objects.values_list("code", flat=True))
    assert set(tilemap.TILES) == codes
    assert len(set(tilemap.TILES.values())) == len(codes) == 56
    assert codes - set(CHILDREN_UNDER_18) == {"AS", "GU", "MP", "VI"}


def test_the_map_shades_from_light_to_dark_and_greys_out_no_figure():
    assert tilemap.shade(0, 0, 10) == tilemap.SHADES[0]
    assert tilemap.shade(10, 0, 10) == tilemap.SHADES[-1]
    assert tilemap.shade(None, 0, 10) == tilemap.NO_VALUE
