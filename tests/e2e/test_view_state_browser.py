"""Filters and links that never lie: the view a reader builds with the menus, in Chromium.

A property test drives the sidebar as a reader does (click a menu, type a few letters, pick an
option; remove a chip; click a marker; choose a station; reset) in random sequences from a
seeded generator, and after every step checks that the link, the chips, the counts, the map's
markers, the table and the download all equal the filters chosen so far. The expected view
comes from ``Filters.apply`` (the reference definition), not from the app's fast index.

Then one test per promise of the view: the first change after the server restarted under an
open page is kept; Enter in the country search takes one country; the share box holds the
address bar's own link on every page; tracking parameters raise no notice; an empty result
names the filter to remove; the bureau filter says how many stations have no known bureau;
the headline states the reconciliation with the view's figures.
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from stations.data import model, reconcile, vocab
from stations.data.load import load_dataset
from stations.view import facets, headline
from stations.view.filters import Filters, Options
from tests.support.browser import ROOT, free_port, map_frame, streamlit_server, wait_for_markers
from tests.support.map_browser import (
    ARM_JS as _ARM_JS,
)
from tests.support.map_browser import (
    JS_HELPERS as _JS_HELPERS,
)
from tests.support.map_browser import (
    MAP_TIMEOUT_MS,
    bring_map_into_view,
    reveal_and_click,
)
from tests.support.map_browser import (
    SETTLED_JS as _SETTLED_JS,
)
from tests.support.script_runs import runs_of, watch_runs

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

APP = ROOT / "app.py"
RESPONSES = "Government_responses"
#: Random sequences per page and steps per sequence: bounded for a shared 2-core machine.
SEQUENCES = 2
STEPS = 6
WAIT_MS = 30_000

#: Station ids of every marker the map holds (drawn or inside a cluster), from their tooltips:
#: the located stations' group and the group of those shown at country level.
_MARKER_IDS_JS = (
    "() => {"
    + _JS_HELPERS
    + """
  if (!group) { return null; }
  const groups = Object.values(map._layers).filter(l => typeof l.getVisibleParent === "function");
  return groups.flatMap(g => g.getLayers()).map(m => {
    const t = m.getTooltip() ? String(m.getTooltip().getContent()) : "";
    const found = t.match(/\\[([^\\]]+)\\]$/);
    return found ? found[1] : t;
  });
}"""
)


#: Stations whose own pin or cluster is drawn inside the map's current bounds, sorted.
_ON_SCREEN_JS = (
    "() => {"
    + _JS_HELPERS
    + """
  const bounds = map.getBounds();
  return group.getLayers().filter(m => {
    const parent = group.getVisibleParent(m);
    return parent && parent._icon && bounds.contains(m.getLatLng());
  }).map(m => String(m.getTooltip().getContent()).match(/\\[([^\\]]+)\\]$/)[1]).sort();
}"""
)


@dataclass(frozen=True)
class World:
    stations: pd.DataFrame
    responses: pd.DataFrame
    summary: pd.DataFrame
    options: Options
    waves: list[reconcile.Wave]

    def view(self, filters: Filters) -> pd.DataFrame:
        return filters.apply(self.stations, self.summary)

    def actions(self, filters: Filters) -> pd.DataFrame:
        hosts = set(self.view(filters)["iso2"])
        acts = self.responses[self.responses["iso2"].isin(hosts)]
        if filters.action:
            acts = acts[acts["action_type"].isin(set(filters.action) - {vocab.NO_ACTION})]
        return acts

    def label(self, key: str, value: str) -> str:
        return facets.BY_KEY[key].option_label(value, self.options.countries)

    def facet_count(self, filters: Filters, key: str, value: str) -> int:
        return len(self.view(filters.with_values(**{key: (value,)})))


@pytest.fixture(scope="module")
def world() -> World:
    dataset = load_dataset(ROOT / "data")
    unidentified = reconcile.load_unidentified(ROOT / "data" / "unidentified.csv")
    summary = model.country_actions(dataset.stations, dataset.responses)
    return World(
        stations=dataset.stations,
        responses=dataset.responses,
        summary=summary,
        options=Options.from_stations(dataset.stations, summary),
        waves=reconcile.reconcile(dataset.stations, unidentified),
    )


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with streamlit_server(APP, env={"STATION_MAP_TILES": "none"}) as base:
        yield base


@pytest.fixture
def page(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    page = context.new_page()
    watch_runs(page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
        assert errors == []
    finally:
        context.close()


# Reading the page -----------------------------------------------------------------------------


def query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def wanted_query(filters: Filters) -> dict[str, list[str]]:
    return {k: [v] for k, v in filters.to_query_params().items()}


def settle(page: Any) -> None:
    """Every script run the page asked for is over (read from its WebSocket), and the page shows
    it: no running icon, no skeleton, no stale (faded) elements."""
    runs_of(page).wait_idle(page, WAIT_MS)
    page.wait_for_function(
        """() => !document.querySelector(
               '[data-testid=stStatusWidgetRunningIcon], [data-testid=stSkeleton], [data-stale=true]')""",
        timeout=WAIT_MS,
    )


def shared_link(page: Any) -> Any:
    """The sidebar's share box: the text field holding the link, as the reader (and a screen
    reader, by its label) finds it."""
    field = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Link to this view")
    field.wait_for()
    return field


def wait_for_link(page: Any, filters: Filters) -> None:
    want = wanted_query(filters)
    with contextlib.suppress(Exception):  # the assertion below says what the link was
        page.wait_for_function(
            "(want) => { const p = new URLSearchParams(location.search); const got = {};"
            " for (const [k, v] of p) { (got[k] = got[k] || []).push(v); }"
            " return JSON.stringify(Object.keys(got).sort().map(k => [k, got[k]]))"
            "   === JSON.stringify(Object.keys(want).sort().map(k => [k, want[k]])); }",
            arg=want,
            timeout=WAIT_MS,
        )
    assert query(page) == want, f"link {page.url} is not the view chosen: {filters}"
    settle(page)


def multiselect(page: Any, label: str) -> Any:
    """The sidebar menu whose label is exactly ``label`` (a chip's text can contain another
    menu's label: "No action reported" holds "Report")."""
    label_box = page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has=label_box)


