"""The map read with a keyboard, a screen reader, axe-core and a phone, in real Chromium.

One Streamlit server for the module (committed data, no tiles). axe-core (tests/vendor, see
static/vendor/SOURCES.md) runs inside the map's iframe and on the page around it; the map must
have no serious or critical violation. The page's one exception is Streamlit's own: its caption
colour (``st.caption``, ``[data-testid=stCaptionContainer]``) is below 4.5:1 on white.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from stations.map import mapping
from stations.web import narrow, station_map
from tests.support.browser import MAP_IFRAME, ROOT, RequestLog, streamlit_server, wait_for_markers
from tests.support.map_browser import PAINTED_JS

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

APP = ROOT / "app.py"
AXE = ROOT / "tests" / "vendor" / "axe-core@4.11.0" / "axe.min.js"
TIMEOUT_MS = 60_000
PINS = ".station-cluster, .station-pin"

_MAP_JS = """(() => Object.values(window).find(v => { try { return v instanceof L.Map; } catch (e) { return false; } }))()"""
_AXE_RUN = """async () => {
  const r = await axe.run(document, {iframes: false, resultTypes: ["violations"]});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html}))}));
}"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(APP, env={"STATION_MAP_TILES": "none"}) as base:
        yield base


def _open(chromium_browser: object, url: str, **options: object) -> tuple[object, object, object]:
    context = chromium_browser.new_context(**{"viewport": {"width": 1400, "height": 1000}, **options})
    context.set_default_timeout(TIMEOUT_MS)
    RequestLog().attach(context)
    page = context.new_page()
    page.goto(url)
    frame = wait_for_markers(page, PINS, timeout_ms=TIMEOUT_MS)
    # Read once the map has stopped moving: a cluster fading in after a fit is half transparent,
    # and its count would be judged against what shows through it.
    frame.wait_for_function(PAINTED_JS, timeout=TIMEOUT_MS)
    return context, page, frame


def _axe(frame: object) -> list[dict]:
    frame.evaluate(AXE.read_text("utf-8"))
    return frame.evaluate(_AXE_RUN)


def _serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_violation_in_the_map_or_around_it(
    chromium_browser: object, server: str
) -> None:
    context, page, frame = _open(chromium_browser, server)
    try:
        assert _serious(_axe(frame)) == []
        around = _serious(_axe(page))
        streamlit_caption = [
            v for v in around
            if v["id"] == "color-contrast" and all("stCaptionContainer" in n["target"] for n in v["nodes"])
        ]  # fmt: skip
        assert [v for v in around if v not in streamlit_caption] == []
    finally:
        context.close()


def test_iframe_has_a_meaningful_title(chromium_browser: object, server: str) -> None:
    context, page, frame = _open(chromium_browser, server)
    try:
        titles = page.eval_on_selector_all("iframe", "els => els.map(e => e.title)")
        assert "Map of reported overseas police stations" in titles
        assert "streamlit_folium.st_folium" not in titles
        # The map itself is a named region, and its frame lets the reader zoom the page.
        role, name = frame.locator(".leaflet-container").evaluate(
            "e => [e.getAttribute('role'), e.getAttribute('aria-label')]"
        )
        assert role == "region" and name.startswith("Map of reported overseas police stations")
        viewports = frame.eval_on_selector_all("meta[name=viewport]", "els => els.map(e => e.content)")
        assert viewports and not any("user-scalable=no" in v or "maximum-scale" in v for v in viewports)
    finally:
        context.close()


