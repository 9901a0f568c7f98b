"""The dashboard as a reader uses it: the real Streamlit server, headless Chromium, loopback only.

What unit and AppTest tests cannot see is proved here: that Leaflet really draws one marker or
cluster count per station, that the sidebar filter and the address bar stay in step (and the
address reproduces the view in a fresh browser), that a click on a station opens its popup with
working source links and selects it in the panel, that markup in the data stays text in the
browser, and that no request leaves the machine.

Two servers per module run, each started once: the committed data with default settings (the
app's own basemap, no tile server: the map also used for docs/screenshot.png and the basemap's
screenshots in docs/) and a small hostile dataset with stand-in tiles from a loopback tile server. Tests never sleep for animations: they poll conditions with bounds.
Set ``UPDATE_DOCS_SCREENSHOT=1`` to rewrite docs/screenshot.png and docs/basemap-*.png (kept opt-in so a test run never
dirties a tracked file); every run saves its screenshots under artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import expect

from stations.data import export, synthetic, vocab
from stations.data.load import load_dataset
from tests.support.browser import (
    MAP_IFRAME,
    ROOT,
    SCREENSHOTS,
    RequestLog,
    map_frame,
    streamlit_server,
    tile_server,
    wait_for_markers,
)
from tests.support.map_browser import (
    APP,
    MAP_TIMEOUT_MS,
    PAINTED_JS,
    Session,
    bring_map_into_view,
    open_session,
    reveal_and_click,
    single_station,
    source_urls,
    wait_for_count,
)
from tests.support.map_browser import (
    JS_HELPERS as _JS_HELPERS,
)
from tests.support.map_browser import (
    LOCATE_JS as _LOCATE_JS,
)
from tests.support.script_runs import runs_of

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

DOCS_SCREENSHOT = ROOT / "docs" / "screenshot.png"
SCRIPT_PAYLOAD = "<script>window.__pwned=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__pwned=1">'

# Data ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stations() -> pd.DataFrame:
    """The committed stations, loaded and validated the way the app loads them."""
    return load_dataset(ROOT / "data").stations


def busiest_country(stations: pd.DataFrame) -> tuple[str, str, int]:
    """(iso2, name, stations) of the country with most stations: filtering it changes the most."""
    iso2 = stations["iso2"].value_counts().sort_index().idxmax()
    rows = stations[stations["iso2"] == iso2]
    return iso2, str(rows["country"].iloc[0]), len(rows)


def countries_most_first(stations: pd.DataFrame) -> list[str]:
    """The host countries' codes, most stations first (ties in code order)."""
    counts = stations["iso2"].value_counts().sort_index()
    return list(counts.sort_values(ascending=False, kind="stable").index)


# Servers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """The dashboard on the committed data with default settings: the app's own basemap."""
    with streamlit_server(APP, env={"STATION_MAP_TILES": ""}) as base:
        yield base


@dataclass(frozen=True)
class HostileApp:
    url: str
    tiles_url: str
    tile_hits: list[str]
    station: dict[str, str]


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileApp]:
    """The dashboard on synthetic data whose text is markup, with stand-in tiles on loopback.

    One station per synthetic country; the Italian one carries the payloads in its city, host
    organisation, notes and country name (and Italy's responses in actor and summary). The
    country outlines are linked in so the country layer (with the country name in a tooltip)
    draws too.
    """
    directory = tmp_path_factory.mktemp("hostile-data")
    rows = synthetic.stations_rows(len(synthetic.PLACES))
    target = next(r for r in rows if r["iso2"] == "IT")
    target.update(
        city=f"Rome {SCRIPT_PAYLOAD}",
        host_organisation=f"Association {IMG_PAYLOAD}",
        notes=f"Reported {SCRIPT_PAYLOAD} and {IMG_PAYLOAD}",
    )
    for row in rows:
        if row["iso2"] == "IT":
            row["country"] = f"Italy {IMG_PAYLOAD}"
    responses = synthetic.responses_rows(sorted({r["iso2"] for r in rows} - {synthetic.PLACES[-1][0]}))
    for response in responses:
        if response["iso2"] == "IT":
            response.update(
                country=f"Italy {IMG_PAYLOAD}",
                actor=f"Ministry {SCRIPT_PAYLOAD}",
                summary=f"Summary {IMG_PAYLOAD}",
            )
    synthetic.write_dataset(directory, stations=rows, responses=responses)
    (directory / "boundaries").symlink_to(ROOT / "data" / "boundaries", target_is_directory=True)
    shutil.copyfile(ROOT / "data" / "unidentified.csv", directory / "unidentified.csv")
    with tile_server() as tiles:
        env = {
            "STATIONS_DATA_DIR": str(directory),
            "STATION_MAP_TILES": tiles.url_template,
            "STATION_MAP_TILES_ATTR": "stand-in test tiles",
        }
        with streamlit_server(APP, env=env) as base:
            tiles_root = tiles.url_template.split("{z}")[0]
            yield HostileApp(base, tiles_root, tiles.hits, dict(target))


