"""The published map against folium's own save and against the dashboard, in one run.

``python -m bench.published [--sizes 102,10000] [--loads 5] [--seconds 8] [--write]`` (part of
``make bench``). For each size it writes synthetic stations (stations.data.synthetic, the real
schema), publishes them as they are published (``python -m stations publish --out``), saves the
same map with folium's own ``save()`` (the same station layer with its station table inside the
page, the same assets and basemap, the files beside it), and runs the deployment on loopback as
tests/deploy does: two replicas of the app on the same data behind nginx, nginx serving the
published folder from disk (``--published-root``). Then:

- **First marker**, measured alternately: fresh loads (new browser context: no cache, new
  session) of the published map and of folium's save in turn (both from one plain file server,
  ``--pairs`` of each per round, the order swapped every pair), then one of the dashboard
  (through nginx), round after round; the first round pays cold caches and is dropped, medians
  of the rest. The clock is bench/browser.py's, in the frame that draws the map
  (the dashboard's iframe; the top page for the other two).
- **Bytes per first load** through nginx (gzip as served): every response body as sent, plus
  for the dashboard its WebSocket's frames (Streamlit sends them uncompressed).
- At the first size only, through the same nginx (run as deployed: ``worker_processes auto``):
  **readers per second**, each reader over a new connection, both without the content-named
  assets a returning reader or a CDN has cached (the published map's ``a/`` and ``img/``,
  Streamlit's ``/static/``): the published map's page and data (its page, its page code and
  its data file, as its first load in Chromium fetched them, gzip accepted) fetched by wrk, a
  native load generator (``make wrk``), against new dashboard sessions (the HTML shell, then a
  WebSocket whose first script run ends; Python clients, each reader from its own loopback
  address), each for ``--seconds``; and **memory per open reader** (nginx's RSS growth per connection held open after a full load; the replicas'
  RSS growth per WebSocket session held open after its first run). The readers-per-second rounds
  also record the server's CPU per reader (nginx; the replicas and nginx), which the client's own
  pace does not bound.

wrk runs on the same two cores as nginx, so the published map's readers per second are still
a floor of what nginx serves on its own; the CPU per reader is nginx's alone.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil

from bench import browser
from bench.datasets import make_dataset
from deploy.nginx_conf import PUBLISHED_PATH

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## The published map against folium's save and the dashboard (`python -m bench.published`)"
SIZES = (102, 10_000)
#: Targets of the published map (ratios to references measured in the same run).
TARGET_VS_SAVE = {102: 1.1, 10_000: 1.3}
TARGET_VS_DASHBOARD = 0.4
TARGET_READERS = 100.0
#: Concurrent connections (wrk) and clients (Python) for the readers-per-second rounds, and the
#: cap on each Python round's readers.
PUBLISHED_CLIENTS = 8
DASHBOARD_CLIENTS = 6
MAX_READERS = 20_000
#: Readers held open for the memory figures.
OPEN_PUBLISHED = 100
OPEN_SESSIONS = 12


def log(message: str) -> None:
    print(message, flush=True)


# -- the pages ---------------------------------------------------------------------------------


def folium_save(data_dir: Path, site: Path, into: Path) -> Path:
    """folium's own standalone save of the same map as the published page: the same layer (its
    station table inside the page, as the dashboard's frame has it), assets and basemap; the
    assets are the published folder's own (``a/``, linked beside the page)."""
    from stations.map import mapping
    from stations.publish import source

    loaded = source.load(data_dir)
    (static,) = [p.name for p in (site / "a").iterdir()]
    layer = mapping.layer_data(loaded.stations, loaded.summary, loaded.shapes)
    fmap = mapping.map_of_layer(layer, basemap=True, prefix=f"a/{static}")
    into.mkdir(parents=True, exist_ok=True)
    (into / "a").symlink_to(site / "a", target_is_directory=True)
    fmap.save(str(into / "index.html"))
    return into / "index.html"


# -- in the browser ----------------------------------------------------------------------------


