"""Helpers for the map inside a real browser: open a page, count what the map draws, reach a
station's pin as a reader does (clicking clusters), and wait for the map to settle.

The JavaScript they run inside the map's frame is in ``tests/support/js/`` (each helper's body,
after the shared Leaflet lookups of ``leaflet-lookups.js``), so it can be read and linted as
JavaScript.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from stations.data import vocab
from tests.support.browser import MAP_IFRAME, ROOT, RequestLog, map_frame
from tests.support.script_runs import watch_runs

JS_DIR = Path(__file__).parent / "js"
APP = ROOT / "app.py"
#: Bound on every wait for the map after a page load or a rerun (the first run of a server
#: imports pandas and folium, and the machine is shared).
MAP_TIMEOUT_MS = 45_000


def _js(name: str) -> str:
    return (JS_DIR / name).read_text(encoding="utf-8")


#: Leaflet lookups run inside the st_folium iframe (see leaflet-lookups.js); every helper below
#: starts with them.
JS_HELPERS = _js("leaflet-lookups.js")


def in_map(params: str, body: str) -> str:
    """A function for ``frame.evaluate``: ``(params) => { lookups; body }``."""
    return f"({params}) => {{" + JS_HELPERS + body + "}"


#: What the reader sees: every cluster's count plus every single pin, counted only when drawn
#: (inside the map box, opaque, displayed).
VISIBLE_COUNT_JS = in_map("", _js("visible-count.js"))
#: Where a station is now: its own pin ("pin"), or the cluster holding it ("cluster"). The
#: element is tagged so Playwright can click it, at a point of it that nothing covers (clusters
#: overlap at world zoom; a reader clicks the part they can see).
LOCATE_JS = in_map("id", _js("locate.js"))
#: Bring a station's marker to the middle of the map without changing the zoom (a reader's drag).
CENTRE_ON_JS = in_map("id", " map.panTo(markerOf(id).getLatLng(), {animate: false}); ")
#: Arm a one-shot flag that the next cluster click has finished: zoomed in, or spiderfied.
ARM_JS = in_map("", _js("arm.js"))
SETTLED_JS = in_map("", " return window.__e2eMoved === true && !animating(); ")
#: For ``frame.wait_for_function`` before a screenshot: fonts, images and tiles in, nothing
#: fading or moving (see painted.js).
PAINTED_JS = "() => {" + _js("painted.js") + "}"


def single_station(stations: pd.DataFrame) -> pd.Series:
    """A station alone in its country and placed at a city: its popup is easy to reach and read."""
    counts = stations["iso2"].value_counts()
    alone = stations[stations["iso2"].map(counts).eq(1) & stations["city"].ne("")]
    assert not alone.empty, "the data has no single-station country with a city"
    return alone.sort_values("station_id").iloc[0]


def source_urls(row: pd.Series) -> list[str]:
    return [u for u in str(row["sources"]).split(vocab.SOURCE_SEPARATOR) if u]


@dataclass
class Session:
    """A page in its own context, with the context's request log and the page's script errors."""

    page: Any
    log: RequestLog
    errors: list[str]


def open_session(
    browser: Any, url: str, width: int = 1280, height: int = 900, follow_runs: bool = False
) -> Session:
    """A new context and page opened at ``url``; with ``follow_runs`` its script runs are
    followed from the first (``runs_of(page)``: every WebSocket frame decoded, so only on ask)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(30_000)
    log = RequestLog().attach(context)
    page = context.new_page()
    if follow_runs:
        watch_runs(page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="domcontentloaded")
    return Session(page, log, errors)


def wait_for_count(page: Any, expected: int, timeout_s: float = 30.0) -> dict[str, Any]:
    """Poll the visible station count until it equals ``expected`` with no animation running.

    Returns the last reading (for the assertion message when it never matched). The iframe is
    looked up on every poll because a rerun may replace the map inside it.
    """
    deadline = time.monotonic() + timeout_s
    reading: dict[str, Any] = {}
    while time.monotonic() < deadline:
        try:
            reading = map_frame(page, 5_000).evaluate(VISIBLE_COUNT_JS)
        except Exception as exc:  # the frame may be swapped mid-read by a rerun
            reading = {"error": str(exc)}
        if reading.get("total") == expected and not reading.get("animating"):
            return reading
        page.wait_for_timeout(150)
    return reading


def reveal_and_click(page: Any, station_id: str, max_clicks: int = 20) -> Any:
    """Click clusters as a reader would (each zooms in, or spiderfies at max zoom) until the
    station's own pin shows, then click the pin, once. Returns the map frame.

    A pin is clicked once only: a click the map loses is a bug of the map (see
    test_a_pin_pressed_in_a_map_partly_below_the_fold_opens_its_popup_and_the_page_stays_put),
    not something to click again."""
    frame = map_frame(page)
    for _ in range(max_clicks):
        bring_map_into_view(page)
        frame.wait_for_function(
            f"(id) => {{ const s = ({LOCATE_JS})(id).state; return s !== 'animating' && s !== 'no-map'; }}",
            arg=station_id,
            timeout=30_000,
        )
        where = frame.evaluate(LOCATE_JS, station_id)
        if where["state"] in ("edge", "off-screen"):  # drag it into the open part of the map
            frame.evaluate(CENTRE_ON_JS, station_id)
            continue
        assert where["state"] in ("pin", "cluster"), where
        target = frame.locator("[data-e2e-target='1']")
        if where["point"] is None:  # covered by a neighbour: zoom in with the control instead
            frame.evaluate(ARM_JS)
            frame.locator(".leaflet-control-zoom-in").click()
            frame.wait_for_function(SETTLED_JS, timeout=10_000)
            continue
        if where["state"] == "pin":
            target.hover(position=where["point"])
            target.click(position=where["point"])
            return frame
        frame.evaluate(ARM_JS)
        target.click(position=where["point"])
        frame.wait_for_function(SETTLED_JS, timeout=10_000)
    raise AssertionError(f"{station_id} still clustered after {max_clicks} clicks")


def bring_map_into_view(page: Any) -> None:
    """Scroll the whole map into the viewport before clicking in it, as a reader does.

    Not a condition for a click to count: a press on the map no longer scrolls the page (the
    map once focused itself with a scroll that moved it 84-163 px under the pointer at
    1280x900, so the release missed the pin; see
    test_a_pin_pressed_in_a_map_partly_below_the_fold_opens_its_popup_and_the_page_stays_put).
    """
    iframe = page.locator(MAP_IFRAME)
    iframe.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    page.wait_for_function(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                      return r.top >= 0 && r.bottom <= window.innerHeight; }""",
        arg=MAP_IFRAME,
        timeout=5_000,
    )
