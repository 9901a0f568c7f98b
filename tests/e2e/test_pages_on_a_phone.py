"""A phone reader's pages, in real Chromium at 390x844: the first screen of a shared link, and
the filter drawer on every page (labelled, closed on each page load, one tap to close).

One Streamlit server for the module (committed data, no tiles)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from stations.data import load
from tests.support.browser import MAP_IFRAME, ROOT, RequestLog, streamlit_server, wait_for_markers

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

APP = ROOT / "app.py"
TIMEOUT_MS = 60_000
PINS = ".station-cluster, .station-pin"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
TOGGLE = '[data-testid="stExpandSidebarButton"]'
SIDEBAR = 'section[data-testid="stSidebar"]'
_DRAWER_OPEN = f"() => document.querySelector('{SIDEBAR}')?.getAttribute('data-collapsed') === 'false'"
_DRAWER_CLOSED = f"() => document.querySelector('{SIDEBAR}')?.getAttribute('data-collapsed') === 'true'"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(APP, env={"STATION_MAP_TILES": "none"}) as base:
        yield base


@pytest.fixture
def phone(chromium_browser: object) -> Iterator[object]:
    context = chromium_browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    log = RequestLog().attach(context)
    try:
        yield context.new_page()
        assert log.external() == []
    finally:
        context.close()


def _label(page: object) -> str:
    page.locator(TOGGLE).wait_for(state="visible")
    return page.locator(TOGGLE).evaluate("b => getComputedStyle(b, '::after').content").strip('"')


def _on_first_screen(page: object, text: str) -> None:
    """``text`` is shown, wholly within the first 844 px of the page."""
    node = page.get_by_test_id("stMain").get_by_text(text).first
    node.wait_for(state="visible")
    box = node.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 844, (text, box)


def test_a_filtered_social_link_names_the_view_and_the_caveat_on_the_first_screen(
    phone: object, server: str
) -> None:
    phone.goto(server + "?country=NL&utm_source=x&utm_medium=social")
    wait_for_markers(phone, PINS, timeout_ms=TIMEOUT_MS)
    stations = load.load_dataset(ROOT / "data").stations
    n = int((stations["iso2"] == "NL").sum())
    _on_first_screen(phone, re.compile(rf"^{n} stations in Netherlands"))
    _on_first_screen(phone, "Reported allegations: China's government denies running police stations abroad.")
    # The map still starts on the first screen, under the view's words.
    assert phone.locator(MAP_IFRAME).bounding_box()["y"] < 844 * 0.75
    assert _label(phone) == "Filters (1)"


def test_the_drawer_is_labelled_closed_on_each_page_and_counts_what_the_page_lists(
    phone: object, server: str
) -> None:
    phone.goto(server + "?country=IT")
    wait_for_markers(phone, PINS, timeout_ms=TIMEOUT_MS)
    assert _label(phone) == "Filters (1)"
    phone.locator(TOGGLE).tap()
    phone.wait_for_function(_DRAWER_OPEN)
    # A page link inside the open drawer: the next page opens with the drawer closed.
    phone.locator(SIDEBAR).get_by_role("link", name="Government responses").tap()
    phone.wait_for_url(re.compile(r"/Government_responses\?country=IT"))
    phone.get_by_role("heading", name="Government responses", level=1).wait_for()
    phone.wait_for_function(_DRAWER_CLOSED)
    assert _label(phone) == "Filters (1)"
    # Its button counts the actions this page lists, not stations.
    responses = load.load_dataset(ROOT / "data").responses
    actions = int((responses["iso2"] == "IT").sum())
    phone.locator(TOGGLE).tap()
    phone.wait_for_function(_DRAWER_OPEN)
    phone.locator(SIDEBAR).get_by_role("button", name=f"Show {actions} actions").wait_for(state="visible")
    # A full load of another page, the drawer left open: closed again, and labelled.
    phone.goto(server + "Data_and_sources?country=IT")
    phone.get_by_role("heading", name="Data & sources", level=1).wait_for()
    phone.wait_for_function(_DRAWER_CLOSED)
    assert _label(phone) == "Filters (1)"


def test_after_a_pick_one_tap_closes_the_drawer(phone: object, server: str) -> None:
    phone.goto(server)
    wait_for_markers(phone, PINS, timeout_ms=TIMEOUT_MS)
    assert _label(phone) == "Filters"
    phone.locator(TOGGLE).tap()
    phone.wait_for_function(_DRAWER_OPEN)
    menu = phone.locator(SIDEBAR).locator('[data-testid="stMultiSelect"]').filter(has_text="Host country")
    menu.locator("input").tap()
    phone.keyboard.type("Ire")
    phone.get_by_role("option", name=re.compile(r"^Ireland$")).tap()
    phone.wait_for_function("() => /[?&]country=IE(&|$)/.test(location.search)")
    stations = load.load_dataset(ROOT / "data").stations
    n = int((stations["iso2"] == "IE").sum())
    button = phone.locator(SIDEBAR).locator(".show-results-button")
    button.filter(has_text=f"Show {n} station{'' if n == 1 else 's'}").wait_for(state="visible")
    assert phone.get_by_role("listbox").count() == 1  # the option list is still open
    # One tap closes the drawer all the same.
    button.tap()
    phone.wait_for_function(_DRAWER_CLOSED, timeout=5_000)
    assert _label(phone) == "Filters (1)"
