"""What each of the map page's Streamlit elements costs the first marker.

``python -m bench.elements [--loads N] [--rounds R]`` serves, in turn and in alternating rounds so
that a busy machine weighs on all alike, the one-marker ``st_folium`` page (the reference of
issue 13's targets), the elements reference (``bench/apps/elements.py``: the map page's layout
filled with constants around the same one-marker map), and that reference without its data grids,
and without its grids and filter menus. Each load is a fresh browser context timed until the first
marker is drawn (bench/browser.py). The ratios say how much of the page's wait is the stack's
price for the elements themselves: the frontend fetches each element type's code (sidebar first,
six files at a time) before the map's frame is created, whatever the app does with its data.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench import browser
from bench.datasets import make_dataset
from bench.runner import APPS

#: (name, app, parts of the elements reference left out)
VARIANTS = (
    ("one-marker st_folium page (reference)", "one_marker", ""),
    ("elements reference (the page's layout)", "elements", ""),
    ("  without its two data grids", "elements", "tables"),
    ("  without its grids and filter menus", "elements", "tables,filters"),
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.elements", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--loads", type=int, default=5, help="loads per page and round (the first is dropped)"
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    reason = browser.unavailable_reason()
    if reason:
        print(f"browser part cannot run: {reason}")
        return 2
    times: dict[str, list[float]] = {name: [] for name, _, _ in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="bench-elements-") as tmp, browser.browser() as chromium:
        data = make_dataset(Path(tmp), 102)
        for round_number in range(args.rounds):
            for name, app, without in VARIANTS:
                print(f"round {round_number + 1}: {name.strip()}", flush=True)
                result = browser.measure_page(
                    chromium,
                    APPS[app],
                    data,
                    loads=args.loads,
                    gestures=False,
                    env={"BENCH_ELEMENTS_WITHOUT": without},
                )
                times[name].extend(result["load_s"][1:])  # the first load pays the cold server
    reference = statistics.median(times[VARIANTS[0][0]])
    rows = []
    print("\n| page | first marker, median | ratio to the one-marker page | loads |")
    print("|---|---:|---:|---:|")
    for name, _, without in VARIANTS:
        median = statistics.median(times[name])
        rows.append({"page": name.strip(), "without": without, "median_s": median, "loads_s": times[name]})
        print(f"| {name.strip()} | {median:.2f} s | {median / reference:.2f}x | {len(times[name])} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