def test_markers_and_clusters_are_named_and_country_shapes_are_no_tab_stops(
    chromium_browser: object, server: str
) -> None:
    context, page, frame = _open(chromium_browser, server)
    try:
        names = frame.eval_on_selector_all(PINS, "els => els.map(e => e.getAttribute('aria-label') || '')")
        assert names and all(names)
        clusters = frame.eval_on_selector_all(
            ".station-cluster", "els => els.map(e => [e.textContent, e.getAttribute('aria-label')])"
        )
        assert clusters, "the world view has clusters"
        for count, name in clusters:
            found = re.fullmatch(r"Cluster of (\d+) stations: (.+)\. Press Enter to zoom in\.", name)
            assert found and found.group(1) == count, name
            assert sum(int(part.split(" ")[0]) for part in found.group(2).split(", ")) == int(count)
        pins = frame.eval_on_selector_all(".station-pin", "els => els.map(e => e.getAttribute('aria-label'))")
        assert all(re.fullmatch(r".+: (.+ bureau|bureau unknown)", p) for p in pins), pins
        # Every shape is out of the Tab order: the first Tab from the map itself reaches a marker.
        shapes = frame.eval_on_selector_all("path.leaflet-interactive", "els => els.map(e => e.tabIndex)")
        assert shapes and set(shapes) == {-1}
        frame.focus(".leaflet-container")
        page.keyboard.press("Tab")
        first = frame.evaluate("document.activeElement.getAttribute('class') || ''")
        assert "station-cluster" in first or "station-pin" in first, first
    finally:
        context.close()


def test_enter_on_a_focused_marker_opens_it_and_selects_the_station(
    chromium_browser: object, server: str
) -> None:
    context, page, frame = _open(chromium_browser, server + "?country=IT")
    try:
        frame.wait_for_function("document.querySelectorAll('.station-pin').length > 0")
        pin = frame.locator(".station-pin").first
        name = pin.get_attribute("aria-label")
        pin.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"[?&]station=IT-"), timeout=TIMEOUT_MS)
        frame = wait_for_markers(page, PINS, timeout_ms=TIMEOUT_MS)
        heading = frame.locator(".leaflet-popup .station-popup h4")
        heading.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert name.startswith(heading.text_content())
    finally:
        context.close()


def _rgb(css: str) -> str:
    parts = [int(float(x)) for x in re.findall(r"[\d.]+", css)[:3]]
    return "#" + "".join(f"{p:02x}" for p in parts)


def test_pin_letters_reach_4_5_to_1_as_drawn(chromium_browser: object, server: str) -> None:
    context, _, frame = _open(chromium_browser, server + "?country=IT,FR,ES,NL,GB,CA,US,DE")
    try:
        # Closer in, where the clusters have split into single pins of every bureau in view.
        for _ in range(4):
            if frame.evaluate("document.querySelectorAll('.station-pin:not(.unpublished)').length > 8"):
                break
            frame.evaluate(f"{_MAP_JS}.setZoom({_MAP_JS}.getZoom() + 1, {{animate: false}})")
            frame.wait_for_function("() => !document.querySelector('.leaflet-cluster-anim')")
        drawn = frame.eval_on_selector_all(
            ".station-pin:not(.unpublished) span",
            "els => els.map(e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor])",
        )
        assert drawn
        for ink, fill in drawn:
            assert mapping.contrast_ratio(_rgb(ink), _rgb(fill)) >= 4.5, (ink, fill)
    finally:
        context.close()


