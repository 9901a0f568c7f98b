"""The published map in Chromium, served as plain files on loopback.

One site (the committed data, the Italy page), one file server and one browser for the module.
The link parity test reads 60 seeded random links with the page's own script and compares each
with what the dashboard reads from the same link (``Filters.from_query_params`` and the index):
station ids, count, notices and the counts line.
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

from stations.publish import site, source
from stations.view import embed
from stations.view.filters import APP_PARAMS, Filters, is_tracking_param
from stations.view.index import StationIndex
from tests.support.browser import RequestLog, file_server, open_published

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
    }
    garbage = ["<b>x</b>", "%", "a\u200bb", "\u00e9t\u00e9", "'\"", "x" * 50, "\t", "\U0001f600", "$1"]
    pairs: list[tuple[str, str]] = []
    for key in rng.sample(list(values), rng.randint(1, 5)):
        picked = rng.sample(values[key], rng.randint(1, min(3, len(values[key]))))
        if rng.random() < 0.3:
            picked.append(rng.choice(garbage))
        pairs.append((key, ",".join(picked) if key != "station" else picked[0]))
        if rng.random() < 0.1:
            pairs.append((key, rng.choice(values[key])))  # given twice
    for extra in rng.sample(["utm_source", "fbclid", "embed", "foo", "Country", "<x>"], rng.randint(0, 2)):
        pairs.append((extra, rng.choice(garbage)))
    if rng.random() < 0.05:
        pairs.append(("country", "a" * 2_100))
    rng.shuffle(pairs)
    return "?" + urlencode(pairs)


def _dashboard_reads(link: str, loaded: source.Source, index: StationIndex) -> dict[str, object]:
    """What the dashboard shows for the link (stations.web.state.read, without Streamlit)."""
    raw = parse_qs(link[1:], keep_blank_values=True)
    params = {k: v for k, v in raw.items() if k not in APP_PARAMS and not is_tracking_param(k)}
    filters, notices = Filters.from_query_params(params, loaded.options)
    filters = filters.canonical(loaded.options)
    ids = list(index.view(filters).frame["station_id"])
    station = filters.station if filters.station in ids else None
    return {
        "ids": ids,
        "count": len(ids),
        # The dashboard shows them as Markdown (escaped); the published page as plain text.
        "notices": [re.sub(r"\\(.)", r"\1", n) for n in notices],
        "station": station,
        "summary": embed.filter_summary(filters, loaded.options.countries, len(ids)),
    }


def test_published_map_reads_every_link_as_the_dashboard_does(published, browser_context) -> None:
    base, loaded = published
    index = StationIndex(loaded.stations, loaded.summary, loaded.options)
    page, log = _open(browser_context, base + "index.html")
    data_url = json.loads(page.text_content("#published-config"))["data"]
    rng = random.Random(22)
    links = [_random_link(rng, loaded) for _ in range(LINKS)]
    got = page.evaluate(
        """async ([url, links]) => {
          const view = (await (await fetch(url)).json()).view;
          return links.map(l => {
            const s = L.PublishedView.read(l, view, {});
            return {ids: s.ids, count: s.count, notices: s.notices, station: s.station, summary: s.summary};
          });
        }""",
        [data_url, links],
    )
    mismatches = [
        (link, want, have)
        for link, have in zip(links, got, strict=True)
        if have != (want := _dashboard_reads(link, loaded, index))
    ]
    assert mismatches == []
    assert sum(1 for g in got if g["notices"]) >= 10 and sum(1 for g in got if g["station"]) >= 3
    assert log.external() == []


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
