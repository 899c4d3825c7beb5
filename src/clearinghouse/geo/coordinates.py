"""Which jurisdiction a latitude and longitude lie in, without a map.

There are no state boundaries here, only the ZIP-code centroids that the ``zipcodes``
package ships (about 42,000 points, each the middle of a ZIP code's area): a point belongs
to the jurisdiction of the nearest centroid, if that centroid is close enough to say the
point is on US soil at all. The approximation, and where it fails:

- Near a state border the nearest centroid may lie across it, because ZIP areas differ in
  size. A point is marked ``near_border`` when a centroid of another jurisdiction is almost
  as close, and callers should trust it less.
- The international borders are not known either: a point in Ciudad Juárez or Windsor,
  a few kilometres from El Paso or Detroit centroids, reads as Texas or Michigan. A point
  at sea within the distance limit reads as the nearest coast's jurisdiction.
- Points farther than ``MAX_DISTANCE_KM`` from every centroid (the open sea, abroad, and
  the emptiest parts of Alaska and the desert West) are left unresolved rather than
  guessed. Toronto, 53 km from the nearest New York centroid across Lake Ontario, is one.

ZIP codes without a position (military APO/FPO, some PO box and unique ZIP codes, which
the package places at 0, 0) are left out; the freely associated
states (FM, MH, PW) are kept, so that a point in Palau is found there and then refused as
not one of the 56 jurisdictions instead of being pulled towards Guam.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import zipcodes

from clearinghouse.geo.jurisdictions import CODES

MAX_DISTANCE_KM = 40.0
EARTH_RADIUS_KM = 6371.0

# Another jurisdiction's centroid within twice the distance (plus this much) makes the
# answer a coin toss between neighbours.
_BORDER_SLACK_KM = 5.0


@dataclass(frozen=True)
class CoordinatePlace:
    state: str
    distance_km: float
    near_border: bool


@dataclass(frozen=True)
class _Centroids:
    states: np.ndarray  # USPS code of each centroid
    latitudes: np.ndarray  # radians
    longitudes: np.ndarray  # radians
    min_latitude: float  # degrees, padded by the distance limit
    max_latitude: float


@functools.cache
def _centroids() -> _Centroids:
    """Built once, on first use: reading the package data takes a moment."""
    rows = [row for row in zipcodes.list_all() if _has_position(row)]
    latitudes = np.array([float(row["lat"]) for row in rows])
    padding = math.degrees(MAX_DISTANCE_KM / EARTH_RADIUS_KM)
    return _Centroids(
        states=np.array([row["state"] for row in rows]),
        latitudes=np.radians(latitudes),
        longitudes=np.radians([float(row["long"]) for row in rows]),
        min_latitude=float(latitudes.min()) - padding,
        max_latitude=float(latitudes.max()) + padding,
    )


def _has_position(row: dict) -> bool:
    """Military ZIP codes, and a few dozen PO box and unique ZIP codes, are at "0, 0"."""
    return row["zip_code_type"] != "MILITARY" and (float(row["lat"]), float(row["long"])) != (0, 0)


def valid_coordinates(latitude: float, longitude: float) -> bool:
    """A finite point on the globe (not NaN, not a latitude of 95)."""
    return (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )


def _distances_km(centroids: _Centroids, latitude: float, longitude: float) -> np.ndarray:
    """Great-circle (haversine) distance from the point to every centroid."""
    lat, lon = math.radians(latitude), math.radians(longitude)
    half_dlat = np.sin((centroids.latitudes - lat) / 2)
    half_dlon = np.sin((centroids.longitudes - lon) / 2)
    a = half_dlat**2 + math.cos(lat) * np.cos(centroids.latitudes) * half_dlon**2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def place_for_coordinates(latitude: float, longitude: float) -> CoordinatePlace | None:
    """The jurisdiction of a point, e.g. (34.7465, -92.2896) -> AR, or None when the point
    is invalid, not near any US ZIP code, or nearest to one outside the 56 jurisdictions.
    """
    if not valid_coordinates(latitude, longitude):
        return None
    centroids = _centroids()
    # The only box that holds all of the US and not half the world is one of latitudes:
    # the jurisdictions span the antimeridian (Guam at 145 E, American Samoa at 170 W).
    if not centroids.min_latitude <= latitude <= centroids.max_latitude:
        return None
    distances = _distances_km(centroids, latitude, longitude)
    nearest = int(np.argmin(distances))
    state, distance = str(centroids.states[nearest]), float(distances[nearest])
    if distance > MAX_DISTANCE_KM or state not in CODES:
        return None
    others = distances[centroids.states != state]
    near_border = bool(others.size) and float(others.min()) < 2 * distance + _BORDER_SLACK_KM
    return CoordinatePlace(state, round(distance, 1), near_border)


def state_for_coordinates(latitude: float, longitude: float) -> str | None:
    """The USPS code of the jurisdiction a point lies in, or None (see the module notes)."""
    place = place_for_coordinates(latitude, longitude)
    return place.state if place else None