def chips(page: Any, label: str) -> list[str]:
    return [t.strip() for t in multiselect(page, label).locator("[data-tag]").all_inner_texts()]


_COUNTED = re.compile(r"^(.*) \((\d+)\)$")


def check_chips(page: Any, world: World, filters: Filters, keys: tuple[str, ...]) -> None:
    """Each menu's chips name exactly the chosen values; a count shown in a chip is current."""
    for key in keys:
        facet = facets.BY_KEY[key]
        shown = chips(page, facet.label)
        names = []
        for chip in shown:
            counted = _COUNTED.match(chip)
            name = counted.group(1) if counted else chip
            names.append(name)
            if counted:
                value = next(v for v in getattr(filters, key) if world.label(key, v) == name)
                assert int(counted.group(2)) == world.facet_count(filters, key, value), (
                    f"chip {chip!r} shows a stale count"
                )
        assert sorted(names) == sorted(world.label(key, v) for v in getattr(filters, key)), (key, shown)


def metric(page: Any, label: str) -> str:
    box = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))
    return box.get_by_test_id("stMetricValue").inner_text().strip()


def grid_rows(page: Any, expected: int) -> int:
    """Rows of the page's first table (its ARIA row count, minus the header row), once it shows
    ``expected`` or after a bound (the grid redraws a moment after the run ends)."""
    grid = page.locator("[data-testid=stDataFrame] [role=grid]").first
    rows = -1
    for _ in range(40):
        rows = int(grid.get_attribute("aria-rowcount")) - 1
        if rows == expected:
            break
        page.wait_for_timeout(250)
    return rows


def marker_ids(page: Any) -> list[str]:
    deadline = 40
    for _ in range(deadline):
        try:
            ids = map_frame(page, 10_000).evaluate(_MARKER_IDS_JS)
        except Exception:  # noqa: BLE001 (the frame may be swapped by a rerun)
            ids = None
        if ids is not None:
            return sorted(ids)
        page.wait_for_timeout(250)
    raise AssertionError("the map's station layer never appeared")


