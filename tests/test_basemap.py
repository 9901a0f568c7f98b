"""The app's own basemap: its files are there and recorded, its labels cover every station city,
and the map loads it from the app only, after the station layer.

The browser side (it draws, and no request leaves the app) is proved in tests/e2e.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from stations.data import load, model
from stations.i18n import ENGLISH, gettext
from stations.map import assets, basemap, mapping
from tests.support import apptest

ROOT = Path(__file__).resolve().parent.parent
BASEMAP_DIR = assets.STATIC_DIR / "basemap"
IFRAME_URL = "http://127.0.0.1:8501/component/streamlit_folium.st_folium/index.html"
KINDS = {0, 1, 2, 3}


def places(name: str) -> list[list]:
    return json.loads((BASEMAP_DIR / name).read_text(encoding="utf-8"))


def test_every_basemap_file_exists_and_resolves_into_app_static() -> None:
    for path in basemap.local_files():
        assert path.is_file(), path
    options = json.loads(basemap.Basemap().options_json)
    for url in [*options["scripts"], options["base"]]:
        resolved = urlsplit(urljoin(IFRAME_URL, url)).path
        assert resolved.startswith("/app/static/"), url
    assert (assets.STATIC_DIR / options["base"].split("app/static/")[1]).is_dir()


def test_source_record_lists_every_file_with_its_checksum() -> None:
    """Like data/boundaries: a file that changed without the build script is caught."""
    source = (BASEMAP_DIR / "SOURCE.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([^`]+)` \| \d+ \| `([0-9a-f]{16})` \|$", source, re.M))
    on_disk = {p.name for p in BASEMAP_DIR.iterdir() if p.name != "SOURCE.md"}
    assert set(rows) == on_disk
    for name, digest in rows.items():
        path = BASEMAP_DIR / name
        hashed = hashlib.sha256()
        for member in sorted(path.iterdir()) if path.is_dir() else [path]:
            hashed.update(
                member.name.encode() + b"\0" + member.read_bytes() if path.is_dir() else member.read_bytes()
            )
        assert hashed.hexdigest()[:16] == digest, name
    for licence in ("public domain", "ISC", "Creative Commons Attribution 4.0"):
        assert licence in source


@pytest.mark.parametrize("name", ["world-110m.topo.json", "world-50m.topo.json"])
def test_natural_earth_topojson_has_land_and_countries(name: str) -> None:
    topo = json.loads((BASEMAP_DIR / name).read_text(encoding="utf-8"))
    assert topo["type"] == "Topology"
    assert {"land", "countries"} <= set(topo["objects"])
    assert len(topo["objects"]["countries"]["geometries"]) > 170


@pytest.mark.parametrize("name", ["places.json", "places-more.json"])
def test_places_are_well_formed(name: str) -> None:
    rows = places(name)
    assert rows
    for label, lon, lat, zoom, kind in rows:
        assert isinstance(label, str) and label.strip() == label and label
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert 1 <= zoom <= 10 and kind in KINDS


def test_town_cells_are_listed_and_hold_their_own_towns() -> None:
    """The browser asks only for cells that index.json lists, by the cell of the view."""
    folder = BASEMAP_DIR / "places-local"
    listed = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert sorted(p.stem for p in folder.glob("*.json") if p.name != "index.json") == listed
    for name in listed:
        x, y = (int(v) for v in name.split("_"))
        for label, lon, lat, zoom, kind in places(f"places-local/{name}.json"):
            assert (min(int((lon + 180) // 10), 35), min(int((lat + 90) // 10), 17)) == (x, y), label
            assert zoom in (8, 9) and kind == 2


def test_labels_name_every_country_and_the_largest_cities_early() -> None:
    rows = places("places.json")
    countries = {r[0]: r for r in rows if r[4] == 0}
    assert len(countries) >= 200
    assert countries["China"][3] == 1 and countries["France"][3] <= 2
    # A label point inside the country it names (France: mainland, not French Guiana).
    assert 42 < countries["France"][2] < 51 and -5 < countries["France"][1] < 8
    cities = {r[0]: r for r in rows if r[4] != 0}
    assert cities["Tokyo"][3] <= 3 and cities["Berlin"][3] <= 4


def test_every_city_with_a_station_has_a_label_by_zoom_5() -> None:
    """The labels are built from data/stations.csv: re-run scripts/build_basemap.py after
    adding stations in a new city."""
    stations = load.load_dataset(ROOT / "data").stations
    placed = stations[(stations["city"] != "") & (stations["geo_precision"] != "country")]
    labelled = {r[0] for r in places("places.json") if r[4] == 3 and r[3] <= 5}
    missing = sorted(set(placed["city"]) - labelled)
    assert missing == [], "run scripts/build_basemap.py: no label for " + ", ".join(missing)


def _map_html(dataset: load.Dataset, **kwargs: object) -> str:
    summary = model.country_actions(dataset.stations, dataset.responses)
    layer = mapping.layer_data(dataset.stations, summary, None)
    return mapping.map_of_layer(layer, **kwargs).get_root().render()


@pytest.fixture
def dataset(data_dir: Path) -> load.Dataset:
    return load.load_dataset(data_dir)


def test_map_loads_the_basemap_after_the_station_layer_and_names_no_host(dataset: load.Dataset) -> None:
    html = _map_html(dataset, basemap=True)
    loader = html.index("L.StationBasemap.attach")
    assert html.index("L.stationLayer(") < loader, "the basemap must come after the markers"
    # Loaded from the map's script on the first frame, not as a header <script> the markers wait for.
    assert "basemap.js" not in html[: html.index("<body")]

    def hosts(text: str) -> set[str]:
        return {urlsplit(u).netloc for u in re.findall(r"(?:https?:)?//[^\s\"'<>)\\]+", text)}

    # Beside the stations' source links: only the attribution's (opened by a click, never fetched).
    added = hosts(html) - hosts(_map_html(dataset))
    assert added == {"www.naturalearthdata.com", "www.geonames.org"}
    assert "GeoNames" in html and "CC BY 4.0" in html


def test_map_without_the_basemap_has_no_loader(dataset: load.Dataset) -> None:
    assert "StationBasemap" not in _map_html(dataset)


def test_basemap_options_cannot_end_their_script(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(basemap, "ATTRIBUTION_PARTS", (("{name}", "</script><script>x()</script>{{ 7*7 }}"),))
    text = basemap.Basemap().options_json
    assert "</script" not in text and "{{" not in text
    assert json.loads(text)["attribution"][0][1].startswith("</script>")


def shown_credit(lang: str = ENGLISH) -> str:
    """The basemap's credit as static/js/basemap.js builds it in ``lang``: each part's template
    in the map's words, filled with its link, joined with "; "."""
    return "; ".join(gettext(text, lang).format(name=link) for text, link in basemap.ATTRIBUTION_PARTS)


def test_basemap_credit_speaks_the_map_words() -> None:
    """The credit's words are in the map's words table, so the script shows them translated; the
    links stay the project's own."""
    from stations.map import words

    for lang in ("zh-Hans", "zh-Hant"):
        table = words.map_words(lang)
        said = shown_credit(lang)
        for text, link in basemap.ATTRIBUTION_PARTS:
            assert table[text] != text and table[text].format(name=link) in said
        assert "Basemap" not in said and "place names" not in said
    assert shown_credit().startswith('Basemap: <a href="https://www.naturalearthdata.com/"')


@pytest.mark.parametrize(("setting", "drawn"), [(None, True), ("none", False), ("osm", False)])
def test_app_draws_the_own_basemap_unless_told_otherwise(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, setting: str | None, drawn: bool
) -> None:
    monkeypatch.setenv("STATIONS_DATA_DIR", str(data_dir))
    if setting is None:
        monkeypatch.delenv(assets.TILES_ENV, raising=False)
    else:
        monkeypatch.setenv(assets.TILES_ENV, setting)
    script = apptest.map_script(apptest.open_page("map"))
    assert ("L.StationBasemap.attach" in script) is drawn
    assert ("tile.openstreetmap.org" in script) is (setting == "osm")
