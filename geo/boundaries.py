"""Country polygons (Natural Earth via world-atlas) for point-in-country tests and country points.

Shipped as GeoJSON under data/boundaries/ (see SOURCE.md there), loaded once per process. The
50m file is the reference for checks; the 110m file exists for drawing in a browser.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel, unary_union
from shapely.strtree import STRtree

BOUNDARIES_DIR = Path(__file__).resolve().parent.parent / "data" / "boundaries"
RESOLUTIONS = ("50m", "110m")


def boundaries_path(resolution: str = "50m") -> Path:
    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution must be one of {RESOLUTIONS}, not {resolution!r}")
    return BOUNDARIES_DIR / f"countries-{resolution}.geojson"


@lru_cache(maxsize=2)
def load_countries(resolution: str = "50m") -> dict[str, BaseGeometry]:
    """iso2 -> one (valid) geometry per country, features sharing a code unioned.

    Features without a code (Siachen Glacier, Indian Ocean Ter.) are left out: no station
    can claim them. Geometries are repaired with make_valid because TopoJSON-derived rings
    may touch themselves, which would make point-in-polygon tests unreliable.
    """
    data = json.loads(boundaries_path(resolution).read_text(encoding="utf-8"))
    parts: dict[str, list[BaseGeometry]] = {}
    for feature in data["features"]:
        iso2 = feature["properties"].get("iso2")
        if not iso2:
            continue
        geometry = shapely.make_valid(shape(feature["geometry"]))
        parts.setdefault(iso2, []).append(geometry)
    return {
        iso2: geoms[0] if len(geoms) == 1 else unary_union(geoms) for iso2, geoms in sorted(parts.items())
    }


@lru_cache(maxsize=2)
def _index(resolution: str) -> tuple[STRtree, tuple[str, ...]]:
    countries = load_countries(resolution)
    codes = tuple(countries)
    return STRtree([countries[c] for c in codes]), codes


def country_of(lat: float, lon: float, resolution: str = "50m") -> str | None:
    """The iso2 of the country containing the point, or None (sea, or a territory with no code)."""
    tree, codes = _index(resolution)
    point = Point(lon, lat)
    hits = tree.query(point, predicate="intersects")
    if len(hits) == 0:
        return None
    return sorted(codes[i] for i in hits)[0]


def distance_to_country(lat: float, lon: float, iso2: str, resolution: str = "50m") -> float | None:
    """Planar distance in degrees from the point to the country's polygon (0 inside); None if unknown.

    Degrees, not metres: the check allows a small fixed tolerance for coastal points, and a
    degree-based tolerance is what the boundaries' own precision is expressed in.
    """
    geometry = load_countries(resolution).get(iso2)
    if geometry is None:
        return None
    return float(geometry.distance(Point(lon, lat)))


@lru_cache(maxsize=512)
def country_point(iso2: str) -> tuple[float, float] | None:
    """A (lat, lon) guaranteed inside the country's main landmass, or None if no boundary.

    The centroid of the largest polygon is used when it lies inside (it looks like "the middle
    of the country"); otherwise (a crescent or a long thin country) the pole of inaccessibility.
    The largest polygon keeps France's point in Europe rather than in French Guiana.
    """
    geometry = load_countries("50m").get(iso2)
    if geometry is None:
        return None
    polygons = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type == "Polygon"]
    if not polygons:
        return None
    main = max(polygons, key=lambda p: p.area)
    candidate = main.centroid
    if not main.contains(candidate):
        candidate = polylabel(main, tolerance=0.01)
    lat, lon = round(candidate.y, 4), round(candidate.x, 4)
    if not main.contains(Point(lon, lat)):  # rounding pushed it out: use the unrounded point
        lat, lon = candidate.y, candidate.x
    return lat, lon


#: How far (degrees, about 11 km at the equator) a point may lie outside its country's 50m
#: polygon and still count as inside: coastal cities and ports sit on generalised coastlines.
COASTAL_TOLERANCE_DEG = 0.1


def in_country(lat: float, lon: float, iso2: str) -> bool | None:
    """Whether the point is inside ``iso2`` (within COASTAL_TOLERANCE_DEG); None if no boundary."""
    distance = distance_to_country(lat, lon, iso2)
    return None if distance is None else distance <= COASTAL_TOLERANCE_DEG
