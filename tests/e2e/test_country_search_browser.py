"""Typing in the country menu of the real page (Streamlit server on loopback + headless Chromium):
"UK", "Britain", "Czechia" and "USA" + Enter select the country a reader means, and the menu
lists its options in the order stations.view.country_search computes for Streamlit's browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from stations.view import country_search
from tests.support.browser import RequestLog, streamlit_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
STATIONS = pd.read_csv(ROOT / "data" / "stations.csv", dtype=str, keep_default_na=False)
COUNTRIES = dict(zip(STATIONS["iso2"], STATIONS["country"], strict=False))
MENU = country_search.menu(COUNTRIES, sorted(COUNTRIES, key=COUNTRIES.__getitem__))


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with streamlit_server(ROOT / "app.py", env={"STATION_MAP_TILES": "none"}) as base:
        yield base


@pytest.fixture(scope="module")
def page(chromium_browser: Any, app_url: str) -> Iterator[Any]:
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    log = RequestLog()
    log.attach(context)
    page = context.new_page()
    try:
        yield page
        assert log.external() == []
    finally:
        context.close()


def country_menu(page: Any) -> Any:
    return page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text="Host country")


@pytest.mark.parametrize(
    ("typed", "iso2"), [("UK", "GB"), ("Britain", "GB"), ("Czechia", "CZ"), ("USA", "US"), ("Ger", "DE")]
)
def test_typing_a_common_name_or_code_and_enter_selects_that_country(
    page: Any, app_url: str, typed: str, iso2: str
) -> None:
    page.goto(app_url, wait_until="domcontentloaded")
    menu = country_menu(page)
    menu.locator("input").click()
    page.keyboard.type(typed)
    listed = page.get_by_role("option").all_inner_texts()
    expected = [
        MENU.label(v)
        for v in country_search.streamlit_order(typed, ((v, MENU.label(v)) for v in MENU.options))
    ]
    # The browser orders as the port does. The menu draws only the options in its window (a
    # virtualised list): the drawn ones are the port's first, in its order.
    listed = [t.strip() for t in listed]
    assert len(listed) >= min(len(expected), 5), (listed, expected)
    assert listed == expected[: len(listed)]
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(rf"[?&]country={iso2}(&|$)"), timeout=30_000)
    assert parse_qs(urlsplit(page.url).query) == {"country": [iso2]}
    tags = menu.locator("[data-tag]")
    page.wait_for_function(
        "([el, name]) => [...el.querySelectorAll('[data-tag]')].map(t => t.innerText.trim()).join('|') === name",
        arg=[menu.element_handle(), COUNTRIES[iso2]],
        timeout=30_000,
    )
    assert [t.strip() for t in tags.all_inner_texts()] == [COUNTRIES[iso2]]  # the chip names the country
