"""The real page in headless Chromium: time until the markers are drawn, and reruns on pan/zoom.

Servers and the browser come from ``tests/support/browser.py`` (the same start-up, loopback-only
request log and readiness wait as the e2e tests), so the bench and the tests cannot drift apart.

Reruns are counted from Streamlit's own websocket protocol, decoded with Streamlit's protobuf
classes: every ``BackMsg.rerun_script`` the page SENDS is a rerun request, every
``ForwardMsg.script_finished`` it RECEIVES is a script run that happened. Nothing in the app is
instrumented, so the same counter works on the naive reference; and since the naive page
(``st_folium`` returning every object) must show reruns on the same gestures, the counter proves
it can see them.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
#: Markers or cluster icons: both are ``.leaflet-marker-icon`` (clusters are divIcons).
MARKERS = ".leaflet-marker-icon"
FLOOR_TEXT = "floor ready"
VIEWPORT = {"width": 1280, "height": 1200}


def harness() -> ModuleType:
    """The test harness's servers and browser (``tests.support.browser``), imported when first
    needed: the benchmark starts the app exactly as the tests do."""
    from tests.support import browser

    return browser


def unavailable_reason() -> str | None:
    """Why the browser part cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium, or `make chromium`)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    return None


@dataclass
class WireCounter:
    """Streamlit websocket traffic of one page: rerun requests, finished runs, bytes in."""

    rerun_requests: int = 0
    scripts_finished: int = 0
    bytes_received: int = 0
    last_frame: float = field(default_factory=time.monotonic)

    def attach(self, page: Any) -> WireCounter:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def sent(payload: str | bytes) -> None:
            if isinstance(payload, bytes):
                with contextlib.suppress(Exception):
                    if BackMsg.FromString(payload).WhichOneof("type") == "rerun_script":
                        self.rerun_requests += 1

        def received(payload: str | bytes) -> None:
            self.last_frame = time.monotonic()
            if isinstance(payload, bytes):
                self.bytes_received += len(payload)
                with contextlib.suppress(Exception):
                    if ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
                        self.scripts_finished += 1

        def on_socket(ws: Any) -> None:
            if "_stcore/stream" in ws.url:
                ws.on("framesent", sent)
                ws.on("framereceived", received)

        page.on("websocket", on_socket)
        return self

    def settle(self, page: Any, quiet_s: float, limit_s: float) -> None:
        """Wait until no frame arrived for ``quiet_s`` (bounded by ``limit_s``)."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline and time.monotonic() - self.last_frame < quiet_s:
            page.wait_for_timeout(100)


@dataclass
class IframeBytes:
    """Response bodies the page's child frames (the map's iframe) received: its document,
    scripts, stylesheets and images (compressed size as sent, headers excluded)."""

    sizes: list[int] = field(default_factory=list)

    def attach(self, page: Any) -> IframeBytes:
        def finished(request: Any) -> None:
            if request.frame.parent_frame is not None:
                with contextlib.suppress(Exception):
                    self.sizes.append(request.sizes()["responseBodySize"])

        page.on("requestfinished", finished)
        return self

    def total(self) -> tuple[int, int]:
        return sum(self.sizes), len(self.sizes)


#: Installed in every frame before its scripts run. Inside a frame (the map's iframe) it looks
#: for a drawn marker (a box of non-zero size, not hidden: what a locator calls visible) whenever
#: nodes are added to the frame and every 10 ms, and writes the wall-clock time it first saw one into
#: the top page (same origin), keeping the earliest if Streamlit remounts the frame. A locator's
#: visibility wait re-checks only every 0.1-0.5 s, which adds up to half a second of noise to
#: every load. Not requestAnimationFrame: Chromium runs it only a few times in an iframe that is
#: still 0 px high, as the map's is until streamlit-folium sets its height.
FIRST_MARKER_CLOCK = """
(() => {
  if (window === window.top) return;
  const stopAt = performance.now() + 200000;
  let done = false, observer = null, timer = null;
  function drawn(el) {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  }
  function stop() {
    done = true;
    if (observer) observer.disconnect();
    clearInterval(timer);
  }
  function look() {
    if (done) return;
    if (performance.now() > stopAt) return stop();
    if (!Array.prototype.some.call(document.querySelectorAll("MARKERS"), drawn)) return;
    const at = performance.timeOrigin + performance.now();
    stop();
    try {
      const page = window.top;
      if (!page.__firstMarkerAt || at < page.__firstMarkerAt) page.__firstMarkerAt = at;
    } catch (error) { /* another origin: the locator's time is used instead */ }
  }
  observer = new MutationObserver(look);
  observer.observe(document, {childList: true, subtree: true});
  timer = setInterval(look, 10);
})();
""".replace("MARKERS", MARKERS)
#: The same clock for a map drawn in the top page itself (the published map, a standalone save):
#: it runs in the top page and no frame's.
TOP_PAGE_MARKER_CLOCK = FIRST_MARKER_CLOCK.replace(
    "if (window === window.top) return;", "if (window !== window.top) return;"
)


def first_marker_s(page: Any) -> float | None:
    """Seconds from the top page's navigation start to the first drawn marker, if it was seen."""
    return page.evaluate(
        "() => window.__firstMarkerAt ? (window.__firstMarkerAt - performance.timeOrigin) / 1000 : null"
    )