# Browser helpers ----------------------------------------------------------------------------


def assert_loopback_only(session: Session, allowed_external: tuple[str, ...] = ()) -> None:
    """Nothing left the machine, nothing local failed, no script error on the page."""
    external = [u for u in session.log.external() if u not in allowed_external]
    assert external == [], session.log.external_hosts()
    assert local_failures(session) == []
    assert session.errors == []


def local_failures(session: Session) -> list[str]:
    """Loopback requests that failed, except those the page cancelled itself (ERR_ABORTED):
    Leaflet drops tiles of a zoom level it leaves, and a page switch drops the map's images.
    Requests to other hosts are blocked with another error and caught as external."""
    return [f for f in session.log.local_failures() if "net::ERR_ABORTED" not in f]


def screenshot(page: Any, name: str) -> Path:
    """The viewport (Streamlit scrolls inside its main block, so a full-page shot adds nothing)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"e2e_{name}.png"
    page.screenshot(path=str(path))
    return path


def query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def multiselect(page: Any, label: str) -> Any:
    return page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text=label)


def pick_country(page: Any, name: str) -> None:
    """Type the start of a country's name in the country menu and pick it, as a reader does."""
    multiselect(page, "Host country").locator("input").click()
    page.keyboard.type(name[:5])
    page.get_by_role("option", name=re.compile(rf"^{re.escape(name)}$")).click()


def click_centre(page: Any, box: dict[str, float]) -> None:
    """A mouse click in the middle of ``box`` (measured before): no wait for an element to be
    ready, which would add its own variable delay to a timed sequence."""
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def wait_for_page_settled(page: Any) -> None:
    """Before a screenshot: the script run is over (no running icon, no skeleton), charts have
    drawn, fonts have loaded. Streamlit draws elements as the script reaches them, so a page
    looks complete long before it is."""
    page.wait_for_function(
        """() => !document.querySelector(
                   '[data-testid=stStatusWidgetRunningIcon], [data-testid=stSkeleton]')
              && [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
                   .every(v => v.querySelector('svg.marks, canvas'))
              && document.fonts.status === 'loaded'""",
        timeout=20_000,
    )


# The default view (one page, read by several tests) -----------------------------------------


@pytest.fixture(scope="module")
def default_view(chromium_browser: Any, app_url: str) -> Iterator[Session]:
    """The map as a first-time reader sees it at 1400x900, once: the read-only tests share it."""
    session = open_session(chromium_browser, app_url, 1400, 900)
    wait_for_markers(session.page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
    try:
        yield session
    finally:
        session.page.context.close()


def test_default_map_draws_one_marker_or_cluster_count_per_station(
    default_view: Session, stations: pd.DataFrame
) -> None:
    reading = wait_for_count(default_view.page, len(stations))
    assert reading.get("total") == len(stations), reading
    assert reading["clusters"] >= 1, "the world view is expected to cluster nearby stations"
    assert query(default_view.page) == {}, "the default view has a clean address"
    assert_loopback_only(default_view)


def test_default_view_screenshot_for_readme_and_artifacts(
    default_view: Session, stations: pd.DataFrame
) -> None:
    """The README's picture is this exact view; it is rewritten only on request."""
    page = default_view.page
    assert wait_for_count(page, len(stations)).get("total") == len(stations)
    page.get_by_test_id("stSidebar").get_by_text("Share this view").wait_for()
    wait_for_page_settled(page)
    map_frame(page).wait_for_function("document.fonts.status === 'loaded'", timeout=10_000)
    path = screenshot(page, "map_default")
    assert page.viewport_size == {"width": 1400, "height": 900}
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        DOCS_SCREENSHOT.write_bytes(path.read_bytes())
    assert DOCS_SCREENSHOT.is_file(), "docs/screenshot.png is missing: run with UPDATE_DOCS_SCREENSHOT=1"


def test_country_shapes_do_not_streak_across_the_world(default_view: Session) -> None:
    """Russia and Fiji cross the antimeridian: a ring drawn from -180 to 180 paints a band across
    the whole map. No host country is wider than half the world, so no shape may be."""
    frame = map_frame(default_view.page)
    widths = frame.evaluate(
        "() => {"
        + _JS_HELPERS
        + """
          const world = 256 * Math.pow(2, map.getZoom());
          return Object.values(map._layers).filter(l => l.feature && l._path).map(
            l => [l.feature.properties.iso2, l._path.getBoundingClientRect().width / world]);
        }"""
    )
    assert widths, "the country layer drew no shapes"
    streaks = {iso2: f"{width:.0%}" for iso2, width in widths if width >= 0.6}
    assert streaks == {}, "shapes spanning most of the world's width (antimeridian rings)"


# Filters and the address bar ----------------------------------------------------------------


def test_choosing_a_country_filters_the_markers_and_the_address_reproduces_the_view(
    chromium_browser: Any, app_url: str, stations: pd.DataFrame
) -> None:
    iso2, name, count = busiest_country(stations)
    assert count < len(stations)
    session = open_session(chromium_browser, app_url)
    page = session.page
    assert wait_for_count(page, len(stations), 45).get("total") == len(stations)

    pick_country(page, name)
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(rf"[?&]country={iso2}(&|$)"), timeout=15_000)
    assert query(page) == {"country": [iso2]}
    reading = wait_for_count(page, count)
    assert reading.get("total") == count, reading
    wait_for_page_settled(page)
    screenshot(page, "map_filtered")
    assert_loopback_only(session)
    address = page.url
    page.context.close()

    fresh = open_session(chromium_browser, address)
    try:
        reading = wait_for_count(fresh.page, count, 45)
        assert reading.get("total") == count, reading
        tags = multiselect(fresh.page, "Host country").locator("[data-tag]")
        tags.first.wait_for()
        assert [t.strip() for t in tags.all_inner_texts()] == [name]  # a name: no count to go stale
        assert query(fresh.page) == {"country": [iso2]}
        wait_for_page_settled(fresh.page)
        screenshot(fresh.page, "map_filtered_from_link")
        assert_loopback_only(fresh)
    finally:
        fresh.page.context.close()


