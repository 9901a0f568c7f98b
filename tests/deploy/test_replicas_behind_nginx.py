"""Two replicas behind nginx, as a reader meets them: real Streamlit servers, real nginx, Chromium.

One cluster per module (two replicas of app.py on the committed data, no tile layer, nginx on a
free loopback port with the configuration deploy/nginx_conf.py renders). Proved here, through
nginx only:

- the map draws and a filtered link restores its view, with no request leaving loopback;
- new visitors are spread over both replicas (counted by each replica's own session counter),
  and every request of one visitor, its WebSocket included, reaches one replica (access log);
- another site can embed the map; a source link sends no Referer; a download is found even when
  the request carries no cookie and reaches the other replica;
- the link-preview tags are in the HTML nginx serves and their image is served; the security and
  cache headers are sent, gzip applies, /_stcore/metrics is refused in six spellings, and one
  address cannot hold more connections than the configured limit;
- ``kill -9`` of the replica serving an open page: the page reconnects by itself to the survivor
  with the same view, a reload restores the view, new visitors are served by the survivor.

The kill test runs last (it leaves one replica).
"""

from __future__ import annotations

import contextlib
import gzip
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import websocket

from deploy.nginx_conf import DESCRIPTION, TITLE, TOO_MANY
from stations.data.load import load_dataset
from stations.i18n import ENGLISH, SIMPLIFIED, TRADITIONAL, gettext, parse_lang
from tests.support.browser import MAP_IFRAME, ROOT, RequestLog, wait_for_markers
from tests.support.deploy import PREVIEW, STREAMLIT_STATIC, Cluster, cluster, nginx_binary, session_connects
from tests.support.sessions import ws_connect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]

#: Bound on every wait for the map (a replica's first run imports pandas and folium; 2 shared cores).
MAP_TIMEOUT_MS = 60_000
#: Bound on the reconnection after a replica dies (measured figure printed; see docs/RELIABILITY.md).
RECONNECT_TIMEOUT_S = 45.0
COUNTRY, COUNTRY_NAME = "IT", "Italy"
#: Italy's stations in the committed data (what the filtered link must show).
COUNTRY_STATIONS = int((load_dataset(ROOT / "data").stations["iso2"] == COUNTRY).sum())
MARKERS = ".station-cluster, .station-pin"


@pytest.fixture(scope="module")
def replicas() -> Iterator[Cluster]:
    if nginx_binary() is None:
        pytest.skip("nginx not installed (make test installs it: apt-get install nginx-light)")
    # The browsers all come from 127.0.0.1: exempt from the per-address limits, which the tests
    # below check from other loopback addresses.
    with cluster(2, env={"STATION_MAP_TILES": "none"}, exempt=("127.0.0.1",)) as running:
        yield running


def test_the_link_used_below_is_a_real_filter() -> None:
    stations = load_dataset(ROOT / "data").stations
    assert 1 < COUNTRY_STATIONS < len(stations)
    assert set(stations.loc[stations["iso2"] == COUNTRY, "country"]) == {COUNTRY_NAME}


# A reader's page -------------------------------------------------------------------------------


@dataclass
class Reader:
    """One browser context (one visitor), told apart in nginx's log by its user agent."""

    label: str
    page: Any
    log: RequestLog
    errors: list[str]
    served_by: list[str] = field(default_factory=list)  # X-Replica of every HTTP response
    #: (monotonic time the request was sent, X-Replica of its response), in order of response
    sent_and_served: list[tuple[float, str]] = field(default_factory=list)
    sockets: list[dict[str, Any]] = field(default_factory=list)

    @property
    def user_agent(self) -> str:
        return f"Mozilla/5.0 (X11; Linux x86_64) deploy-test/{self.label}"

    def close(self) -> None:
        self.page.context.close()


#: Requests that hold no session state: the page's pings before it opens its WebSocket. The HTML
#: shell comes from disk, so they are the first to reach a replica and may reach two before the
#: cookie names one; everything after them stays on one.
STATELESS = ("/_stcore/health", "/_stcore/host-config")


