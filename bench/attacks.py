"""One client's attacks straight at one Streamlit process (no proxy), beside 12 readers.

``python -m bench.attacks`` (about 2 minutes) runs the attacks of tests/support/attacks.py
(churn of new sessions, 500 idle WebSockets, 500 WebSockets running the page) against one
replica started as deployed, with nothing in front of it: what the deployment's nginx is there
to prevent. Figures only (docs/RELIABILITY.md); the deployment's own test is
tests/reliability/test_one_client_attacks.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

from tests.support.attacks import ATTACKS, attacked_round, summary
from tests.support.browser import ROOT, streamlit_server
from tests.support.sessions import readers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds per round")
    parser.add_argument(
        "--recover", type=float, default=60.0, help="longest wait for readers after an attack"
    )
    args = parser.parse_args(argv)
    rows = {}
    with streamlit_server(ROOT / "app.py", env={"STATION_MAP_TILES": "none"}) as base:
        url = base.replace("http://", "ws://") + "_stcore/stream"
        readers(url, 3.0)
        for name in ATTACKS:
            rows[f"alone before {name}"] = summary(readers(url, args.seconds))
            tally, attack = attacked_round(url, name, args.seconds)
            rows[name] = {
                **summary(tally),
                "attacker_opened": attack.opened,
                "attacker_refused": attack.refused,
            }
            started = time.monotonic()  # recovery: until a reader's run is served within 2 s again
            while time.monotonic() - started < args.recover:
                after = summary(readers(url, 2.0))
                if after["runs"] and after["max_s"] is not None and after["max_s"] < 2.0:
                    break
            rows[name]["recovered_after_s"] = round(time.monotonic() - started, 1)
            print(name, rows[name], flush=True)
    print(
        f"\n{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; straight at one Streamlit process"
    )
    print("| round | readers' runs | p50 | p95 | max | errors | attacker's connections opened / refused |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        attacker = f"{r['attacker_opened']} / {r['attacker_refused']}" if "attacker_opened" in r else ""
        print(
            f"| {name} | {r['runs']} | {r['p50_s']} s | {r['p95_s']} s | {r['max_s']} s | {r['errors']} | {attacker} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
