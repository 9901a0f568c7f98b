"""The published map in Chromium, served as plain files on loopback.

One site (the committed data, the Italy page), one file server and one browser for the module.
The link parity test reads 60 seeded random links, each with a random browser language list,
with the page's own script and compares each with what the dashboard reads from the same link
and browser (``Filters.from_query_params``, ``negotiate`` and the index): station ids, count,
notices, the counts line and the notice line in the page's language, and the dashboard link.
The Chinese pages show none of the English catalog strings (the dashboard's language check).
"""

from __future__ import annotations

import json
import random
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest

from stations.data import names_zh
from stations.i18n import DEFAULT, SIMPLIFIED, TRADITIONAL, gettext, negotiate, parse_lang, pgettext
from stations.publish import site, source, words
from stations.view import embed
from stations.view.filters import APP_PARAMS, STATION_OUTSIDE, Filters, is_tracking_param, notice_text
from stations.view.index import StationIndex
from tests.support.browser import SHOWN_TEXT_JS, RequestLog, file_server, open_published
from tests.test_languages_app import english_fragments

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "vendor" / "axe-core@4.11.0" / "axe.min.js"
LINKS = 60


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, source.Source]]:
    loaded = source.load(ROOT / "data")
    out = tmp_path_factory.mktemp("pub") / "site"
    site.publish(loaded, out, countries=["IT"])
    with file_server(out) as base:
        yield base, loaded


def _open(browser_context: object, url: str) -> tuple[object, RequestLog]:
    page, log, errors = open_published(browser_context, url)
    page.errors = errors  # type: ignore[attr-defined]
    return page, log


def _random_link(rng: random.Random, loaded: source.Source) -> str:
    countries = list(loaded.options.countries.items())
    values = {
        "country": [c for c, _ in countries]
        + [n for _, n in countries]
        + ["xx", "Atlantis", " it ", "ITALY"],
        "bureau": ["fuzhou", "Qingtian", "WENZHOU", "nantong", "unknown", "beijing", ""],
        "wave": ["sep-2022", "dec-2022", "later", "2021"],
        "action": ["investigation_opened", "none", "station_closed", "conviction", "bogus"],
        "station": [*rng.sample(list(loaded.stations["station_id"]), 5), "it-PRATO-1", "nowhere-1", " "],
        "lang": [*LANG_VALUES, *LANG_GARBAGE],
    }
    garbage = ["<b>x</b>", "%", "a\u200bb", "\u00e9t\u00e9", "'\"", "x" * 50, "\t", "\U0001f600", "$1"]
    pairs: list[tuple[str, str]] = []
    for key in rng.sample(list(values), rng.randint(1, 5)):
        picked = rng.sample(values[key], rng.randint(1, min(3, len(values[key]))))
        if rng.random() < 0.3:
            picked.append(rng.choice(garbage))
        pairs.append((key, ",".join(picked) if key not in ("station", "lang") else picked[0]))
        if rng.random() < 0.1:
            pairs.append((key, rng.choice(values[key])))  # given twice
    for extra in rng.sample(["utm_source", "fbclid", "embed", "foo", "Country", "<x>"], rng.randint(0, 2)):
        pairs.append((extra, rng.choice(garbage)))
    if rng.random() < 0.05:
        pairs.append(("country", "a" * 2_100))
    rng.shuffle(pairs)
    return "?" + urlencode(pairs)


#: ``?lang=`` values a link may hold: the three languages as people type them...
LANG_VALUES = [
    "zh-Hans",
    "zh-Hant",
    "zh_hant",
    "ZH-tw",
    "zh-HK",
    "zh-mo",
    "zh",
    "zh-CN",
    "zh-SG",
    "en",
    "en-US",
]
#: ...and what no language is, or is one only by Babel's tolerance (variants, encodings, modifiers).
LANG_GARBAGE = [
    "fr", "xx-Hant", "zh-Latn", "klingon", "zh-Hans-HK", " zh-TW ", "en-GB-oxendict", "zh-Hant-TW-x",
    "@", "zh.UTF-8", "zh-TW@euro", "zh--TW", "-zh", "zh-123", "zh-Hant-1996", "en-" + "x" * 40,
]  # fmt: skip
#: Browsers' language lists (navigator.languages; Accept-Language for the dashboard).
BROWSERS = [["en-US"], ["zh-TW"], ["zh-CN", "en"], ["fr-FR", "zh-HK"], ["de"], ["zh-Hant-HK", "en-GB"]]