def stateless(url: str) -> bool:
    return urlsplit(url).path.endswith(STATELESS)


def open_reader(browser: Any, url: str, label: str) -> Reader:
    reader = Reader(label, None, RequestLog(), [])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, user_agent=reader.user_agent)
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(60_000)
    reader.log.attach(context)

    sent: dict[Any, float] = {}

    def on_request(request: Any) -> None:
        sent[request] = time.monotonic()

    def on_response(response: Any) -> None:
        name = response.headers.get("x-replica")
        if name:
            reader.sent_and_served.append((sent.pop(response.request, time.monotonic()), name))
            if not stateless(response.url):
                reader.served_by.append(name)

    def on_socket(ws: Any) -> None:
        entry: dict[str, Any] = {"url": ws.url, "opened": time.monotonic(), "first_frame": None}
        ws.on("framereceived", lambda _: entry.update(first_frame=entry["first_frame"] or time.monotonic()))
        reader.sockets.append(entry)

    context.on("request", on_request)
    context.on("response", on_response)
    page = context.new_page()
    page.on("pageerror", lambda error: reader.errors.append(str(error)))
    page.on("websocket", on_socket)
    reader.page = page
    page.goto(url, wait_until="domcontentloaded")
    return reader


def stations_shown(page: Any) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Stations").get_by_test_id("stMetricValue")
    return metric.inner_text(timeout=30_000).strip()


def wait_for_view(reader: Reader, stations: int) -> None:
    """The map has drawn and the page's station count is ``stations``."""
    wait_for_markers(reader.page, MARKERS, timeout_ms=MAP_TIMEOUT_MS)
    reader.page.wait_for_function(
        """(n) => [...document.querySelectorAll('[data-testid=stMetric]')]
                 .some(m => m.innerText.startsWith('Stations') && m.innerText.includes(n))""",
        arg=str(stations),
        timeout=MAP_TIMEOUT_MS,
    )
    assert stations_shown(reader.page) == str(stations)


def assert_loopback_only(reader: Reader) -> None:
    assert reader.log.external() == [], reader.log.external_hosts()
    failures = [f for f in reader.log.local_failures() if "net::ERR_ABORTED" not in f]
    assert failures == []
    assert reader.errors == []


def country_chips(page: Any) -> list[str]:
    chips = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text="Host country")
    tags = chips.locator("[data-tag]")
    tags.first.wait_for()
    return [t.strip() for t in tags.all_inner_texts()]


# Browser tests -------------------------------------------------------------------------------


def test_a_filtered_link_through_nginx_restores_its_view_on_one_replica_and_loopback_only(
    chromium_browser: Any, replicas: Cluster
) -> None:
    reader = open_reader(chromium_browser, f"{replicas.url}?country={COUNTRY}", "link")
    try:
        wait_for_view(reader, COUNTRY_STATIONS)
        assert country_chips(reader.page) == [COUNTRY_NAME]
        assert parse_qs(urlsplit(reader.page.url).query) == {"country": [COUNTRY]}
        assert urlsplit(reader.page.url).netloc == urlsplit(replicas.url).netloc, "not served through nginx"
        assert [s["url"] for s in reader.sockets] == [f"ws://{urlsplit(replicas.url).netloc}/_stcore/stream"]
        assert len(set(reader.served_by)) == 1, reader.served_by
        assert_loopback_only(reader)
    finally:
        reader.close()
    seen = replicas.replicas_of(reader.user_agent)
    assert seen["websocket"] == seen["http"] == set(reader.served_by), seen
    # The access log does not record which view was read, nor by which address.
    logged = replicas.access_log.read_text(encoding="utf-8")
    assert f"country={COUNTRY}" not in logged


