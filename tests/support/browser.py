"""Real-browser test support: a Streamlit server on loopback, headless Chromium, and watchers.

Shared by every e2e test so that they all start the server the way it is deployed
(``python -m stations serve``, the command ``make run``, the image, compose and Kubernetes run:
stations/web/serve.py; free loopback ports, nothing else of their own), bound every wait, and
prove the same privacy property: the browser talks to 127.0.0.1 only (plus the tile server the
test configures).

Use the context managers directly, or the pytest fixtures at the end (``chromium_browser`` is
session-scoped: one browser per run keeps the 2-core machine free; each test gets its own
context). Readiness: ``/_stcore/health`` answers before the script has run (the script runs when
a browser connects), so wait for the map's markers with :func:`wait_for_markers`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.serve import HEALTH, serve_command

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

#: The st_folium component's iframe, and what counts as a drawn marker inside it.
#: Matched by its address: the map page retitles its iframe once its script runs.
MAP_IFRAME = 'iframe[src*="/component/streamlit_folium.st_folium/"]'
MARKER = ".leaflet-marker-icon"

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago (the server binds it right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stage_app(script: Path, into: Path, static_dir: Path = STATIC_DIR) -> Path:
    """Copy ``script`` into ``into`` beside a link to ``static_dir``; return the copy.

    Streamlit serves the ``static`` folder next to the MAIN SCRIPT, so a test app kept under
    tests/ would otherwise serve nothing. ``app.py`` at the repository root needs no staging.
    """
    into.mkdir(parents=True, exist_ok=True)
    staged = into / script.name
    shutil.copyfile(script, staged)
    (into / "static").symlink_to(static_dir, target_is_directory=True)
    return staged


def wait_http(
    url: str,
    proc: subprocess.Popen[bytes],
    log: Path,
    timeout: float,
    *,
    name: str = "streamlit",
    any_status: bool = False,
) -> None:
    """Wait until the server ``proc`` answers ``url``: with 200, or with any HTTP status if ``any_status``.

    Fails at once, with the end of its log, if the process exits; after ``timeout`` seconds otherwise.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200 or any_status:
                    return
        except urllib.error.HTTPError:
            if any_status:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{name} at {url} not answering after {timeout}s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def streamlit_server(
    script: Path,
    *,
    base_url_path: str = "",
    env: Mapping[str, str] | None = None,
    static_dir: Path | None = None,
    startup_timeout: float = 60.0,
    log_file: Path | None = None,
    command_prefix: Sequence[str] = (),
    port: int | None = None,
    dev: bool = False,
) -> Iterator[str]:
    """Serve ``script`` as deployed (:func:`serve_command`) on a free 127.0.0.1 port; yield its
    base URL (ends in /). Its health listener is ``HEALTH[base]``.

    ``env`` is added to the current environment (e.g. ``STATION_MAP_TILES``); the repository
    root is put on PYTHONPATH so the app imports ``stations``. With ``static_dir`` the script
    is first staged beside it (:func:`stage_app`). The server is terminated on exit, killed if
    it does not stop within 10 s. ``log_file`` keeps the server's output where the test can
    read it; ``command_prefix`` runs the server under another command (e.g. ``setpriv``).
    ``port`` fixes the port (to restart a server where an open page will reconnect); by default
    a free one is taken.
    """
    with tempfile.TemporaryDirectory(prefix="e2e-streamlit-") as tmp:
        workdir = Path(tmp)
        if static_dir is not None:
            script = stage_app(script, workdir / "app", static_dir)
        port = port or free_port()
        health_port = free_port()
        prefix = f"/{base_url_path.strip('/')}" if base_url_path.strip("/") else ""
        base = f"http://127.0.0.1:{port}{prefix}/"
        command = [
            *command_prefix,
            *serve_command(script, port=port, health_port=health_port, base_url_path=base_url_path, dev=dev),
        ]
        environment = {**os.environ, **(env or {})}
        environment["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), environment.get("PYTHONPATH", "")) if p
        )
        log = log_file or workdir / "streamlit.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=out)
        HEALTH[base] = f"http://127.0.0.1:{health_port}/"
        try:
            wait_http(f"{base}_stcore/health", proc, log, startup_timeout)
            yield base
        finally:
            HEALTH.pop(base, None)
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@contextlib.contextmanager
def chromium(headless: bool = True) -> Iterator[object]:
    """Debian's Chromium through Playwright (never ``playwright install``: no download here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=headless)
        try:
            yield browser
        finally:
            browser.close()


def is_loopback(url: str) -> bool:
    """True for URLs on this machine, and for ones that never touch the network (data:, blob:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    host = parts.hostname or ""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


@dataclass
class RequestLog:
    """Every request a browser context makes, failed ones, and HTTP errors.

    Attach before navigating. With ``block_external`` (the default) a request to any other
    host is aborted after being recorded: a developer machine with internet must not leak
    either. ``allow`` lists URL prefixes that may leave loopback (a real tile server).
    """

    allow: tuple[str, ...] = ()
    block_external: bool = True
    requests: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    http_errors: list[tuple[str, int]] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)

    def attach(self, context: object) -> RequestLog:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("requestfailed", lambda r: self.failed.append((r.url, str(r.failure))))
        context.on(
            "response",
            lambda r: self.http_errors.append((r.url, r.status)) if r.status >= 400 else None,
        )
        context.on("page", lambda page: page.on("websocket", lambda ws: self.websockets.append(ws.url)))
        if self.block_external:
            context.route("**/*", self._route)
        return self

    def _allowed(self, url: str) -> bool:
        return is_loopback(url) or url.startswith(self.allow)

    def _route(self, route: object) -> None:
        if self._allowed(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def external(self) -> list[str]:
        """Requests to hosts other than loopback and the allowed prefixes: should be empty."""
        return [url for url in [*self.requests, *self.websockets] if not self._allowed(url)]

    def external_hosts(self) -> list[str]:
        return sorted({urlsplit(url).netloc for url in self.external()})

    def local_failures(self, ignore: tuple[str, ...] = ()) -> list[str]:
        """Loopback requests that failed or got 4xx/5xx, minus URLs starting with ``ignore``."""
        bad = [f"{url} ({why})" for url, why in self.failed if self._allowed(url)]
        bad += [f"{url} (HTTP {status})" for url, status in self.http_errors if self._allowed(url)]
        return [entry for entry in bad if not entry.startswith(ignore)]


def map_frame(page: object, timeout_ms: int = 30_000) -> object:
    """The st_folium iframe's Frame, once it is attached and loaded."""
    handle = page.wait_for_selector(MAP_IFRAME, state="attached", timeout=timeout_ms)
    frame = handle.content_frame()
    if frame is None:
        raise AssertionError("the st_folium iframe has no content frame")
    frame.wait_for_load_state("load", timeout=timeout_ms)
    return frame


def wait_for_markers(
    page: object, selector: str = MARKER, *, minimum: int = 1, timeout_ms: int = 30_000
) -> object:
    """Wait until ``minimum`` elements matching ``selector`` are visible in the map; return the frame.

    Use ``.marker-cluster`` for clusters. A map that failed to load its scripts stays at
    height 0 without any error on the page, so this wait is the real readiness check.
    """
    frame = map_frame(page, timeout_ms)
    frame.wait_for_selector(selector, state="visible", timeout=timeout_ms)
    if minimum > 1:
        frame.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length >= n",
            arg=[selector, minimum],
            timeout=timeout_ms,
        )
    return frame


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour PNG with a darker 1-px border, so tile edges show in screenshots."""
    edge = bytes(max(0, c - 40) for c in rgb)
    fill = bytes(rgb)
    rows = []
    for y in range(height):
        line = [edge if y in (0, height - 1) or x in (0, width - 1) else fill for x in range(width)]
        rows.append(b"\x00" + b"".join(line))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


@contextlib.contextmanager
def file_server(directory: Path) -> Iterator[str]:
    """A plain file server (Python's own) for ``directory`` on a free 127.0.0.1 port; yields its
    base URL. A client that leaves before a file is sent (a closed browser context) is no error."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def handle(self) -> None:
            with contextlib.suppress(ConnectionError):
                super().handle()

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


#: Every text node outside scripts and styles, every accessible name (``aria-label``) and the
#: document's title, one per line: what a page shows and says, for the language checks.
SHOWN_TEXT_JS = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const tag = n.parentElement && n.parentElement.tagName;
    if (tag !== "SCRIPT" && tag !== "STYLE" && n.textContent.trim()) { out.push(n.textContent.trim()); }
  }
  document.querySelectorAll("[aria-label]").forEach((e) => out.push(e.getAttribute("aria-label")));
  out.push(document.title);
  return out.join("\\n");
}"""


def open_published(context: object, url: str) -> tuple[object, RequestLog, list[str]]:
    """The published map at ``url`` in ``context``, loaded until its script is ready and a marker
    is drawn; with its request log and the script errors and policy violations it reported."""
    log = RequestLog().attach(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    page.wait_for_selector("html[data-published-ready]")
    page.locator(f"{MARKER} >> visible=true").first.wait_for(state="visible")
    return page, log, errors


@dataclass
class TileServer:
    """A loopback tile server: every ``/{z}/{x}/{y}.png`` is the same light tile."""

    url_template: str
    hits: list[str]


@contextlib.contextmanager
def tile_server() -> Iterator[TileServer]:
    """Serve stand-in map tiles on 127.0.0.1, so tests exercise a real tile layer offline."""
    tile = _png(256, 256, (226, 232, 222))
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        yield TileServer(f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", hits)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# Pytest fixtures. Import them into a test module, or register this module with
# ``pytest_plugins = ["tests.support.browser"]`` in tests/conftest.py to share them suite-wide.


# Module scope: Playwright allows one sync session per thread, and other modules (assets,
# bench) start their own; a browser kept for the whole run would make them fail.
@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[object]:
    """One headless Chromium for the session; skips the test if Chromium is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    with chromium() as browser:
        yield browser


@pytest.fixture
def browser_context(chromium_browser: object) -> Iterator[object]:
    """A fresh context (own cookies, cache) with bounded default waits."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(30_000)
    try:
        yield context
    finally:
        context.close()
