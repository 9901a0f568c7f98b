"""The pages as Streamlit runs them (AppTest): counts, filters, links, notices, the map's markers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stations.data import load, model, synthetic, vocab
from stations.map import mapping
from stations.view.filters import Filters
from tests.support.apptest import DATA_PAGE, MAP_PAGE, RESPONSES_PAGE, ROOT, markers, metrics, new_app, url
from tests.support.apptest import open_page as run


@pytest.fixture
def synthetic_data(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> load.Dataset:
    monkeypatch.setenv("STATIONS_DATA_DIR", str(data_dir))
    return load.load_dataset(data_dir)


def expected(dataset: load.Dataset, filters: Filters) -> list[str]:
    summary = model.country_actions(dataset.stations, dataset.responses)
    return list(filters.apply(dataset.stations, summary)["station_id"])


def test_default_view_shows_every_station(synthetic_data: load.Dataset) -> None:
    at = run()
    stations = synthetic_data.stations
    assert metrics(at)["Stations"] == str(len(stations))
    assert metrics(at)["Countries"] == str(stations["iso2"].nunique())
    assert sorted(markers(at)) == sorted(stations["station_id"])
    assert url(at) == {}
    assert not at.warning


@pytest.mark.parametrize(
    ("key", "value", "filters"),
    [
        ("country", "NL", Filters(country=("NL",))),
        ("country", "NL,JP", Filters(country=("JP", "NL"))),
        ("bureau", "fuzhou", Filters(bureau=("Fuzhou",))),
        ("wave", "dec-2022", Filters(wave=("dec-2022",))),
        ("action", "none", Filters(action=("none",))),
        ("action", "conviction", Filters(action=("conviction",))),
    ],
)
def test_link_opens_that_view(synthetic_data: load.Dataset, key: str, value: str, filters: Filters) -> None:
    at = run(**{key: value})
    want = expected(synthetic_data, filters)
    assert 0 < len(want) < len(synthetic_data.stations)
    assert metrics(at)["Stations"] == str(len(want))
    assert sorted(markers(at)) == sorted(want)
    assert at.multiselect(key=f"filter_{key}").value == list(getattr(filters, key))
    assert url(at)[key] == [filters.to_query_params()[key]]


@pytest.mark.parametrize("key", ["country", "bureau", "wave", "action"])
def test_each_filter_widget_changes_counts_map_and_link(synthetic_data: load.Dataset, key: str) -> None:
    at = run()
    widget = at.multiselect(key=f"filter_{key}")
    value = {"country": "IT", "bureau": "Qingtian", "wave": "later", "action": "investigation_opened"}[key]
    widget.set_value([value]).run()
    filters = Filters(**{key: (value,)})
    want = expected(synthetic_data, filters)
    assert metrics(at)["Stations"] == str(len(want))
    assert sorted(markers(at)) == sorted(want)
    assert url(at) == {key: [filters.to_query_params()[key]]}


def test_filters_combine_and_reset_clears_them(synthetic_data: load.Dataset) -> None:
    at = run(country="IT,NL,JP", bureau="fuzhou,qingtian")
    want = expected(synthetic_data, Filters(country=("IT", "JP", "NL"), bureau=("Fuzhou", "Qingtian")))
    assert sorted(markers(at)) == sorted(want)
    at.button[0].click().run()
    assert metrics(at)["Stations"] == str(len(synthetic_data.stations))
    assert url(at) == {}


def test_station_link_selects_and_shows_its_sources(synthetic_data: load.Dataset) -> None:
    station = synthetic_data.stations.iloc[3]
    at = run(station=station["station_id"])
    assert at.selectbox(key="filter_station").value == station["station_id"]
    text = "\n".join(m.value for m in at.markdown)
    first_url = station["sources"].split(vocab.SOURCE_SEPARATOR)[0]
    assert f"]({first_url})" in text
    assert url(at)["station"] == [station["station_id"]]


def test_choosing_a_station_puts_it_in_the_link(synthetic_data: load.Dataset) -> None:
    at = run(country="IE")
    sid = expected(synthetic_data, Filters(country=("IE",)))[0]
    at.selectbox(key="filter_station").set_value(sid).run()
    assert url(at) == {"country": ["IE"], "station": [sid]}


@pytest.mark.parametrize(
    "params",
    [
        {"country": "Atlantis"},
        {"country": ["NL", "IT"]},
        {"bureau": "<script>alert(1)</script>"},
        {"zoom": "12"},
        {"station": "nope"},
        {"wave": "x" * 5000},
    ],
)
def test_malformed_link_shows_a_notice_and_keeps_the_rest(synthetic_data: load.Dataset, params: dict) -> None:
    at = run(**params)
    assert len(at.warning) == 1
    assert "not understood" in at.warning[0].value
    assert int(metrics(at)["Stations"]) > 0


def test_station_outside_the_filters_is_not_selected(synthetic_data: load.Dataset) -> None:
    outside = synthetic_data.stations.loc[synthetic_data.stations["iso2"] == "JP", "station_id"].iloc[0]
    at = run(country="NL", station=outside)
    assert at.selectbox(key="filter_station").value is None
    assert "station" not in url(at)
    assert any("outside the current filters" in i.value for i in at.info)


def test_markup_in_the_data_stays_text(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = synthetic.stations_rows(8)
    rows[0]["city"] = "<script>window.__pwned=1</script>"
    rows[0]["notes"] = "<img src=x onerror=alert(1)>"
    synthetic.write_dataset(data_dir, stations=rows)
    monkeypatch.setenv("STATIONS_DATA_DIR", str(data_dir))
    at = run(station=rows[0]["station_id"])
    component = at.get("component_instance")[0]
    args = json.loads(component.proto.json_args)
    table = mapping.station_table_text(args["html"])
    assert "<script>window" not in args["script"] + table and "\\u003cscript\\u003ewindow.__pwned" in table
    panel = "\n".join(m.value for m in at.markdown)
    assert "\\<script\\>window" in panel and "<script>" not in panel


def test_broken_data_shows_the_problems_not_a_traceback(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = data_dir / "stations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",Fuzhou,", ",Fuzhuo,", 1), encoding="utf-8")
    monkeypatch.setenv("STATIONS_DATA_DIR", str(data_dir))
    for page in (MAP_PAGE, RESPONSES_PAGE, DATA_PAGE):
        at = new_app(page).run()
        assert not at.exception
        assert "invalid" in at.error[0].value
        assert re.search(r"stations\.csv:\d+: bureau: 'Fuzhuo': unknown bureau", at.code[0].value)


def test_responses_page_applies_the_country_filter(synthetic_data: load.Dataset) -> None:
    at = run(RESPONSES_PAGE, country="NL,IT")
    responses = synthetic_data.responses
    want = responses[responses["iso2"].isin(["NL", "IT"])]
    assert metrics(at)["Actions recorded"] == str(len(want))
    table = at.dataframe[0].value
    assert sorted(table["response_id"]) == sorted(want["response_id"])
    assert url(at)["country"] == ["IT,NL"]


def test_responses_page_counts_countries_without_action(synthetic_data: load.Dataset) -> None:
    at = run(RESPONSES_PAGE)
    silent = set(synthetic_data.stations["iso2"]) - set(synthetic_data.responses["iso2"])
    assert metrics(at)["Host countries with no action reported"] == str(len(silent))


def test_data_page_offers_the_full_files(synthetic_data: load.Dataset) -> None:
    at = run(DATA_PAGE)
    assert any("Latest change to the data" in m.value for m in at.markdown)


def test_committed_data_default_view() -> None:
    dataset = load.load_dataset(ROOT / "data")
    at = run()
    assert metrics(at)["Stations"] == str(len(dataset.stations))
    assert sorted(markers(at)) == sorted(dataset.stations["station_id"])
    run(RESPONSES_PAGE)
    run(DATA_PAGE)


def test_page_links_carry_the_view(synthetic_data: load.Dataset) -> None:
    at = run(country="NL", bureau="fuzhou")
    links = {link.label: link for link in at.get("page_link")}
    assert set(links) == {"Map", "Government responses", "Data & sources"}
    for link in links.values():
        assert link.proto.query_string == "bureau=fuzhou&country=NL"
    # The responses page keeps the bureau set on the map page, says so, and keeps it in the link.
    at = run(RESPONSES_PAGE, country="NL", bureau="fuzhou")
    assert any("Also filtered" in c.value and "Fuzhou" in c.value for c in at.caption)
    at.multiselect(key="filter_country").set_value(["NL", "IT"]).run()
    assert url(at) == {"bureau": ["fuzhou"], "country": ["IT,NL"]}


def test_data_page_keeps_the_view_in_the_link(synthetic_data: load.Dataset) -> None:
    at = run(DATA_PAGE, country="NL")
    assert url(at) == {"country": ["NL"]}


def test_picking_values_in_any_order_keeps_later_changes(synthetic_data: load.Dataset) -> None:
    at = run()
    at.multiselect(key="filter_country").set_value(["NL", "IT"]).run()
    assert url(at) == {"country": ["IT,NL"]}
    at.multiselect(key="filter_bureau").set_value(["Qingtian"]).run()
    assert url(at) == {"bureau": ["qingtian"], "country": ["IT,NL"]}
    want = expected(synthetic_data, Filters(country=("IT", "NL"), bureau=("Qingtian",)))
    assert sorted(markers(at)) == sorted(want)


def test_streamlit_embed_parameters_are_left_alone(synthetic_data: load.Dataset) -> None:
    at = run(embed="true", country="NL")
    assert not at.warning
    assert metrics(at)["Stations"] == str(len(expected(synthetic_data, Filters(country=("NL",)))))


def test_a_view_too_large_to_list_keeps_picker_and_tables_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stations.web.map_page import MAX_LISTED

    directory = synthetic.write_dataset(tmp_path / "big", n=MAX_LISTED + 150)
    monkeypatch.setenv("STATIONS_DATA_DIR", str(directory))
    stations = load.load_dataset(directory).stations
    chosen = stations.iloc[-1]["station_id"]
    at = run(station=chosen)
    assert metrics(at)["Stations"] == f"{len(stations):,}"
    assert len(markers(at)) == len(stations)  # the map still draws them all
    picker = at.selectbox(key="filter_station")
    assert picker.value == chosen
    assert len(picker.options) == 1 and picker.options[0].endswith(chosen)  # the selected one only
    captions = " ".join(c.value for c in at.caption)
    assert "too many to list here" in captions
    assert f"first {MAX_LISTED:,} of these {len(stations):,} stations" in captions
    assert len(at.dataframe[0].value) == MAX_LISTED
    # Narrowed below the limit, the picker lists every station in view again.
    at.multiselect(key="filter_country").set_value(["NL"]).run()
    in_view = int((stations["iso2"] == "NL").sum())
    assert in_view < MAX_LISTED
    assert len(at.selectbox(key="filter_station").options) == in_view
    assert "too many to list here" not in " ".join(c.value for c in at.caption)