def test_new_visitors_are_spread_over_both_replicas_and_each_stays_on_one(
    chromium_browser: Any, replicas: Cluster
) -> None:
    before = replicas.connects()
    readers = []
    for n in range(4):
        reader = open_reader(chromium_browser, replicas.url, f"spread-{n}")
        readers.append(reader)
        wait_for_markers(reader.page, MARKERS, timeout_ms=MAP_TIMEOUT_MS)
        assert_loopback_only(reader)
    for reader in readers:
        reader.close()
    after = replicas.connects()
    opened = {name: after[name] - before[name] for name in after}
    assert sum(opened.values()) == len(readers), opened
    assert all(count >= 1 for count in opened.values()), f"sessions per replica: {opened}"
    for reader in readers:
        seen = replicas.replicas_of(reader.user_agent)
        assert len(seen["websocket"]) == 1 and seen["http"] == seen["websocket"], (reader.label, seen)
        assert set(reader.served_by) == seen["http"], (reader.label, reader.served_by, seen)
    print(f"sessions per replica for {len(readers)} new visitors: {opened}")


def test_a_source_link_sends_no_referrer_so_the_view_does_not_leak(
    chromium_browser: Any, replicas: Cluster
) -> None:
    """A request from the map's frame (where the source links are) to another site carries no
    Referer through nginx; straight from a replica Chromium would send the origin."""
    outlet = "http://127.0.0.1:9/news/story"  # port 9 (discard): answered by the route below

    def referer_from(url: str) -> str | None:
        reader = open_reader(chromium_browser, url, "referrer")
        seen: list[str | None] = []

        def outlet_route(route: Any) -> None:
            seen.append(route.request.header_value("referer"))
            route.fulfill(status=204, body="")

        try:
            reader.page.context.route(outlet, outlet_route)
            frame = wait_for_markers(reader.page, MARKERS, timeout_ms=MAP_TIMEOUT_MS)
            frame.evaluate("(u) => fetch(u, {mode: 'no-cors'}).catch(() => null)", outlet)
            deadline = time.monotonic() + 10
            while not seen and time.monotonic() < deadline:
                reader.page.wait_for_timeout(100)
        finally:
            reader.close()
        assert seen, "the request to the outlet was not made"
        return seen[0]

    assert referer_from(f"{replicas.url}?country={COUNTRY}") is None
    direct = referer_from(f"{replicas.replicas['r1']}?country={COUNTRY}")
    assert direct is not None and "country" not in direct  # control: the header is what removes it


@contextlib.contextmanager
def newsroom_page(body: str) -> Iterator[str]:
    """A page on another loopback origin (a real server: Chromium's local-network checks treat
    a page Playwright fulfils itself as public and refuse to let it frame a loopback site)."""
    page = body.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/story.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_another_site_can_embed_the_map_under_the_frame_ancestors_policy(
    chromium_browser: Any, replicas: Cluster
) -> None:
    """A newsroom page on another origin frames ``?embed=true``: the headers nginx adds (CSP
    frame-ancestors among them) let the embedded map draw, on one replica."""
    embed = f"{replicas.url}?embed=true&country={COUNTRY}"
    story = f'<h1>Story</h1><iframe id="map" src="{embed}" width="1000" height="700"></iframe>'
    with newsroom_page(story) as newsroom:
        reader = open_reader(chromium_browser, newsroom, "embed")
        try:
            outer = reader.page.frame_locator("#map")
            drawn = outer.frame_locator(MAP_IFRAME).locator(MARKERS).first
            drawn.wait_for(state="visible", timeout=MAP_TIMEOUT_MS)
            assert len(set(reader.served_by)) == 1, reader.served_by
            assert reader.errors == []
            assert reader.log.external() == []
        finally:
            reader.close()
    seen = replicas.replicas_of(reader.user_agent)
    assert seen["websocket"] == seen["http"] == set(reader.served_by), seen