def download_ids(page: Any, button: str, column: str, tmp_path: Path) -> list[str]:
    target = page.get_by_role("button", name=button)
    target.scroll_into_view_if_needed()
    if target.is_disabled():  # nothing to download: the button says so rather than give an empty file
        return []
    with page.expect_download(timeout=WAIT_MS) as download:
        target.click()
    path = tmp_path / f"download-{random.random()}.csv"
    download.value.save_as(path)
    return sorted(row[column] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def check_map_page(page: Any, world: World, filters: Filters, tmp_path: Path) -> None:
    wait_for_link(page, filters)
    view = world.view(filters)
    ids = sorted(view["station_id"])
    check_chips(page, world, filters, ("country", "bureau", "wave", "action"))
    assert metric(page, "Stations") == f"{len(view):,}"
    assert marker_ids(page) == ids
    if len(view):
        assert grid_rows(page, len(view)) == len(view)
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Selected station").locator("input")
    assert (filters.station or "") in picker.input_value()
    if not filters.station:
        assert picker.input_value() == ""
    noun = "station" if len(view) == 1 else "stations"
    assert download_ids(page, f"Download these {len(view):,} {noun} (CSV)", "station_id", tmp_path) == ids


def check_responses_page(page: Any, world: World, filters: Filters, tmp_path: Path) -> None:
    wait_for_link(page, filters)
    acts = world.actions(filters)
    check_chips(page, world, filters, ("country", "action"))
    assert metric(page, "Actions recorded") == str(len(acts))
    if len(acts):
        assert grid_rows(page, len(acts)) == len(acts)
    noun = "action" if len(acts) == 1 else "actions"
    got = download_ids(page, f"Download these {len(acts)} {noun} (CSV)", "response_id", tmp_path)
    assert got == sorted(acts["response_id"])


# Driving the menus ---------------------------------------------------------------------------


def pick_option(page: Any, key: str, label: str) -> None:
    """Open a menu, type the first letters of the option, click it, close the menu."""
    box = multiselect(page, facets.BY_KEY[key].label)
    box.locator("input").click()
    page.keyboard.type(label[:4])
    option = page.get_by_role("option", name=re.compile(rf"^{re.escape(label)}( \(\d+\))?$"))
    option.first.click()
    page.keyboard.press("Escape")


def remove_chip(page: Any, key: str, label: str) -> None:
    box = multiselect(page, facets.BY_KEY[key].label)
    chip = box.locator("[data-tag]").filter(has_text=re.compile(rf"^{re.escape(label)}( \(\d+\))?$"))
    chip.get_by_role("button").click()


def pick_station(page: Any, station: str) -> None:
    box = page.get_by_test_id("stSelectbox").filter(has_text="Selected station")
    box.locator("input").click()
    page.keyboard.type(station)
    page.get_by_role("option", name=re.compile(re.escape(station) + "$")).first.click()


def click_marker(page: Any, station: str) -> None:
    """Zoom out with the map's control until the station (or its cluster) is in sight, as a
    reader does when the map is zoomed to another station, then click down to it."""
    frame = map_frame(page)
    for _ in range(10):
        if station in frame.evaluate(_ON_SCREEN_JS):
            break
        zoom_out(page, frame)
    reveal_and_click(page, station)


def zoom_out(page: Any, frame: Any) -> None:
    """One step out with the map's control; returns once the zoom and the clusters' animation
    are over, so that what is on screen is what the reader sees."""
    if frame.evaluate("() => {" + _JS_HELPERS + " return map.getZoom() <= map.getMinZoom(); }"):
        return  # the control is disabled: no zoom would end
    bring_map_into_view(page)
    frame.evaluate(_ARM_JS)
    frame.locator(".leaflet-control-zoom-out").click()
    frame.wait_for_function(_SETTLED_JS, timeout=WAIT_MS)


def reset(page: Any) -> None:
    page.get_by_role("button", name="Reset filters").click()


def random_step(
    rng: random.Random, page: Any, world: World, filters: Filters, keys: tuple[str, ...], map_page: bool
) -> tuple[str, Filters]:
    """Do one random reader action; return its description and the view it should give."""
    view = world.view(filters)
    moves = ["pick"] * 6 + ["remove"] * 2 + ["reset"]
    if map_page and len(view):
        moves += ["marker", "station"]
    move = rng.choice(moves)
    chosen_keys = [k for k in keys if getattr(filters, k)]
    if move == "remove" and not chosen_keys:
        move = "pick"
    if move == "reset" and filters == Filters():
        move = "pick"
    if move == "pick":
        # Readers mostly narrow with another menu: that is when one menu's counts change
        # under another's choice.
        unused = [k for k in keys if not getattr(filters, k)]
        key = rng.choice(unused if unused and rng.random() < 0.7 else keys)
        free = [v for v in world.options.allowed(key) if v not in getattr(filters, key)]
        # Mostly options that keep some stations (as readers do), sometimes any option.
        useful = [
            v for v in free if len(world.view(filters.with_values(**{key: (*getattr(filters, key), v)})))
        ]
        value = rng.choice(useful if useful and rng.random() < 0.8 else free)
        label = world.label(key, value)
        pick_option(page, key, label)
        after = filters.with_values(**{key: (*getattr(filters, key), value)}).canonical(world.options)
        return f"pick {key}={value}", drop_station_outside(world, after, map_page)
    if move == "remove":
        key = rng.choice(chosen_keys)
        value = rng.choice(getattr(filters, key))
        remove_chip(page, key, world.label(key, value))
        after = filters.with_values(**{key: tuple(v for v in getattr(filters, key) if v != value)})
        return f"remove {key}={value}", drop_station_outside(world, after, map_page)
    if move == "reset":
        reset(page)
        return "reset", Filters()
    station = rng.choice(sorted(view["station_id"]))
    if move == "marker":
        click_marker(page, station)
    else:
        pick_station(page, station)
    return f"{move} {station}", filters.with_values(station=station)


def drop_station_outside(world: World, filters: Filters, map_page: bool) -> Filters:
    if map_page and filters.station and filters.station not in set(world.view(filters)["station_id"]):
        return filters.with_values(station=None)
    return filters


@pytest.mark.parametrize("seed", range(SEQUENCES))
def test_random_menu_sequences_on_the_map_page_keep_every_part_equal_to_the_filters_chosen(
    page: Any, app_url: str, world: World, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(1000 + seed)
    page.goto(app_url)
    wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
    filters = Filters()
    done: list[str] = []
    for _ in range(STEPS):
        step, filters = random_step(rng, page, world, filters, ("country", "bureau", "wave", "action"), True)
        done.append(step)
        try:
            check_map_page(page, world, filters, tmp_path)
        except AssertionError as err:
            raise AssertionError(f"after {done}: {err}") from err


@pytest.mark.parametrize("seed", range(SEQUENCES))
def test_random_menu_sequences_on_the_responses_page_keep_every_part_equal_to_the_filters_chosen(
    page: Any, app_url: str, world: World, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(2000 + seed)
    page.goto(app_url + RESPONSES)
    page.get_by_role("heading", name="Government responses").wait_for()
    settle(page)
    filters = Filters()
    done: list[str] = []
    for _ in range(STEPS):
        step, filters = random_step(rng, page, world, filters, ("country", "action"), False)
        done.append(step)
        try:
            check_responses_page(page, world, filters, tmp_path)
        except AssertionError as err:
            raise AssertionError(f"after {done}: {err}") from err


# One promise each ----------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["remove a chip", "reset"])
def test_first_filter_change_after_the_server_restarts_under_an_open_page_is_kept(
    chromium_browser: Any, world: World, tmp_path: Path, first: str
) -> None:
    """The server goes away and comes back on the same port; the open page reconnects by itself
    (no script run). The reader's next change must be the one applied, not the old address."""
    port = free_port()
    start = Filters(country=("FR", "IT"))
    after = Filters(country=("IT",)) if first == "remove a chip" else Filters()
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    runs = watch_runs(page)
    try:
        with streamlit_server(APP, env={"STATION_MAP_TILES": "none"}, port=port) as base:
            page.goto(base + "?country=FR,IT")
            wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
            check_map_page(page, world, start, tmp_path)
        # The old process is gone; a new one serves the same address.
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stSidebar] input')].some(i => i.disabled)",
            timeout=WAIT_MS,
        )
        with streamlit_server(APP, env={"STATION_MAP_TILES": "none"}, port=port):
            page.wait_for_function(
                "() => { const inputs = [...document.querySelectorAll('[data-testid=stSidebar] input')];"
                " return inputs.length > 0 && inputs.every(i => !i.disabled); }",
                timeout=60_000,
            )
            if first == "reset":
                reset(page)
            else:
                remove_chip(page, "country", "France")
            check_map_page(page, world, after, tmp_path)
            # Nothing may undo it afterwards either: no run is left pending, and a further run
            # with all the page holds (its address, its widgets; the reader's R key) keeps it.
            runs.rerun(page, WAIT_MS)
            check_map_page(page, world, after, tmp_path)
    finally:
        context.close()


def test_enter_in_the_country_search_takes_the_best_single_match(
    page: Any, app_url: str, world: World
) -> None:
    page.goto(app_url)
    wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
    box = multiselect(page, "Host country")
    box.locator("input").click()
    page.keyboard.type("Fra")
    listed = page.get_by_role("option").all_inner_texts()
    assert not [t for t in listed if "select" in t.lower()], listed  # no bulk "Select all/matches" row
    assert len(listed) >= 2, "the search should match more than France, or the test proves nothing"
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_for_link(page, Filters(country=("FR",)))
    assert chips(page, "Host country") == ["France"]
    assert metric(page, "Stations") == str(len(world.view(Filters(country=("FR",)))))


@pytest.mark.parametrize(
    ("path", "heading"),
    [("", None), (RESPONSES, "Government responses"), ("Data_and_sources", "Data & sources")],
)
def test_share_box_holds_the_address_bars_own_link_and_copies_it(
    page: Any, app_url: str, path: str, heading: str | None
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{app_url}{path}?country=IT,ES&bureau=qingtian")
    if heading:
        page.get_by_role("heading", name=heading).wait_for()
    else:
        wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
    wait_for_link(page, Filters(country=("IT", "ES"), bureau=("Qingtian",)))
    field = shared_link(page)
    link = field.input_value()
    assert link == page.url, "the share box must hold the address bar's link, spelled the same"
    assert field.evaluate("f => f.scrollHeight <= f.clientHeight + 1"), "the whole link shows"
    parts = urlsplit(link)
    assert parts.scheme == "http" and parts.netloc == urlsplit(app_url).netloc
    assert parts.path == "/" + path
    assert "%2C" in parts.query  # commas as the browser writes them
    page.get_by_test_id("stSidebar").get_by_role("button", name="Copy link: Link to this view").click()
    page.get_by_test_id("stSidebar").get_by_role("status").filter(
        has_text="Copied to the clipboard."
    ).wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    # A plain code block would make the page fetch Streamlit's 1.5 MB syntax highlighter.
    assert page.get_by_test_id("stSidebar").get_by_test_id("stCode").count() == 0


def test_tracking_parameters_are_ignored_silently_and_real_typos_still_noticed(
    page: Any, app_url: str, world: World
) -> None:
    page.goto(f"{app_url}?country=IT&utm_source=newsletter&utm_medium=email&fbclid=abc&gclid=x")
    wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
    settle(page)
    assert metric(page, "Stations") == str(len(world.view(Filters(country=("IT",)))))
    assert page.get_by_test_id("stAlert").count() == 0
    assert "utm_source" not in shared_link(page).input_value()
    page.goto(f"{app_url}?country=IT&colour=red&utm_source=newsletter")
    wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
    settle(page)
    notice = page.get_by_test_id("stAlert").filter(has_text="not understood")
    assert notice.count() == 1
    assert "colour" in notice.inner_text() and "utm" not in notice.inner_text()


def test_an_empty_result_says_so_and_names_the_filter_to_remove(
    page: Any, app_url: str, world: World
) -> None:
    # A country and a bureau that never meet, chosen from the data.
    pairs = world.stations.groupby(["iso2", "bureau"]).size()
    iso2 = world.stations["iso2"].value_counts().idxmax()
    bureau = next(b for b in vocab.BUREAUS if (iso2, b) not in pairs.index)
    page.goto(f"{app_url}?country={iso2}")
    wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
    settle(page)
    pick_option(page, "bureau", bureau)
    filters = Filters(country=(iso2,), bureau=(bureau,))
    wait_for_link(page, filters)
    assert metric(page, "Stations") == "0"
    alert = page.get_by_test_id("stAlert").filter(has_text="No station matches these filters")
    text = alert.inner_text()
    without_bureau = len(world.view(Filters(country=(iso2,))))
    assert f"bureau filter ({bureau}) to see {without_bureau}" in text, text
    assert world.options.countries[iso2] in text


def test_bureau_filter_says_how_many_stations_in_view_have_no_known_bureau(
    page: Any, app_url: str, world: World
) -> None:
    for filters in (Filters(), Filters(country=(world.stations["iso2"].value_counts().idxmax(),))):
        params = "&".join(f"{k}={v}" for k, v in filters.to_query_params().items())
        page.goto(f"{app_url}?{params}")
        wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
        wait_for_link(page, filters)
        view = world.view(filters)
        unknown = int((view["bureau"] == "Unknown").sum())
        sidebar = page.get_by_test_id("stSidebar")
        menu = multiselect(page, facets.BY_KEY["bureau"].label)
        caption = sidebar.get_by_text(f"{unknown} of the {len(view)} stations in view have no known bureau")
        caption.wait_for()
        # Beside the bureau menu: just under it, before the next menu.
        menu_box, caption_box = menu.bounding_box(), caption.bounding_box()
        next_box = multiselect(page, "Report").bounding_box()
        assert menu_box["y"] < caption_box["y"] < next_box["y"]


def test_headline_states_the_view_and_apart_the_reconciliation(page: Any, app_url: str, world: World) -> None:
    last = world.waves[-1]
    page.goto(app_url)
    wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
    main = page.get_by_test_id("stMain")
    main.get_by_text(
        f"Safeguard Defenders' reports counted {last.reported_stations} stations; "
        f"{last.identified_stations} of them are identified in this data"
    ).wait_for()
    iso2 = world.stations["iso2"].value_counts().idxmax()
    filters = Filters(country=(iso2,))
    pick_option(page, "country", world.options.countries[iso2])
    wait_for_link(page, filters)
    view = world.view(filters)
    later = int((world.stations["wave"] == "later").sum())
    figures = headline.headline(view, world.waves, filters, world.options.countries, later)
    lead = re.sub(r"\\(.)", r"\1", figures.lead()).replace("**", "")
    main.get_by_text(lead).wait_for()
    assert lead.startswith(f"{len(view)} station") and world.options.countries[iso2] in lead


_ZOOM_JS = "() => {" + _JS_HELPERS + " return map ? map.getZoom() : null; }"


def clustered_station(world: World) -> str:
    """A station with a city in the country with most stations: at world zoom it sits inside a
    cluster, so showing it takes a zoom."""
    iso2 = world.stations["iso2"].value_counts().idxmax()
    rows = world.stations[(world.stations["iso2"] == iso2) & (world.stations["city"] != "")]
    return str(rows.sort_values("station_id").iloc[0]["station_id"])


def wait_for_open_popup(page: Any, station: str) -> Any:
    frame = map_frame(page)
    popup = frame.locator(".leaflet-popup .station-popup")
    popup.wait_for(state="visible", timeout=WAIT_MS)
    assert station in popup.inner_text()
    return frame


def test_a_station_link_zooms_to_the_station_and_opens_its_popup(
    page: Any, app_url: str, world: World
) -> None:
    station = clustered_station(world)
    page.goto(f"{app_url}?station={station}")
    wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
    frame = wait_for_open_popup(page, station)
    assert frame.evaluate(_ZOOM_JS) > 2, "the map stayed at world zoom"
    wait_for_link(page, Filters(station=station))


def test_picking_a_station_zooms_to_it_and_a_later_marker_click_keeps_its_own_popup(
    page: Any, app_url: str, world: World
) -> None:
    station = clustered_station(world)
    page.goto(app_url)
    wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
    pick_station(page, station)
    wait_for_link(page, Filters(station=station))
    frame = wait_for_open_popup(page, station)
    assert frame.evaluate(_ZOOM_JS) > 2, "the map stayed at world zoom"
    # Two clicks on other markers in sight: each rerun must leave the clicked one's popup open.
    others: list[str] = []
    for _ in range(8):  # zoom out with the map's control until neighbours are in sight
        others = [s for s in frame.evaluate(_ON_SCREEN_JS) if s != station]
        if len(others) >= 2:
            break
        zoom_out(page, frame)
    assert len(others) >= 2, others
    for other in others[:2]:
        bring_map_into_view(page)
        reveal_and_click(page, other)
        wait_for_link(page, Filters(station=other))
        wait_for_open_popup(page, other)
