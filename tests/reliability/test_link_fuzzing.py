"""Any link, however malformed, opens a working page: property-based tests through AppTest.

Hypothesis builds query strings from valid values mixed with arbitrary text, unicode, markup,
very long values, repeated keys and unknown keys, and feeds them to every page. The expected
view comes from an oracle written here from the rules in ``stations/view/filters.py``'s docstrings
(not from its code): the first value of a known key counts, comma-separated pieces are matched
case-insensitively (countries by code or name), anything else is dropped with one notice.

Why one AppTest per page: a first run costs ~0.5 s, a rerun ~60 ms. Between examples the session
is reset (query params cleared, the remembered view forgotten), and
``test_reused_apptest_gives_the_same_page_as_a_fresh_one`` proves that reset is faithful.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from streamlit.runtime.state.query_params import (
    CLIENT_STATE_QUERY_STRING_MAX_FIELDS,
    CLIENT_STATE_QUERY_STRING_MAX_LENGTH,
)
from streamlit.testing.v1 import AppTest

from stations.data import load, model, synthetic, vocab
from stations.i18n import ENGLISH, parse_lang
from stations.view.filters import KEYS, LANG, LIST_FIELDS, MAX_VALUE_LENGTH, Filters, Options
from tests.support.reliability import (
    DATA_PAGE,
    MAP_PAGE,
    PAGES,
    RESPONSES_PAGE,
    examples,
    link_notices,
    markers,
    metrics,
    new_app,
    record,
    unescaped_markup,
    url,
)

EMBED_KEYS = ("embed", "embed_options")  # Streamlit's own: invisible to the app, never noticed


@dataclass
class World:
    """The synthetic dataset the pages are pointed at, and one reusable AppTest per page."""

    dataset: load.Dataset
    options: Options
    summary: object
    apps: dict[str, AppTest] = field(default_factory=dict)

    def app(self, page: str) -> AppTest:
        if page not in self.apps:
            self.apps[page] = new_app(PAGES[page])
        return self.apps[page]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    directory = synthetic.write_dataset(tmp_path_factory.mktemp("links") / "data", n=30)
    dataset = load.load_dataset(directory)
    summary = model.country_actions(dataset.stations, dataset.responses)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STATIONS_DATA_DIR", str(directory))
        # The action filter offers the actions some government took, as the app does.
        yield World(
            dataset=dataset, options=Options.from_stations(dataset.stations, summary), summary=summary
        )


# -- the oracle ---------------------------------------------------------------------------------


def allowed(key: str, options: Options) -> dict[str, str]:
    """Lower-cased spelling -> canonical value, for one list filter (and for ``lang``, the
    English spellings the fuzzer draws: see ``value_for``)."""
    if key == LANG:
        return {ENGLISH: ENGLISH}
    if key == "country":
        table = {code.lower(): code for code in options.countries}
        table.update({name.lower(): code for code, name in options.countries.items()})
        return table
    values = {
        "bureau": vocab.BUREAUS,
        "wave": vocab.WAVES,
        # Only the actions some host government took (the options are values present).
        "action": options.allowed("action"),
    }[key]
    return {v.lower(): v for v in values}


def too_big_for_streamlit(params: dict[str, list[str]]) -> bool:
    encoded = urlencode(params, doseq=True)
    return (
        len(encoded) > CLIENT_STATE_QUERY_STRING_MAX_LENGTH
        or encoded.count("&") + 1 > CLIENT_STATE_QUERY_STRING_MAX_FIELDS
    )


def app_url(at: AppTest) -> dict[str, list[str]]:
    """The address after the run, minus Streamlit's own embed parameters (kept as given)."""
    return {k: v for k, v in url(at).items() if k.lower() not in EMBED_KEYS}


def expected_url(want: Filters, params: dict[str, list[str]]) -> dict[str, list[str]]:
    if too_big_for_streamlit(params):  # the app never saw it, so it did not rewrite it
        return {k: v for k, v in params.items() if k.lower() not in EMBED_KEYS and v}
    return {k: [v] for k, v in want.to_query_params().items()}