def first_marker(chromium: Any, url: str, *, in_frame: bool, timeout_s: float) -> float:
    """One fresh load of ``url``: seconds from navigation start to the first drawn marker."""
    context = chromium.new_context(viewport=browser.VIEWPORT)
    try:
        page = context.new_page()
        page.add_init_script(browser.FIRST_MARKER_CLOCK if in_frame else browser.TOP_PAGE_MARKER_CLOCK)
        start = time.perf_counter()
        page.goto(url, timeout=timeout_s * 1000)
        where = page.frame_locator(browser.harness().MAP_IFRAME) if in_frame else page
        where.locator(f"{browser.MARKERS} >> visible=true").first.wait_for(
            state="visible", timeout=timeout_s * 1000
        )
        waited = time.perf_counter() - start
        seen = browser.first_marker_s(page)
        return seen if seen is not None else waited
    finally:
        context.close()


def alternate(one_round: Callable[[], dict[str, list[float]]], rounds: int) -> dict[str, list[list[float]]]:
    """``rounds`` rounds of loads of each page; per page, its times, one list per round."""
    times: dict[str, list[list[float]]] = {}
    for number in range(rounds):
        for name, seconds in one_round().items():
            times.setdefault(name, []).append(seconds)
        shown = ", ".join(f"{k} " + " ".join(f"{t:.2f}" for t in v[-1]) for k, v in times.items())
        log(f"  round {number + 1}/{rounds}: {shown} s")
    return times


def warm_median(rounds: list[list[float]]) -> float:
    """The median of every load after the first round (which pays the cold caches)."""
    return statistics.median([t for loads in rounds[1:] or rounds for t in loads])


def first_load_bytes(chromium: Any, url: str, *, in_frame: bool, timeout_s: float) -> dict[str, Any]:
    """One fresh load through nginx: response bodies as sent (gzip), WebSocket bytes received,
    and the same-origin paths it fetched (what a reader with an empty cache asks for)."""
    context = chromium.new_context(viewport=browser.VIEWPORT)
    bodies: list[int] = []
    paths: list[str] = []

    def finished(request: Any) -> None:
        with contextlib.suppress(Exception):
            bodies.append(request.sizes()["responseBodySize"])
            parts = urlsplit(request.url)
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))

    context.on("requestfinished", finished)
    try:
        page = context.new_page()
        wire = browser.WireCounter().attach(page)
        page.goto(url, timeout=timeout_s * 1000)
        where = page.frame_locator(browser.harness().MAP_IFRAME) if in_frame else page
        where.locator(f"{browser.MARKERS} >> visible=true").first.wait_for(
            state="visible", timeout=timeout_s * 1000
        )
        page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
        wire.settle(page, quiet_s=1.5, limit_s=30)
        return {
            "http_bytes": sum(bodies),
            "requests": len(bodies),
            "ws_bytes": wire.bytes_received,
            "bytes": sum(bodies) + wire.bytes_received,
            "paths": paths,
        }
    finally:
        context.close()


# -- readers without a browser -----------------------------------------------------------------


def _address(n: int, third: int) -> str:
    """Reader ``n``'s own loopback address (127.<third + n // 250>.<n % 250 + 1>)."""
    return f"127.{third + n // 250}.{n % 250 + 1}"


def published_reader(host: str, port: int, paths: Sequence[str], source: str) -> http.client.HTTPConnection:
    """One reader with an empty cache: every file of a first load over one new connection
    (gzip accepted, as a browser does). Returns the connection, still open."""
    conn = http.client.HTTPConnection(host, port, timeout=10, source_address=(source, 0))
    for path in paths:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip", "User-Agent": "bench-published"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            conn.close()
            raise RuntimeError(f"{path}: HTTP {response.status}")
    return conn


#: wrk's script: each connection (one per wrk thread) asks for a reader's files in turn, the last
#: one with ``Connection: close``, so every reader comes over a new connection; at the end it
#: prints its counts on one line.
WRK_SCRIPT = """
local paths = {PATHS}
local i = 0
request = function()
  local k = (i % #paths) + 1
  i = i + 1
  local headers = {["Accept-Encoding"] = "gzip", ["User-Agent"] = "bench-published"}
  if k == #paths then headers["Connection"] = "close" end
  return wrk.format("GET", paths[k], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50)))
end
"""


def wrk_binary() -> str | None:
    return shutil.which("wrk")