# HTTP through nginx ---------------------------------------------------------------------------


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("property") or values.get("name")):
            self.meta[values.get("property") or values.get("name") or ""] = values.get("content") or ""
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def test_the_html_nginx_serves_has_link_preview_tags_and_their_image(replicas: Cluster) -> None:
    status, headers, body = fetch(f"{replicas.url}?country={COUNTRY}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    parser = _Meta()
    parser.feed(gzip.decompress(body).decode())
    meta = parser.meta
    image = f"{replicas.url}preview.png"
    assert meta["og:title"] == meta["twitter:title"] == TITLE
    assert meta["og:description"] == meta["twitter:description"] == meta["description"] == DESCRIPTION
    assert meta["og:image"] == meta["twitter:image"] == image
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:type"] == "website"
    # A page other than the map carries them too; the replica alone has none (nginx adds them).
    assert _meta_of(f"{replicas.url}Government_responses").get("og:title") == TITLE
    assert "og:title" not in _meta_of(replicas.replicas["r1"])
    status, headers, picture = fetch(image)
    assert (status, headers["content-type"]) == (200, "image/png")
    assert picture == PREVIEW.read_bytes()
    assert "max-age=" in headers["cache-control"]


#: Spellings of ``?lang=`` a reader may type or a page may write, with what the page makes of them.
LANG_SPELLINGS = (
    "zh-Hant", "ZH_hant", "zh-hant-TW", "zh-Hans", "zh_hans", "zh-Hans-HK", "zh-TW", "zh_hk",
    "zh-MO", "zh", "ZH", "zh-CN", "zh_sg", "en", "en-US", "fr", "zh-Latn", "", "chinese",
)  # fmt: skip


def test_a_links_preview_speaks_its_language(replicas: Cluster) -> None:
    """A link shared from a page in Chinese carries its ``lang`` and unfurls in that language;
    nginx reads the spelling as the page does (``parse_lang``), anything else unfurls in English."""
    for spelling in LANG_SPELLINGS:
        lang = parse_lang(spelling) or ENGLISH
        meta = _meta_of(f"{replicas.url}?{urlencode({'country': COUNTRY, 'lang': spelling})}")
        assert meta["og:title"] == meta["twitter:title"] == gettext(TITLE, lang), spelling
        description = gettext(DESCRIPTION, lang)
        assert meta["og:description"] == meta["twitter:description"] == meta["description"] == description
    simplified, traditional = (gettext(DESCRIPTION, lang) for lang in (SIMPLIFIED, TRADITIONAL))
    assert len({DESCRIPTION, simplified, traditional}) == 3, "each language has its own preview"


def _meta_of(url: str) -> dict[str, str]:
    parser = _Meta()
    parser.feed(fetch(url)[2].decode())
    return parser.meta


SECURITY = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-security-policy": "frame-ancestors *",
}


def _streamlit_bundle() -> str:
    """The path of Streamlit's main script, as its index.html names it (a content-hashed name)."""
    found = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', (STREAMLIT_STATIC / "index.html").read_text())
    assert found, "no script in Streamlit's index.html"
    return found.group(1)


@pytest.mark.parametrize(
    ("path", "cache", "from_disk"),
    [
        ("", "no-cache", True),
        ("Government_responses", "no-cache", True),
        ("_stcore/health", "no-cache", False),
        ("app/static/vendor/leaflet@1.9.3/dist/leaflet.js", "public, max-age=31536000, immutable", True),
        ("app/static/vendor/leaflet@1.9.3/dist/leaflet.css", "public, max-age=31536000, immutable", True),
        ("app/static/js/leaflet-default-icon-path.js", "public, max-age=3600", True),
        ("<bundle>", "public, max-age=31536000, immutable", True),
        ("favicon.png", "public, max-age=86400", True),
    ],
)
def test_security_and_cache_headers_and_gzip(
    replicas: Cluster, path: str, cache: str, from_disk: bool
) -> None:
    """Streamlit's frontend, the map's files and every page's HTML shell come from disk (no
    replica named, nothing in a replica's log); the rest from a replica; all with the headers."""
    path = _streamlit_bundle() if path == "<bundle>" else path
    status, headers, body = fetch(replicas.url + path, {"Accept-Encoding": "gzip"})
    assert status == 200
    for name, value in SECURITY.items():
        assert headers.get(name) == value, (path, name, headers)
    assert headers.get("cache-control") == cache
    if from_disk:
        assert not headers.get("x-replica"), headers
        # This request's log line (the shell is logged as /index.html, its file); nginx writes it
        # once the response is sent, which may be a moment after the client has read it.
        deadline = time.monotonic() + 5
        while (line := replicas.log()[-1]).uri not in (
            "/" + path,
            "/index.html",
        ) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert line.uri in ("/" + path, "/index.html") and line.upstream == "" and line.status == 200, line
    else:
        assert headers.get("x-replica") in replicas.replicas
    if path.endswith((".js", ".css")) and len(body) > 2000:
        assert headers.get("content-encoding") == "gzip"
        assert gzip.decompress(body)