def _dashboard_reads(
    link: str, loaded: source.Source, index: StationIndex, browser: list[str] | None = None
) -> dict[str, object]:
    """What the dashboard shows for the link (stations.web.state.read, without Streamlit), for a
    browser that prefers ``browser``'s languages."""
    raw = parse_qs(link[1:], keep_blank_values=True)
    params = {k: v for k, v in raw.items() if k not in APP_PARAMS and not is_tracking_param(k)}
    negotiated = negotiate(", ".join(browser or []))
    preferred = None if negotiated == DEFAULT else negotiated
    filters, notices = Filters.from_query_params(params, loaded.options, preferred)
    filters = filters.canonical(loaded.options)
    if filters.lang is None:
        filters = filters.with_values(lang=preferred)
    lang = filters.language
    ids = list(index.view(filters).frame["station_id"])
    station = filters.station if filters.station in ids else None
    # The dashboard shows them as Markdown (escaped); the published page as plain text.
    plain = [re.sub(r"\\(.)", r"\1", n) for n in notices]
    notes = [
        n
        for n in (
            notice_text(plain, lang),
            gettext(STATION_OUTSIDE, lang) if filters.station and not station else "",
        )
        if n
    ]
    notice = (
        pgettext("sentences", "{first} {second}", lang).format(first=notes[0], second=notes[1])
        if len(notes) == 2
        else "".join(notes)
    )
    return {
        "ids": ids,
        "count": len(ids),
        "notices": plain,
        "station": station,
        "summary": embed.filter_summary(filters, loaded.options.countries, len(ids), lang),
        "notice": notice,
        "lang": lang,
        "query": filters.with_values(station=station).to_query_params(),
    }


def test_published_map_reads_every_link_as_the_dashboard_does(published, browser_context) -> None:
    base, loaded = published
    index = StationIndex(loaded.stations, loaded.summary, loaded.options)
    page, log = _open(browser_context, base + "index.html")
    data_url = json.loads(page.text_content("#published-config"))["data"]
    rng = random.Random(22)
    links = [_random_link(rng, loaded) for _ in range(LINKS)]
    browsers = [rng.choice(BROWSERS) for _ in links]
    got = page.evaluate(
        """async ([url, links, browsers]) => {
          const config = JSON.parse(document.getElementById("published-config").textContent);
          const table = config.languages;
          const view = (await (await fetch(url)).json()).view;
          const said = {};
          for (const code of Object.keys(table.pages)) {
            said[code] = await (await fetch(table.pages[code].words)).json();
          }
          return links.map((l, i) => {
            const lang = L.PublishedView.language(l, table, browsers[i]);
            const s = L.PublishedView.read(l, view, {}, {table: table, lang: lang, words: said[lang] || null});
            return {ids: s.ids, count: s.count, notices: s.notices, station: s.station, summary: s.summary,
                    notice: s.notice, lang: lang, query: Object.fromEntries(new URLSearchParams(s.query))};
          });
        }""",
        [data_url, links, browsers],
    )
    mismatches = [
        (link, browser, want, have)
        for link, browser, have in zip(links, browsers, got, strict=True)
        if have != (want := _dashboard_reads(link, loaded, index, browser))
    ]
    assert mismatches == []
    assert sum(1 for g in got if g["notices"]) >= 10 and sum(1 for g in got if g["station"]) >= 3
    assert {g["lang"] for g in got} == {"en", SIMPLIFIED, TRADITIONAL}
    assert sum(1 for link in links if "lang=" in link) >= 10
    assert log.external() == []


