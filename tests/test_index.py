"""The station index gives exactly the answers of the reference definitions (``Filters.apply``,
``model.action_counts``, ``mapping.station_json``) for any filters, and shares its views."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.data import load, model, synthetic, vocab
from stations.map import mapping, payload
from stations.view.filters import Filters, Options
from stations.view.index import CACHED_VIEWS, StationIndex


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> StationIndex:
    rows = synthetic.stations_rows(400, seed=11)
    rows[0]["address"] = 'Rue "des" <b>&</b> {{ x }} \u2028 \\ end'
    rows[1].update(city="", address="", geo_precision="country")
    directory = synthetic.write_dataset(
        tmp_path_factory.mktemp("index") / "d",
        stations=rows,
        responses=synthetic.responses_rows(sorted({r["iso2"] for r in rows})[:4]),
    )
    dataset = load.load_dataset(directory)
    summary = model.country_actions(dataset.stations, dataset.responses)
    return StationIndex(dataset.stations, summary, Options.from_stations(dataset.stations))


def _subset(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=3).map(tuple)


@st.composite
def filters(draw: st.DrawFn, options: Options) -> Filters:
    return Filters(
        bureau=draw(_subset(options.allowed("bureau"))),
        country=draw(_subset(options.allowed("country"))),
        wave=draw(_subset(options.allowed("wave"))),
        action=draw(_subset(options.allowed("action"))),
    ).canonical(options)


def _reference_counts(index: StationIndex, chosen: Filters, key: str) -> dict[str, int]:
    view = chosen.without(key).apply(index.stations, index.summary)
    if key == "action":
        counts = model.action_counts(view, index.summary)
    else:
        column = {"bureau": "bureau", "country": "iso2", "wave": "wave"}[key]
        counts = view[column].value_counts().to_dict()
    return {k: int(v) for k, v in counts.items() if v}


def test_views_counts_and_map_json_match_the_reference(index: StationIndex) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(filters(index.options))
    def check(chosen: Filters) -> None:
        view = index.view(chosen)
        expected = chosen.apply(index.stations, index.summary)
        assert view.frame["station_id"].tolist() == expected["station_id"].tolist()
        assert payload.stations_json(view) == mapping.station_json(expected)
        assert view.id_set == set(expected["station_id"])
        for key in ("bureau", "country", "wave", "action"):
            assert index.facet_counts(chosen, key) == _reference_counts(index, chosen, key)

    check()


def test_the_full_view_carries_escaped_text_and_labels(index: StationIndex) -> None:
    view = index.view(Filters())
    assert len(view) == len(index.stations)
    text = payload.stations_json(view)
    assert "<b>" not in text and "{{" not in text and "\u2028" not in text
    assert view.labels[index.stations.iloc[1]["station_id"]].startswith(
        f"{index.stations.iloc[1]['country']} (location not published)"
    )


def test_views_are_shared_and_the_cache_is_bounded(index: StationIndex) -> None:
    first = index.view(Filters(wave=("sep-2022",)))
    assert index.view(Filters(wave=("sep-2022",))) is first
    assert index.view(Filters(wave=("sep-2022",), station="x")) is first  # a selection is not a view
    for bureau in vocab.BUREAUS:
        for wave in vocab.WAVES:
            index.view(Filters(bureau=(bureau,), wave=(wave,)))
    assert len(index._views) == CACHED_VIEWS
    assert index.view(Filters(wave=("sep-2022",))) is not first  # evicted, then made again


def test_an_unknown_value_in_the_data_is_refused(index: StationIndex) -> None:
    missing = index.stations.iloc[0]["iso2"]
    options = Options(
        countries={k: v for k, v in index.options.countries.items() if k != missing},
        station_ids=index.options.station_ids,
    )
    with pytest.raises(ValueError, match=f"iso2 values outside the options: \\['{missing}'\\]"):
        StationIndex(index.stations, index.summary, options)