@pytest.mark.parametrize(
    "path",
    [
        "_stcore/metrics",
        "_stcore/metrics?x=1",
        "/_stcore/metrics",
        "_stcore/%6detrics",
        "_stcore/metrics/",
        "_stcore//metrics",
    ],
)
def test_metrics_are_refused_through_nginx_but_answer_on_the_replica(replicas: Cluster, path: str) -> None:
    status, _, body = fetch(replicas.url + path)
    assert status == 404
    assert b"session_events" not in body
    assert session_connects(replicas.replicas["r1"]) >= 0  # the replica itself still answers


def test_one_address_cannot_hold_more_connections_than_the_limit(replicas: Cluster) -> None:
    limit = replicas.settings.conn_per_address
    url = replicas.url.replace("http://", "ws://") + "_stcore/stream"
    # New sessions are rationed too: past the burst, one per token of the per-address zone.
    burst = 2 * replicas.settings.session_burst
    every = 60 / (2 * replicas.settings.sessions_per_minute) + 0.1
    held = []
    try:
        for n in range(limit):
            if n >= burst:
                time.sleep(every)
            held.append(ws_connect(url, "127.0.0.2"))
        time.sleep(every)  # a session token is there: what refuses the next one is the connection limit
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            held.append(ws_connect(url, "127.0.0.2"))
        assert refused.value.status_code == 429
        assert TOO_MANY.encode() in refused.value.resp_body
        ws_connect(url, "127.0.0.3").close()  # another address is served meanwhile
    finally:
        for ws in held:
            ws.close()
    # The limit counts open connections only: once they close, the address is served again.
    deadline = time.monotonic() + 15
    while True:
        try:
            ws_connect(url, "127.0.0.2").close()
            break
        except websocket.WebSocketBadStatusException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_new_sessions_are_rationed_per_address_and_the_page_is_told(replicas: Cluster) -> None:
    """Past its burst, an address's new sessions (and the health ping the page sends before
    each) get 429 with a text the page shows; another address is served meanwhile."""
    settings = replicas.settings
    url = replicas.url.replace("http://", "ws://") + "_stcore/stream"
    opened = refused = 0
    for _ in range(settings.session_burst * 2 + 5):
        try:
            ws_connect(url, "127.0.0.4").close()
            opened += 1
        except websocket.WebSocketBadStatusException as err:
            assert err.status_code == 429
            refused += 1
    assert settings.session_burst * 2 <= opened <= settings.session_burst * 2 + 2, (opened, refused)
    assert refused >= 3
    ws_connect(url, "127.0.0.5").close()
    # The page's note: the HTML shell carries it, and says what nginx's refusal says.
    status, _, body = fetch(replicas.url)
    assert status == 200 and TOO_MANY.encode() in body and b"stations-admission" in body


def test_a_download_is_served_even_to_a_request_without_the_cookie(
    chromium_browser: Any, replicas: Cluster
) -> None:
    """Downloads live in the memory of the replica that runs the session. A browser that sends
    no cookie (an embed where third-party cookies are blocked) may ask another replica: nginx
    retries a 404 on the next one, so the file is always found."""
    reader = open_reader(chromium_browser, f"{replicas.url}?country={COUNTRY}", "download")
    try:
        wait_for_view(reader, COUNTRY_STATIONS)
        button = reader.page.get_by_role("button", name=re.compile(r"^Download these .* stations? \(CSV\)$"))
        with reader.page.expect_download(timeout=60_000) as info:
            button.click()
        saved = Path(info.value.path()).read_bytes()
        media = [u for u in reader.log.requests if urlsplit(u).path.startswith("/media/")]
        assert media, "the download did not come from /media/"
        assert len(saved.decode().strip().splitlines()) == COUNTRY_STATIONS + 1  # header + rows
    finally:
        reader.close()
    for _ in range(6):  # no cookie: round robin over both replicas, half of them the wrong one
        status, _, body = fetch(media[-1])
        assert (status, body) == (200, saved)
    retried = [
        line
        for line in replicas.log()
        if line.uri.startswith("/media/") and "," in line.upstream and not line.cookie
    ]
    assert retried, "no cookie-less download reached the other replica first: the fallback was not exercised"