def test_the_page_reads_language_tags_as_the_dashboard_does(published, browser_context) -> None:
    """``parse_lang`` and ``negotiate`` and the page's reading of the same table agree on every
    tag: the three languages spelled every way, Babel's tag syntax, and garbage."""
    base, _ = published
    page, _ = _open(browser_context, base + "index.html")
    rng = random.Random(23)
    pieces = ["zh", "ZH", "en", "En", "fr", "Hans", "hant", "HANT", "Latn", "TW", "hk", "Mo", "CN", "us", "419",
              "1996", "posix", "oxendict", "x", "", "é", "\u00e9t\u00e9", "12", "zh_TW", "\u4e2d\u6587"]  # fmt: skip
    joins = ["-", "_", "-", "@", ".", " "]
    tags = [*LANG_VALUES, *LANG_GARBAGE, "", " ", "\t zh-TW\n", "\u3000zh\u3000", "*"]
    for _ in range(400):
        parts = [rng.choice(pieces) for _ in range(rng.randint(1, 4))]
        tags.append("".join(p + rng.choice(joins) for p in parts[:-1]) + parts[-1])
    lists = [rng.sample(tags, rng.randint(0, 3)) for _ in range(100)] + [["*", "zh-TW"], ["fr", "*"]]
    lists = [[t for t in tags_ if "," not in t and ";" not in t and t.strip()] for tags_ in lists]
    got = page.evaluate(
        """([tags, lists]) => {
          const t = JSON.parse(document.getElementById("published-config").textContent).languages;
          return [tags.map(v => L.PublishedView.parseLang(v, t)), lists.map(l => L.PublishedView.negotiate(l, t))];
        }""",
        [tags, lists],
    )
    assert got[0] == [parse_lang(t) for t in tags]
    assert got[1] == [negotiate(", ".join(t)) for t in lists]
    assert {c for c in got[0] if c} == {"en", SIMPLIFIED, TRADITIONAL}


def _words_requests(log: RequestLog) -> list[str]:
    return [u for u in log.requests if f"/{words.FOLDER}/{words.STEM}." in u]


@pytest.mark.parametrize(
    ("locale", "link", "lang"),
    [
        ("zh-TW", "", TRADITIONAL),
        ("zh-CN", "", SIMPLIFIED),
        ("fr-FR", "", "en"),
        ("zh-TW", "lang=en&", "en"),
        ("en-US", "lang=zh-Hans&", SIMPLIFIED),
    ],
)
def test_the_language_comes_from_the_link_else_the_browser(
    published, chromium_browser, locale: str, link: str, lang: str
) -> None:
    """A link with no lang opens in the browser's language where it is one of the three; the
    link's lang wins. An English reader fetches no words file; another, exactly one."""
    base, _ = published
    context = chromium_browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    try:
        page, log = _open(context, f"{base}index.html?{link}country=IT")
        assert page.evaluate("document.documentElement.lang") == lang
        title = gettext(words.TITLE_LINE, lang)
        assert page.text_content("#pv-title") == title
        assert page.text_content("#pv-dashboard") == gettext(words.OPEN_DASHBOARD, lang)
        requested = _words_requests(log)
        if lang == "en":
            assert requested == []
        else:
            assert len(requested) == 1 and f".{lang}." in requested[0]
        assert log.local_failures() == [] and page.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", [SIMPLIFIED, TRADITIONAL])
def test_a_chinese_page_shows_no_english_catalog_string(published, browser_context, lang: str) -> None:
    """The page, the legend (open), a country's tooltip, a station's popup, the clusters' and the
    markers' accessible names, the map's name: none shows an English catalog string."""
    base, loaded = published
    shown = []
    world, _ = _open(browser_context, f"{base}index.html?lang={lang}&foo=1")
    # A country's tooltip: the pointer on a point of a country's outline that nothing covers.
    point = world.evaluate(
        """() => {
          for (const path of document.querySelectorAll("path.leaflet-interactive")) {
            const r = path.getBoundingClientRect();
            for (const [fx, fy] of [[0.5, 0.5], [0.3, 0.4], [0.6, 0.6], [0.4, 0.7]]) {
              const x = r.left + r.width * fx, y = r.top + r.height * fy;
              if (document.elementFromPoint(x, y) === path) { return [x, y]; }
            }
          }
          return null;
        }"""
    )
    world.mouse.move(*point)
    world.wait_for_selector(".leaflet-tooltip")
    assert world.locator(".station-cluster, .marker-cluster").count() > 0
    shown.append(world.evaluate(SHOWN_TEXT_JS))
    station, _ = _open(
        browser_context, f"{base}country/IT/index.html?lang={lang}&station=IT-prato-1&bureau=xx"
    )
    station.wait_for_selector(".leaflet-popup-content")
    shown.append(station.evaluate(SHOWN_TEXT_JS))
    text = "\n".join(shown)
    # A city the register gives no sourced Chinese name keeps its English name (data, as the
    # dashboard shows it): Benin City is not the catalog's "City".
    places, _ = names_zh.read_places(ROOT / "data" / names_zh.PLACES_FILE)
    named = {city for _, city in names_zh.city_names(places)}
    for city in set(loaded.stations["city"]) - named:
        text = text.replace(city, "")
    found = sorted({p.pattern for p in english_fragments(lang) if p.search(text)})
    assert found == [], found
    italy = "意大利" if lang == SIMPLIFIED else "義大利"
    assert italy in text and ("图例" if lang == SIMPLIFIED else "圖例") in text
    assert world.text_content("#pv-notice").startswith(
        gettext("Parts of this link were not understood and were ignored: ", lang)
    )
    assert world.errors == [] and station.errors == []


