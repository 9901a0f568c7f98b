"""Citing, file names, corrections and the timeline legend in the real page (Streamlit server on
loopback + headless Chromium): what the AppTest cannot see, such as the browser's own address
in the citation and the name the browser saves a download under."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from stations.data import datapackage, vocab
from stations.view import citation
from tests.support.browser import SCREENSHOTS, RequestLog, streamlit_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = json.loads((ROOT / "data" / datapackage.PACKAGE_FILE).read_text(encoding="utf-8"))
VERSION = PACKAGE["version"]
IN_NAME = VERSION.replace(".", "-")  # a file name keeps letters, digits, - and _


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    env = {"STATION_MAP_TILES": "none", citation.REPOSITORY_ENV: "https://git.example/newsroom/tracker"}
    with streamlit_server(ROOT / "app.py", env=env) as base:
        yield base


def shot(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"e2e_{name}.png"


def open_page(browser: Any, url: str, width: int = 1400, height: int = 1000) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    context.set_default_timeout(60_000)
    RequestLog().attach(context)  # loopback only
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    return page


def test_cite_box_is_first_and_cites_the_address_the_reader_uses(chromium_browser: Any, app_url: str) -> None:
    page = open_page(chromium_browser, f"{app_url}Data_and_sources?country=IT,NL")
    try:
        heading = page.get_by_role("heading", name="Cite this")
        heading.wait_for()
        assert heading.bounding_box()["y"] < 1000 / 2  # at the top, not 7,500 px down
        box = page.locator(".st-key-cite_this")
        cited = box.get_by_role("textbox", name="Suggested citation")
        cited.wait_for()
        link = box.get_by_role("textbox", name="Link to the view you are citing").input_value()
        text = cited.input_value()
        assert link == f"{app_url}?country=IT%2CNL"  # as the address bar spells it
        assert f"version {VERSION}" in text and link in text and "CC BY 4.0" in text
        licence = box.get_by_role("link", name="CC BY 4.0", exact=True)
        assert licence.get_attribute("href") == citation.DATA_LICENCE.url
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        box.get_by_role("button", name="Copy citation: Suggested citation").click()
        box.get_by_role("status").filter(has_text="Copied to the clipboard.").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == text
        assert box.get_by_test_id("stCode").count() == 0  # no syntax highlighter on this page
        page.screenshot(path=str(shot("cite_box")))
        with page.expect_download() as download:
            page.get_by_role("button", name="Download stations.csv").click()
        assert download.value.suggested_filename == f"110-overseas_stations_v{IN_NAME}.csv"
    finally:
        page.context.close()


def test_a_view_downloads_under_a_name_that_says_what_it_holds(chromium_browser: Any, app_url: str) -> None:
    page = open_page(chromium_browser, f"{app_url}?country=IT&bureau=qingtian")
    try:
        button = page.get_by_role("button", name=re.compile(r"Download these .* \(CSV\)"))
        button.scroll_into_view_if_needed()
        with page.expect_download() as download:
            button.click()
        assert (
            download.value.suggested_filename
            == f"110-overseas_stations_country-IT_bureau-qingtian_v{IN_NAME}.csv"
        )
    finally:
        page.context.close()


def test_a_station_links_to_its_prefilled_correction_form(chromium_browser: Any, app_url: str) -> None:
    page = open_page(chromium_browser, f"{app_url}?station=NL-rotterdam-1")
    try:
        link = page.get_by_role("link", name=re.compile("Suggest a correction"))
        link.wait_for()
        query = parse_qs(urlsplit(link.get_attribute("href")).query)
        assert query["row_id"] == ["NL-rotterdam-1"]
        assert query["link"] == [f"{app_url}?station=NL-rotterdam-1"]
        assert link.get_attribute("target") == "_blank"
    finally:
        page.context.close()


def test_timeline_shows_a_legend_of_every_class_in_view(chromium_browser: Any, app_url: str) -> None:
    page = open_page(chromium_browser, f"{app_url}Government_responses", height=2400)
    try:
        chart = page.get_by_test_id("stVegaLiteChart").first
        chart.locator("svg.marks").wait_for()
        page.wait_for_function("document.fonts.status === 'loaded'")
        texts = chart.evaluate("e => [...e.querySelectorAll('svg text')].map(t => t.textContent)")
        assert "Action (strongest first)" in texts
        responses = (ROOT / "data" / "responses.csv").read_text(encoding="utf-8")
        present = [vocab.ACTION_LABELS[a] for a in vocab.ACTION_TYPES if f",{a}," in responses]
        assert [t for t in texts if t in present] == present
        chart.screenshot(path=str(shot("responses_timeline")))
    finally:
        page.context.close()


@pytest.mark.parametrize(("width", "height"), [(700, 600), (700, 900)])
def test_embed_in_an_article_iframe_is_map_first(
    chromium_browser: Any, app_url: str, width: int, height: int
) -> None:
    """An article's iframe of ?embed=true: the map fills most of the frame at any height, the
    summary line and the credit line both show inside it, and nothing else does."""
    # The article is served from loopback too: Chromium blocks a loopback frame in a page of
    # another address space (local network access checks).
    page = open_page(chromium_browser, f"{app_url}_stcore/health", width=width + 100, height=height + 100)
    try:
        page.set_content(
            f'<body style="margin:20px"><iframe id="embed" src="{app_url}?embed=true&country=FR" '
            f'width="{width}" height="{height}" style="border:0"></iframe></body>'
        )
        frame = page.frame_locator("#embed")
        map_frame = frame.locator('iframe[src*="/component/streamlit_folium.st_folium/"]')
        leaflet = frame.frame_locator('iframe[src*="/component/streamlit_folium.st_folium/"]')
        leaflet.locator(".leaflet-marker-icon").first.wait_for()
        box = page.locator("#embed").bounding_box()
        inside = leaflet.locator(".leaflet-container").bounding_box()
        assert inside["height"] >= 0.8 * height and inside["width"] >= 0.95 * width, inside
        assert map_frame.bounding_box()["height"] >= inside["height"] - 1  # the map fills its frame
        for line in (frame.locator(".st-key-embed_lines"), frame.locator(".st-key-embed_credit")):
            shown = line.bounding_box()
            assert box["y"] <= shown["y"] and shown["y"] + shown["height"] <= box["y"] + box["height"] + 1
        assert frame.locator(".st-key-embed_lines").inner_text() == "12 stations in France"
        credit = frame.locator(".st-key-embed_credit")
        assert "Safeguard Defenders" in credit.inner_text() and "CC BY 4.0" in credit.inner_text()
        full = credit.get_by_role("link", name="Full map, filters and sources")
        assert full.get_attribute("href") == f"{app_url}?country=FR"
        assert full.get_attribute("target") == "_blank"
        assert not frame.locator('section[data-testid="stSidebar"]').is_visible()
        assert not frame.get_by_role("heading").count()
        page.screenshot(path=str(shot(f"embed_{width}x{height}")))
    finally:
        page.context.close()


_MAP = "Object.values(window).find(v => { try { return v instanceof L.Map; } catch (e) { return false; } })"
#: Whether every station of the view lies inside the map's visible bounds, with the map's size.
_FITTED_JS = f"""() => {{
  const map = {_MAP};
  const c = JSON.parse(document.getElementById("station-table").textContent).columns;
  const view = map.getBounds();
  return {{inside: c.lat.every((lat, i) => view.contains([lat, c.lon[i]])),
           size: [map.getSize().x, map.getSize().y], zoom: map.getZoom()}};
}}"""


#: Records, in the map's frame, each layout change the map's layout watch handled (a resize, or
#: the controls taking other room): the map's height and zoom once every "stationlayout"
#: listener (the layer's re-fit among them, added earlier) ran.
_RECORD_LAYOUTS_JS = f"""() => {{
  const map = {_MAP};
  window.__layouts = [];
  window.__recordSince = performance.now();
  map.on("stationlayout", e => {{
    window.__layouts.push({{height: map.getSize().y, zoom: map.getZoom(), readerMoved: e.readerMoved, resized: e.resized,
                            t: performance.now()}});
  }});
}}"""
#: The layout changes handled after the ``n`` already recorded, once a resize to more than
#: ``height`` px is among them and the last one handled is the map's present size.
_LAYOUTS_AFTER_JS = f"""([n, height]) => {{
  const seen = (window.__layouts || []).slice(n), last = seen[seen.length - 1];
  return seen.some(l => l.resized && l.height > height) && last.height === {_MAP}.getContainer().clientHeight ? seen : null;
}}"""
#: No layout change handled for the last second (none since recording began, or the last one
#: a second ago).
_LAYOUT_QUIET_JS = """() => performance.now() - Math.max(window.__recordSince,
  ...window.__layouts.map(l => l.t)) > 1000"""
#: Two animation frames: the layout watch's ResizeObserver reports a layout in the frame that
#: laid it out, so any change the resize caused (the credits wrapping) has been handled by then.
_TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _handled_resizes(frame: Any, n: int, height: int) -> list[dict[str, Any]]:
    """Wait until the layout watch has handled the resize to more than ``height`` px and what it
    caused (the layer has then re-fitted, or decided not to); what it recorded since the ``n``-th."""
    frame.wait_for_function(_LAYOUTS_AFTER_JS, arg=[n, height], timeout=30_000)
    frame.evaluate(_TWO_FRAMES_JS)
    return frame.wait_for_function(_LAYOUTS_AFTER_JS, arg=[n, height], timeout=30_000).json_value()


def _fitted_when(frame: Any, condition: str, what: str) -> None:
    """Wait up to 30 s until ``condition`` (JavaScript on ``r``, what _FITTED_JS returns) holds;
    on a timeout, fail saying what the map showed and which layout changes it handled."""
    try:
        frame.wait_for_function(
            f"() => {{ const r = ({_FITTED_JS})(); return {condition}; }}", timeout=30_000
        )
    except PlaywrightTimeout:
        shown = frame.evaluate(f"() => [({_FITTED_JS})(), window.__layouts]")
        raise AssertionError(
            f"{what}: the map showed {shown[0]} after the layout changes {shown[1]}"
        ) from None


def test_embed_refits_to_its_stations_when_its_frame_is_resized(chromium_browser: Any, app_url: str) -> None:
    """The article's frame grows taller: the map takes the new size and is fitted to its
    stations again (the Netherlands and South Africa, far apart north to south, get a closer
    zoom in a taller frame); once the reader has zoomed, a resize keeps the reader's view."""
    page = open_page(chromium_browser, f"{app_url}?embed=true&country=NL,ZA", width=700, height=600)
    try:
        leaflet = page.frame_locator('iframe[src*="/component/streamlit_folium.st_folium/"]')
        leaflet.locator(".leaflet-marker-icon").first.wait_for()
        frame = next(f for f in page.frames if "st_folium" in f.url)
        frame.evaluate(_RECORD_LAYOUTS_JS)
        # The first fit is the one made once the controls take their final room: leaflet.css
        # laid them out, the web fonts the credit is set in arrived (its wrapping depends on
        # them) and, where there is a basemap, its credit is in the attribution (added once its
        # place names have arrived). A fit before that knew other room and is done again then.
        # Measured once the map's layout has been still for a second.
        frame.wait_for_function(
            f"() => {{ const m = {_MAP}, b = m._stationBasemap; "
            'return m.controlsStyled() && document.fonts.status === "loaded" '
            "&& (!b || (b.state.pending === 0 && m.hasLayer(b.labels))); }",
            timeout=30_000,
        )
        frame.wait_for_function(_LAYOUT_QUIET_JS, timeout=30_000)
        first = frame.evaluate(_FITTED_JS)
        assert first["inside"], first
        page.set_viewport_size({"width": 700, "height": 900})
        _fitted_when(
            frame, f"r.size[1] > 700 && r.inside && r.zoom > {first['zoom']}", f"taller than {first}"
        )
        # The positive control: the signal waited for below, a handled resize, came with the
        # re-fit here.
        taller = _handled_resizes(frame, 0, 700)
        assert not any(t["readerMoved"] for t in taller) and taller[-1]["zoom"] > first["zoom"], taller
        page.set_viewport_size({"width": 700, "height": 600})
        _fitted_when(frame, f"r.size[1] < 600 && r.inside && r.zoom == {first['zoom']}", f"back to {first}")
        # The reader zooms in, closer than a re-fit in the taller frame would (so a re-fit shows
        # in the zoom): a later resize leaves their view alone.
        refit_zoom = taller[-1]["zoom"]
        assert refit_zoom < frame.evaluate(f"{_MAP}.getMaxZoom()"), taller
        while (zoom := frame.evaluate(f"{_MAP}.getZoom()")) <= refit_zoom:
            frame.locator(".leaflet-control-zoom-in").click()
            frame.wait_for_function(
                f"() => {{ const m = {_MAP}; return m.getZoom() > {zoom} && !m._animatingZoom; }}"
            )
        handled = frame.evaluate("window.__layouts.length")
        page.set_viewport_size({"width": 700, "height": 900})
        resized = _handled_resizes(frame, handled, 700)
        assert all(r["readerMoved"] and r["zoom"] == zoom for r in resized), resized
        assert frame.evaluate(f"{_MAP}.getZoom()") == zoom
    finally:
        page.context.close()
