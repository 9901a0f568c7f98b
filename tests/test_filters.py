"""The view survives a round trip through the URL; whatever a link holds that is not understood
is dropped with a notice, and each filter narrows the stations as the data says."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stations.data import load, model, vocab
from stations.view.filters import Filters, Options, escape_markdown, notice_text


@pytest.fixture
def dataset(data_dir: Path) -> load.Dataset:
    return load.load_dataset(data_dir)


@pytest.fixture
def options(dataset: load.Dataset) -> Options:
    return Options.from_stations(dataset.stations)


def test_round_trip_through_query_params(options: Options) -> None:
    filters = Filters(
        bureau=("Fuzhou", "Nantong"),
        country=("IT", "NL"),
        wave=("dec-2022",),
        action=("conviction", "none"),
        station="NL-amsterdam-1",
    )
    params = filters.to_query_params()
    assert params == {
        "bureau": "fuzhou,nantong",
        "country": "IT,NL",
        "wave": "dec-2022",
        "action": "conviction,none",
        "station": "NL-amsterdam-1",
    }
    assert Filters.from_query_params(params, options) == (filters, [])


def test_default_view_has_empty_query(options: Options) -> None:
    assert Filters().to_query_params() == {}
    assert Filters.from_query_params({}, options) == (Filters(), [])


def test_values_are_matched_loosely_and_put_in_canonical_order(options: Options) -> None:
    filters, notices = Filters.from_query_params(
        {"country": " netherlands , it,IT ", "bureau": "QINGTIAN,fuzhou", "wave": "later"}, options
    )
    assert notices == []
    assert filters.country == ("IT", "NL")
    assert filters.bureau == ("Fuzhou", "Qingtian")


def test_unknown_values_keys_and_repeats_are_dropped_with_notices(options: Options) -> None:
    filters, notices = Filters.from_query_params(
        {"country": ["NL,Atlantis", "FR"], "colour": "red", "station": "XX-nowhere-1", "wave": "54"},
        options,
    )
    assert filters == Filters(country=("NL",))
    assert sorted(notices) == sorted(
        [
            "parameter 'country' was given 2 times: kept the first",
            "unknown country 'Atlantis'",
            "unknown parameter 'colour'",
            "unknown station 'XX\\-nowhere\\-1'",
            "unknown wave '54'",
        ]
    )


def test_notices_are_in_the_links_language_else_the_browsers(options: Options) -> None:
    params = {"country": "NL,Atlantis", "colour": "red", "lang": "zh-Hans"}
    filters, notices = Filters.from_query_params(params, options, "zh-Hant")
    assert filters == Filters(country=("NL",), lang="zh-Hans")
    assert sorted(notices) == ["未知参数 'colour'", "未知的 country 值 'Atlantis'"]
    _, notices = Filters.from_query_params({"colour": "red"}, options, "zh-Hant")
    assert notices == ["未知參數 'colour'"]
    # A language the link names but no page speaks: the notices are in the browser's.
    _, notices = Filters.from_query_params({"lang": "fr"}, options, "zh-Hant")
    assert notices == ["未知的 lang 值 'fr'"]
    _, notices = Filters.from_query_params({"lang": "fr"}, options)
    assert notices == ["unknown lang 'fr'"]
    assert notice_text(["未知参数 'colour'", "未知服务站 'X'"], "zh-Hans") == (
        "此链接中有部分内容无法识别，已忽略：未知参数 'colour'；未知服务站 'X'。"
    )
    assert notice_text(["unknown parameter 'colour'"], "en") == (
        "Parts of this link were not understood and were ignored: unknown parameter 'colour'."
    )


def test_overlong_value_is_dropped(options: Options) -> None:
    filters, notices = Filters.from_query_params({"country": "NL," * 5000}, options)
    assert filters == Filters()
    assert notices == ["the value of 'country' is too long (15000 characters)"]


def test_notice_quotes_cannot_inject_markdown(options: Options) -> None:
    _, notices = Filters.from_query_params({"country": "[x](javascript:alert(1))<b>"}, options)
    assert notices == ["unknown country '\\[x\\]\\(javascript\\:alert\\(1\\)\\)\\<b\\>'"]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=20),
        st.one_of(st.text(max_size=60), st.lists(st.text(max_size=30), max_size=3)),
        max_size=6,
    )
)
def test_any_query_parses_to_a_valid_view(params: dict) -> None:
    opts = Options(countries={"NL": "Netherlands", "IT": "Italy"}, station_ids=frozenset({"NL-a-1"}))
    filters, notices = Filters.from_query_params(params, opts)
    assert set(filters.country) <= {"NL", "IT"}
    assert set(filters.bureau) <= set(vocab.BUREAUS)
    assert filters.station in (None, "NL-a-1")
    again, more = Filters.from_query_params(filters.to_query_params(), opts)
    assert again == filters and more == []
    assert all(isinstance(n, str) for n in notices)


def test_each_filter_narrows_as_the_data_says(dataset: load.Dataset) -> None:
    stations, responses = dataset.stations, dataset.responses
    summary = model.country_actions(stations, responses)
    assert len(Filters().apply(stations, summary)) == len(stations)
    by_bureau = Filters(bureau=("Fuzhou",)).apply(stations, summary)
    assert len(by_bureau) == (stations["bureau"] == "Fuzhou").sum() > 0
    by_country = Filters(country=("NL", "IT")).apply(stations, summary)
    assert set(by_country["iso2"]) == {"NL", "IT"}
    assert len(by_country) == stations["iso2"].isin(["NL", "IT"]).sum()
    by_wave = Filters(wave=("later",)).apply(stations, summary)
    assert len(by_wave) == (stations["wave"] == "later").sum()
    combined = Filters(bureau=("Fuzhou",), country=("NL",)).apply(stations, summary)
    assert len(combined) == ((stations["bureau"] == "Fuzhou") & (stations["iso2"] == "NL")).sum()


def test_action_filter_uses_any_action_and_offers_no_action(dataset: load.Dataset) -> None:
    stations, responses = dataset.stations, dataset.responses
    summary = model.country_actions(stations, responses)
    acted = set(responses.loc[responses["action_type"] == "conviction", "iso2"])
    assert acted
    view = Filters(action=("conviction",)).apply(stations, summary)
    assert set(view["iso2"]) == acted
    silent = set(stations["iso2"]) - set(responses["iso2"])
    assert silent
    none = Filters(action=(vocab.NO_ACTION,)).apply(stations, summary)
    assert set(none["iso2"]) == silent
    assert summary.loc[sorted(silent), "strongest_action"].eq(vocab.NO_ACTION).all()


def test_strongest_action_follows_the_documented_order(dataset: load.Dataset) -> None:
    summary = model.country_actions(dataset.stations, dataset.responses)
    for iso2, group in dataset.responses.groupby("iso2"):
        best = min(group["action_type"], key=vocab.ACTION_TYPES.index)
        assert summary.at[iso2, "strongest_action"] == best


def test_escape_markdown_leaves_plain_words() -> None:
    assert escape_markdown("Prato") == "Prato"
    assert escape_markdown("*a*") == "\\*a\\*"