# A click on a station -----------------------------------------------------------------------


def test_clicking_a_station_opens_its_popup_with_source_links_and_selects_it(
    chromium_browser: Any, app_url: str, stations: pd.DataFrame
) -> None:
    row = single_station(stations)
    sid = str(row["station_id"])
    urls = [u for u in source_urls(row) if re.match(r"https?://", u, re.I)]
    session = open_session(chromium_browser, app_url)
    page = session.page
    context = page.context
    try:
        assert wait_for_count(page, len(stations), 45).get("total") == len(stations)
        frame = reveal_and_click(page, sid)
        popup = frame.locator(".leaflet-popup .station-popup")
        popup.wait_for(state="visible", timeout=10_000)
        assert sid in popup.inner_text()
        links = popup.locator("a").evaluate_all(
            "as => as.map(a => ({href: a.getAttribute('href'), target: a.target, rel: a.rel}))"
        )
        assert [link["href"] for link in links] == urls
        for link in links:
            assert link["target"] == "_blank"
            assert "noopener" in link["rel"].split()

        # The station is selected: in the address and in the panel.
        page.wait_for_url(re.compile(rf"[?&]station={re.escape(sid)}(&|$)"), timeout=15_000)
        panel = page.get_by_test_id("stSelectbox").filter(has_text="Selected station")
        expect(panel.locator("input")).to_have_value(re.compile(re.escape(sid)), timeout=15_000)
        main = page.get_by_test_id("stMain")
        main.get_by_text(f"City: {row['city']}").first.wait_for(timeout=15_000)
        main.get_by_text("Sources (open in a new tab)").wait_for(timeout=15_000)
        wait_for_page_settled(page)
        # The rerun that selected the station sends the same map: it must not redraw it, which
        # would close the popup the reader just opened.
        assert popup.is_visible(), "the rerun after the click redrew the map and closed the popup"
        screenshot(page, "popup_open")

        # The first link opens in a new tab, without a handle on the dashboard. The source
        # site is not contacted: the new tab is answered by a stand-in page.
        first = urls[0]
        context.route(
            first, lambda route: route.fulfill(status=200, body="stand-in", content_type="text/html")
        )
        with context.expect_page(timeout=10_000) as opened:
            popup.locator("a").first.click()
        tab = opened.value
        tab.wait_for_load_state("domcontentloaded", timeout=10_000)
        assert tab.url == first or tab.url.rstrip("/") == first.rstrip("/")
        assert tab.evaluate("window.opener === null")
        tab.close()
        assert_loopback_only(session, allowed_external=(first,))
    finally:
        context.close()


#: Where the map's iframe sits in the page's viewport, and how far the page is scrolled.
_IFRAME_PLACE_JS = (
    "(sel) => { const r = document.querySelector(sel).getBoundingClientRect();"
    " const main = document.querySelector('[data-testid=stMain]');"
    " return {top: Math.round(r.top), bottom: Math.round(r.bottom), height: window.innerHeight,"
    " scroll: main ? main.scrollTop : null}; }"
)