def pan_and_zoom(page: Any, frame: Any, pause_ms: int = 500) -> int:
    """Drag the map three times, zoom with ctrl + wheel and the +/- buttons; return gestures done."""
    support = harness()
    iframe = page.locator(support.MAP_IFRAME)
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    if box is None:
        raise RuntimeError("map iframe has no box")
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    mouse = page.mouse
    gestures = 0
    for dx, dy in ((140, 60), (-200, -40), (60, -80)):
        mouse.move(cx, cy)
        mouse.down()
        mouse.move(cx + dx, cy + dy, steps=8)
        mouse.up()
        gestures += 1
        page.wait_for_timeout(pause_ms)
    for delta in (-300, 300):
        mouse.move(cx, cy)
        # The map zooms on ctrl + wheel (gesture handling: a plain wheel scrolls the page).
        page.keyboard.down("Control")
        mouse.wheel(0, delta)
        page.keyboard.up("Control")
        gestures += 1
        page.wait_for_timeout(pause_ms)
    for control in (".leaflet-control-zoom-in", ".leaflet-control-zoom-out"):
        # Bounded: a page busy redrawing thousands of DOM markers can stay unclickable.
        frame.locator(control).click(timeout=30_000)
        gestures += 1
        page.wait_for_timeout(pause_ms)
    return gestures


def server_pid(port: int) -> int | None:
    """The ``streamlit run`` child of this process listening on ``port``."""
    import psutil

    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            cmd = child.cmdline()
            if "--server.port" in cmd and cmd[cmd.index("--server.port") + 1] == str(port):
                return child.pid
    return None


