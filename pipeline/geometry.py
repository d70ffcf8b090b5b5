"""Points and bearings on the earth's surface, for a place a report locates from another ("Z, 15km south-east of Y").

Kept apart from the gazetteer, whose compiled cache is keyed on its own module's code.
"""

from __future__ import annotations

import math

KM_PER_DEGREE_LATITUDE = 111.195


def offset_point(lat: float, lon: float, km: float, bearing_degrees: float) -> tuple[float, float]:
    """The point ``km`` from (lat, lon) towards ``bearing_degrees`` (0 = north, 90 = east); flat-earth, for the tens of
    kilometres a report's "15km south-east of Y" spans."""
    bearing = math.radians(bearing_degrees)
    dlat = km * math.cos(bearing) / KM_PER_DEGREE_LATITUDE
    dlon = km * math.sin(bearing) / (KM_PER_DEGREE_LATITUDE * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def compass_bearing(points: list[float]) -> float | None:
    """The bearing of a compass name given as its words' degrees in order: [north, west] is 315, [north, north, west]
    (north-north-west) 337.5, halfway from the first point towards the pair after it."""
    if not points or len(points) > 3:
        return None
    if len(points) == 1:
        return points[0] % 360
    pair = _between(points[-2], points[-1])
    return pair if len(points) == 2 else _between(points[0], pair)


def _between(a: float, b: float) -> float:
    """The bearing halfway between two bearings, the short way round."""
    x = math.cos(math.radians(a)) + math.cos(math.radians(b))
    y = math.sin(math.radians(a)) + math.sin(math.radians(b))
    return math.degrees(math.atan2(y, x)) % 360