def test_a_link_filters_the_map_says_so_and_opens_the_station(published, browser_context) -> None:
    base, loaded = published
    station = "IT-prato-1"
    page, log = _open(browser_context, f"{base}index.html?country=italy,xx&station={station}&utm_source=n")
    state = page.evaluate("L.PublishedView.state")
    italy = list(loaded.stations.loc[loaded.stations["iso2"] == "IT", "station_id"])
    assert state["ids"] == italy and state["station"] == station
    assert page.text_content("#pv-count") == f"{len(italy)} stations in Italy"
    assert page.text_content("#pv-notice") == (
        "Parts of this link were not understood and were ignored: unknown country 'xx'."
    )
    page.wait_for_selector(".leaflet-popup-content")
    assert "Prato" in page.text_content(".leaflet-popup-content")
    assert log.external() == [] and log.local_failures() == []
    assert page.errors == []  # no script error, no policy violation


def test_markup_in_a_link_stays_text(published, browser_context) -> None:
    base, _ = published
    page, _ = _open(browser_context, base + "index.html?country=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert page.query_selector("#pv-notice img") is None
    assert "<img src=x onerror=alert(1)>" in page.text_content("#pv-notice")


def test_country_page_presets_its_country_and_links_previews(published, browser_context) -> None:
    base, loaded = published
    url = base + "country/IT/index.html"
    with urllib.request.urlopen(url, timeout=10) as response:
        html = response.read().decode("utf-8")
    count = int((loaded.stations["iso2"] == "IT").sum())
    assert re.search(r"<title>Reported Chinese police stations in Italy: (\d+)</title>", html).group(
        1
    ) == str(count)
    assert re.search(r'<meta property="og:description" content="[^"]+Italy', html)
    image = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    with urllib.request.urlopen(urllib.request.urljoin(url, image), timeout=10) as response:
        assert response.headers["Content-Type"] == "image/png" and len(response.read()) > 10_000
    page, _ = _open(browser_context, url + "?bureau=qingtian")
    assert page.evaluate("L.PublishedView.state.filters.country") == ["IT"]
    assert page.text_content("#pv-count").startswith(
        f"{page.evaluate('L.PublishedView.state.count')} stations in Italy"
    )


def test_axe_finds_no_serious_issue(published, chromium_browser) -> None:
    base, _ = published
    context = chromium_browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        page, _ = _open(context, base + "index.html?country=IT")
        page.evaluate(AXE.read_text("utf-8"))
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
                 .map(v => ({id: v.id, impact: v.impact}))"""
        )
        assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
    finally:
        context.close()


def test_two_embeds_on_one_article_each_take_their_height(published, browser_context, tmp_path: Path) -> None:
    base, _ = published
    one = embed.published_snippet(base + "index.html?country=IT", "One")
    two = embed.published_snippet(base + "country/IT/index.html?bureau=qingtian", "Two")
    (tmp_path / "article.html").write_text(
        f"<!DOCTYPE html><html><body><h1>Article</h1>{one}<p>Between.</p>{two}</body></html>", "utf-8"
    )
    page = browser_context.new_page()
    with file_server(tmp_path) as article_base:  # another origin, as a newsroom's site is
        page.goto(article_base + "article.html")
        _wait_for_embeds(page)


def _wait_for_embeds(page: object) -> None:
    page.wait_for_function(
        """() => [...document.querySelectorAll('iframe[data-stations-embed]')]
                   .every(f => f.style.height && f.style.height !== '600px')""",
        timeout=30_000,
    )
    heights = page.evaluate(
        "[...document.querySelectorAll('iframe')].map(f => f.getBoundingClientRect().height)"
    )
    assert all(300 <= h < 1200 for h in heights), heights
    for frame in page.frames[1:]:
        frame.wait_for_selector(".leaflet-marker-icon")
