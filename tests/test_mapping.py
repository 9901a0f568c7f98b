"""The map builder: one marker per station in view, every text field escaped, the JSON unable
to end its script element, and the downloads holding exactly the rows in view."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from stations.data import export, load, model, synthetic, vocab
from stations.map import assets, mapping
from stations.view import credit as credit_module
from stations.view.credit import Credit
from stations.view.filters import Filters

LAYER_SCRIPT = (assets.STATIC_DIR / assets.STATION_LAYER_SCRIPT).read_text("utf-8")


def render(stations: pd.DataFrame, responses: pd.DataFrame, **kwargs) -> str:
    summary = model.country_actions(stations, responses)
    return mapping.build_map(stations, summary, **kwargs).get_root().render()


def payload(html: str) -> dict:
    return mapping.read_station_table(html)


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
    # The page carries data only; the layer's script builds popups with textContent and passes
    # tooltips through esc(): no field reaches innerHTML raw.
    assert "innerHTML" not in html.split(mapping.STATION_TABLE_ID, 1)[1]
    assert "innerHTML" not in LAYER_SCRIPT
    assert "marker.bindTooltip(esc(" in LAYER_SCRIPT
    assert "L.stationLayer(" in html


def test_private_residence_address_never_reaches_the_page(dataset: load.Dataset) -> None:
    stations = dataset.stations.copy()
    stations.loc[stations.index[0], ["private_residence", "address"]] = [True, "9 Secret Road"]
    html = render(stations, dataset.responses)
    assert "9 Secret Road" not in html
    csv_text = export.to_csv_bytes(stations).decode()
    assert "9 Secret Road" not in csv_text
    assert "9 Secret Road" not in export.to_geojson_bytes(stations).decode()


def test_unsafe_source_urls_are_not_links() -> None:
    assert "var WEB_URL = /^https?:\\/\\//i;" in LAYER_SCRIPT
    assert "!WEB_URL.test(url)) { return null; }" in LAYER_SCRIPT
    assert 'a.rel = "noopener noreferrer"' in LAYER_SCRIPT and 'a.target = "_blank"' in LAYER_SCRIPT


def test_the_page_loads_the_layer_script_and_passes_only_data(dataset: load.Dataset) -> None:
    summary = model.country_actions(dataset.stations, dataset.responses)
    fmap = mapping.build_map(dataset.stations, summary, selected="X-1")
    html = fmap.get_root().render()
    urls = assets.asset_urls(fmap)
    scripts = [u for u in urls if u.endswith(".js")]
    assert [u.rsplit("/", 1)[-1] for u in scripts] == ["leaflet-bundle.js", "station-layer.js"]
    assert any(u.endswith(assets.STATION_LAYER_STYLE) for u in urls)
    assert assets.external_asset_urls(fmap) == []
    script = html.split("var table =", 1)[1].split("})();", 1)[0]
    assert "function" not in script  # the template passes JSON and calls the layer, nothing else
    table = json.loads(re.search(r"var table = (\{.*?\});\n", html).group(1))
    assert table == {
        "id": mapping.STATION_TABLE_ID,
        "digest": mapping.layer_data(dataset.stations, summary, None).stations_digest,
    }
    opts = json.loads(re.search(r"var opts = (\{.*?\});\n", html).group(1))
    assert opts["selected"] == "X-1"
    assert (
        json.loads(
            re.search(r"var opts = (\{.*?\});\n", render(dataset.stations, dataset.responses)).group(1)
        )["selected"]
        is None
    )


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
    raw = export.to_csv_bytes(view)
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the file as UTF-8
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join((*vocab.STATION_COLUMNS, "source_outlets"))
    assert len(lines) == len(view) + 1
    geo = json.loads(export.to_geojson_bytes(view))
    assert [f["id"] for f in geo["features"]] == list(view["station_id"])
    first = geo["features"][0]
    assert first["geometry"]["coordinates"] == [view["lon"].iloc[0], view["lat"].iloc[0]]
    assert isinstance(first["properties"]["sources"], list)
    assert len(first["properties"]["source_outlets"]) == len(first["properties"]["sources"])


def test_csv_download_reloads_through_the_validator(dataset: load.Dataset, tmp_path: Path) -> None:
    # Without Excel's byte-order mark (the data files have none; the validator says so).
    (tmp_path / "stations.csv").write_bytes(
        export.to_csv_bytes(dataset.stations).removeprefix(export.EXCEL_BOM)
    )
    again, problems = load.check_stations(tmp_path / "stations.csv")
    assert problems == []
    pd.testing.assert_frame_equal(
        again.reset_index(drop=True), dataset.stations.reset_index(drop=True), check_like=False
    )


def test_a_download_with_excels_mark_is_refused_as_data_with_a_clear_message(
    dataset: load.Dataset, tmp_path: Path
) -> None:
    (tmp_path / "stations.csv").write_bytes(export.to_csv_bytes(dataset.stations.iloc[:3]))
    _, problems = load.check_stations(tmp_path / "stations.csv")
    assert [p.message for p in problems] == ["stray UTF-8 byte-order mark (BOM): save as UTF-8 without BOM"]


def test_the_responses_csv_is_marked_utf8_for_excel(dataset: load.Dataset) -> None:
    raw = export.responses_csv_bytes(dataset.responses)
    assert raw.startswith(export.EXCEL_BOM)
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == [*vocab.RESPONSE_COLUMNS, "source_outlets"]
    assert list(frame["response_id"]) == list(dataset.responses["response_id"])


def test_the_geojson_download_says_its_licence_version_citation_and_view(dataset: load.Dataset) -> None:
    credit = Credit("2026-11-27.2", "2026-11-27", "https://maps.example.org/?country=IT")
    view = dataset.stations[dataset.stations["iso2"] == "IT"]
    geo = json.loads(export.to_geojson_bytes(view, credit_module.provenance(credit, dt.date(2026, 12, 1))))
    meta = geo["metadata"]
    assert meta["license"] == {
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert meta["data_version"] == "2026-11-27.2" and meta["data_date"] == "2026-11-27"
    assert meta["view"] == credit.link
    assert credit.link in meta["citation"] and "accessed 2026-12-01" in meta["citation"]
    assert "Safeguard Defenders" in meta["credit"]
    assert len(geo["features"]) == len(view)
    assert "metadata" not in export.to_geojson(view)  # only when there is something to say


def test_map_loads_nothing_from_outside(dataset: load.Dataset) -> None:
    from stations.map import assets

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
    folium's own render path makes (ids aside), tiles, shapes and station script included, the
    viewport line aside."""
    import folium
    from folium.elements import JSCSSMixin

    summary = model.country_actions(dataset.stations, dataset.responses)
    shapes = {"type": "FeatureCollection", "features": []}

    def page() -> str:
        fmap = mapping.build_map(
            dataset.stations, summary, shapes=shapes, tiles="https://t.test/{z}/{x}/{y}.png", attribution="a"
        )
        return re.sub(r"[0-9a-f]{32}", "ID", fmap.get_root().render())

    fast = page()

    def folium_layer_render(self, **kwargs) -> None:
        self.default_js, self.default_css = assets.layer_assets()
        JSCSSMixin.render(self, **kwargs)

    monkeypatch.setattr(mapping.StationMap, "render", folium.Map.render)
    monkeypatch.setattr(mapping.StationLayer, "render", folium_layer_render)
    # ...but for the one intended change: the viewport line lets the reader zoom the page.
    assert fast == mapping._NO_PAGE_ZOOM.sub("", page()) != page()
    assert "L.stationLayer(" in fast and "t.test" in fast


