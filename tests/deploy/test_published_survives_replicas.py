"""The published map through nginx keeps working with every Streamlit process killed.

Two replicas of app.py (the committed data) behind nginx on loopback, nginx serving the published
map from disk (``--published-root``, the folder ``python -m stations publish --out`` wrote from
the same data). A reader opens the published map; then every serve supervisor and every replica
(and anything they started) is killed with ``kill -9``, and the dashboard through nginx is down.
The published map still, in fresh browser contexts (no cache): loads and draws its markers,
filters from its link (``?country=IT``: Italy's stations and the counts line), and opens a
station's popup from a station link. Every request of those loads is answered by nginx from disk
(no upstream in its access log), none fails, none leaves loopback.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from deploy.nginx_conf import PUBLISHED_PATH
from stations.data.load import load_dataset
from tests.support.browser import ROOT, open_published
from tests.support.deploy import Cluster, cluster, nginx_binary, published_site
from tests.support.serve import replica_process

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]

COUNTRY, COUNTRY_NAME = "IT", "Italy"
STATION, STATION_CITY = "IT-prato-1", "Prato"
STATIONS = load_dataset(ROOT / "data").stations
ITALY = list(STATIONS.loc[STATIONS["iso2"] == COUNTRY, "station_id"])
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def deployment() -> Iterator[Cluster]:
    if nginx_binary() is None:
        pytest.fail("nginx is not installed: `make nginx` (a dependency of `make test`) installs it")
    with (
        published_site(countries=(COUNTRY,)) as site,
        cluster(2, env={"STATION_MAP_TILES": "none"}, published_root=str(site)) as running,
    ):
        yield running


def status_of(url: str) -> int | None:
    """The HTTP status of ``url``, or None when nothing answers at all."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except (urllib.error.URLError, OSError):
        return None


def kill_every_server(running: Cluster) -> list[psutil.Process]:
    """``kill -9`` each replica's serve supervisor, the replica and whatever they started."""
    victims: list[psutil.Process] = []
    for base in running.replicas.values():
        replica = replica_process(base)
        supervisor = replica.parent()
        assert supervisor is not None and "serve" in supervisor.cmdline(), supervisor
        victims += [supervisor, *supervisor.children(recursive=True)]
    assert len(victims) >= 2 * len(running.replicas), victims
    for victim in victims:
        victim.send_signal(signal.SIGKILL)
    running.killed.update(running.replicas)
    return victims


def dead(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@contextlib.contextmanager
def fresh_load(chromium_browser: object, url: str) -> Iterator[object]:
    """The page in a new context (no cache, no cookie), loaded until ready with a marker drawn;
    on leaving, no request failed or left loopback and the page reported no error."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    try:
        page, log, errors = open_published(context, url)
        yield page
        assert log.external() == [] and log.local_failures() == [], (log.external(), log.local_failures())
        assert errors == []
    finally:
        context.close()


def test_the_published_map_loads_filters_and_opens_popups_with_every_replica_killed(
    deployment: Cluster, chromium_browser: object
) -> None:
    published = deployment.url.rstrip("/") + PUBLISHED_PATH + "index.html"
    health = deployment.url + "_stcore/health"
    assert status_of(health) == 200  # the dashboard is up before the kill

    with fresh_load(chromium_browser, published) as page:
        assert page.evaluate("L.PublishedView.state.count") == len(STATIONS)

    victims = kill_every_server(deployment)
    deadline = time.monotonic() + 15
    while not all(dead(v) for v in victims) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(dead(v) for v in victims), [v for v in victims if not dead(v)]
    for base in deployment.replicas.values():
        assert status_of(base + "_stcore/health") is None, base  # nothing listens any more
    assert status_of(health) in (502, 503)  # the dashboard through nginx is down
    logged = len(deployment.log())

    # A fresh load of the unfiltered map draws every station.
    with fresh_load(chromium_browser, published) as page:
        assert page.evaluate("L.PublishedView.state.count") == len(STATIONS)

    # Filtered from its link: Italy's stations, and the counts line says so.
    with fresh_load(chromium_browser, f"{published}?country={COUNTRY}") as page:
        assert page.evaluate("L.PublishedView.state.ids") == ITALY
        assert page.text_content("#pv-count") == f"{len(ITALY)} stations in {COUNTRY_NAME}"

    # A station link zooms to the station and opens its popup.
    with fresh_load(chromium_browser, f"{published}?station={STATION}") as page:
        assert page.evaluate("L.PublishedView.state.station") == STATION
        page.wait_for_selector(".leaflet-popup-content")
        assert STATION_CITY in page.text_content(".leaflet-popup-content")

    # nginx answered every one of those requests from disk: no replica was asked.
    after = [line for line in deployment.log()[logged:] if line.uri.startswith(PUBLISHED_PATH)]
    assert len(after) >= 3 * 5, after  # pages, data, scripts, styles for three loads
    assert all(line.status == 200 and not line.upstream for line in after), [
        (line.uri, line.status, line.upstream) for line in after if line.status != 200 or line.upstream
    ]


def test_nginx_sends_the_gzip_files_written_at_publish_time(deployment: Cluster) -> None:
    """Each text file goes out as its .gz sibling, byte for byte (gzip_static: no compression
    per request; nginx's own gzip would not give these bytes), and as it is to a client that
    takes no gzip."""
    root = Path(deployment.settings.published_root)
    base = deployment.url.rstrip("/") + PUBLISHED_PATH
    page = (root / "index.html").read_text("utf-8")
    config = json.loads(re.search(r'id="published-config">(.*?)</script>', page).group(1))
    paths = ["index.html", config["data"], *config["mapScripts"]]
    paths += re.findall(r'<script src="([^"]+)"', page)
    for path in paths:
        raw = (root / path).read_bytes()
        packed = (root / f"{path}.gz").read_bytes()
        gzipped = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(gzipped, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip", path
            assert "Accept-Encoding" in (response.headers["Vary"] or ""), path
            assert response.read() == packed, path
        with urllib.request.urlopen(base + path, timeout=10) as response:
            assert response.headers["Content-Encoding"] is None, path
            assert response.read() == raw, path