def published_readers_wrk(
    url: str, paths: Sequence[str], connections: int, seconds: float, servers: Sequence[psutil.Process]
) -> dict[str, Any]:
    """Readers per second of the published map by wrk (a native load generator): ``connections``
    at once, one per wrk thread, each fetching a reader's ``paths`` (gzip accepted) over one
    connection and closing it, for ``seconds``; and the CPU the ``servers`` spent per reader."""
    binary = wrk_binary()
    if binary is None:
        raise SystemExit("bench.published needs wrk (`make wrk`, a dependency of `make bench`, installs it)")
    lua = "{" + ", ".join(json.dumps(path) for path in paths) + "}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.replace("{PATHS}", lua))
    try:
        command = [binary, "-t", str(connections), "-c", str(connections), "-d", f"{seconds:.0f}s"]
        command += ["--timeout", "10s", "-s", script.name, url]
        cpu_before = cpu_s(servers)
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
        cpu = cpu_s(servers) - cpu_before
    finally:
        os.unlink(script.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}{done.stderr}")
    requests, duration_us, *errors, p50_us = (int(x) for x in line.split()[1:])
    readers = requests // len(paths)
    elapsed = duration_us / 1e6
    return {
        "client": "wrk",
        "connections": connections,
        "requests": requests,
        "readers": readers,
        "server_cpu_ms_per_reader": 1000 * cpu / readers if readers else None,
        "seconds": round(elapsed, 1),
        "per_s": readers / elapsed,
        "request_p50_ms": p50_us / 1000,
        "errors": sum(errors),
        "error_kinds": [
            k for k, n in zip(("connect", "read", "write", "status", "timeout"), errors, strict=True) if n
        ],
    }


def dashboard_reader(host: str, port: int, ws_url: str, source: str) -> Any:
    """One new dashboard session: the HTML shell, then its WebSocket until its first script run
    ends. Returns the socket, still open."""
    from tests.support.sessions import RERUN_TIMEOUT, run_once, ws_connect

    published_reader(host, port, ["/"], source).close()
    ws = ws_connect(ws_url, source, timeout=RERUN_TIMEOUT)
    _, error = run_once(ws, "")
    if error:
        ws.close()
        raise RuntimeError(error)
    return ws


def cpu_s(processes: Sequence[psutil.Process]) -> float:
    """CPU seconds (user and system) the processes have used so far."""
    return sum(t.user + t.system for t in (p.cpu_times() for p in processes))


def readers_per_s(
    one: Callable[[str], Any], clients: int, seconds: float, third: int, servers: Sequence[psutil.Process]
) -> dict[str, Any]:
    """``clients`` threads, each serving readers back to back (each from its own address) for
    ``seconds`` or until ``MAX_READERS``; served readers per second, errors counted, and the CPU
    the ``servers`` spent per reader (what the server side costs, whoever the client is)."""
    counter = itertools.count()
    lock = threading.Lock()
    served: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < stop_at:
            n = next(counter)
            if n >= MAX_READERS:
                return
            started = time.perf_counter()
            try:
                one(_address(n, third)).close()
            except Exception as err:  # noqa: BLE001 (counted, reported)
                with lock:
                    errors.append(f"{type(err).__name__}: {err}"[:80])
                continue
            with lock:
                served.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    cpu_before = cpu_s(servers)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - started
    cpu = cpu_s(servers) - cpu_before
    return {
        "readers": len(served),
        "server_cpu_ms_per_reader": 1000 * cpu / len(served) if served else None,
        "seconds": round(elapsed, 1),
        "per_s": len(served) / elapsed,
        "p50_s": statistics.median(served) if served else None,
        "errors": len(errors),
        "error_kinds": sorted({e.split(":")[0] for e in errors})[:5],
    }


def rss(processes: Sequence[psutil.Process]) -> int:
    return sum(p.memory_info().rss for p in processes)


def growth_per_reader(
    processes: Sequence[psutil.Process], one: Callable[[str], Any], count: int, third: int
) -> dict[str, Any]:
    """RSS of ``processes`` before and with ``count`` readers held open; growth per reader."""
    time.sleep(2)
    before = rss(processes)
    held = []
    try:
        for n in range(count):
            held.append(one(_address(n, third)))
        time.sleep(2)
        during = rss(processes)
    finally:
        for reader in held:
            with contextlib.suppress(Exception):
                reader.close()
    return {
        "open": len(held),
        "rss_before_mb": before / 2**20,
        "rss_open_mb": during / 2**20,
        "per_reader_kb": (during - before) / len(held) / 1024,
    }


