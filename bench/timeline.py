"""One page load, timed event by event: where the wait for the first marker goes.

    python -m bench.timeline [--app app|one_marker|naive] [--n 102] [--loads 2]

Serves the page on loopback (as ``bench.browser`` does), loads it in headless Chromium and prints,
in ms from ``goto``: every request (and which frame made it), the Streamlit websocket messages
(size and type), the map iframe's attachment, and the first visible marker. The last load is
printed in full, earlier ones (the first pays the server's cold cache) as a summary line.
Figures from one load on a shared machine: a shape, not a record.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import browser
from bench.datasets import make_dataset
from bench.runner import APPS


def one_load(chromium: Any, base: str) -> tuple[list[tuple[float, str]], dict[str, Any]]:
    """Events of one fresh load, and its totals."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    support = browser.harness()
    events: list[tuple[float, str]] = []
    totals: dict[str, Any] = {"ws_bytes": 0, "iframe_bytes": 0, "iframe_requests": 0}
    context = chromium.new_context(viewport=browser.VIEWPORT)
    support.RequestLog().attach(context)
    start = 0.0

    def now() -> float:
        return (time.perf_counter() - start) * 1000

    def on_request(request: Any) -> None:
        frame = request.frame
        where = "iframe" if frame.parent_frame is not None else "page"
        events.append(
            (now(), f"request  [{where}] {request.resource_type:10} {request.url.split('/', 3)[-1][:90]}")
        )

    def on_finished(request: Any) -> None:
        at = now()
        where = "iframe" if request.frame.parent_frame is not None else "page"
        with contextlib.suppress(Exception):
            size = request.sizes()["responseBodySize"]
            if where == "iframe":
                totals["iframe_bytes"] += size
                totals["iframe_requests"] += 1
            events.append((at, f"finished [{where}] {size:>9,} B {request.url.rsplit('/', 1)[-1][:60]}"))

    def on_frame(payload: str | bytes) -> None:
        if not isinstance(payload, bytes):
            return
        totals["ws_bytes"] += len(payload)
        kind = "?"
        with contextlib.suppress(Exception):
            msg = ForwardMsg.FromString(payload)
            kind = msg.WhichOneof("type") or "?"
            if kind == "delta":
                kind += ":" + (msg.delta.WhichOneof("type") or "?")
                if msg.delta.HasField("new_element"):
                    kind += ":" + (msg.delta.new_element.WhichOneof("type") or "?")
        events.append((now(), f"ws in    {len(payload):>9,} B {kind}"))

    page = context.new_page()
    # Long main-thread tasks of the page (not the iframe), in the page's own clock.
    page.add_init_script(
        "if (window === window.top) { window.__long = []; new PerformanceObserver(l => l.getEntries()"
        ".forEach(e => window.__long.push([e.startTime, e.duration]))).observe({entryTypes: ['longtask']}); }"
    )
    page.on("request", on_request)
    page.on("requestfinished", on_finished)
    page.on(
        "frameattached", lambda frame: events.append((now(), f"frame attached {frame.name or frame.url}"))
    )
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", on_frame) if "_stcore/stream" in ws.url else None,
    )
    start = time.perf_counter()
    origin_ms = time.time() * 1000
    page.goto(base)
    frame = page.frame_locator(support.MAP_IFRAME)
    frame.locator(f"{browser.MARKERS} >> visible=true").first.wait_for(state="visible", timeout=120_000)
    totals["marker_ms"] = now()
    events.append((totals["marker_ms"], "FIRST MARKER VISIBLE"))
    page.wait_for_timeout(1500)
    # The navigation started at about 0 ms of our clock; page time 0 is its timeOrigin.
    offset = page.evaluate("performance.timeOrigin") - origin_ms
    for begin, length in page.evaluate("window.__long || []"):
        events.append((begin + offset, f"long task on the page's main thread: {length:,.0f} ms"))
    totals["long_ms"] = sum(length for _, length in page.evaluate("window.__long || []"))
    context.close()
    return sorted(events), totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.timeline", description=__doc__.splitlines()[0])
    parser.add_argument("--app", default="app", help="app, one_marker or naive")
    parser.add_argument("--n", type=int, default=102, help="synthetic stations")
    parser.add_argument("--loads", type=int, default=2)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    args = parser.parse_args(argv)
    support = browser.harness()
    script = APPS[args.app]
    env = {"STATION_MAP_TILES": "none", **dict(item.split("=", 1) for item in args.env)}
    with tempfile.TemporaryDirectory(prefix="bench-timeline-") as tmp:
        env["STATIONS_DATA_DIR"] = str(make_dataset(Path(tmp), args.n))
        static = None if script == APPS["app"] else support.STATIC_DIR
        with (
            support.streamlit_server(script, env=env, static_dir=static) as base,
            browser.browser() as chromium,
        ):
            for number in range(max(1, args.loads)):
                events, totals = one_load(chromium, base)
                attached = next(
                    (at for at, what in events if what.startswith("frame attached")), float("nan")
                )
                print(
                    f"load {number + 1}: iframe at {attached:,.0f} ms, first marker {totals['marker_ms']:,.0f} ms; websocket "
                    f"{totals['ws_bytes']:,} B; iframe {totals['iframe_requests']} requests, "
                    f"{totals['iframe_bytes']:,} B; long tasks {totals['long_ms']:,.0f} ms"
                )
            for at, what in events:
                print(f"{at:8.0f}  {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
