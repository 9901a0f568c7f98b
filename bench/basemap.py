"""The app's own basemap: what it adds per page load (bytes) and what it does to the first marker.

``python -m bench.basemap [--loads N] [--sizes 101,10000]`` serves the real app on loopback twice
per round, with the basemap (``STATION_MAP_TILES`` empty: the default) and without any base
layer (``none``: the reference every other bench figure uses), and times fresh page loads until
the first marker is visible (bench/browser.py's measure). Rounds alternate the two so that a
busy machine weighs on both alike. Then one more load with the basemap records the bytes every
basemap file took on the wire (gzip as the app serves it) at the default view, and what zooming
to 5 and 9 fetches on top, and how long after the first marker the land and the names were up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import browser
from bench.datasets import make_dataset

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"

#: Inside the map frame: the Leaflet map and the basemap's state (stations/map/basemap.py).
_STATE_JS = """() => {
  const map = Object.values(window).find(v => { try { return v instanceof L.Map; } catch (e) { return false; } });
  const b = map && map._stationBasemap;
  return b ? {level: b.state.shown && b.state.shown.url, pending: b.state.pending,
              labels: document.querySelectorAll(".bm-label").length, zoom: map.getZoom()} : null;
}"""
_SET_VIEW_JS = """([lat, lon, zoom]) => {
  const map = Object.values(window).find(v => { try { return v instanceof L.Map; } catch (e) { return false; } });
  map.setView([lat, lon], zoom, {animate: false});
}"""


def basemap_bytes(chromium: Any, data_dir: Path) -> dict[str, Any]:
    """Bytes of every basemap request at the default view, then at zoom 5 and 9 (Paris)."""
    support = browser.harness()
    env = {"STATIONS_DATA_DIR": str(data_dir), "STATION_MAP_TILES": ""}
    with support.streamlit_server(APP, env=env) as base:
        context = chromium.new_context(viewport=browser.VIEWPORT)
        log = support.RequestLog().attach(context)
        seen: list[tuple[str, int, int]] = []

        def on_finished(request: Any) -> None:
            if "/basemap" in request.url:
                sizes = request.sizes()
                seen.append((request.url.rsplit("/app/static/", 1)[-1], sizes["responseBodySize"],
                             sizes["responseHeadersSize"]))  # fmt: skip

        context.on("requestfinished", on_finished)
        page = context.new_page()
        start = time.perf_counter()
        page.goto(base)
        frame = page.frame_locator(support.MAP_IFRAME)
        frame.locator(f"{browser.MARKERS} >> visible=true").first.wait_for(state="visible", timeout=180_000)
        first_marker = time.perf_counter() - start
        handle = page.wait_for_selector(support.MAP_IFRAME, state="attached")
        live = handle.content_frame()
        live.wait_for_function(
            "() => { const s = ("
            + _STATE_JS
            + ")(); return s && s.level && s.labels > 0 && s.pending === 0; }",
            timeout=60_000,
        )
        drawn = time.perf_counter() - start
        steps: dict[str, list[tuple[str, int, int]]] = {"default view": list(seen)}
        for name, view in (("zoom 5 (Europe)", [49.5, 9.0, 5]), ("zoom 9 (Paris)", [48.86, 2.35, 9])):
            before = len(seen)
            live.evaluate(_SET_VIEW_JS, view)
            live.wait_for_function(
                "(z) => { const s = (" + _STATE_JS + ")(); return s && s.zoom === z && s.pending === 0"
                " && s.labels > 0; }",
                arg=view[2],
                timeout=60_000,
            )
            page.wait_for_timeout(300)
            steps[name] = seen[before:]
        context.close()
    return {
        "first_marker_s": round(first_marker, 3),
        "basemap_drawn_s": round(drawn, 3),
        "external_requests": len(log.external()),
        "steps": {
            name: {
                "files": {url: body for url, body, _ in rows},
                "wire_bytes": sum(b + h for _, b, h in rows),
            }
            for name, rows in steps.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=4, help="page loads per server (first one is cold)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating with/without rounds")
    parser.add_argument("--sizes", default="committed,10000", help="'committed' and/or station counts")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    reason = browser.unavailable_reason()
    if reason:
        print(f"cannot run: {reason}")
        return 1
    out: dict[str, Any] = {"loads": args.loads, "rounds": args.rounds, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="bench-basemap-") as tmp, browser.browser() as chromium:
        for size in args.sizes.split(","):
            data = ROOT / "data" if size == "committed" else make_dataset(Path(tmp), int(size))
            warm: dict[str, list[float]] = {"none": [], "basemap": []}
            for _ in range(args.rounds):
                for label, tiles in (("none", "none"), ("basemap", "")):
                    result = browser.measure_page(
                        chromium, APP, data, loads=args.loads, gestures=False, tiles=tiles
                    )
                    warm[label] += result["load_s"][1:]
                    if result["external_requests"] or result["page_errors"]:
                        print(
                            f"{size} {label}: {result['external_requests']} external, {result['page_errors']}"
                        )
            row = {
                label: {
                    "warm_loads": len(v),
                    "median_s": round(statistics.median(v), 3),
                    "min_s": round(min(v), 3),
                    "max_s": round(max(v), 3),
                }  # fmt: skip
                for label, v in warm.items()
            }
            row["ratio"] = round(row["basemap"]["median_s"] / row["none"]["median_s"], 3)
            row["bytes"] = basemap_bytes(chromium, data)
            out["sizes"][size] = row
            print(json.dumps({size: row}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