def nginx_processes(prefix: Path) -> list[psutil.Process]:
    """nginx's master and workers for the cluster whose prefix is ``prefix``."""
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if cmd and "nginx" in cmd[0] and str(prefix) in cmd:
            return [proc, *proc.children()]
    raise RuntimeError(f"no nginx running with prefix {prefix}")


# -- one run -----------------------------------------------------------------------------------


def measure_size(chromium: Any, n: int, tmp: Path, args: argparse.Namespace, scale: bool) -> dict[str, Any]:
    from tests.support.deploy import cluster, published_site

    data = make_dataset(tmp, n)
    timeout = 180.0
    out: dict[str, Any] = {"stations": n}
    with published_site(data_dir=data, countries=("NL",)) as site:
        # Beside the site, so that one file server serves both (its root: their common folder).
        save = folium_save(data, site, site.parent / "save")
        out["page_bytes"] = {
            "published_html": (site / "index.html").stat().st_size,
            "save_html": save.stat().st_size,
        }
        env = {"STATIONS_DATA_DIR": str(data)}
        with (
            browser.harness().file_server(site.parent) as files,
            cluster(2, env=env, published_root=str(site), worker_processes="auto") as running,
        ):
            published = f"{files}site/index.html"
            saved = f"{files}save/index.html"
            dashboard = running.url
            through_nginx = running.url.rstrip("/") + PUBLISHED_PATH + "index.html"

            def load(url: str, in_frame: bool = False) -> float:
                return first_marker(chromium, url, in_frame=in_frame, timeout_s=timeout)

            def one_round() -> dict[str, list[float]]:
                """``--pairs`` loads of the two static pages in turn (their order swapped every
                pair), one of the published map through nginx, then one of the dashboard."""
                times: dict[str, list[float]] = {"published": [], "folium_save": []}
                for k in range(args.pairs):
                    for name in ("published", "folium_save")[:: 1 if k % 2 == 0 else -1]:
                        times[name].append(load(published if name == "published" else saved))
                return {
                    **times,
                    "published_nginx": [load(through_nginx)],
                    "dashboard": [load(dashboard, in_frame=True)],
                }

            log(f"{n:,} stations: first marker, {args.loads} alternating rounds (the first dropped)")
            times = alternate(one_round, args.loads)
            out["first_marker_s"] = times
            out["first_marker_median_s"] = {k: warm_median(v) for k, v in times.items()}
            log(f"{n:,} stations: bytes per first load through nginx")
            out["published_load"] = first_load_bytes(
                chromium, through_nginx, in_frame=False, timeout_s=timeout
            )
            out["dashboard_load"] = first_load_bytes(chromium, dashboard, in_frame=True, timeout_s=timeout)
            if scale:
                out["scale"] = scale_figures(running, out["published_load"]["paths"], args)
    return out


