"""The view's one owner, its links and its headline: pure functions, then the pages (AppTest).

The browser-only promises (a reconnected page's first change, Enter in the country search,
the copy button) are proved in tests/e2e/test_view_state_browser.py.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from stations.data import load, model, reconcile, vocab
from stations.view import facets, filters, headline, links
from stations.view.filters import Filters, Options
from stations.web import state
from tests.support.apptest import DATA_PAGE, MAP_PAGE, RESPONSES_PAGE, ROOT, url
from tests.support.apptest import open_page as run

# Links ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "page", "params", "expected"),
    [
        ("http://127.0.0.1:8501", "", {}, "http://127.0.0.1:8501/"),
        ("http://127.0.0.1:8501", "", {"country": "IT,ES"}, "http://127.0.0.1:8501/?country=IT%2CES"),
        (
            "https://example.org/110/Government_responses",
            "Government_responses",
            {"bureau": "qingtian", "country": "NL"},
            "https://example.org/110/Government_responses?bureau=qingtian&country=NL",
        ),
        (
            "https://example.org/110",
            "Data_and_sources",
            {"station": "IT-milan-1"},
            "https://example.org/110/Data_and_sources?station=IT-milan-1",
        ),
        ("https://example.org/110", "", {"wave": "later"}, "https://example.org/110/?wave=later"),
        (None, "Government_responses", {"country": "NL"}, "/Government_responses?country=NL"),
        (None, "", {}, "/"),
    ],
)
def test_share_url_is_absolute_and_spelled_as_the_address_bar(
    address: str | None, page: str, params: dict[str, str], expected: str
) -> None:
    assert links.share_url(address, page, params) == expected


# Filters: tracking parameters and "all" ---------------------------------------------------------


@pytest.fixture
def options(data_dir: Path) -> Options:
    return Options.from_stations(load.load_dataset(data_dir).stations)


@pytest.mark.parametrize("key", ["utm_source", "UTM_Campaign", "fbclid", "gclid", "mc_cid", "mc_eid", "_ga"])
def test_tracking_parameters_are_ignored_without_a_notice(options: Options, key: str) -> None:
    assert filters.is_tracking_param(key)
    assert Filters.from_query_params({"country": "NL", key: "x"}, options) == (Filters(country=("NL",)), [])


def test_a_real_typo_next_to_tracking_parameters_still_gets_a_notice(options: Options) -> None:
    _, notices = Filters.from_query_params({"contry": "NL", "utm_source": "x"}, options)
    assert notices == ["unknown parameter 'contry'"]


@pytest.mark.parametrize("key", ["country", "bureau", "wave", "action"])
def test_choosing_every_option_is_the_empty_filter(options: Options, key: str) -> None:
    every = options.allowed(key)
    assert Filters(**{key: every}).canonical(options) == Filters()
    parsed, notices = Filters.from_query_params({key: ",".join(every)}, options)
    assert (parsed, notices) == (Filters(), [])
    assert Filters(**{key: every[:1]}).canonical(options) == Filters(**{key: every[:1]})


def test_each_list_filter_has_one_facet_record() -> None:
    assert sorted(f.key for f in facets.FACETS) == sorted(filters.LIST_FIELDS)
    assert facets.BY_KEY["bureau"].url_value("Qingtian") == "qingtian"
    assert facets.BY_KEY["country"].url_value("NL") == "NL"
    labels = [f.label for f in facets.FACETS]
    assert len(set(labels)) == len(labels)


def test_option_labels_never_carry_counts() -> None:
    countries = {"FR": "France"}
    for facet in facets.FACETS:
        for value in [*vocab.BUREAUS, *vocab.WAVES, *vocab.ACTION_TYPES, "FR"]:
            assert not re.search(r"\(\d[\d,]*\)$", facet.option_label(value, countries))


# Headline ---------------------------------------------------------------------------------------


def _unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown).replace("**", "")


def test_headline_lead_says_the_view_and_the_dataset_note_stands_apart() -> None:
    dataset = load.load_dataset(ROOT / "data")
    stations = dataset.stations
    waves = reconcile.reconcile(stations, reconcile.load_unidentified(ROOT / "data" / "unidentified.csv"))
    countries = dict(zip(stations["iso2"], stations["country"], strict=False))
    later = int((stations["wave"] == "later").sum())
    whole = headline.headline(stations, waves, Filters(), countries, later)
    last = waves[-1]
    assert whole.located + whole.unidentified == whole.reported
    assert _unescaped(whole.lead()).startswith(f"{len(stations)} stations in this data, ")
    assert whole.dataset_note() == (
        f"Across the whole data: Safeguard Defenders' reports counted {last.reported_stations} "
        f"stations; {last.identified_stations} of them are identified in this data and "
        f"{last.unidentified_stations} are not identified by any public source. "
        f"{later} more stations were reported later."
    )
    italy = stations[stations["iso2"] == "IT"]
    part = headline.headline(italy, waves, Filters(country=("IT",)), countries, later)
    assert part.in_view == len(italy) == part.in_view_reported + part.in_view_later
    lead = _unescaped(part.lead())
    # The view first, then where its rows come from; the reconciliation is not in the lead.
    assert lead.startswith(f"{len(italy)} stations in Italy, ")
    assert "located here" not in lead and "reported later" not in lead and "plus" not in lead
    one = italy[italy["bureau"] == "Fuzhou"].head(1)
    single = headline.headline(one, waves, Filters(country=("IT",), bureau=("Fuzhou",)), countries, later)
    assert _unescaped(single.lead()).startswith("1 station in Italy · bureau Fuzhou, from ")
    assert _unescaped(single.lead()).endswith("Bureau: Fuzhou 1.")


def test_headline_bureau_mix_counts_the_stations_in_view_most_first_unknown_last() -> None:
    view = pd.DataFrame({"bureau": ["Qingtian"] * 5 + ["Unknown"] * 3 + ["Wenzhou"] * 2 + ["Fuzhou"]})
    assert headline.bureau_mix(view) == (("Qingtian", 5), ("Wenzhou", 2), ("Fuzhou", 1), ("unknown", 3))


def test_headline_without_unidentified_file_counts_the_view_only(data_dir: Path) -> None:
    stations = load.load_dataset(data_dir).stations
    figures = headline.headline(stations, [], Filters(), {}, 0)
    assert figures.dataset_note() is None
    assert _unescaped(figures.sentence()).startswith(f"{len(stations)} stations in this data, ")


# The pages --------------------------------------------------------------------------------------


@pytest.fixture
def synthetic_data(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> load.Dataset:
    monkeypatch.setenv("STATIONS_DATA_DIR", str(data_dir))
    return load.load_dataset(data_dir)


def test_three_menus_and_a_station_pick_keep_every_filter(synthetic_data: load.Dataset) -> None:
    """The reported drop: a first choice, then a second menu that changes the first menu's
    counts, then a third interaction; every choice must survive."""
    stations = synthetic_data.stations
    summary = model.country_actions(stations, synthetic_data.responses)
    row = stations.iloc[len(stations) // 2]  # values taken from one station, so the view is not empty
    action = min(summary.at[row["iso2"], "actions"] or {vocab.NO_ACTION})
    at = run()
    at.multiselect(key="filter_wave").set_value([row["wave"]]).run()
    at.multiselect(key="filter_action").set_value([action]).run()
    at.multiselect(key="filter_bureau").set_value([row["bureau"]]).run()
    want = Filters(bureau=(row["bureau"],), wave=(row["wave"],), action=(action,))
    rows = want.apply(stations, summary)
    assert len(rows)
    station = rows["station_id"].iloc[0]
    at.selectbox(key="filter_station").set_value(station).run()
    assert url(at) == {k: [v] for k, v in want.with_values(station=station).to_query_params().items()}
    assert at.multiselect(key="filter_wave").value == [row["wave"]]
    assert {m.label: m.value for m in at.metric}["Stations"] == str(len(rows))


def test_choosing_every_country_in_the_menu_leaves_a_clean_link(synthetic_data: load.Dataset) -> None:
    at = run()
    every = list(Options.from_stations(synthetic_data.stations).countries)
    at.multiselect(key="filter_country").set_value(every).run()
    assert url(at) == {}
    assert at.multiselect(key="filter_country").value == []


def test_empty_result_names_the_filters_to_remove(synthetic_data: load.Dataset) -> None:
    stations = synthetic_data.stations
    pairs = set(zip(stations["iso2"], stations["bureau"], strict=True))
    iso2 = stations["iso2"].iloc[0]
    bureau = next(b for b in vocab.BUREAUS if (iso2, b) not in pairs)
    at = run(country=iso2, bureau=bureau.lower())
    assert {m.label: m.value for m in at.metric}["Stations"] == "0"
    (warning,) = [w.value for w in at.warning if "No station matches" in w.value]
    in_country = int((stations["iso2"] == iso2).sum())
    assert f"bureau filter ({bureau}) to see {in_country}" in warning


def test_bureau_caption_counts_stations_with_no_known_bureau(synthetic_data: load.Dataset) -> None:
    at = run()
    unknown = int((synthetic_data.stations["bureau"] == "Unknown").sum())
    captions = [c.value for c in at.sidebar.caption]
    assert (
        f"{unknown} of the {len(synthetic_data.stations)} stations in view have no known bureau." in captions
    )


def test_chosen_options_show_current_counts_under_their_menu(synthetic_data: load.Dataset) -> None:
    at = run(country="NL")
    at.multiselect(key="filter_wave").set_value(["later"]).run()
    stations = synthetic_data.stations
    n = int(((stations["iso2"] == "NL") & (stations["wave"] == "later")).sum())
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert f"Netherlands: {n}" in captions


def test_station_link_is_the_maps_focus_and_a_filter_change_clears_it(synthetic_data: load.Dataset) -> None:
    station = synthetic_data.stations.iloc[0]
    at = run(station=station["station_id"])
    assert at.session_state["_focus"] == station["station_id"]
    at.multiselect(key="filter_country").set_value([station["iso2"]]).run()
    assert at.session_state["_focus"] is None
    assert url(at)["station"] == [station["station_id"]]  # still selected, just not zoomed to


def test_a_page_link_drawn_before_the_last_change_keeps_that_change(synthetic_data: load.Dataset) -> None:
    """A page link clicked just after a change carries the view from before it (the link is
    drawn late in the run, the address early): the next page keeps the reader's change. An
    address the session never wrote is a link's view, and still replaces it."""
    iso2 = synthetic_data.stations["iso2"].iloc[0]
    at = run()
    at.multiselect(key="filter_country").set_value([iso2]).run()
    assert url(at) == {"country": [iso2]}
    at.switch_page(str(RESPONSES_PAGE.relative_to(ROOT)))
    at.query_params.clear()  # the link as drawn before the change: the default view
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert url(at) == {"country": [iso2]}
    assert at.multiselect(key="filter_country").value == [iso2]

    other = next(c for c in synthetic_data.stations["iso2"] if c != iso2)
    at.switch_page(str(DATA_PAGE.relative_to(ROOT)))
    at.query_params["country"] = other
    at.run()
    assert url(at) == {"country": [other]}


