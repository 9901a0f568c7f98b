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
from e2e_support import SCREENSHOTS, RequestLog, streamlit_server

from stations import citation, datapackage, vocab

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = json.loads((ROOT / "data" / datapackage.PACKAGE_FILE).read_text(encoding="utf-8"))
VERSION = PACKAGE["version"]
IN_NAME = VERSION.replace(".", "-")  # a file name keeps letters, digits, - and _


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with streamlit_server(ROOT / "app.py", env={"STATION_MAP_TILES": "none"}) as base:
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
        box.get_by_test_id("stCode").nth(1).wait_for()
        link, text = (c.inner_text().strip() for c in box.get_by_test_id("stCode").all())
        assert link == f"{app_url}?country=IT%2CNL"  # as the address bar spells it
        assert f"version {VERSION}" in text and link in text and "CC BY 4.0" in text
        licence = box.get_by_role("link", name="CC BY 4.0", exact=True)
        assert licence.get_attribute("href") == citation.DATA_LICENCE.url
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
