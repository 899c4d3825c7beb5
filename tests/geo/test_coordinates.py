"""Coordinates to a jurisdiction through the nearest ZIP-code centroid."""

import math

import pytest

from clearinghouse.geo.coordinates import (
    MAX_DISTANCE_KM,
    place_for_coordinates,
    state_for_coordinates,
)


@pytest.mark.parametrize(
    ("latitude", "longitude", "state"),
    [
        (34.7465, -92.2896, "AR"),  # Little Rock
        (32.7767, -96.7970, "TX"),  # Dallas
        (18.4655, -66.1057, "PR"),  # San Juan
        (13.4443, 144.7937, "GU"),  # Hagåtña, east of the antimeridian
        (-14.2756, -170.7020, "AS"),  # Pago Pago, south of the equator
        (18.3419, -64.9307, "VI"),  # Charlotte Amalie
        (61.2181, -149.9003, "AK"),  # Anchorage
        (38.8977, -77.0365, "DC"),
    ],
)
def test_it_finds_the_jurisdiction_of_a_point(latitude, longitude, state):
    assert state_for_coordinates(latitude, longitude) == state


def test_a_point_in_a_city_is_not_near_a_border():
    place = place_for_coordinates(34.7465, -92.2896)

    assert place is not None
    assert place.near_border is False
    assert place.distance_km < 2


def test_a_point_on_a_state_line_is_near_a_border():
    place = place_for_coordinates(39.0997, -94.6075)  # State Line Road, Kansas City

    assert place is not None
    assert place.state in {"KS", "MO"}
    assert place.near_border is True


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (25.0, -90.0),  # the middle of the Gulf of Mexico
        (43.65, -79.38),  # Toronto, across Lake Ontario from New York
        (48.8566, 2.3522),  # Paris
        (7.5, 134.6),  # Palau: a ZIP code, but a freely associated state
        (-60.0, -70.0),  # south of every US latitude
        (0.0, 0.0),
    ],
)
def test_it_leaves_points_outside_the_us_unresolved(latitude, longitude):
    assert place_for_coordinates(latitude, longitude) is None


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(91.0, 0.0), (0.0, 181.0), (math.nan, -92.0), (34.7, math.inf)],
)
def test_it_refuses_points_not_on_the_globe(latitude, longitude):
    assert place_for_coordinates(latitude, longitude) is None


def test_the_distance_limit_is_a_sane_number():
    assert 20 <= MAX_DISTANCE_KM <= 50
