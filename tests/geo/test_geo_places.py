"""The offline gazetteer, the shipped boundaries and the cache's key and file format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo import boundaries, gazetteer
from geo.cache import GeoCache, query_key

ROOT = Path(__file__).resolve().parents[2]


def test_ulaanbaatar_is_found_under_its_geonames_name_ulan_bator() -> None:
    place = gazetteer.find_city("Ulaanbaatar", "MN")
    assert place is not None and place.label.startswith("Ulan Bator")


@pytest.mark.parametrize(
    "name", ["Paris (13th arrondissement)", "Paris, Île-de-France", "  PARIS  ", "paris [13e]"]
)
def test_qualifiers_case_and_spacing_do_not_matter(name: str) -> None:
    assert gazetteer.find_city(name, "FR") == gazetteer.find_city("Paris", "FR")


def test_accents_and_hyphens_are_folded() -> None:
    assert gazetteer.find_city("Vina del Mar", "CL") == gazetteer.find_city("Viña del Mar", "CL")
    assert gazetteer.find_city("Noisy le Grand", "FR") == gazetteer.find_city("Noisy-le-Grand", "FR")


def test_a_city_is_matched_only_inside_the_rows_country() -> None:
    richmond_ca = gazetteer.find_city("Richmond", "CA")
    assert richmond_ca is not None and richmond_ca.lon < -120  # British Columbia, not Virginia
    assert gazetteer.find_city("Valencia", "ES").lat > 39  # type: ignore[union-attr]
    assert gazetteer.find_city("Valencia", "VE").lat < 11  # type: ignore[union-attr]
    assert gazetteer.find_city("Paris", "DE") is None


def test_the_largest_population_wins_among_equal_names() -> None:
    richmond_us = gazetteer.find_city("Richmond", "US")  # Virginia (226k) over California (110k)
    assert richmond_us is not None and richmond_us.lon > -80


def test_a_town_below_geonames_threshold_is_not_invented() -> None:
    assert gazetteer.find_city("Ribeira Brava", "PT") is None
    assert gazetteer.find_city("", "PT") is None


@pytest.mark.parametrize("iso2", ["FR", "US", "ZA", "IT", "CL", "NO", "XK", "HR", "LS", "AE"])
def test_country_point_lies_inside_its_country(iso2: str) -> None:
    place = gazetteer.find_country(iso2)
    assert place is not None and place.precision == "country"
    assert boundaries.country_of(place.lat, place.lon) == iso2


def test_country_of_knows_land_and_sea() -> None:
    assert boundaries.country_of(48.8534, 2.3488) == "FR"
    assert boundaries.country_of(42.66, 21.16) == "XK"  # Pristina: Kosovo has no ISO numeric id
    assert boundaries.country_of(35.19, 33.38) == "CY"  # Nicosia, on the N. Cyprus line
    assert boundaries.country_of(0.0, -30.0) is None  # Atlantic


@pytest.mark.parametrize("resolution", ["50m", "110m"])
def test_shipped_boundaries_carry_iso2_and_name_only(resolution: str) -> None:
    data = json.loads(boundaries.boundaries_path(resolution).read_text(encoding="utf-8"))
    features = data["features"]
    assert all(set(f["properties"]) == {"iso2", "name"} for f in features)
    coded = {f["properties"]["iso2"] for f in features if f["properties"]["iso2"]}
    assert {"FR", "CN", "US", "XK", "ZA", "LS"} <= coded
    uncoded = {f["properties"]["name"] for f in features if not f["properties"]["iso2"]}
    assert uncoded <= {"Indian Ocean Ter.", "Siachen Glacier"}
    assert set(boundaries.load_countries(resolution)) == coded


def test_small_boundaries_stay_small_for_the_browser() -> None:
    assert boundaries.boundaries_path("110m").stat().st_size < 400_000
    assert (ROOT / "data" / "boundaries" / "SOURCE.md").is_file()
    with pytest.raises(ValueError):
        boundaries.load_countries("10m")


def test_cache_keys_ignore_case_spacing_and_field_order() -> None:
    a = query_key({"q": "Avenue de Choisy,  Paris", "countrycodes": "FR"})
    b = query_key({"countrycodes": "fr", "q": "avenue de choisy, paris"})
    assert a == b == '{"countrycodes":"fr","q":"avenue de choisy, paris"}'
    assert query_key({"city": "Viña del Mar", "countrycodes": "cl"}) == query_key(
        {"city": "Vina del Mar", "countrycodes": "CL"}
    )


def test_cache_file_is_sorted_stable_and_round_trips(tmp_path: Path) -> None:
    cache = GeoCache(tmp_path / "sub" / "geocache.json")
    cache.put({"q": "b", "countrycodes": "fr"}, {"lat": 1.0, "lon": 2.0, "found": True})
    cache.put({"q": "a", "countrycodes": "fr"}, {"found": False})
    text = cache.path.read_text(encoding="utf-8")
    keys = list(json.loads(text)["entries"])
    assert text.endswith("}\n") and keys == sorted(keys) and len(keys) == 2
    again = GeoCache.load(cache.path)
    assert again.entries == cache.entries and again.dumps() == text


def test_a_corrupt_cache_is_an_error_not_silently_emptied(tmp_path: Path) -> None:
    path = tmp_path / "geocache.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not a valid geocoder cache"):
        GeoCache.load(path)