def peak_rss_mb(pid: int | None) -> float | None:
    """Peak RSS (VmHWM) of a live process, in MiB; Linux only."""
    if pid is None:
        return None
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run (the harness's launch flags)."""
    with harness().chromium() as instance:
        yield instance


def measure_page(
    chromium: Any,
    script: Path,
    data_dir: Path,
    *,
    loads: int,
    floor: bool = False,
    gestures: bool = True,
    timeout_s: float = 180.0,
    tiles: str = "none",
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Serve ``script`` on loopback with ``data_dir``; time ``loads`` fresh page loads.

    Each load is a new browser context (no cache, new session), timed from ``goto`` until the
    markers (or, for the floor, its text) are visible. The first load also pays the server's
    cold cache; it is kept in the list and reported apart. After the last load the page is left
    to settle, then panned and zoomed, and the reruns this caused are counted. ``tiles`` is the
    ``STATION_MAP_TILES`` setting: ``none`` (plain ground, the reference) unless a caller
    measures the base layer itself (``""``: the app's own basemap, see bench/basemap.py).
    ``env`` adds settings for the server (e.g. ``BENCH_ELEMENTS_WITHOUT``).
    """
    support = harness()
    env = {"STATIONS_DATA_DIR": str(data_dir), "STATION_MAP_TILES": tiles, **(env or {})}
    static = None if script.resolve() == (ROOT / "app.py") else support.STATIC_DIR
    out: dict[str, Any] = {
        "load_s": [],
        "wait_s": [],
        "ws_bytes": None,
        "iframe_bytes": None,
        "iframe_requests": None,
        "external_requests": 0,
        "page_errors": [],
    }
    with support.streamlit_server(script, env=env, static_dir=static) as base:
        pid = server_pid(int(base.split(":")[2].split("/")[0]))
        deadline = time.monotonic() + 3 * timeout_s
        for number in range(max(1, loads)):
            if number and time.monotonic() > deadline:
                # A page that slow is already measured; more loads would only stall the run.
                out["loads_cut"] = f"stopped after {number} loads: over {3 * timeout_s:.0f} s in all"
                break
            context = chromium.new_context(viewport=VIEWPORT)
            context.set_default_timeout(timeout_s * 1000)
            log = support.RequestLog().attach(context)
            try:
                page = context.new_page()
                if not floor:
                    page.add_init_script(FIRST_MARKER_CLOCK)
                page.on("pageerror", lambda error: out["page_errors"].append(str(error)[:200]))
                wire = WireCounter().attach(page)
                into_iframe = IframeBytes().attach(page)
                start = time.perf_counter()
                page.goto(base, timeout=timeout_s * 1000)
                if floor:
                    page.get_by_text(FLOOR_TEXT).wait_for(state="visible", timeout=timeout_s * 1000)
                    frame = None
                else:
                    # A frame locator, not the harness's wait_for_markers: that waits on the
                    # iframe's Frame as first attached, and Streamlit may replace the iframe
                    # (the component remounts on the run that follows st_folium's first value),
                    # leaving the wait on a detached frame until it times out. Any visible
                    # marker counts: the first in the DOM may be a cluster icon that Leaflet
                    # has already hidden (it stays in the DOM after a zoom).
                    frame = page.frame_locator(support.MAP_IFRAME)
                    frame.locator(f"{MARKERS} >> visible=true").first.wait_for(
                        state="visible", timeout=timeout_s * 1000
                    )
                waited = time.perf_counter() - start
                out["wait_s"].append(waited)
                seen = None if floor else first_marker_s(page)
                out["load_s"].append(seen if seen is not None else waited)
                wire.settle(page, quiet_s=1.5, limit_s=30)
                out["ws_bytes"] = wire.bytes_received
                out["iframe_bytes"], out["iframe_requests"] = into_iframe.total()
                out["initial_runs"] = wire.scripts_finished
                out["external_requests"] += len(log.external())
                last = number == loads - 1 or time.monotonic() > deadline
                if gestures and frame is not None and last:
                    before = (wire.rerun_requests, wire.scripts_finished)
                    out["gestures"] = pan_and_zoom(page, frame)
                    wire.settle(page, quiet_s=2.5, limit_s=60)
                    out["pan_zoom_rerun_requests"] = wire.rerun_requests - before[0]
                    out["pan_zoom_reruns"] = wire.scripts_finished - before[1]
            finally:
                context.close()
        out["server_peak_rss_mb"] = peak_rss_mb(pid)
    out["load_median_s"] = statistics.median(out["load_s"])
    out["first_load_s"] = out["load_s"][0]
    warm = out["load_s"][1:]
    out["warm_load_median_s"] = statistics.median(warm) if warm else None
    return out
