"""The dashboard's language in Chromium, against the real server: a Chinese link shows the map
page in Chinese, the switch changes the language and nothing else in the link, and a first visit
with no ``lang`` opens in the browser's language (``Accept-Language``) where it is one of the
three, else in English.

The text checked is the page's visible text, and in the map's frame every text node (the legend,
folded or not), every accessible name (markers, clusters, the map region) and the frame's title.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from stations.i18n import SIMPLIFIED, TRADITIONAL, translations
from tests.support.browser import ROOT, SHOWN_TEXT_JS, map_frame, streamlit_server, wait_for_markers
from tests.support.map_browser import MAP_TIMEOUT_MS
from tests.test_languages_app import english_fragments

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

APP = ROOT / "app.py"
TITLE = "110 Overseas: China's reported overseas police stations"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with streamlit_server(APP, env={"STATION_MAP_TILES": "none"}) as url:
        yield url


def _open(chromium_browser: Any, url: str, locale: str | None = None) -> Any:
    options: dict[str, Any] = {"viewport": {"width": 1400, "height": 1000}}
    if locale:
        options["locale"] = locale
    context = chromium_browser.new_context(**options)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(url)
    wait_for_markers(page, ".station-cluster, .station-pin", timeout_ms=MAP_TIMEOUT_MS)
    return page


def _title(page: Any) -> str:
    heading = page.locator("h1").first
    heading.wait_for()
    return heading.inner_text().strip()


def _map_text(page: Any) -> str:
    frame = map_frame(page)
    title = page.locator("iframe[title]").first.get_attribute("title") or ""
    return frame.evaluate(SHOWN_TEXT_JS) + "\n" + title


def _query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_a_chinese_link_shows_the_map_page_in_chinese_and_the_switch_changes_only_the_language(
    chromium_browser: Any, base: str
) -> None:
    page = _open(chromium_browser, base + "?country=IT&lang=zh-Hans")
    try:
        assert _title(page) == translations(SIMPLIFIED).gettext(TITLE)
        page.get_by_text("本视图中的服务站").wait_for()
        text = page.locator("body").inner_text() + "\n" + _map_text(page)
        found = sorted({p.pattern for p in english_fragments(SIMPLIFIED) if p.search(text)})
        assert found == [], found
        assert "意大利" in text
        assert "图例" in text and "被报道的海外警察服务站地图" in text
        before = _query(page)
        assert before == {"country": ["IT"], "lang": [SIMPLIFIED]}

        page.locator("[data-testid=stSidebar]").get_by_text("繁體中文", exact=True).click()
        page.wait_for_function("() => location.search.includes('lang=zh-Hant')")
        page.get_by_text(translations(TRADITIONAL).gettext(TITLE)).first.wait_for()
        after = _query(page)
        assert {k: v for k, v in after.items() if k != "lang"} == {
            k: v for k, v in before.items() if k != "lang"
        }
        assert after["lang"] == [TRADITIONAL]
        # The rerun draws the map's frame anew after the title: wait for its Traditional legend.
        page.wait_for_function(
            """() => [...document.querySelectorAll("iframe[data-station-map]")]
                 .some(f => f.contentDocument && f.contentDocument.body.innerText.includes("圖例"))"""
        )
        text = page.locator("body").inner_text() + "\n" + _map_text(page)
        assert "義大利" in text and "圖例" in text
        found = sorted({p.pattern for p in english_fragments(TRADITIONAL) if p.search(text)})
        assert found == [], found
    finally:
        page.context.close()


@pytest.mark.parametrize(
    ("locale", "title", "lang"),
    [
        ("zh-TW", translations(TRADITIONAL).gettext(TITLE), [TRADITIONAL]),
        ("zh-CN", translations(SIMPLIFIED).gettext(TITLE), [SIMPLIFIED]),
        ("fr-FR", TITLE, None),
    ],
)
def test_a_first_visit_without_lang_opens_in_the_browsers_language(
    chromium_browser: Any, base: str, locale: str, title: str, lang: list[str] | None
) -> None:
    page = _open(chromium_browser, base + "?country=IT", locale=locale)
    try:
        assert _title(page) == title
        if lang:
            page.wait_for_function("() => location.search.includes('lang=')")
        assert _query(page).get("lang") == lang
        assert _query(page)["country"] == ["IT"]
    finally:
        page.context.close()
