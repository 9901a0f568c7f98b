"""The published map in Chinese against the same map in English, in one run.

A reader of the published map in English pays nothing for the other languages but the few
hundred bytes of the page's configuration that choose the language; a reader in Chinese pays one
more file, ``data/words.<code>.<hash>.json``, fetched beside the data file. This prints both: the
first marker of the committed data's site in each language (``?lang=``), served as files from
loopback, fresh browser contexts, the languages' loads alternating (English first in even
rounds, last in odd ones; the first round dropped), its ratio to English; and the bytes on the
wire (gzipped, as nginx sends them) the language costs: the page's part for every reader, the
words file for a Chinese one. No target: the figures say what the language costs.

Run ``python -m bench.published_languages [--rounds N] [--write]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import browser
from bench.languages import emit, log
from bench.published import first_marker
from bench.runner import machine

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## The published map in Chinese against English (`python -m bench.published_languages`)"
LANGUAGES = ("zh-Hans", "zh-Hant")


def _gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def wire_bytes(site: Path) -> dict[str, Any]:
    """What the language costs on the wire: the page's ``languages`` part (every reader), and
    each words file (its reader only), gzipped."""
    from stations.map.scriptsafe import script_json

    page = (site / "index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'id="published-config">(.*?)</script>', page).group(1))
    part = ',"languages":' + script_json(config["languages"])
    without = page.replace(part, "")
    return {
        "page_part": len(part.encode()),
        "page_part_gz": _gzipped(page.encode()) - _gzipped(without.encode()),
        "page_gz": _gzipped(page.encode()),
        "words_gz": {
            code: _gzipped((site / entry["words"]).read_bytes())
            for code, entry in config["languages"]["pages"].items()
        },
    }


def measure(chromium: Any, base: str, rounds: int) -> dict[str, Any]:
    names = ("en", *LANGUAGES)
    times: dict[str, list[float]] = {name: [] for name in names}
    for k in range(rounds):
        order = names if k % 2 == 0 else names[::-1]
        for name in order:
            url = base + "index.html" + ("" if name == "en" else f"?lang={name}")
            times[name].append(first_marker(chromium, url, in_frame=False, timeout_s=120))
        log(f"  round {k + 1}/{rounds}: " + ", ".join(f"{n} {times[n][-1]:.3f} s" for n in names))
    warm = {name: values[1:] or values for name, values in times.items()}
    medians = {name: statistics.median(values) for name, values in warm.items()}
    return {
        "first_marker_s": times,
        "median_s": medians,
        "ratio": {n: medians[n] / medians["en"] for n in LANGUAGES},
    }


def markdown(results: dict[str, Any]) -> str:
    m, b = results["machine"], results["bytes"]
    lines = [
        HEADING,
        "",
        f"{results['date']}; {m['cpu_count']} cores, load average {m['loadavg_at_start']} at the start; "
        f"the committed data's site served as files on loopback; first marker of fresh contexts, "
        f"{results['rounds']} alternating rounds, the first dropped.",
        "",
        "| language | first marker, median | ratio to English | extra bytes on the wire (gzipped) |",
        "|---|---:|---:|---:|",
        f"| English | {results['median_s']['en'] * 1000:.0f} ms | 1.00x | "
        f"{b['page_part_gz']} B in the page ({b['page_part']} B raw), no request |",
    ]
    for lang in LANGUAGES:
        lines.append(
            f"| {lang} | {results['median_s'][lang] * 1000:.0f} ms | {results['ratio'][lang]:.2f}x | "
            f"+ {b['words_gz'][lang] / 1024:.1f} KB, one request |"
        )
    lines += [
        "",
        "The words file is asked for when the page's script runs: the language is known only in "
        "the browser, so no preload hint can name it, and a Chinese page waits that one round trip "
        "after its script has arrived and run.",
    ]
    return "\n".join(lines) + "\n"


def run(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        prog="python -m bench.published_languages", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rounds", type=int, default=12, help="alternating rounds (default: %(default)s)")
    parser.add_argument("--write", action="store_true", help="put the section into RESULTS.md")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--json", type=Path, help="also dump the raw figures here")
    args = parser.parse_args(argv)
    reason = browser.unavailable_reason()
    if reason:
        raise SystemExit(f"bench.published_languages needs Chromium: {reason}")
    from stations.publish import site, source

    with tempfile.TemporaryDirectory(prefix="bench-published-languages-") as tmp:
        out = Path(tmp) / "site"
        site.publish(source.load(ROOT / "data"), out, countries=[])
        results: dict[str, Any] = {
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "machine": machine(),
            "rounds": max(2, args.rounds),
            "bytes": wire_bytes(out),
        }
        with browser.harness().file_server(out) as base, browser.browser() as chromium:
            results.update(measure(chromium, base, results["rounds"]))
    return emit(results, markdown(results), args, HEADING)


def main(argv: Sequence[str] | None = None) -> int:
    run(argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