def test_clusters_show_their_bureau_mix_and_the_legend_explains_it(
    chromium_browser: object, server: str
) -> None:
    context, page, frame = _open(chromium_browser, server)
    try:
        frame.wait_for_function(
            "() => document.querySelectorAll('.station-cluster-ring').length > 1"
            " && !document.querySelector('.leaflet-cluster-anim')"
        )
        rings = frame.eval_on_selector_all(
            ".station-cluster-ring", "els => els.map(e => getComputedStyle(e).backgroundImage)"
        )
        assert rings and all(r.startswith("conic-gradient") for r in rings)
        assert any(len(set(re.findall(r"rgb\([^)]*\)", r))) > 1 for r in rings), "no cluster shows a mix"
        legend = frame.locator(".station-legend")
        assert legend.evaluate("d => d.open"), "the legend is open on a desktop"
        text = legend.text_content()
        for needed in (
            "Cluster",
            "Location not published",
            "Country",
            # the bureaus with stations in the data ("Other" has none, so it is not listed)
            "Fuzhou",
            "Qingtian",
            "Nantong",
            "Wenzhou",
        ):
            assert needed in text, needed
        letters = frame.eval_on_selector_all(".station-legend i.pin", "els => els.map(e => e.textContent)")
        assert {"F", "Q", "N", "W", "?"} <= set(letters)
        covered = frame.evaluate(
            """() => {
              const l = document.querySelector(".station-legend").getBoundingClientRect();
              return [...document.querySelectorAll(".station-pin, .station-cluster")]
                .map(e => [e.getAttribute("aria-label"), e.getBoundingClientRect()])
                .filter(([, r]) => r.width && r.left < l.right && r.right > l.left
                                   && r.top < l.bottom && r.bottom > l.top)
                .map(([name]) => name);
            }"""
        )
        assert covered == [], f"the open legend covers {covered}"
        # Each country class has its own look (fill and outline style), as drawn on the map.
        looks = frame.eval_on_selector_all(
            ".station-legend i.sq",
            "els => els.map(e => { const s = getComputedStyle(e); return s.backgroundColor + ' ' + s.borderTopStyle; })",
        )
        assert len(looks) == len(set(looks)) > 0, looks
        drawn = frame.evaluate(
            f"""() => Object.values({_MAP_JS}._layers).filter(l => l.feature).map(l => {{
                  const s = getComputedStyle(l.getElement());
                  return [s.fill, s.fillOpacity, s.strokeDasharray]; }})"""
        )
        assert len({(fill, dash) for fill, opacity, dash in drawn if float(opacity) > 0}) >= 3, drawn
    finally:
        context.close()