def test_a_pin_pressed_in_a_map_partly_below_the_fold_opens_its_popup_and_the_page_stays_put(
    chromium_browser: Any, app_url: str, stations: pd.DataFrame
) -> None:
    """At 1280x900 the map's bottom is below the fold. A press on a pin focuses the map (so
    that the arrow keys move it) or the pin (so that Enter opens it); a focus that scrolls the
    page to show the whole map moves the map under the pointer between the press and the
    release, and the release then lands beside the pin: the click goes to the map, no popup
    opens and an open one closes. The page must stay where the reader put it."""
    row = single_station(stations)
    sid = str(row["station_id"])
    session = open_session(chromium_browser, app_url)
    page = session.page
    try:
        assert wait_for_count(page, len(stations), 45).get("total") == len(stations)
        frame = map_frame(page)
        frame.evaluate(_SET_VIEW_JS, [float(row["lat"]), float(row["lon"]), 12])
        frame.wait_for_function(f"(id) => ({_LOCATE_JS})(id).state === 'pin'", arg=sid, timeout=30_000)
        where = frame.evaluate(_LOCATE_JS, sid)
        before = page.evaluate(_IFRAME_PLACE_JS, MAP_IFRAME)
        assert before["top"] >= 0 and before["top"] + 300 < before["height"] < before["bottom"], before
        frame.locator("[data-e2e-target='1']").click(position=where["point"])
        popup = frame.locator(".leaflet-popup .station-popup")
        popup.wait_for(state="visible", timeout=15_000)
        assert sid in popup.inner_text()
        assert page.evaluate(_IFRAME_PLACE_JS, MAP_IFRAME) == before, "the press scrolled the page"
        page.wait_for_url(re.compile(rf"[?&]station={re.escape(sid)}(&|$)"), timeout=15_000)
        # The pressed pin has the keyboard focus (Enter opens it, the arrow keys move the map).
        focus = frame.evaluate(
            "() => [document.hasFocus(), document.activeElement.getAttribute('aria-label')]"
        )
        assert focus[0] and focus[1] and row["city"] in focus[1], focus
        assert_loopback_only(session)
    finally:
        page.context.close()


# Hostile text -------------------------------------------------------------------------------


def test_markup_in_the_data_shows_as_text_and_runs_no_script(
    chromium_browser: Any, hostile_app: HostileApp
) -> None:
    sid = hostile_app.station["station_id"]
    session = open_session(chromium_browser, f"{hostile_app.url}?station={sid}")
    page = session.page
    try:
        # The link zooms to its station (so not every marker is in sight): wait for any.
        wait_for_markers(page, ".station-pin, .station-cluster", timeout_ms=MAP_TIMEOUT_MS)
        # The panel (Markdown, escaped) and the notes (st.text) show the payloads as typed.
        page.get_by_text("Sources (open in a new tab)").wait_for(timeout=15_000)
        main = page.get_by_test_id("stMain")
        assert f"Rome {SCRIPT_PAYLOAD}" in main.inner_text()
        assert f"Association {IMG_PAYLOAD}" in main.inner_text()

        # The link opened its station's popup, and a click on the pin of an open popup closes
        # it: closed first, so that the popup read below is the one the click opens.
        frame = map_frame(page)
        frame.locator(".leaflet-popup-close-button").click()
        frame.locator(".leaflet-popup").wait_for(state="detached", timeout=10_000)
        frame = reveal_and_click(page, sid)
        tooltip = frame.locator(".leaflet-tooltip")
        popup = frame.locator(".leaflet-popup .station-popup")
        popup.wait_for(state="visible", timeout=10_000)
        text = popup.inner_text()
        for literal in (f"Rome {SCRIPT_PAYLOAD}", f"Italy {IMG_PAYLOAD}", f"Association {IMG_PAYLOAD}"):
            assert literal in text
        assert popup.locator("script, img").count() == 0
        # The hover's tooltip, if it is still up (the click's rerun may close it): read at once.
        for shown in tooltip.evaluate_all("(tips) => tips.map((tip) => tip.innerText)"):
            assert SCRIPT_PAYLOAD in shown
        screenshot(page, "hostile_popup")

        page.get_by_test_id("stSidebar").get_by_role("link", name="Government responses").click()
        page.wait_for_url(re.compile(r"/Government_responses"))
        # The table is a canvas grid; its accessible cells hold the text as text.
        cell = page.get_by_role("gridcell", name=f"Ministry {SCRIPT_PAYLOAD}", include_hidden=True)
        cell.first.wait_for(state="attached", timeout=20_000)

        assert page.evaluate("typeof window.__pwned") == "undefined"
        page.get_by_test_id("stSidebar").get_by_role("link", name="Map").click()
        frame = wait_for_markers(page, ".station-pin, .station-cluster", timeout_ms=MAP_TIMEOUT_MS)
        for where in (page, frame):
            assert where.evaluate("typeof window.__pwned") == "undefined"
        assert not [u for u in session.log.requests if urlsplit(u).path.endswith("/x")], (
            "an <img> was injected"
        )
        assert_loopback_only(session)
    finally:
        page.context.close()


# Requests -----------------------------------------------------------------------------------


