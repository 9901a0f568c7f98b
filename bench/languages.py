"""A filter rerun in Chinese against the same rerun in English, in one run.

The interface language changes every word the page writes (catalog lookups, CLDR country names,
the map's words table, dates and numbers), never what it computes: a reader in Chinese should
pay what a reader in English pays. The committed data, the map page (``app.py``) as AppTest runs
it, one session per language opened once with a warm cache (``?lang=zh-Hans`` for Chinese, no
``lang`` for English), then the country filter changed back and forth; the two sessions' reruns
alternate (English first in even rounds, Chinese first in odd ones) so that a change in the
machine's load falls on both. Reported: the median rerun of each language and their ratio
(target: at most 1.05x), also for ``zh-Hant``.

Run ``python -m bench.languages [--rounds N] [--write]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.published import write_section
from bench.runner import APPS, machine

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## A filter rerun in Chinese against English (`python -m bench.languages`)"
#: The languages measured against English, and the target ratio.
LANGUAGES = ("zh-Hans", "zh-Hant")
TARGET = 1.05
#: The two views the reruns switch between: a country chosen, then none.
CHOICES: tuple[tuple[str, ...], ...] = (("IT",), ())


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def session(lang: str | None) -> Any:
    """A warm session of the map page in ``lang`` (None: no ``lang`` in the link)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APPS["app"]), default_timeout=600)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    if at.exception:
        raise SystemExit(f"the map page raised in {lang or 'en'}: {[e.value for e in at.exception]}")
    return at


def rerun(at: Any, choice: Sequence[str]) -> float:
    """Seconds of the rerun after the country filter is set to ``choice``."""
    widget = at.multiselect(key="filter_country").set_value(list(choice))
    start = time.perf_counter()
    widget.run()
    took = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"the map page raised on a rerun: {[e.value for e in at.exception]}")
    # The rerun drew the view asked for: its link says the country chosen (a rerun that changed
    # nothing would be cheap and measure nothing).
    shown = at.query_params.get("country", [])
    if ",".join(shown if isinstance(shown, list) else [shown]) != ",".join(choice):
        raise SystemExit(
            f"the rerun did not apply country={','.join(choice)!r}: link {dict(at.query_params)}"
        )
    return took


def measure(rounds: int) -> dict[str, Any]:
    """Each round: one rerun of every session per view, the sessions' order swapped every round."""
    names = ("en", *LANGUAGES)
    sessions = {name: session(None if name == "en" else name) for name in names}
    times: dict[str, list[float]] = {name: [] for name in names}
    for k in range(rounds):
        order = names if k % 2 == 0 else names[::-1]
        for choice in CHOICES:
            for name in order:
                times[name].append(rerun(sessions[name], choice))
        log(f"  round {k + 1}/{rounds}: " + ", ".join(f"{n} {times[n][-1]:.3f} s" for n in names))
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "reruns_s": times,
        "median_s": medians,
        "ratio": {n: medians[n] / medians["en"] for n in LANGUAGES},
    }


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        HEADING,
        "",
        f"{results['date']}; {m['cpu_count']} cores, load average {m['loadavg_at_start']} at the start; "
        f"the committed data; `app.py` in AppTest, one warm session per language, "
        f"{results['rounds']} rounds, each a rerun of every session after the country filter is set "
        f"to Italy, then cleared (sessions' order swapped every round).",
        "",
        "| language | filter rerun, median | ratio to English (target) |",
        "|---|---:|---:|",
        f"| English | {results['median_s']['en'] * 1000:.0f} ms | 1.00x |",
    ]
    for lang in LANGUAGES:
        ratio = results["ratio"][lang]
        verdict = "met" if ratio <= TARGET else "NOT met"
        lines.append(
            f"| {lang} | {results['median_s'][lang] * 1000:.0f} ms | {ratio:.2f}x (≤{TARGET}x: {verdict}) |"
        )
    return "\n".join(lines) + "\n"


def run(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.languages", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="rounds of reruns (default: %(default)s)")
    parser.add_argument("--write", action="store_true", help="put the section into RESULTS.md")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--json", type=Path, help="also dump the raw figures here")
    args = parser.parse_args(argv)
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "rounds": args.rounds,
        **measure(max(1, args.rounds)),
    }
    return emit(results, markdown(results), args, HEADING)


def emit(results: dict[str, Any], text: str, args: argparse.Namespace, heading: str) -> dict[str, Any]:
    """Print a bench's section; dump its figures (``--json``) and put the section into the
    results file (``--write``) where asked. Returns ``results``."""
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.write:
        write_section(args.results, text, heading)
        log(f"wrote {args.results}")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    run(argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
