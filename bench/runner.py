"""Orchestration: synthetic data per size, the child-process measurements, the browser, the report.

Figures are medians of ``--repeat`` runs. Every figure that could not be measured is recorded
with the reason (skipped, timed out, failed) instead of a number: a missing figure is visible,
never invented.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import report
from bench.datasets import make_dataset
from bench.worker import MARK

ROOT = Path(__file__).resolve().parent.parent
APPS = {
    "app": ROOT / "app.py",
    "naive": ROOT / "bench" / "apps" / "naive.py",
    "floor": ROOT / "bench" / "apps" / "floor.py",
    "elements": ROOT / "bench" / "apps" / "elements.py",
    "one_marker": ROOT / "bench" / "apps" / "one_marker.py",
}
DEFAULT_SIZES = (102, 1_000, 10_000, 100_000)
FILTER_ISO = "NL"  # one of stations.data.synthetic.PLACES: a tenth of the synthetic stations


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the map page against a naive build and an empty-script floor.",
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(n) for n in DEFAULT_SIZES),
        help="comma-separated station counts (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; medians are reported")
    parser.add_argument("--write", action="store_true", help="write the results to --results")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--json", type=Path, help="also dump every raw figure as JSON here")
    parser.add_argument(
        "--from-json", type=Path, help="re-render the report from a --json dump instead of measuring"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    parser.add_argument(
        "--no-server",
        action="store_true",
        help="skip the server CPU per run over the WebSocket (bench/server.py, ~1 min)",
    )
    parser.add_argument(
        "--naive-max",
        type=int,
        default=10_000,
        help="largest size at which the naive page runs in AppTest and the browser "
        "(its map build is still measured at every size); default %(default)s",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per child process")
    parser.add_argument(
        "--big-timeout",
        type=float,
        default=300,
        help="seconds per child process and per browser wait at 100,000 stations and more "
        "(a run that does not finish is reported as timed out); default %(default)s",
    )
    return parser.parse_args(argv)


def machine() -> dict[str, Any]:
    """What the figures were measured on; the load average matters on a shared machine."""
    import psutil

    versions = {}
    for name in ("streamlit", "folium", "streamlit_folium", "pandas", "pandera", "playwright"):
        try:
            from importlib.metadata import version

            versions[name] = version(name.replace("_", "-"))
        except Exception:  # noqa: BLE001 (any failure just means "unknown")
            versions[name] = "?"
    chromium = "absent"
    if Path("/usr/bin/chromium").exists():
        try:
            chromium = subprocess.run(
                ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=30
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            chromium = "present (version unknown)"
    return {
        "cpu_count": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "available_gib_at_start": round(psutil.virtual_memory().available / 2**30, 1),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "chromium": chromium,
    }


def child(args: list[str], timeout: float) -> dict[str, Any]:
    """Run ``python -m bench.worker ARGS``; its figures, or ``{"error": why}``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STATION_MAP_TILES": "none"}
    command = [sys.executable, "-m", "bench.worker", *args]
    start = time.monotonic()
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            result = json.loads(line[len(MARK) :])
            result["wall_s"] = time.monotonic() - start
            return result
    tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    return {"error": f"exit {done.returncode}: " + " | ".join(tail)}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Measure everything; return the results (printed, and written with --write)."""
    args = parse_args(argv)
    if args.from_json:
        return _render(json.loads(args.from_json.read_text()), args)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    repeat = max(1, args.repeat)
    results: dict[str, Any] = {
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "repeat": repeat,
        "filter": f"country={FILTER_ISO}",
        "sizes": {},
    }
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-data-") as tmp:
        datasets = {n: make_dataset(Path(tmp), n) for n in sizes}
        floor_data = datasets[min(sizes)]
        log(f"floor: AppTest ({repeat} runs)")
        results["floor"] = {"apptest": child(_apptest_args("floor", floor_data, repeat), args.timeout)}
        log(f"elements reference: AppTest ({repeat} runs)")
        results["elements"] = {"apptest": child(_apptest_args("elements", floor_data, repeat), args.timeout)}
        for n in sizes:
            entry: dict[str, Any] = {}
            limit = args.big_timeout if n >= 100_000 else args.timeout
            naive_repeat = repeat if n <= args.naive_max else 1
            log(f"{n:,}: load, filter, map build (app, and naive x{naive_repeat})")
            entry["steps"] = child(
                ["steps", "--data", str(datasets[n]), "--repeat", str(repeat), "--filter-iso", FILTER_ISO],
                limit,
            )
            naive_steps = child(
                ["steps", "--data", str(datasets[n]), "--repeat", str(naive_repeat), "--naive"],
                limit,
            )
            entry["naive_steps"] = naive_steps
            log(f"{n:,}: AppTest (app)")
            entry["apptest"] = child(_apptest_args("app", datasets[n], repeat), limit)
            if n <= args.naive_max:
                log(f"{n:,}: AppTest (naive)")
                entry["naive_apptest"] = child(_apptest_args("naive", datasets[n], repeat), limit)
            else:
                entry["naive_apptest"] = {
                    "skipped": f"naive page not run above --naive-max={args.naive_max:,}"
                }
            results["sizes"][n] = entry
            _checkpoint(results, args)
        _browser_part(results, datasets, floor_data, repeat, args)
        if not args.no_server:
            from bench import server

            log(f"server CPU per run: one-marker reference, elements reference, map page ({repeat} samples)")
            results["server"] = _guard(lambda: server.measure(floor_data, samples=max(3, repeat)))
    results["bench_wall_s"] = time.monotonic() - started
    results["bench_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["children_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return _render(results, args)


def _render(results: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Summarise, print, and with --write save the report."""
    results["sizes"] = {int(n): entry for n, entry in results["sizes"].items()}
    results["summary"] = report.summarise(results)
    text = report.markdown(results)
    print(text)
    if args.write:
        args.results.write_text(text, encoding="utf-8")
        log(f"wrote {args.results}")
    return results