def oracle(params: dict[str, list[str]], options: Options) -> tuple[Filters, bool]:
    """The view a link should open, and whether a notice is due.

    Streamlit drops a whole query string over 512 Ki characters or 1,000 fields before the app
    sees it (``sanitize_query_string``): such a link opens the default view, without notice.
    """
    encoded = urlencode(params, doseq=True)
    if (
        len(encoded) > CLIENT_STATE_QUERY_STRING_MAX_LENGTH
        or encoded.count("&") + 1 > CLIENT_STATE_QUERY_STRING_MAX_FIELDS
    ):
        return Filters(), False
    notice = False
    chosen: dict[str, object] = {}
    for key, values in params.items():
        if key.lower() in EMBED_KEYS or not values:
            continue
        if key not in KEYS:
            notice = True
            continue
        notice |= len(values) > 1
        value = values[0]
        if len(value) > MAX_VALUE_LENGTH:
            notice = True
            continue
        if key == LANG:  # read tolerantly (stations.i18n.parse_lang); unknown: a notice, English
            code = parse_lang(value)
            notice |= code is None and bool(value.strip())
            chosen[LANG] = code
            continue
        if key == "station":
            wanted = value.strip()
            by_lower = {s.lower(): s for s in options.station_ids}
            station = wanted if wanted in options.station_ids else by_lower.get(wanted.lower())
            notice |= station is None and bool(wanted)
            chosen["station"] = station
            continue
        table = allowed(key, options)
        kept: set[str] = set()
        for piece in value.split(","):
            item = piece.strip()
            if not item:
                continue
            if item.lower() in table:
                kept.add(table[item.lower()])
            else:
                notice = True
        order = list(options.allowed(key))
        # Naming every option is the same view as naming none: the link says it the short way.
        chosen[key] = () if len(kept) == len(order) else tuple(sorted(kept, key=order.index))
    return Filters(**chosen), notice  # type: ignore[arg-type]


# -- strategies -----------------------------------------------------------------------------------

NASTY = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "**bold** _it_ `code`",
    ":red[red] :material/home: $x^2$",
    "\u202eLN",  # right-to-left override
    "NL\u200b",  # zero-width space: not stripped, so not NL
    "ＮＬ",  # fullwidth
    "\x00",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00%3Cscript%3E",
    "\U0001f5fa\ufe0f",
    "e\u0301",
    "İstanbul",
    "\ud7ff\ue000\uffff",
    "a\r\nb",
    "|x|y|\n|-|-|",
]


def garbage(key: str, options: Options) -> st.SearchStrategy[str]:
    """One comma-free piece that matches no allowed value of ``key``."""
    table = allowed(key, options) if key != "station" else {s.lower(): s for s in options.station_ids}
    return (
        st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=24))
        .map(lambda s: s.replace(",", ";"))
        .filter(lambda s: bool(s.strip()) and s.strip().lower() not in table)
    )


def spelling(value: str) -> st.SearchStrategy[str]:
    """A valid value as a person might type it: any case, padded with spaces."""
    return st.tuples(
        st.sampled_from([str.lower, str.upper, str.title, lambda s: s]),
        st.sampled_from(["", " ", "  "]),
        st.sampled_from(["", " ", "\t"]),
    ).map(lambda t: t[1] + t[0](value) + t[2])


def list_value(key: str, options: Options) -> st.SearchStrategy[str]:
    spellings = list(allowed(key, options).values())
    if key == "country":
        spellings += list(options.countries.values())
    valid = st.lists(st.sampled_from(spellings).flatmap(spelling), max_size=4)
    junk = st.lists(garbage(key, options), max_size=3)
    return st.tuples(valid, junk, st.randoms(use_true_random=False)).map(_mix)


def _mix(parts: tuple[list[str], list[str], random.Random]) -> str:
    valid, junk, rng = parts
    pieces = valid + junk
    rng.shuffle(pieces)
    if pieces and rng.random() < 0.2:
        pieces.insert(rng.randrange(len(pieces) + 1), "")  # an empty piece: ",,"
    return ",".join(pieces)


def station_value(options: Options) -> st.SearchStrategy[str]:
    ids = sorted(options.station_ids)
    return st.one_of(st.sampled_from(ids).flatmap(spelling), garbage("station", options))


