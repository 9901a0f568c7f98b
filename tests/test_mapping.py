"""The map builder: one marker per station in view, every text field escaped, the JSON unable
to end its script element, and the downloads holding exactly the rows in view."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from stations import export, load, mapping, model, synthetic, vocab
from stations.filters import Filters

PAYLOAD = re.compile(r"var data = (\{.*?\});\n", re.S)


def render(stations: pd.DataFrame, responses: pd.DataFrame, **kwargs) -> str:
    summary = model.country_actions(stations, responses)
    return mapping.build_map(stations, summary, **kwargs).get_root().render()


def payload(html: str) -> dict:
    return json.loads(PAYLOAD.search(html).group(1))


@pytest.fixture
def dataset(data_dir: Path) -> load.Dataset:
    return load.load_dataset(data_dir)


def test_one_marker_per_station_in_view(dataset: load.Dataset) -> None:
    summary = model.country_actions(dataset.stations, dataset.responses)
    view = Filters(country=("IT", "JP")).apply(dataset.stations, summary)
    data = payload(render(view, dataset.responses))
    assert data["n"] == len(view) == len(data["columns"]["station_id"])
    assert sorted(data["columns"]["station_id"]) == sorted(view["station_id"])
    assert data["columns"]["lat"] == [round(v, 5) for v in view["lat"]]


def test_every_text_field_is_escaped(tmp_path: Path) -> None:
    attack = '</script><script>window.__pwned=1</script><img src=x onerror="alert(1)">&amp;'
    rows = synthetic.stations_rows(4)
    for column in ("city", "address", "host_organisation", "bureau_district", "notes", "country"):
        rows[0][column] = attack + column
    for row in rows:
        if row["iso2"] == rows[0]["iso2"]:
            row["country"] = rows[0]["country"]
    data_dir = synthetic.write_dataset(tmp_path / "d", stations=rows)
    dataset = load.load_dataset(data_dir)
    html = render(dataset.stations, dataset.responses)
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert html.count("</script>") == html.count("<script")
    data = payload(html)
    assert data["columns"]["city"][0] == attack + "city"
    assert data["columns"]["address"][0] == attack + "address"
    # Popups use textContent and tooltips go through esc(): no field reaches innerHTML raw.
    assert "innerHTML" not in html.split("var data =", 1)[1]
    assert "m.bindTooltip(esc(" in html


def test_private_residence_address_never_reaches_the_page(dataset: load.Dataset) -> None:
    stations = dataset.stations.copy()
    stations.loc[stations.index[0], ["private_residence", "address"]] = [True, "9 Secret Road"]
    html = render(stations, dataset.responses)
    assert "9 Secret Road" not in html
    csv_text = export.to_csv_bytes(stations).decode()
    assert "9 Secret Road" not in csv_text
    assert "9 Secret Road" not in export.to_geojson_bytes(stations).decode()


def test_unsafe_source_urls_are_not_links(dataset: load.Dataset) -> None:
    html = render(dataset.stations, dataset.responses)
    assert "if (!/^https?:\\/\\//i.test(url)) { return; }" in html
    assert 'a.rel = "noopener noreferrer"' in html and 'a.target = "_blank"' in html


def test_country_layer_holds_strongest_actions(dataset: load.Dataset) -> None:
    shapes = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"iso2": iso2, "name": iso2},
                "geometry": {"type": "Point", "coordinates": [0, 0]},
            }
            for iso2 in ("NL", "IT", "XK")
        ],
    }
    summary = model.country_actions(dataset.stations, dataset.responses)
    html = render(dataset.stations, dataset.responses, shapes=shapes)
    countries = json.loads(re.search(r"var countries = (\{.*?\});\n", html).group(1))
    assert countries["NL"]["strongest_key"] == summary.at["NL", "strongest_action"]
    drawn = json.loads(re.search(r"var shapes = (\{.*?\});\n", html).group(1))
    assert [f["properties"]["iso2"] for f in drawn["features"]] == ["NL", "IT"]


def test_downloads_hold_exactly_the_rows_in_view(dataset: load.Dataset) -> None:
    summary = model.country_actions(dataset.stations, dataset.responses)
    view = Filters(bureau=("Qingtian",)).apply(dataset.stations, summary)
    lines = export.to_csv_bytes(view).decode().splitlines()
    assert lines[0] == ",".join((*vocab.STATION_COLUMNS, "source_outlets"))
    assert len(lines) == len(view) + 1
    geo = json.loads(export.to_geojson_bytes(view))
    assert [f["id"] for f in geo["features"]] == list(view["station_id"])
    first = geo["features"][0]
    assert first["geometry"]["coordinates"] == [view["lon"].iloc[0], view["lat"].iloc[0]]
    assert isinstance(first["properties"]["sources"], list)
    assert len(first["properties"]["source_outlets"]) == len(first["properties"]["sources"])


def test_csv_download_reloads_through_the_validator(dataset: load.Dataset, tmp_path: Path) -> None:
    (tmp_path / "stations.csv").write_bytes(export.to_csv_bytes(dataset.stations))
    again, problems = load.check_stations(tmp_path / "stations.csv")
    assert problems == []
    pd.testing.assert_frame_equal(
        again.reset_index(drop=True), dataset.stations.reset_index(drop=True), check_like=False
    )


def test_map_loads_nothing_from_outside(dataset: load.Dataset) -> None:
    from stations import assets

    summary = model.country_actions(dataset.stations, dataset.responses)
    fmap = mapping.build_map(dataset.stations, summary, tiles=None)
    assert assets.external_asset_urls(fmap) == []
    html = fmap.get_root().render()
    assert '"maxZoom": 18' in html or "maxZoom: 18" in html or '"max_zoom": 18' in html


def test_shapes_across_the_antimeridian_stay_on_one_side() -> None:
    body = [[[170.0, 60.0], [180.0, 60.0], [180.0, 70.0], [170.0, 60.0]]]
    tip = [[[-180.0, 65.0], [-170.0, 65.0], [-170.0, 68.0], [-180.0, 65.0]]]
    big = [[[30.0, 50.0], [100.0, 50.0], [100.0, 70.0], [30.0, 50.0]]]
    russia = mapping._unwrap({"type": "MultiPolygon", "coordinates": [big, body, tip]})
    assert [p[0] for p in russia["coordinates"][2][0]] == [180.0, 190.0, 190.0, 180.0]
    mainland = [[[-120.0, 40.0], [-80.0, 40.0], [-80.0, 45.0], [-120.0, 40.0]]]
    aleutian = [[[175.0, 52.0], [179.0, 52.0], [179.0, 53.0], [175.0, 52.0]]]
    usa = mapping._unwrap({"type": "MultiPolygon", "coordinates": [mainland, mainland, aleutian]})
    assert [p[0] for p in usa["coordinates"][2][0]] == [-185.0, -181.0, -181.0, -185.0]
    small = {"type": "Polygon", "coordinates": [[[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 1.0]]]}
    assert mapping._unwrap(small) == small


def test_template_syntax_in_the_data_is_not_run(tmp_path: Path) -> None:
    rows = synthetic.stations_rows(3)
    rows[0]["city"] = "{{ 7 * 7 }} {% if 1 %}x{% endif %} {# c"
    dataset = load.load_dataset(synthetic.write_dataset(tmp_path / "d", stations=rows))
    html = render(dataset.stations, dataset.responses)
    assert "{{ 7" not in html and "{%" not in html
    assert payload(html)["columns"]["city"][0] == rows[0]["city"]


def test_rendering_without_template_compilation_gives_foliums_own_page(
    dataset: load.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map skips branca's compile-each-output step; the page must still be exactly the one
    folium's own render path makes (ids aside), tiles, shapes and station script included."""
    import folium
    from folium.elements import JSCSSMixin
    from folium.plugins import MarkerCluster

    summary = model.country_actions(dataset.stations, dataset.responses)
    shapes = {"type": "FeatureCollection", "features": []}

    def page() -> str:
        fmap = mapping.build_map(
            dataset.stations, summary, shapes=shapes, tiles="https://t.test/{z}/{x}/{y}.png", attribution="a"
        )
        return re.sub(r"[0-9a-f]{32}", "ID", fmap.get_root().render())

    fast = page()

    def folium_layer_render(self, **kwargs) -> None:
        self.default_js = list(MarkerCluster.default_js)
        self.default_css = list(MarkerCluster.default_css)
        JSCSSMixin.render(self, **kwargs)

    monkeypatch.setattr(mapping.StationMap, "render", folium.Map.render)
    monkeypatch.setattr(mapping.StationLayer, "render", folium_layer_render)
    assert fast == page()
    assert "markerClusterGroup" in fast and "t.test" in fast