def test_every_request_of_every_page_stays_on_loopback(
    chromium_browser: Any, hostile_app: HostileApp
) -> None:
    """With a tile layer configured, the browser asks the app and the tile server, no one else."""
    session = open_session(chromium_browser, hostile_app.url)
    page = session.page
    try:
        wait_for_markers(page, ".station-pin, .station-cluster", timeout_ms=MAP_TIMEOUT_MS)
        map_frame(page).wait_for_function(
            "() => [...document.querySelectorAll('img.leaflet-tile')].some(i => i.complete && i.naturalWidth)",
            timeout=15_000,
        )
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_role("link", name="Government responses").click()
        page.get_by_role("heading", name="Government responses").wait_for(timeout=20_000)
        sidebar.get_by_role("link", name="Data & sources").click()
        page.get_by_role("heading", name="Data & sources").wait_for(timeout=20_000)
        hosts = {urlsplit(u).netloc for u in session.log.requests if u.startswith("http")}
        app_host = urlsplit(hostile_app.url).netloc
        tile_host = urlsplit(hostile_app.tiles_url).netloc
        assert hosts == {app_host, tile_host}
        assert hostile_app.tile_hits, "the tile layer asked for no tile"
        assert_loopback_only(session)
    finally:
        page.context.close()


# The app's own basemap -----------------------------------------------------------------------

#: The basemap's state in the map frame: which Natural Earth level is drawn, how many names.
_BASEMAP_JS = (
    "() => {"
    + _JS_HELPERS
    + """
  const b = map && map._stationBasemap;
  if (!b) { return null; }
  return {level: b.state.shown ? b.state.shown.url.split("/").pop() : null, zoom: map.getZoom(),
          labels: [...document.querySelectorAll(".bm-label")].map(l => l.textContent),
          canvas: !!map.getPane("basemapLand").querySelector("canvas"),
          pending: b.state.pending, towns: Object.keys(b.state.fetched).length, animating: animating(),
          sea: getComputedStyle(map.getContainer()).backgroundColor};
}"""
)

_SET_VIEW_JS = "([lat, lon, zoom]) => {" + _JS_HELPERS + " map.setView([lat, lon], zoom, {animate: false}); }"

#: Views for the screenshots in docs/: (file name, centre, zoom, the detail file drawn there).
BASEMAP_VIEWS = (
    ("basemap-zoom2-world", (30.0, 15.0), 2, "world-110m.topo.json"),
    ("basemap-zoom5-europe", (49.5, 9.0), 5, "world-50m.topo.json"),
)


def busiest_city(stations: pd.DataFrame) -> pd.Series:
    """The city with most stations placed at city level (a reader's zoom-9 view)."""
    placed = stations[stations["geo_precision"] == "city"]
    key = placed.groupby(["iso2", "city"]).size().sort_index().idxmax()
    rows = placed[(placed["iso2"] == key[0]) & (placed["city"] == key[1])]
    return rows.iloc[0]


def show_basemap_view(page: Any, lat: float, lon: float, zoom: int, level: str) -> dict[str, Any]:
    """Move the map, then wait until the basemap has drawn ``level`` and placed its names."""
    frame = map_frame(page)
    frame.evaluate(_SET_VIEW_JS, [lat, lon, zoom])
    frame.wait_for_function(
        "([level, zoom]) => { const s = (" + _BASEMAP_JS + ")();"
        " return s && s.level === level && s.zoom === zoom && s.labels.length > 0"
        " && s.pending === 0 && !s.animating && (zoom < 8 || s.towns > 0); }",
        arg=[level, zoom],
        timeout=30_000,
    )
    frame.wait_for_function(PAINTED_JS, timeout=30_000)  # the clusters' fade-in after the move
    return frame.evaluate(_BASEMAP_JS)