#: The page's main blocks as laid out: test id, CSS order, top, height, first words, and whether
#: the block holds the map; printed when the phone layout is not the expected one.
_MAIN_BLOCKS_JS = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]');
  const styled = [...document.querySelectorAll("style")].some(s => s.textContent.includes('[data-testid="stColumn"]:first-child'));
  return {narrowStylesheet: styled, scrollY: window.scrollY, blocks: [...main.children].map(c => {
    const r = c.getBoundingClientRect();
    return [c.getAttribute("data-testid"), getComputedStyle(c).order, Math.round(r.top), Math.round(r.height),
            (c.innerText || "").slice(0, 30), Boolean(c.querySelector("iframe"))]; })};
}"""

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def test_phone_shows_the_map_above_the_fold_and_a_labelled_filter_button(
    chromium_browser: object, server: str
) -> None:
    context, page, frame = _open(chromium_browser, server, **PHONE)
    try:
        top = page.locator(MAP_IFRAME).bounding_box()["y"]
        assert top < 844 / 2, (top, page.evaluate(_MAIN_BLOCKS_JS))
        toggle = page.locator('[data-testid="stExpandSidebarButton"]')
        label = toggle.evaluate("b => getComputedStyle(b, '::after').content")
        assert label == '"Filters"' and toggle.get_attribute("aria-label")
        assert not frame.locator(".station-legend").evaluate("d => d.open"), "legend folded on a phone"
    finally:
        context.close()


#: Recorded in the page from its first paint: at each DOM change and animation frame where the
#: page's stylesheet is in and the map's area and the "Stations" metric are both laid out, their
#: tops and whether the map's frame exists yet.
_LAYOUT_RECORDER = """(() => {
  if (window !== window.top) return;
  window.__layout = [];
  // The page's stylesheet is itself an element whose code Streamlit loads: layouts from before
  // it is in the document are Streamlit's default order, not the page's.
  const styled = () => [...document.querySelectorAll("style")].some(s => s.textContent.includes('[data-testid="stColumn"]:first-child'));
  const look = () => {
    const area = document.querySelector(".st-key-AREA");
    const metric = document.querySelector('[data-testid="stMetric"]');
    if (!area || !metric || !styled()) return;
    const a = area.getBoundingClientRect(), m = metric.getBoundingClientRect();
    if (!a.height || !m.height) return;
    const entry = [Math.round(a.top), Math.round(m.top), Boolean(area.querySelector("iframe"))];
    const last = window.__layout[window.__layout.length - 1];
    if (!last || last.join() !== entry.join()) window.__layout.push(entry);
  };
  new MutationObserver(look).observe(document, {childList: true, subtree: true, attributes: true});
  const frame = () => { look(); if (window.__layout.length < 500) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})()"""


def test_phone_keeps_the_map_s_place_at_the_top_from_the_first_paint(
    chromium_browser: object, server: str
) -> None:
    """The map's place on a phone is taken by its container from the first paint, not when the
    map's frame arrives: the map's area is above the metrics in every recorded layout of the
    load, so the page does not jump when the map comes. (With the order keyed on the map's
    iframe, a layout with the area 600 px down, below the metrics, was recorded before the
    frame was created; whether a load shows that moment depends on when the frame's code
    arrives.)"""
    context = chromium_browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    RequestLog().attach(context)
    context.add_init_script(_LAYOUT_RECORDER.replace("AREA", narrow.MAP_AREA_KEY))
    try:
        page = context.new_page()
        page.goto(server)
        wait_for_markers(page, PINS, timeout_ms=TIMEOUT_MS)
        layouts = page.evaluate("window.__layout")
        assert layouts, "the map's area and the metrics were laid out"
        assert all(area < metric and area < 844 / 2 for area, metric, _ in layouts), layouts
    finally:
        context.close()


#: Recorded in the page from its first paint: the top of the heading under the map, each time it
#: changes once the map's frame and the page's stylesheet are in; and each height the map's
#: component asks for its frame (Streamlit's component message).
_HEADING_RECORDER = """(() => {
  if (window !== window.top) return;
  window.__heading = [];
  window.__frameHeights = [];
  window.addEventListener("message", e => {
    if (e.data && e.data.type === "streamlit:setFrameHeight") window.__frameHeights.push(e.data.height);
  });
  const styled = () => [...document.querySelectorAll("style")].some(s => s.textContent.includes('[data-testid="stColumn"]:first-child'));
  const look = () => {
    if (!document.querySelector('iframe[src*="st_folium"]') || !styled()) return;
    const h = [...document.querySelectorAll("h2")].find(e => e.textContent.includes("Stations in this view"));
    if (!h) return;
    const top = Math.round(h.getBoundingClientRect().top + window.scrollY);
    if (window.__heading[window.__heading.length - 1] !== top) window.__heading.push(top);
  };
  new MutationObserver(look).observe(document, {childList: true, subtree: true, attributes: true});
  const frame = () => { look(); if (window.__heading.length < 200) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})()"""


def test_nothing_below_the_map_jumps_while_the_map_arrives(chromium_browser: object, server: str) -> None:
    """The map's column has the map's height from the first paint: while Streamlit swaps its
    placeholder for the map's frame and the component sizes that frame, the table's heading
    below stays where it is (it jumped by 310 px and back when the column followed the frame)."""
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    RequestLog().attach(context)
    context.add_init_script(_HEADING_RECORDER)
    try:
        page = context.new_page()
        page.goto(server)
        frame = wait_for_markers(page, PINS, timeout_ms=TIMEOUT_MS)
        frame.wait_for_function("() => document.querySelector('.leaflet-container').offsetHeight > 400")
        # The component has sized its frame: the last height it asked for is the frame's, and the
        # recorder has looked at the heading since (a frame later).
        page.wait_for_function(
            """(sel) => { const asked = window.__frameHeights, f = document.querySelector(sel);
                          return asked.length > 0 && f && f.getBoundingClientRect().height === asked[asked.length - 1]; }""",
            arg=MAP_IFRAME,
        )
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        tops = page.evaluate("window.__heading")
        assert tops and max(tops) - min(tops) <= 2, tops
        box = page.locator(MAP_IFRAME).bounding_box()
        assert box["height"] == station_map.HEIGHT, box
    finally:
        context.close()


_CENTRE_JS = f"(() => {{ const c = {_MAP_JS}.getCenter(); return [c.lat, c.lng]; }})()"


def _swipe(cdp: object, points: list[tuple[float, float]], dy: float, steps: int = 10) -> None:
    """Touch the screen with ``points`` (one per finger) and move them all up by ``dy`` px."""

    def at(k: int) -> list[dict]:
        return [{"x": x, "y": y - dy * k / steps, "id": n} for n, (x, y) in enumerate(points)]

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": at(0)})
    for k in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": at(k)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def _settled_top(page: object) -> float:
    """The map iframe's top once the page has stopped scrolling (a fling runs on after a swipe)."""
    last = None
    for _ in range(50):  # bounded poll
        top = page.locator(MAP_IFRAME).bounding_box()["y"]
        if top == last:
            return top
        last = top
        time.sleep(0.15)
    return last


def _ocean_point(frame: object) -> tuple[float, float]:
    """A point of the map (in the frame) on no shape, marker or control: the open sea."""
    point = frame.evaluate(
        """() => { const r = document.querySelector(".leaflet-container").getBoundingClientRect();
             for (const fy of [0.75, 0.7, 0.8, 0.65, 0.6, 0.85]) for (const fx of [0.5, 0.4, 0.6, 0.3, 0.7]) {
               const x = r.left + fx * r.width, y = r.top + fy * r.height;
               const e = document.elementFromPoint(x, y);
               if (e && !e.closest(".leaflet-interactive, .leaflet-marker-icon, .leaflet-control")) { return [x, y]; }
             } return null; }"""
    )
    assert point, "the map shows open sea somewhere"
    return point[0], point[1]


def test_phone_one_finger_swipe_scrolls_the_page_and_two_fingers_move_the_map(
    chromium_browser: object, server: str
) -> None:
    """leaflet-gesture-handling on a phone: a one-finger swipe over the map scrolls the page,
    even after a tap on the map, and says in English how to move it; two fingers pan."""
    context, page, frame = _open(chromium_browser, server, **PHONE)
    try:
        box = page.locator(MAP_IFRAME).bounding_box()
        x, y = _ocean_point(frame)
        page.touchscreen.tap(box["x"] + x, box["y"] + y)  # a tap first: the map must not keep the next swipe
        centre = frame.evaluate(_CENTRE_JS)
        cdp = context.new_cdp_session(page)
        _swipe(cdp, [(box["x"] + x, box["y"] + y)], 250)
        moved = None
        for _ in range(50):  # scrolling settles within a few frames; bounded poll, no timing asserted
            moved = box["y"] - page.locator(MAP_IFRAME).bounding_box()["y"]
            if moved > 100:
                break
            time.sleep(0.1)
        assert moved > 100, f"the page scrolled {moved}px"
        assert frame.evaluate(_CENTRE_JS) == centre
        container = frame.locator(".leaflet-container")
        assert (
            container.get_attribute("data-gesture-handling-touch-content")
            == "Use two fingers to move the map"
        )
        _settled_top(page)
        page.locator(MAP_IFRAME).evaluate("e => e.scrollIntoView({block: 'center'})")
        _settled_top(page)
        box = page.locator(MAP_IFRAME).bounding_box()
        mid_x, mid_y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.6
        _swipe(cdp, [(mid_x - 60, mid_y), (mid_x + 60, mid_y)], 120)
        frame.wait_for_function(
            f"(c) => {{ const n = {_CENTRE_JS}; return n[0] !== c[0] || n[1] !== c[1]; }}", arg=centre
        )
        assert page.locator(MAP_IFRAME).bounding_box()["y"] == box["y"], "two fingers scrolled the page"
        # And after two fingers, one finger scrolls the page again.
        centre = frame.evaluate(_CENTRE_JS)
        _swipe(cdp, [(mid_x, mid_y)], 200)
        page.wait_for_function(
            f"() => document.querySelector('{MAP_IFRAME}').getBoundingClientRect().y < {box['y'] - 100}"
        )
        assert frame.evaluate(_CENTRE_JS) == centre
    finally:
        context.close()


def test_desktop_wheel_scrolls_the_page_and_ctrl_wheel_zooms_the_map(
    chromium_browser: object, server: str
) -> None:
    """With a mouse, a plain wheel turn over the map scrolls the page and says, legibly, how to
    zoom (ctrl + scroll, or the +/- buttons); ctrl + wheel zooms, as in an embedded news map."""
    context, page, frame = _open(chromium_browser, server, viewport={"width": 1366, "height": 768})
    try:
        page.locator(MAP_IFRAME).scroll_into_view_if_needed()
        box = page.locator(MAP_IFRAME).bounding_box()
        x, y = _ocean_point(frame)
        zoom = frame.evaluate(f"{_MAP_JS}.getZoom()")
        page.mouse.move(box["x"] + x, box["y"] + y)
        top = box["y"]
        page.mouse.wheel(0, 200)
        container = frame.locator(".leaflet-container.leaflet-gesture-handling-scroll-warning")
        container.wait_for(state="attached")
        message = container.evaluate("e => getComputedStyle(e, '::after').content")
        assert message == '"Use ctrl + scroll to zoom the map"'
        ink, shade = container.evaluate(
            "e => { const s = getComputedStyle(e, '::after'); return [s.color, s.backgroundColor]; }"
        )
        alpha = float(re.findall(r"[\d.]+", shade)[3])
        # The shade over the lightest ground there is (white): what the reader sees behind the text.
        seen = "#" + f"{round(255 * (1 - alpha)):02x}" * 3
        assert _rgb(ink) == "#ffffff" and mapping.contrast_ratio("#ffffff", seen) >= 7, (ink, shade)
        page.wait_for_function(  # the page scrolled (Streamlit scrolls an inner element, not the window)
            f"() => document.querySelector('{MAP_IFRAME}').getBoundingClientRect().y < {top - 50}"
        )
        assert frame.evaluate(f"{_MAP_JS}.getZoom()") == zoom, "a plain wheel turn zoomed the map"
        box = page.locator(MAP_IFRAME).bounding_box()
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.keyboard.down("Control")
        try:
            page.mouse.wheel(0, -300)
            frame.wait_for_function(f"() => {_MAP_JS}.getZoom() > {zoom}")
        finally:
            page.keyboard.up("Control")
    finally:
        context.close()


_COUNTRY_POINT_JS = """(iso2) => {
  const map = __MAP__;
  const shape = Object.values(map._layers).find(l => l.feature && l.feature.properties.iso2 === iso2);
  if (!shape) { return null; }
  const path = shape.getElement();
  const r = path.getBoundingClientRect();
  for (const fy of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
    for (const fx of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
      const x = r.left + fx * r.width, y = r.top + fy * r.height;
      if (document.elementFromPoint(x, y) === path) { return {x, y}; }
    }
  }
  return null;
}""".replace("__MAP__", _MAP_JS)


def test_clicking_a_country_filters_the_view_to_it(chromium_browser: object, server: str) -> None:
    context, page, frame = _open(chromium_browser, server)
    try:
        # Once the map has settled (clusters placed, the fit done): a point of Australia that no
        # marker or control covers.
        page.locator(MAP_IFRAME).scroll_into_view_if_needed()
        point = frame.wait_for_function(f"() => ({_COUNTRY_POINT_JS})('AU')", timeout=15_000).json_value()
        box = page.locator(MAP_IFRAME).bounding_box()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        page.wait_for_url(re.compile(r"[?&]country=AU(&|$)"), timeout=TIMEOUT_MS)
        menu = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
        menu.get_by_text("Australia").wait_for(state="visible", timeout=TIMEOUT_MS)
        # The component's iframe is replaced on this rerun: wait for the one that shows the view.
        page.wait_for_function(
            """() => [...document.querySelectorAll("iframe[data-station-map]")].some(f => {
                 const names = [...f.contentDocument.querySelectorAll(".station-pin, .station-cluster")]
                   .map(e => e.getAttribute("aria-label"));
                 return f.getBoundingClientRect().height > 0 && names.length > 0
                   && names.every(n => /Australia|^Cluster/.test(n));
               })""",
            timeout=TIMEOUT_MS,
        )
    finally:
        context.close()


def test_enter_on_a_focused_cluster_zooms_into_it(chromium_browser: object, server: str) -> None:
    context, page, frame = _open(chromium_browser, server)
    try:
        frame.wait_for_function("() => document.querySelectorAll('.station-cluster').length > 0")
        zoom = frame.evaluate(f"{_MAP_JS}.getZoom()")
        frame.focus(".station-cluster")
        page.keyboard.press("Enter")
        frame.wait_for_function(f"() => {_MAP_JS}.getZoom() > {zoom}")
        # Focus goes to the first of the stations (or smaller clusters) the cluster revealed,
        # not to the map: the next Tab is the next of them.
        frame.wait_for_function(
            "() => { const a = document.activeElement; return a && a.matches('.station-pin, .station-cluster'); }"
        )
    finally:
        context.close()


def test_phone_popup_opens_clear_of_the_map_controls(chromium_browser: object, server: str) -> None:
    context, page, frame = _open(chromium_browser, server + "?country=IT", **PHONE)
    try:
        frame.wait_for_function("() => document.querySelectorAll('.station-pin').length > 0")
        # The pin nearest the top edge: its popup would open under the zoom buttons unpanned.
        top = frame.evaluate(
            """() => { const pins = [...document.querySelectorAll(".station-pin")];
                 pins.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
                 pins[0].setAttribute("data-top-pin", "1"); return pins[0].getAttribute("aria-label"); }"""
        )
        frame.locator("[data-top-pin]").tap()
        popup = frame.locator(".leaflet-popup")
        popup.wait_for(state="visible")
        frame.wait_for_function(f"() => !{_MAP_JS}._panAnim || !{_MAP_JS}._panAnim._inProgress")
        overlaps = frame.evaluate(
            """() => { const p = document.querySelector(".leaflet-popup-content-wrapper").getBoundingClientRect();
                 return [".leaflet-control-zoom", ".leaflet-control-layers"].filter(sel => {
                   const c = document.querySelector(sel).getBoundingClientRect();
                   return p.left < c.right && p.right > c.left && p.top < c.bottom && p.bottom > c.top; }); }"""
        )
        assert overlaps == [], f"the popup of {top} is under {overlaps}"
    finally:
        context.close()


def test_phone_filter_drawer_shows_the_count_and_closes_onto_the_map(
    chromium_browser: object, server: str
) -> None:
    """On a phone the filter drawer covers the page: after choosing countries (several: the
    drawer stays open between choices) a "Show N stations" button closes it onto the map, whose
    count and link are the chosen view's."""
    import csv

    with open(ROOT / "data" / "stations.csv", encoding="utf-8") as handle:
        wanted = sum(1 for row in csv.DictReader(handle) if row["iso2"] in ("FR", "IT"))
    context, page, _ = _open(chromium_browser, server, **PHONE)
    try:
        page.locator('[data-testid="stExpandSidebarButton"]').tap()
        sidebar = page.locator('section[data-testid="stSidebar"]')
        menu = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Host country")
        for name in ("Italy", "France"):
            menu.locator("input").click()
            page.keyboard.type(name)
            page.get_by_role("option", name=re.compile(rf"^{name}$")).click()
            page.keyboard.press("Escape")
            menu.locator("[data-tag]").filter(has_text=name).wait_for()
        page.wait_for_function("() => /[?&]country=(FR(,|%2C)IT|IT(,|%2C)FR)(&|$)/.test(location.search)")
        # The rerun replaces the map's iframe: wait for the one that shows the chosen view.
        page.wait_for_function(
            """() => [...document.querySelectorAll("iframe[data-station-map]")].some(f => {
                 const names = [...f.contentDocument.querySelectorAll(".station-pin, .station-cluster")]
                   .map(e => e.getAttribute("aria-label"));
                 return f.getBoundingClientRect().height > 0 && names.length > 0
                   && names.every(n => /France|Italy|^Cluster/.test(n));
               })""",
            timeout=TIMEOUT_MS,
        )
        button = sidebar.get_by_role("button", name=f"Show {wanted} stations")
        button.wait_for(state="visible")
        box = button.bounding_box()
        assert box["height"] >= 44 and box["y"] + box["height"] <= 844, box  # reachable by a thumb
        button.tap()
        page.wait_for_function(
            "() => { const s = document.querySelector('section[data-testid=\"stSidebar\"]');"
            " return s.getAttribute('aria-expanded') === 'false' || s.getBoundingClientRect().right <= 0; }"
        )
        # The map is on screen, its top at the top of the screen (to the pixel).
        page.wait_for_function(
            f"() => {{ const y = document.querySelector('{MAP_IFRAME}').getBoundingClientRect().y;"
            " return y >= -2 && y < 844 / 2; }"
        )
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="Stations").first
        assert metric.locator('[data-testid="stMetricValue"]').inner_text() == str(wanted)
        assert re.search(r"[?&]country=(FR(,|%2C)IT|IT(,|%2C)FR)(&|$)", page.url), page.url
    finally:
        context.close()


_COVERED_JS = """() => {
  const l = document.querySelector(".station-legend").getBoundingClientRect();
  return [...document.querySelectorAll(".station-pin, .station-cluster")]
    .map(e => [e.getAttribute("aria-label"), e.getBoundingClientRect()])
    .filter(([, r]) => r.width && r.left < l.right && r.right > l.left && r.top < l.bottom && r.bottom > l.top)
    .map(([name]) => name);
}"""


@pytest.mark.parametrize(
    ("name", "query", "options"),
    [
        ("laptop_1366x768", "", {"viewport": {"width": 1366, "height": 768}}),
        ("small_1024x768", "", {"viewport": {"width": 1024, "height": 768}}),
        ("desktop_1400x1000", "", {"viewport": {"width": 1400, "height": 1000}}),
        ("embed_700x600", "?embed=true", {"viewport": {"width": 700, "height": 600}}),
        ("phone_390x844", "", PHONE),
    ],
)
def test_the_legend_covers_no_station_at_any_size(
    chromium_browser: object, server: str, name: str, query: str, options: dict
) -> None:
    """Open where there is room, folded on a phone: either way no pin or cluster lies under it."""
    context, page, frame = _open(chromium_browser, server + query, **options)
    try:
        frame.wait_for_function("() => !document.querySelector('.leaflet-cluster-anim')")
        legend = frame.locator(".station-legend")
        size = frame.evaluate("() => [innerWidth, innerHeight]")
        # Open where the map has room for its strip (600x420, station-layer.js), else folded.
        assert legend.evaluate("d => d.open") == (size[0] >= 600 and size[1] >= 420), size
        if name.startswith("phone"):
            assert not legend.evaluate("d => d.open"), "folded on a phone"
        covered = frame.evaluate(_COVERED_JS)
        assert covered == [], f"{name} (map {size}): the legend covers {covered}"
    finally:
        context.close()