def test_station_table_travels_in_the_html_and_the_script_follows_it(dataset: load.Dataset) -> None:
    """What st_folium sends: the table in ``html`` (kept out of the script's text passes), and a
    script that changes with the stations (its text is the component's identity) and only then."""
    from streamlit_folium import _get_html, _get_map_string

    summary = model.country_actions(dataset.stations, dataset.responses)

    def sent(stations: pd.DataFrame) -> tuple[str, str]:
        fmap = mapping.build_map(stations, summary)
        fmap.get_root().render()
        html = _get_html(fmap)
        return _get_map_string(fmap), html

    script, html = sent(dataset.stations)
    ids = list(dataset.stations["station_id"])
    assert mapping.read_station_table(html)["columns"]["station_id"] == ids
    assert not any(sid in script for sid in ids)
    assert sent(dataset.stations)[0] == script
    assert sent(dataset.stations.iloc[1:])[0] != script


def test_country_outlines_are_sent_rounded_and_stay_closed_rings() -> None:
    ring = [[10.0, 50.0], [10.001, 50.002], [10.004, 50.0], [11.0, 50.0], [11.0, 51.0], [10.0, 50.0]]
    shapes = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"iso2": "NL"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            },
            {
                "type": "Feature",
                "properties": {"iso2": "IT"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[[1.23456, 2.34567], *ring[1:4], [1.23456, 2.34567]]]],
                },
            },
        ],
    }
    drawn = mapping._country_features(shapes, {"NL": {}, "IT": {}})["features"]
    nl = drawn[0]["geometry"]["coordinates"][0]
    assert nl == [[10.0, 50.0], [11.0, 50.0], [11.0, 51.0], [10.0, 50.0]]  # repeats after rounding dropped
    it = drawn[1]["geometry"]["coordinates"][0][0]
    assert it[0] == it[-1] == [1.23, 2.35] and len(it) >= 4


def test_the_map_frame_lets_the_reader_zoom_the_page(dataset: load.Dataset) -> None:
    html = render(dataset.stations, dataset.responses)
    viewport = re.search(r'<meta name="viewport" content="([^"]*)"', html)
    assert viewport and "user-scalable" not in viewport.group(1) and "maximum-scale" not in viewport.group(1)


def test_every_precision_has_a_zoom_limit_and_coarser_ones_stop_further_out() -> None:
    zooms = [mapping.PRECISION_ZOOM[p] for p in vocab.GEO_PRECISIONS]  # finest first
    assert zooms == sorted(zooms, reverse=True) and len(set(zooms)) == len(zooms)
    layer = mapping.LayerData("{}", "{}", "{}", ("Fuzhou",), ())
    assert mapping.layer_options(layer, fit=False)["precisionZoom"] == mapping.PRECISION_ZOOM


def test_payload_carries_every_column_of_the_field_table() -> None:
    for field in vocab.STATION_FIELDS:
        assert set(field.columns()) <= set(mapping.PAYLOAD_FIELDS), field
    assert len(set(mapping.PAYLOAD_FIELDS)) == len(mapping.PAYLOAD_FIELDS)
