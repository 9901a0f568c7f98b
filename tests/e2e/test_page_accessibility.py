"""The three pages read with axe-core and a screen reader's live region, and the share control
beside the map, in real Chromium at a laptop's 1366x768 and a phone's 390x844.

One Streamlit server for the module (committed data, no tiles). axe-core (tests/vendor, see
static/vendor/SOURCES.md) runs on each page around the map (the map's own frame has its test in
tests/e2e/test_map_accessibility.py): no serious or critical violation, and no ``heading-order``
(a moderate rule: the sidebar's headings came before the page's h1) and no empty table
header (a minor one: the table of stations by report and bureau had one). The one exception is
Streamlit's own caption colour (``st.caption``), below 4.5:1 on white.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from stations.data import load
from tests.support.browser import ROOT, RequestLog, streamlit_server, wait_for_markers

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

APP = ROOT / "app.py"
AXE = ROOT / "tests" / "vendor" / "axe-core@4.11.0" / "axe.min.js"
TIMEOUT_MS = 60_000
PINS = ".station-cluster, .station-pin"
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
SIZES = {"laptop": LAPTOP, "phone": PHONE}
PAGES = {"map": "", "responses": "Government_responses", "data": "Data_and_sources"}
LIVE = "#stations-live"
#: Rules below "serious" that the pages must pass all the same.
NAMED_RULES = ("heading-order", "empty-table-header")

_AXE_RUN = """async () => {
  const r = await axe.run(document, {iframes: false, resultTypes: ["violations"]});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200)}))}));
}"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(APP, env={"STATION_MAP_TILES": "none"}) as base:
        yield base


def _context(chromium_browser: object, size: str) -> object:
    context = chromium_browser.new_context(**SIZES[size])
    context.set_default_timeout(TIMEOUT_MS)
    RequestLog().attach(context)
    return context


def _ready(page: object, key: str) -> None:
    if key == "map":
        wait_for_markers(page, PINS, timeout_ms=TIMEOUT_MS)
    else:
        page.locator("h1").first.wait_for()
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=stDataFrame], [data-testid=stTable]').length > 0"
        )
    page.wait_for_timeout(1_500)  # the last elements of the run settle


def _counted_violations(violations: list[dict]) -> list[dict]:
    """Serious and critical ones and the named rules; less Streamlit's own caption colour."""
    kept = [v for v in violations if v["impact"] in ("serious", "critical") or v["id"] in NAMED_RULES]
    return [
        v for v in kept
        if not (v["id"] == "color-contrast" and all("stCaptionContainer" in n["target"] for n in v["nodes"]))
    ]  # fmt: skip


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("key", list(PAGES))
def test_axe_finds_no_serious_violation_and_no_heading_out_of_order(
    chromium_browser: object, server: str, key: str, size: str
) -> None:
    context = _context(chromium_browser, size)
    try:
        page = context.new_page()
        page.goto(server + PAGES[key] + "?country=IT")
        _ready(page, key)
        page.evaluate(AXE.read_text("utf-8"))
        assert _counted_violations(page.evaluate(_AXE_RUN)) == []
    finally:
        context.close()


def test_filter_changes_and_station_selection_are_announced(chromium_browser: object, server: str) -> None:
    stations = load.load_dataset(ROOT / "data").stations
    italy = stations[stations["iso2"] == "IT"]
    context = _context(chromium_browser, "laptop")
    try:
        page = context.new_page()
        page.goto(server)
        wait_for_markers(page, PINS, timeout_ms=TIMEOUT_MS)
        live = page.locator(LIVE)
        assert live.get_attribute("role") == "status" and live.get_attribute("aria-live") == "polite"
        page.wait_for_function(
            f"() => document.querySelector('{LIVE}').textContent === '{len(stations)} stations'"
        )
        # A filter change: the region says the new count, in the same node.
        menu = (
            page.get_by_test_id("stSidebar")
            .locator('[data-testid="stMultiSelect"]')
            .filter(has_text="Host country")
        )
        menu.locator("input").click()
        page.keyboard.type("Italy")
        page.keyboard.press("Enter")
        page.wait_for_function(
            f"() => document.querySelector('{LIVE}').textContent === '{len(italy)} stations'"
        )
        assert page.locator(LIVE).count() == 1
        # A station picked: the region names it as the reader knows it (no internal id).
        row = italy[italy["city"] != ""].sort_values("station_id").iloc[0]
        picker = (
            page.get_by_test_id("stMain")
            .locator('[data-testid="stSelectbox"]')
            .filter(has_text="Selected station")
        )
        picker.click()
        page.get_by_role("option", name=re.compile(re.escape(f"{row['city']}, Italy"))).first.click()
        page.wait_for_function(
            f"() => document.querySelector('{LIVE}').textContent.startsWith("
            f"'{len(italy)} stations. Selected: {row['city']}, Italy (')"
        )
        assert row["station_id"] not in page.locator(LIVE).text_content()
    finally:
        context.close()


def test_share_and_embed_are_within_reach_beside_the_map_on_a_laptop(
    chromium_browser: object, server: str
) -> None:
    context = _context(chromium_browser, "laptop")
    try:
        page = context.new_page()
        page.goto(server + "?country=IT&utm_source=x")
        wait_for_markers(page, PINS, timeout_ms=TIMEOUT_MS)
        control = page.get_by_test_id("stMain").get_by_role(
            "button", name=re.compile("Share or embed this view")
        )
        box = control.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 768, box  # above the fold
        control.click()
        link = page.locator('[data-testid="copyLink-share-map"] textarea')
        link.wait_for(state="visible")
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?country=IT", link.input_value()), link.input_value()
        codes = page.get_by_test_id("stPopoverBody").locator("code")
        codes.first.wait_for(state="visible")
        snippets = codes.all_inner_texts()  # the published map's, then the live app's
        # Each of this view: Italy's published page, or the live app filtered to Italy.
        assert snippets and all("<iframe" in s and re.search(r"country(=|/)IT\b", s) for s in snippets), (
            snippets
        )
        assert any("embed=true" in s for s in snippets), snippets
    finally:
        context.close()