def _apptest_args(app: str, data: Path, repeat: int) -> list[str]:
    return ["apptest", "--app", str(APPS[app]), "--data", str(data), "--repeat", str(repeat),
            "--filter-iso", FILTER_ISO]  # fmt: skip


def _browser_part(
    results: dict[str, Any],
    datasets: dict[int, Path],
    floor_data: Path,
    repeat: int,
    args: argparse.Namespace,
) -> None:
    """Chromium against the real server; a clear reason instead of figures when it cannot run."""
    from bench import browser

    reason = "--no-browser given" if args.no_browser else browser.unavailable_reason()
    if reason:
        log(f"browser part skipped: {reason}")
        results["browser_skipped"] = reason
        return
    # One more load than --repeat: the first pays the server's cold cache and is reported apart.
    loads = repeat + 1
    with browser.browser() as chromium:
        log(f"browser: floor ({loads} loads)")
        results["floor"]["browser"] = _guard(
            lambda: browser.measure_page(chromium, APPS["floor"], floor_data, loads=loads, floor=True)
        )
        for n, data in datasets.items():
            timeout = 180.0 if n < 100_000 else args.big_timeout
            # The one-marker st_folium page, measured right before each size: on a shared machine
            # the load changes over a run, and the ratio is fairest between neighbouring figures.
            log(f"{n:,}: browser (one-marker reference, {loads} loads)")
            results["sizes"][n]["reference_browser"] = _guard(
                lambda: browser.measure_page(
                    chromium, APPS["one_marker"], floor_data, loads=loads, gestures=False
                )
            )
            # The same map among the page's Streamlit elements, with no data: what the stack
            # itself charges for a map on a page like this one.
            log(f"{n:,}: browser (elements reference, {loads} loads)")
            results["sizes"][n]["elements_browser"] = _guard(
                lambda: browser.measure_page(
                    chromium, APPS["elements"], floor_data, loads=loads, gestures=False
                )
            )
            log(f"{n:,}: browser (app, {loads} loads, then pan and zoom)")
            results["sizes"][n]["browser"] = _guard(
                lambda data=data, timeout=timeout: browser.measure_page(
                    chromium, APPS["app"], data, loads=loads, timeout_s=timeout
                )
            )
            if n <= args.naive_max:
                log(f"{n:,}: browser (naive)")
                results["sizes"][n]["naive_browser"] = _guard(
                    lambda data=data, timeout=timeout: browser.measure_page(
                        chromium, APPS["naive"], data, loads=loads, timeout_s=timeout
                    )
                )
                _checkpoint(results, args)
            else:
                results["sizes"][n]["naive_browser"] = {
                    "skipped": f"naive page not run above --naive-max={args.naive_max:,}"
                }


def _checkpoint(results: dict[str, Any], args: argparse.Namespace) -> None:
    """Dump the figures so far to --json, so a run stopped midway still leaves what it measured."""
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


def _guard(measure: Any) -> dict[str, Any]:
    """A failed or timed-out browser measurement becomes a recorded error, not a crash."""
    try:
        return measure()
    except Exception as err:  # noqa: BLE001 (recorded and reported, never hidden)
        return {"error": f"{type(err).__name__}: {str(err).splitlines()[0][:300]}"}


def median(values: Any) -> float | None:
    if isinstance(values, list) and values:
        return statistics.median(values)
    return values if isinstance(values, int | float) else None


def main(argv: Sequence[str] | None = None) -> int:
    run(argv)
    return 0