def scale_figures(running: Any, paths: list[str], args: argparse.Namespace) -> dict[str, Any]:
    from tests.support.serve import replica_process

    parts = urlsplit(running.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    cached = (f"{PUBLISHED_PATH}a/", f"{PUBLISHED_PATH}img/")
    mine = [p for p in paths if p.startswith(PUBLISHED_PATH) and not p.startswith(cached)]
    ws_url = running.url.replace("http://", "ws://") + "_stcore/stream"
    replicas = [replica_process(base) for base in running.replicas.values()]
    nginx = nginx_processes(running.prefix)
    figures: dict[str, Any] = {"published_files": len(mine)}

    def reader(source: str) -> Any:
        return published_reader(host, port, mine, source)

    def session(source: str) -> Any:
        return dashboard_reader(host, port, ws_url, source)

    log("memory per open reader: published map (nginx), dashboard session (replicas)")
    figures["memory_published"] = growth_per_reader(nginx, reader, OPEN_PUBLISHED, third=20)
    figures["memory_dashboard"] = growth_per_reader(replicas, session, OPEN_SESSIONS, third=30)
    log(f"readers per second: published map (wrk, {PUBLISHED_CLIENTS} connections, {args.seconds:.0f} s)")
    figures["readers_published"] = published_readers_wrk(
        f"http://{host}:{port}", mine, PUBLISHED_CLIENTS, args.seconds, servers=nginx
    )
    log(f"readers per second: new dashboard sessions ({DASHBOARD_CLIENTS} clients, {args.seconds:.0f} s)")
    figures["readers_dashboard"] = readers_per_s(
        session, DASHBOARD_CLIENTS, args.seconds, third=120, servers=[*replicas, *nginx]
    )
    return figures


def run(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.published", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(str(n) for n in SIZES), help="default: %(default)s")
    parser.add_argument(
        "--loads", type=int, default=5, help="alternating rounds per size (the first dropped)"
    )
    parser.add_argument(
        "--pairs", type=int, default=3, help="loads of the published map and folium's save per round"
    )
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds per readers-per-second round")
    parser.add_argument("--write", action="store_true", help=f"put the section into {RESULTS.name}")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--json", type=Path, help="also dump the raw figures here (after each size)")
    parser.add_argument("--from-json", type=Path, help="render a --json dump instead of measuring")
    args = parser.parse_args(argv)
    if args.from_json:
        results = json.loads(args.from_json.read_text(encoding="utf-8"))
        results["sizes"] = {int(n): entry for n, entry in results["sizes"].items()}
        return _report(results, args)
    reason = browser.unavailable_reason()
    if reason:
        raise SystemExit(f"bench.published needs Chromium: {reason}")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "loads": args.loads,
        "pairs": args.pairs,
        "seconds": args.seconds,
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-published-") as tmp, browser.browser() as chromium:
        Path(tmp).chmod(0o755)
        for i, n in enumerate(sizes):
            results["sizes"][n] = measure_size(chromium, n, Path(tmp), args, scale=i == 0)
            if args.json:
                args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    results["loadavg_end"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    return _report(results, args)


def _report(results: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Print the section; with --write, put it into the results file."""
    text = markdown(results)
    print(text)
    if args.write:
        write_section(args.results, text)
        log(f"wrote {args.results}")
    return results


# -- the report --------------------------------------------------------------------------------


def _verdict(value: float, target: float, at_most: bool = True) -> str:
    return "met" if (value <= target if at_most else value >= target) else "NOT met"


def _kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB"


def markdown(results: dict[str, Any]) -> str:
    la0 = ", ".join(f"{x:.1f}" for x in results["loadavg_start"])
    la1 = ", ".join(f"{x:.1f}" for x in results["loadavg_end"])
    rows = [
        HEADING,
        "",
        f"{results['date']}; {results['cpus']} cores, machine shared with other work (load average "
        f"{la0} at the start, {la1} at the end). Headless Chromium, loopback; synthetic stations "
        "(stations.data.synthetic). First marker: fresh loads (new browser context) measured "
        f"alternately in {results['loads']} rounds, each {results['pairs']} loads of the published "
        "map and of folium's save in turn (order swapped every pair), one of the published map "
        "through nginx and one of the dashboard; medians of every round but the first (cold "
        "caches); the clock of bench/browser.py in the frame that draws the map. The published "
        "map and folium's save (the target's pair) are served by one plain file server (Python's, "
        "no gzip); the published map also through the deployment's nginx (gzip), and the "
        "dashboard (two replicas, the app's own basemap) through the same nginx.",
        "",
        "| stations | published map | folium's save | published map, nginx | dashboard "
        "| published / save (target) | published, nginx / dashboard (target) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, entry in results["sizes"].items():
        med = entry["first_marker_median_s"]
        vs_save = med["published"] / med["folium_save"]
        vs_dash = med["published_nginx"] / med["dashboard"]
        target = TARGET_VS_SAVE.get(n, 1.3)
        rows.append(
            f"| {n:,} | {med['published']:.2f} s | {med['folium_save']:.2f} s "
            f"| {med['published_nginx']:.2f} s | {med['dashboard']:.2f} s "
            f"| {vs_save:.2f}x (≤{target}x: {_verdict(vs_save, target)}) "
            f"| {vs_dash:.2f}x (<{TARGET_VS_DASHBOARD}x: {_verdict(vs_dash, TARGET_VS_DASHBOARD)}) |"
        )
    rows += [
        "",
        "Every load, in round order (seconds): "
        + "; ".join(
            f"{n:,}: "
            + ", ".join(
                f"{k} " + " / ".join(" ".join(f"{t:.2f}" for t in loads) for loads in rounds)
                for k, rounds in e["first_marker_s"].items()
            )
            for n, e in results["sizes"].items()
        ),
        "",
        "Bytes per first load through nginx (gzip as served; the dashboard's WebSocket frames as "
        "Streamlit sends them, uncompressed):",
        "",
        "| stations | published map | dashboard (HTTP + WebSocket) | ratio |",
        "|---:|---:|---:|---:|",
    ]
    for n, entry in results["sizes"].items():
        pub, dash = entry["published_load"], entry["dashboard_load"]
        rows.append(
            f"| {n:,} | {_kb(pub['bytes'])} in {pub['requests']} requests "
            f"| {_kb(dash['bytes'])} ({_kb(dash['http_bytes'])} in {dash['requests']} requests + "
            f"{_kb(dash['ws_bytes'])}) | {pub['bytes'] / dash['bytes']:.2f}x |"
        )
    for n, entry in results["sizes"].items():
        scale = entry.get("scale")
        if not scale:
            continue
        pub, dash = scale["readers_published"], scale["readers_dashboard"]
        ratio = pub["per_s"] / dash["per_s"] if dash["per_s"] else float("inf")
        cpu_ratio = dash["server_cpu_ms_per_reader"] / pub["server_cpu_ms_per_reader"]
        mem_pub, mem_dash = scale["memory_published"], scale["memory_dashboard"]
        rows += [
            "",
            f"Through the deployment's nginx at {n:,} stations, one nginx for both sides in the same run "
            "(two replicas, the deployment's limits, worker_processes auto as deployed; every reader "
            "over a new connection; both without the content-named assets a returning reader or a "
            "CDN has cached). The published map: wrk (native, on the same two cores) fetches a "
            "reader's files in turn over one connection, gzip accepted, the last request closing "
            "it; nginx sends each file's .gz written at publish time. A dashboard session: a Python "
            "client per reader, each from its own loopback address, loads the HTML shell, then "
            "opens the WebSocket and waits for the first script run to end. The server's CPU per "
            "reader (nginx's for the published map; the replicas' and nginx's for a dashboard "
            "session) is what a server pays whoever the client is:",
            "",
            "| | published map | dashboard | ratio (target) |",
            "|---|---:|---:|---:|",
            f"| readers per second | {pub['per_s']:,.0f} ({pub['readers']:,} in {pub['seconds']} s, "
            f"{_client(pub)}, {scale['published_files']} files each (page, page code, data), "
            f"{pub['errors']} errors{_kinds(pub)}) "
            f"| {dash['per_s']:.1f} ({dash['readers']} new sessions in {dash['seconds']} s, "
            f"{DASHBOARD_CLIENTS} clients, {dash['errors']} errors{_kinds(dash)}) "
            f"| {ratio:,.0f}x (≥{TARGET_READERS:.0f}x: {_verdict(ratio, TARGET_READERS, at_most=False)}) |",
            f"| server CPU per reader | {pub['server_cpu_ms_per_reader']:.2f} ms (nginx) "
            f"| {dash['server_cpu_ms_per_reader']:.0f} ms (replicas and nginx) "
            f"| {cpu_ratio:,.0f}x (≥{TARGET_READERS:.0f}x: {_verdict(cpu_ratio, TARGET_READERS, at_most=False)}) |",
            f"| memory per open reader | {mem_pub['per_reader_kb']:,.1f} KB (nginx's RSS, "
            f"{mem_pub['open']} connections held open after a full load) "
            f"| {mem_dash['per_reader_kb']:,.0f} KB (the replicas' RSS, {mem_dash['open']} sessions "
            f"held open after their first run) "
            f"| {_per(mem_dash['per_reader_kb'], mem_pub['per_reader_kb'])} |",
        ]
    return "\n".join(rows) + "\n"


def _client(figures: dict[str, Any]) -> str:
    if figures.get("client") == "wrk":
        return f"wrk, {figures['connections']} connections"
    return f"{PUBLISHED_CLIENTS} Python clients"


def _kinds(figures: dict[str, Any]) -> str:
    return f": {', '.join(figures['error_kinds'])}" if figures["errors"] else ""


def _per(dashboard_kb: float, published_kb: float) -> str:
    if published_kb <= 0:
        return "no growth measurable for the published map"
    return f"{dashboard_kb / published_kb:,.0f}x less for the published map"


def write_section(path: Path, section: str, heading: str = HEADING) -> None:
    """Put ``section`` into ``path`` in place of an earlier one with the same heading, or at the end
    (``make bench ARGS=--write`` rewrites the file, then each further bench adds its section)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(heading) + r".*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    run(argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