def test_default_basemap_draws_land_and_names_at_zoom_2_5_and_9(
    default_view: Session, stations: pd.DataFrame
) -> None:
    """The default map shows land, sea and names from the app's own files at world, continent
    and city zoom; the screenshots in docs/ are these views."""
    page = default_view.page
    bring_map_into_view(page)
    city = busiest_city(stations)
    views = (
        *BASEMAP_VIEWS,
        ("basemap-zoom9-city", (float(city["lat"]), float(city["lon"])), 9, "world-50m.topo.json"),
    )
    iframe = page.locator(MAP_IFRAME)
    for name, (lat, lon), zoom, level in views:
        state = show_basemap_view(page, lat, lon, zoom, level)
        assert state["canvas"], "no land drawn"
        assert state["sea"] == "rgb(214, 226, 234)", state["sea"]
        if zoom == 2:
            assert {"CHINA", "BRAZIL"} <= {label.upper() for label in state["labels"]}, state["labels"]
        if zoom == 5:
            assert {"Paris", "Berlin"} <= set(state["labels"]), state["labels"]
        if zoom == 9:
            assert city["city"] in state["labels"], state["labels"]
        map_frame(page).wait_for_function("document.fonts.status === 'loaded'", timeout=10_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"e2e_{name}.png"
        iframe.screenshot(path=str(path))
        if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
            (DOCS_SCREENSHOT.parent / f"{name}.png").write_bytes(path.read_bytes())
    assert_loopback_only(default_view)


#: Inside the map's frame: the bottom-left controls (scale, legend) that the attribution covers,
#: and whether the legend's toggle is what a tap at its centre reaches.
_BOTTOM_CONTROLS_JS = """() => {
  const credit = document.querySelector(".leaflet-control-attribution").getBoundingClientRect();
  const covered = [...document.querySelectorAll(".leaflet-bottom.leaflet-left .leaflet-control")].filter(c => {
    const r = c.getBoundingClientRect();
    return r.width && r.right > credit.left && r.left < credit.right && r.bottom > credit.top && r.top < credit.bottom;
  }).map(c => c.className);
  const toggle = document.querySelector(".station-legend > summary").getBoundingClientRect();
  const hit = document.elementFromPoint(toggle.left + toggle.width / 2, toggle.top + toggle.height / 2);
  return {covered, toggleReachable: Boolean(hit && hit.closest(".station-legend > summary")),
          credit: document.querySelector(".leaflet-control-attribution").textContent};
}"""


def test_phone_map_credits_cover_neither_the_scale_nor_the_legend_toggle(
    chromium_browser: Any, app_url: str
) -> None:
    """On a phone the basemap's credits wrap across the map's whole bottom edge; the scale and
    the folded legend's toggle sit above them, and a tap on the toggle opens the legend."""
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(30_000)
    RequestLog().attach(context)
    try:
        page = context.new_page()
        page.goto(app_url)
        frame = wait_for_markers(page, ".station-pin, .station-cluster", timeout_ms=MAP_TIMEOUT_MS)
        # The basemap adds its credits once its files are in: the attribution's longest form.
        frame.wait_for_function(
            "() => document.querySelector('.leaflet-control-attribution').textContent.includes('GeoNames')"
        )
        frame.wait_for_function(f"() => ({_BOTTOM_CONTROLS_JS})().covered.length === 0", timeout=5_000)
        state = frame.evaluate(_BOTTOM_CONTROLS_JS)
        assert state["toggleReachable"], state
        frame.locator(".station-legend > summary").tap()
        assert frame.locator(".station-legend").evaluate("d => d.open")
    finally:
        context.close()


def test_default_settings_send_no_request_beyond_the_app_on_any_page(
    chromium_browser: Any, app_url: str, stations: pd.DataFrame
) -> None:
    """Private by default: the map (every basemap file included, at every zoom) and the other
    pages ask the app itself and no one else, not even for tiles."""
    session = open_session(chromium_browser, app_url)
    page = session.page
    try:
        wait_for_markers(page, ".station-pin, .station-cluster", timeout_ms=MAP_TIMEOUT_MS)
        city = busiest_city(stations)
        show_basemap_view(page, 30.0, 15.0, 2, "world-110m.topo.json")
        show_basemap_view(page, float(city["lat"]), float(city["lon"]), 9, "world-50m.topo.json")
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_role("link", name="Government responses").click()
        page.get_by_role("heading", name="Government responses").wait_for(timeout=20_000)
        sidebar.get_by_role("link", name="Data & sources").click()
        page.get_by_role("heading", name="Data & sources").wait_for(timeout=20_000)
        hosts = {urlsplit(u).netloc for u in [*session.log.requests, *session.log.websockets]}
        assert hosts == {urlsplit(app_url).netloc}
        fetched = {urlsplit(u).path.rsplit("/", 1)[-1] for u in session.log.requests if "/app/static/" in u}
        assert {"basemap.js", "world-110m.topo.json", "world-50m.topo.json", "places.json",
                "places-more.json", "index.json"} <= fetched  # fmt: skip
        lon, lat = float(city["lon"]), float(city["lat"])
        assert f"{int((lon + 180) // 10)}_{int((lat + 90) // 10)}.json" in fetched, "the towns in view"
        assert not [u for u in session.log.requests if "tile" in urlsplit(u).path]
        assert_loopback_only(session)
    finally:
        page.context.close()


# The other pages ----------------------------------------------------------------------------


def test_page_links_carry_the_view_to_the_responses_and_data_pages(
    chromium_browser: Any, app_url: str, stations: pd.DataFrame
) -> None:
    iso2, name, _ = busiest_country(stations)
    session = open_session(chromium_browser, f"{app_url}?country={iso2}", 1400, 900)
    page = session.page
    try:
        wait_for_markers(page, ".station-pin, .station-cluster", timeout_ms=MAP_TIMEOUT_MS)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_role("link", name="Government responses").click()
        page.get_by_role("heading", name="Government responses").wait_for(timeout=20_000)
        page.wait_for_url(re.compile(r"/Government_responses\?"), timeout=15_000)
        assert query(page) == {"country": [iso2]}
        tags = multiselect(page, "Host country").locator("[data-tag]")
        tags.first.wait_for(timeout=15_000)
        assert tags.first.inner_text().startswith(name)
        sidebar.get_by_text("Share this view").wait_for(timeout=20_000)
        wait_for_page_settled(page)
        screenshot(page, "responses_page")

        sidebar.get_by_role("link", name="Data & sources").click()
        page.get_by_role("heading", name="Data & sources").wait_for(timeout=20_000)
        page.wait_for_url(re.compile(r"/Data_and_sources\?"), timeout=15_000)
        assert query(page) == {"country": [iso2]}
        page.get_by_test_id("stDataFrame").first.wait_for(timeout=20_000)
        wait_for_page_settled(page)
        screenshot(page, "data_page")
        assert_loopback_only(session)
    finally:
        page.context.close()


# A page link right after a click on the map ---------------------------------------------------

#: How long after the pin the reader clicks the page link, in ms: a quick move from the map to
#: the sidebar, up to the 250 ms streamlit-folium waits before it reports a click (its updates
#: are debounced). A click reported after the link asked for the other page names the page
#: still shown, the map: Streamlit runs the newest request's page.
LINK_DELAYS_MS = (200, 210, 220, 230, 240, 215, 225, 235)
#: Whatever the pin and the link started has been asked for by then (the map reports a click
#: within 250 ms of it).
SETTLE_MS = 700


def test_a_page_link_clicked_right_after_a_station_opens_that_page_with_the_view(
    chromium_browser: Any, app_url: str, stations: pd.DataFrame
) -> None:
    """Click a station, then at once "Government responses": the page changes and keeps the
    view its link carries, every time (the sequence is repeated over a range of delays)."""
    sid = single_station(stations)["station_id"]
    session = open_session(chromium_browser, f"{app_url}?station={sid}", follow_runs=True)
    page = session.page
    runs = runs_of(page)
    sidebar = page.get_by_test_id("stSidebar")
    heading = page.get_by_role("heading", name="Government responses")
    lost: list[tuple[int, str]] = []
    try:
        for delay in LINK_DELAYS_MS:
            wait_for_markers(page, ".station-pin, .station-cluster", timeout_ms=MAP_TIMEOUT_MS)
            runs.wait_idle(page)
            link = sidebar.get_by_role("link", name="Government responses")
            box, href = link.bounding_box(), link.get_attribute("href")
            reveal_and_click(page, sid)
            clicked = time.monotonic()
            page.wait_for_timeout(delay)
            click_centre(page, box)
            page.wait_for_timeout(max(0, SETTLE_MS - (time.monotonic() - clicked) * 1000))
            runs.wait_idle(page)
            where = urlsplit(page.url)
            if not (where.path.endswith("/Government_responses") and heading.is_visible()):
                lost.append((delay, page.url))
                continue  # still on the map: the next round starts from here
            assert parse_qs(where.query) == parse_qs(urlsplit(href).query) != {}, (page.url, href)
            sidebar.get_by_role("link", name="Map").click()
            page.wait_for_url(re.compile(r"/\?"), timeout=15_000)
        assert lost == [], f"page link lost (delay ms, address): {lost}; runs: {runs.events[-16:]}"
        assert_loopback_only(session)
    finally:
        page.context.close()


#: How long after picking a country the reader clicks a page link, in ms: before and after
#: the pick's run has written the address and redrawn the links.
FILTER_LINK_DELAYS_MS = (0, 40, 80, 120, 160, 200)


def test_a_page_link_clicked_right_after_a_filter_change_keeps_the_change(
    chromium_browser: Any, app_url: str, stations: pd.DataFrame
) -> None:
    """Pick one more country, then at once the other page's link (the map and the responses
    page in turn): that page opens with every country picked, the last one included, though
    the link was drawn before the pick when it was clicked that fast."""
    countries = stations.groupby("iso2")["country"].first()
    picks = countries_most_first(stations)[: len(FILTER_LINK_DELAYS_MS)]
    session = open_session(chromium_browser, app_url, follow_runs=True)
    page = session.page
    runs = runs_of(page)
    sidebar = page.get_by_test_id("stSidebar")
    #: Each round's link, the page's path and its heading.
    targets = [
        ("Government responses", "/Government_responses", "Government responses"),
        ("Map", "/", "110 Overseas"),
    ]
    chosen: set[str] = set()
    lost: list[tuple[int, str, str]] = []
    try:
        wait_for_markers(page, ".station-pin, .station-cluster", timeout_ms=MAP_TIMEOUT_MS)
        for round_, (delay, iso2) in enumerate(zip(FILTER_LINK_DELAYS_MS, picks, strict=True)):
            label, path, heading = targets[round_ % 2]
            runs.wait_idle(page)
            box = sidebar.get_by_role("link", name=label).bounding_box()
            pick_country(page, countries[iso2])
            page.wait_for_timeout(delay)
            click_centre(page, box)
            page.wait_for_url(re.compile(rf"{re.escape(path)}(\?|$)"), timeout=15_000)
            page.get_by_role("heading", name=heading).first.wait_for()
            runs.wait_idle(page)
            chosen.add(iso2)
            shown = set(",".join(query(page).get("country", [])).split(",")) - {""}
            if shown != chosen:
                lost.append((delay, iso2, page.url))
            chosen = shown  # the next round adds to what the page shows
        assert lost == [], f"filter lost (delay ms, country picked, address): {lost}"
        assert_loopback_only(session)
    finally:
        page.context.close()


def test_back_returns_to_the_view_before_the_last_change(
    chromium_browser: Any, app_url: str, stations: pd.DataFrame
) -> None:
    """Back after two picks: the address and the menu hold the first pick alone (an address the
    session wrote before is news when Back brings it, not a stale link)."""
    first, second = countries_most_first(stations)[:2]
    countries = stations.groupby("iso2")["country"].first()
    session = open_session(chromium_browser, app_url, follow_runs=True)
    page = session.page
    runs = runs_of(page)
    try:
        wait_for_markers(page, ".station-pin, .station-cluster", timeout_ms=MAP_TIMEOUT_MS)
        for iso2 in (first, second):
            runs.wait_idle(page)
            pick_country(page, countries[iso2])
            page.keyboard.press("Escape")
            page.wait_for_url(re.compile(rf"[?&]country=[^&]*{iso2}"), timeout=15_000)
        runs.wait_idle(page)
        before = runs.finished()
        page.go_back(wait_until="commit")
        page.wait_for_url(re.compile(rf"[?&]country={first}$"), timeout=15_000)
        deadline = time.monotonic() + 15
        while not (runs.finished() > before and runs.idle()):  # the run Back asked for, over
            assert time.monotonic() < deadline, runs.events[-12:]
            page.wait_for_timeout(50)
        tags = multiselect(page, "Host country").locator("[data-tag]")
        expect(tags).to_have_count(1)
        assert query(page) == {"country": [first]}
        assert_loopback_only(session)
    finally:
        page.context.close()


# Downloads ----------------------------------------------------------------------------------


def test_downloads_from_a_link_hold_exactly_the_filtered_rows(
    chromium_browser: Any, app_url: str, stations: pd.DataFrame, tmp_path: Path
) -> None:
    """The files are made on click (not on every run): they must still be the view's rows, in
    the published format, and the click must not rerun the page or drop the view."""
    import csv
    import io
    import json

    iso2, name, count = busiest_country(stations)
    expected = stations.loc[stations["iso2"] == iso2, "station_id"].tolist()
    session = open_session(chromium_browser, f"{app_url}?country={iso2}&wave=sep-2022,dec-2022,later")
    page = session.page
    try:
        wait_for_count(page, count, 45)
        wait_for_page_settled(page)
        address = page.url
        files: dict[str, bytes] = {}
        for kind in ("CSV", "GeoJSON"):
            button = page.get_by_role("button", name=f"Download these {count:,} stations ({kind})")
            button.scroll_into_view_if_needed()
            with page.expect_download(timeout=30_000) as download:
                button.click()
            target = tmp_path / download.value.suggested_filename
            download.value.save_as(target)
            files[kind] = target.read_bytes()
        # UTF-8 with a byte-order mark, so that Excel reads it as written (data/README.md).
        assert files["CSV"].startswith(export.EXCEL_BOM)
        rows = list(csv.DictReader(io.StringIO(files["CSV"].removeprefix(export.EXCEL_BOM).decode("utf-8"))))
        assert [r["station_id"] for r in rows] == expected
        # The published columns, then the outlet name of each source (the loader ignores it).
        assert list(rows[0]) == [*vocab.STATION_COLUMNS, "source_outlets"]
        assert all(len(r["source_outlets"].split(" | ")) == len(r["sources"].split(" | ")) for r in rows)
        features = json.loads(files["GeoJSON"])["features"]
        assert [f["id"] for f in features] == expected
        assert page.url == address  # still the same view
        assert not page.get_by_test_id("stException").count()
        assert_loopback_only(session)
    finally:
        page.context.close()


# Scale --------------------------------------------------------------------------------------


def test_a_large_view_draws_every_station_without_a_script_error(
    chromium_browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Markers are clustered in chunks at this size: fitting the view and zooming must not
    happen while the cluster is half-built (markercluster threw, leaving the map 0 px high)."""
    n = 40_000
    directory = synthetic.write_dataset(tmp_path_factory.mktemp("large") / "data", n=n)
    (directory / "boundaries").symlink_to(ROOT / "data" / "boundaries", target_is_directory=True)
    env = {"STATIONS_DATA_DIR": str(directory), "STATION_MAP_TILES": "none"}
    with streamlit_server(APP, env=env) as base:
        session = open_session(chromium_browser, base)
        try:
            reading = wait_for_count(session.page, n, 150)
            assert reading.get("total") == n, reading
            height = session.page.locator(MAP_IFRAME).evaluate("f => f.getBoundingClientRect().height")
            assert height > 400
            assert session.errors == []
            assert_loopback_only(session)
        finally:
            session.page.context.close()
