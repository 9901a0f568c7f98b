"""Validation CPU against the size of the stations file: it must grow linearly, problems included.

``python -m bench.validation [--scales 1,8,64] [--repeat 3]`` copies the real ``data/`` and makes
its ``stations.csv`` N times larger by repeating its rows, in two ways:

- **unique ids**: each copy of a row gets a new station number, so the file is valid (every rule
  runs, the sourcing rules' per-row checks included);
- **pasted**: the rows repeated as they are, as an editor's paste leaves them: every copy is a
  duplicate id, so there is one problem per repeated row and the validator must report them
  (capped) without slowing down.

Each figure is the CPU time of ``load.check_dataset`` in a fresh process (``time.process_time``),
after one warm-up call on the real files, so that imports and first-call set-up count in no
figure; medians of ``--repeat`` processes. The target is the ratio to the 1x figure measured in
the same run: 8x the size costs at most 12x the time.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
#: 8x the size may cost at most this many times the 1x CPU.
TARGET_8X = 12.0
KINDS = ("unique ids", "pasted")


def scaled(into: Path, factor: int, unique: bool) -> Path:
    """A copy of data/ whose stations.csv holds its rows ``factor`` times."""
    directory = into / f"x{factor}-{'unique' if unique else 'pasted'}"
    shutil.copytree(DATA, directory, ignore=shutil.ignore_patterns("*.md", "geocache.json"))
    text = (DATA / "stations.csv").read_text(encoding="utf-8")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for copy in range(factor):
        for row in rows:
            if unique and copy:
                stem, number = row[0].rsplit("-", 1)
                row = [f"{stem}-{int(number) + 1000 * copy}", *row[1:]]
            writer.writerow(row)
    (directory / "stations.csv").write_text(out.getvalue(), encoding="utf-8")
    return directory


def child(directory: Path) -> dict[str, Any]:
    """Run in a fresh process: CPU of one check of ``directory`` after a warm-up on data/."""
    from stations.data import load

    load.check_dataset(DATA / "stations.csv", DATA / "responses.csv")
    start_cpu, start_wall = time.process_time(), time.perf_counter()
    _, problems = load.check_dataset(directory / "stations.csv", directory / "responses.csv")
    return {
        "cpu_s": time.process_time() - start_cpu,
        "wall_s": time.perf_counter() - start_wall,
        "problems": len(problems),
        "bytes": (directory / "stations.csv").stat().st_size,
    }


def measure(directory: Path, repeat: int) -> dict[str, Any]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-m", "bench.validation", "--child", str(directory)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=3600,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "wall_s": statistics.median(r["wall_s"] for r in runs),
        "cpu_runs": [round(r["cpu_s"], 3) for r in runs],
        "problems": runs[0]["problems"],
        "bytes": runs[0]["bytes"],
    }


def run(scales: list[int], repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {"repeat": repeat, "load_average": os.getloadavg(), "kinds": {}}
    with tempfile.TemporaryDirectory(prefix="bench-validation-") as tmp:
        for kind in KINDS:
            rows = results["kinds"][kind] = {}
            for factor in scales:
                directory = scaled(Path(tmp), factor, unique=kind == "unique ids")
                rows[factor] = measure(directory, repeat)
                print(f"  {kind} {factor}x: {rows[factor]['cpu_s']:.3f} s CPU", file=sys.stderr)
    return results


def table(results: dict[str, Any]) -> str:
    """A Markdown table: size, CPU, ratio to 1x, problems; and the 8x target's verdict."""
    lines = [
        "| stations.csv | size | CPU (median) | ratio to 1x | CPU per MB | problems reported |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for kind, rows in results["kinds"].items():
        base = rows.get(1, {}).get("cpu_s")
        for factor, row in rows.items():
            ratio = f"{row['cpu_s'] / base:.1f}x" if base else "-"
            lines.append(
                f"| {factor}x, {kind} | {row['bytes'] / 1e6:.2f} MB | {row['cpu_s']:.3f} s | {ratio} "
                f"| {row['cpu_s'] / (row['bytes'] / 1e6):.2f} s | {row['problems']:,} |"
            )
        if base and 8 in rows:
            ratio = rows[8]["cpu_s"] / base
            met = "met" if ratio <= TARGET_8X else "NOT met"
            verdicts.append(
                f"- {kind}: 8x costs {ratio:.1f}x the 1x CPU (target <= {TARGET_8X:g}x): **{met}**"
            )
    load = ", ".join(f"{x:.2f}" for x in results["load_average"])
    return "\n".join(
        [
            *lines,
            "",
            *verdicts,
            "",
            f"Medians of {results['repeat']} fresh processes; load average at start {load}.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.validation", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", default="1,8,64", help="sizes as multiples of the real file (default: %(default)s)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="fresh processes per figure; medians are reported"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    scales = sorted({1, *(int(s) for s in args.scales.split(","))})
    results = run(scales, args.repeat)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