# A replica dies (last: it leaves one replica) ------------------------------------------------


def test_killing_the_replica_of_an_open_page_costs_the_reader_only_a_reconnect(
    chromium_browser: Any, replicas: Cluster
) -> None:
    link = f"{replicas.url}?country={COUNTRY}"
    reader = open_reader(chromium_browser, link, "kill")
    try:
        wait_for_view(reader, COUNTRY_STATIONS)
        assert len(set(reader.served_by)) == 1, reader.served_by
        victim = reader.served_by[-1]
        (survivor,) = set(replicas.replicas) - {victim}
        before = replicas.connects()[survivor]
        sockets = len(reader.sockets)

        killed_at = replicas.kill(victim)
        page = reader.page
        # Back: the browser opened a new WebSocket, the survivor counted a new session for it
        # (the new socket is silent until the reader acts, so the count is the proof), and the
        # page no longer says "Connecting".
        deadline = killed_at + RECONNECT_TIMEOUT_S
        reconnected = None
        while time.monotonic() < deadline:
            if (
                len(reader.sockets) > sockets
                and replicas.connects()[survivor] > before
                and page.get_by_test_id("stConnectionStatus").count() == 0
            ):
                reconnected = time.monotonic() - killed_at
                break
            page.wait_for_timeout(100)
        assert reconnected is not None, (
            f"not reconnected within {RECONNECT_TIMEOUT_S:.0f} s of the kill: "
            f"{len(reader.sockets) - sockets} new sockets, survivor sessions {before} -> "
            f"{replicas.connects()[survivor]}"
        )
        print(f"kill -9 {victim}: the page reconnected to {survivor} after {reconnected:.1f} s")

        # Same view, on the survivor, without a reload.
        assert parse_qs(urlsplit(page.url).query) == {"country": [COUNTRY]}
        assert stations_shown(page) == str(COUNTRY_STATIONS)
        assert wait_for_markers(page, MARKERS, timeout_ms=10_000).locator(MARKERS).count() >= 1
        # Every request sent after the kill was served by the survivor. (A response sent
        # before it may still arrive after: the basemap's files load after the markers.)
        after_kill = [name for at, name in reader.sent_and_served if at > killed_at]
        assert after_kill and set(after_kill) == {survivor}, reader.sent_and_served[-10:]

        # The reader reloads: the link alone restores the view, from the survivor.
        page.reload(wait_until="domcontentloaded")
        wait_for_view(reader, COUNTRY_STATIONS)
        assert country_chips(page) == [COUNTRY_NAME]
        assert {name for at, name in reader.sent_and_served if at > killed_at} == {survivor}
        assert reader.errors == []
        assert reader.log.external() == []
    finally:
        reader.close()
    seen = replicas.replicas_of(reader.user_agent, websockets=3)  # first page, reconnect, reload
    assert seen["websocket"] == {victim, survivor}, seen

    # New visitors are served by the survivor alone, and see the map.
    for n in range(2):
        visitor = open_reader(chromium_browser, replicas.url, f"after-kill-{n}")
        try:
            wait_for_markers(visitor.page, MARKERS, timeout_ms=MAP_TIMEOUT_MS)
            assert set(visitor.served_by) == {survivor}, visitor.served_by
            assert_loopback_only(visitor)
        finally:
            visitor.close()
        assert replicas.replicas_of(visitor.user_agent)["websocket"] == {survivor}