def long_value() -> st.SearchStrategy[str]:
    """Values around and far beyond the 2,000-character limit (Streamlit itself drops a
    whole query string over 512 Ki characters, so stay below that)."""
    return st.tuples(
        st.sampled_from(["NL,", "x", "<b>", "é", "\U0001f600"]),
        st.integers(min_value=MAX_VALUE_LENGTH - 5, max_value=40_000),
    ).map(lambda t: (t[0] * (t[1] // len(t[0]) + 1))[: t[1]])


def value_for(key: str, options: Options) -> st.SearchStrategy[str]:
    typical = station_value(options) if key == "station" else list_value(key, options)
    drawn = st.one_of(
        typical,
        typical,
        typical,
        st.text(max_size=60),
        st.sampled_from(NASTY),
        long_value(),
        st.just(""),
    )
    if key == LANG:
        # English or no language: the checks below read the pages' English words. The Chinese
        # pages have their own tests (tests/test_languages_app.py, tests/e2e/test_languages_browser.py).
        return drawn.filter(lambda v: parse_lang(v) in (None, ENGLISH))
    return drawn


def unknown_key() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            [
                "zoom",
                "Country",
                "country ",
                "COUNTRY",
                "q",
                "page",
                "",
                "embed",
                "EMBED_OPTIONS",
                "__proto__",
                "<script>",
            ]
        ),
        st.text(max_size=16),
    ).filter(lambda k: k not in KEYS)


def links(options: Options) -> st.SearchStrategy[dict[str, list[str]]]:
    """A whole query: some known keys (each maybe repeated), some unknown ones."""
    known = st.fixed_dictionaries(
        {},
        optional={key: st.lists(value_for(key, options), min_size=1, max_size=3) for key in KEYS},
    )
    unknown = st.dictionaries(
        unknown_key(), st.lists(st.text(max_size=20), min_size=1, max_size=2), max_size=3
    )
    return st.tuples(known, unknown).map(lambda t: {**t[1], **t[0]})


# -- running one link -----------------------------------------------------------------------------


def reset(at: AppTest) -> None:
    """Forget the session's view, so the next run behaves like a fresh visit to the link."""
    at.query_params.clear()
    at.session_state["_filters"] = Filters()
    at.session_state["_synced"] = None
    at.session_state["_last_click"] = None


def open_link(at: AppTest, params: dict[str, list[str]]) -> AppTest:
    reset(at)
    for key, values in params.items():
        at.query_params[key] = list(values)
    at.run()
    return at


def check_no_crash(at: AppTest, params: dict[str, list[str]]) -> None:
    assert not at.exception, (params, [e.value for e in at.exception])
    assert not at.error, (params, [e.value for e in at.error])


def check_notice(at: AppTest, notice: bool, params: dict[str, list[str]]) -> None:
    notices = link_notices(at)
    assert len(notices) == (1 if notice else 0), (params, notices)
    for text in notices:
        body = text.split(":", 1)[1]
        assert not unescaped_markup(body), (params, text)


def fuzz_settings(n: int) -> settings:
    """Fixed, derandomised runs: the same examples every time, so CI failures reproduce.

    No explain phase (its tracer makes each AppTest run ~50x slower) and no shrinking unless
    RELIABILITY_SHRINK=1: a failing example is printed as found, and it reproduces.
    """
    phases = [Phase.explicit, Phase.generate]
    if os.environ.get("RELIABILITY_SHRINK") == "1":
        phases.append(Phase.shrink)
    return settings(
        phases=phases,
        max_examples=examples(n),
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


@pytest.mark.timeout(240)
def test_any_link_to_the_map_page_opens_the_valid_part_and_notices_the_rest(world: World) -> None:
    options = world.options

    @fuzz_settings(200)
    @given(params=links(options))
    def check(params: dict[str, list[str]]) -> None:
        record("links: map page")
        at = open_link(world.app("map"), params)
        check_no_crash(at, params)
        want, notice = oracle(params, options)
        view = want.apply(world.dataset.stations, world.summary)
        station = want.station if want.station in set(view["station_id"]) else None
        want = want.with_values(station=station)
        check_notice(at, notice, params)
        for key in LIST_FIELDS:
            assert at.multiselect(key=f"filter_{key}").value == list(getattr(want, key)), (params, key)
        assert at.selectbox(key="filter_station").value == station, params
        assert metrics(at)["Stations"] == str(len(view)), params
        assert sorted(markers(at)) == sorted(view["station_id"]), params
        assert app_url(at) == expected_url(want, params), params

    check()


@pytest.mark.timeout(240)
def test_any_link_to_the_responses_page_opens_the_valid_part_and_notices_the_rest(world: World) -> None:
    options = world.options
    responses = world.dataset.responses

    @fuzz_settings(120)
    @given(params=links(options))
    def check(params: dict[str, list[str]]) -> None:
        record("links: responses page")
        at = open_link(world.app("responses"), params)
        check_no_crash(at, params)
        want, notice = oracle(params, options)
        check_notice(at, notice, params)
        for key in ("country", "action"):
            assert at.multiselect(key=f"filter_{key}").value == list(getattr(want, key)), (params, key)
        hosts = set(want.apply(world.dataset.stations, world.summary)["iso2"])
        acts = responses[responses["iso2"].isin(hosts)]
        if want.action:
            acts = acts[acts["action_type"].isin(set(want.action) - {vocab.NO_ACTION})]
        assert metrics(at)["Actions recorded"] == str(len(acts)), params
        assert app_url(at) == expected_url(want, params), params

    check()


@pytest.mark.timeout(240)
def test_any_link_to_the_data_page_shows_the_same_page_and_keeps_only_the_valid_view(world: World) -> None:
    options = world.options
    baseline = open_link(world.app("data"), {})
    check_no_crash(baseline, {})
    expected_text = [m.value for m in baseline.markdown]

    @fuzz_settings(80)
    @given(params=links(options))
    def check(params: dict[str, list[str]]) -> None:
        record("links: data page")
        at = open_link(world.app("data"), params)
        check_no_crash(at, params)
        assert [m.value for m in at.markdown] == expected_text, params
        for text in link_notices(at):
            assert not unescaped_markup(text.split(":", 1)[1]), (params, text)
        want, _ = oracle(params, options)
        assert app_url(at) == expected_url(want, params), params

    check()


# -- explicit cases that matter most --------------------------------------------------------------


@pytest.mark.parametrize("page", ["map", "responses", "data"])
def test_a_valid_country_next_to_garbage_still_filters(world: World, page: str) -> None:
    """The headline promise: one bad piece costs that piece only."""
    params = {"country": ["NL,<script>alert(1)</script>, ,Atlantis,it"], "zzz": ["1"]}
    at = open_link(world.app(page), params)
    record("links: explicit")
    check_no_crash(at, params)
    assert url(at) == {"country": ["IT,NL"]}
    if page != "data":
        assert at.multiselect(key="filter_country").value == ["IT", "NL"]
        check_notice(at, True, params)


def test_data_page_link_with_garbage_says_what_was_ignored(world: World) -> None:
    """Every page must tell the reader that part of a link was dropped, the data page too
    (it keeps the view for the next page, so it reads the link like the others)."""
    params = {"country": ["NL,Atlantis"], "zoom": ["12"]}
    at = open_link(world.app("data"), params)
    record("links: explicit")
    check_no_crash(at, params)
    assert url(at) == {"country": ["NL"]}
    check_notice(at, True, params)


@pytest.mark.parametrize(
    "params",
    [
        {"country": ["NL"], "bureau": ["fuzhou"], "station": ["nope"]},
        {"country": ["NL", "IT"], "wave": ["x" * 3000]},
        {},
        {"action": ["none,conviction"], "unknown": ["1"]},
        {"country": ["JP"]},
        {},
    ],
)
def test_reused_apptest_gives_the_same_page_as_a_fresh_one(
    world: World, params: dict[str, list[str]]
) -> None:
    """The reset between examples is faithful: a reused session shows what a new one shows."""
    for page in ("map", "responses"):
        reused = open_link(world.app(page), params)
        fresh = new_app(PAGES[page])
        for key, values in params.items():
            fresh.query_params[key] = list(values)
        fresh.run()
        record("links: reuse equivalence")
        assert metrics(reused) == metrics(fresh)
        assert url(reused) == url(fresh)
        assert link_notices(reused) == link_notices(fresh)
        assert [m.value for m in reused.multiselect] == [m.value for m in fresh.multiselect]


def test_page_paths_exist() -> None:
    """The suite drives these files; fail loudly if a page is renamed rather than skip it."""
    for page in (MAP_PAGE, RESPONSES_PAGE, DATA_PAGE):
        assert Path(page).is_file(), page