def test_back_to_an_earlier_address_is_news(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back or Forward brings an address the session wrote before: its view is the reader's."""
    session: dict[str, object] = {}
    monkeypatch.setattr(state.st, "session_state", session)
    monkeypatch.setattr(state, "url_params", lambda: {})
    monkeypatch.setattr(state, "_spelling", lambda: None)
    monkeypatch.setattr(state.st, "query_params", SimpleNamespace(from_dict=lambda _: None))
    state.publish(Filters())
    state.publish(Filters(country=("NL",)))
    assert not state.is_news({"country": ["NL"]})
    history = SimpleNamespace(is_history_navigation=False)
    monkeypatch.setattr(state, "get_script_run_ctx", lambda: history)
    assert not state.is_news({}), "a stale link's address"
    history.is_history_navigation = True
    assert state.is_news({}), "Back to the address written before"
    assert state.is_news({"country": ["FR"]}), "an address never written"


def shared_links(at: AppTest) -> list[str]:
    """The links the sidebar's share box shows, as the reader reads them (the text area's text)."""
    boxes = [h.value for h in at.sidebar.html if 'data-testid="copyLink-share"' in h.value]
    return [html.unescape(m) for b in boxes for m in re.findall(r"<textarea[^>]*>(.*?)</textarea>", b, re.S)]


def test_share_box_on_every_page(synthetic_data: load.Dataset) -> None:
    paths = {MAP_PAGE: "/", RESPONSES_PAGE: "/Government_responses", DATA_PAGE: "/Data_and_sources"}
    for page, path in paths.items():
        at = run(page, country="NL")
        assert shared_links(at) == [f"{path}?country=NL"], page


# The headline of random views, as the map page draws it -----------------------------------------


def _random_views(count: int, seed: int) -> list[Filters]:
    """Views a reader could link to: one to three filters, each with one to three values that
    some station has (the committed data), drawn from a fixed seed."""
    import random

    stations = load.load_dataset(ROOT / "data").stations
    options = Options.from_stations(stations)
    rng = random.Random(seed)
    views = []
    for _ in range(count):
        chosen = {}
        for facet in rng.sample(facets.FACETS, rng.randint(1, 3)):
            allowed = list(options.allowed(facet.key))
            picked = set(rng.sample(allowed, min(len(allowed), rng.randint(1, 3))))
            chosen[facet.key] = tuple(v for v in allowed if v in picked)  # the link's order
        views.append(Filters(**chosen))
    # The cases that read badly before: one station, and a view with no later rows.
    views += [Filters(country=("IT",), bureau=("Fuzhou",)), Filters(country=("IT",))]
    return views


@pytest.mark.parametrize("view", _random_views(8, seed=26), ids=lambda f: str(f.to_query_params()))
def test_map_page_headline_reads_correctly_for_random_views(view: Filters) -> None:
    stations = load.load_dataset(ROOT / "data").stations
    countries = dict(zip(stations["iso2"], stations["country"], strict=False))
    at = run("map", **view.to_query_params())
    count = int(at.metric[0].value.replace(",", ""))  # "Stations"
    leads = [m.value for m in at.markdown if m.value.startswith("**") and " station" in m.value[:40]]
    assert len(leads) == 1, [m.value for m in at.markdown]
    lead = _unescaped(leads[0])
    noun = "station" if count == 1 else "stations"
    assert lead.startswith(f"{count} {noun}"), lead
    assert not re.search(r"\b1 stations", lead) and "plus 0" not in lead and " 0 reported" not in lead
    # The filter in words: each chosen filter says itself as its facet words it (a filter
    # holding every option is no filter: the link drops it).
    kept = url(at)
    for facet in facets.FACETS:
        chosen = getattr(view, facet.key)
        if chosen and facet.key in kept:
            assert facet.describe(chosen, countries) in lead, (facet.key, lead)
    if count:
        mix = re.search(r"Bureaus?: (.+)\.$", lead)
        assert mix, lead
        parts = [re.fullmatch(r"(.+) (\d+)", p) for p in mix.group(1).split(", ")]
        assert sum(int(p.group(2)) for p in parts) == count, lead
    # The dataset-wide note is apart from the lead, and says no "plus 0".
    notes = [c.value for c in at.caption if c.value.startswith("Across the whole data")]
    assert len(notes) == 1 and "plus 0" not in notes[0] and "0 more" not in notes[0]


def test_station_panel_gives_the_stations_own_status_before_the_countrys_action() -> None:
    at = run("map", country="IT", station="IT-bolzano-1")
    texts = [m.value for m in at.markdown]
    status = next(i for i, t in enumerate(texts) if "**Status:**" in t)
    country = next(i for i, t in enumerate(texts) if "Host government" in t)
    assert status < country, texts
    # The country's action says whose it is and how far it reaches: never a station fact.
    assert texts[country].startswith("**Host government (all of Italy), strongest action:**"), texts[country]
    assert all("Host government:" not in t for t in texts)
