"""One client cannot take the site down: three attacks from one address against the deployment.

One replica behind the deployment's nginx (deploy/nginx_conf.py's limits as shipped), started as
deployed, on loopback. Twelve readers, each from its own address, change filters every second,
alone and beside each attack of tests/support/attacks.py from one other address (churn of new
sessions, 500 idle WebSockets, 500 WebSockets that each run the page), in ``PAIRS`` pairs of
rounds per attack with the order swapped each time (so a drift of the shared machine's load
weighs on both sides alike), all the runs of each side pooled. Beside every attack, the readers'
p50 must stay within 1.5x of the same readers alone in the same pairs, their p95 within 3x of
the slowest p95 they had alone in the run (each, or within ``NOISE_S`` of it: see there), and
no reader may wait more than 5 s for a run or fail one. The
same attacks straight at one Streamlit process, with no proxy, are measured by
``python -m bench.attacks`` (reported in docs/RELIABILITY.md, not asserted: the deployment is
the defence).
"""

from __future__ import annotations

import os

import pytest

from tests.support.attacks import ATTACKS, attacked_round, summary
from tests.support.deploy import cluster, nginx_binary
from tests.support.reliability import FIGURES, record
from tests.support.sessions import Tally, readers

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]

SECONDS = float(os.environ.get("RELIABILITY_ATTACK_SECONDS", "8"))
PAIRS = int(os.environ.get("RELIABILITY_ATTACK_PAIRS", "2"))
P50_RATIO = 1.5
P95_RATIO = 3.0
#: Below this, a difference is one run's time on this shared 2-core machine (a reader's run
#: takes ~20-40 ms): a ratio of two such figures measures the scheduler, not the server. The
#: ratios bind above it (the attacks of the issue moved p50 from 0.3 to 6 s).
NOISE_S = 0.1
UNSERVED_S = 5.0


def pool(into: Tally, tally: Tally) -> None:
    into.latencies += tally.latencies
    into.errors += tally.errors
    into.sessions += tally.sessions


def test_one_address_attacking_leaves_the_readers_served() -> None:
    if nginx_binary() is None:
        pytest.skip("nginx not installed (make test installs it: apt-get install nginx-light)")
    figures: dict[str, object] = {}
    with cluster(1, env={"STATION_MAP_TILES": "none"}) as running:
        url = running.url.replace("http://", "ws://") + "_stcore/stream"
        readers(url, 3.0)  # warm-up: imports, caches, the views the readers ask for
        for name in ATTACKS:
            alone, attacked, attacks = Tally(), Tally(), []
            for pair in range(PAIRS):
                for with_attack in (False, True) if pair % 2 == 0 else (True, False):
                    if with_attack:
                        tally, attack = attacked_round(url, name, SECONDS)
                        attacks.append(attack)
                        pool(attacked, tally)
                    else:
                        pool(alone, readers(url, SECONDS))
            figures[f"alone ({name} pairs)"] = summary(alone)
            figures[name] = {
                **summary(attacked),
                "attacker_opened": [a.opened for a in attacks],
                "attacker_refused": [a.refused for a in attacks],
                "attack_stood_after_s": [a.ready_s for a in attacks],
                "attacker_other_errors": [e for a in attacks for e in a.other_errors][:3],
            }
            record(f"attack {name}: connections tried", sum(a.opened + a.refused for a in attacks))
    FIGURES["attacks_through_nginx"] = figures
    print(figures)
    # The tail of ~180 runs is a handful of runs: with no attack at all, the readers' p95 went
    # from 0.068 to 0.259 s between the pairs of one run (CI, 2026-12-07), wider than NOISE_S.
    # So each attack's p95 is held to the slowest tail the readers had alone in this run.
    alone_p95 = max(figures[f"alone ({name} pairs)"]["p95_s"] for name in ATTACKS)
    for name in ATTACKS:
        base, got = figures[f"alone ({name} pairs)"], figures[name]
        assert base["errors"] == 0 and base["readers"] == 12 * PAIRS, figures
        assert got["errors"] == 0 and got["readers"] == 12 * PAIRS, (name, figures)
        assert got["max_s"] <= UNSERVED_S, (name, figures)
        assert got["p50_s"] <= max(P50_RATIO * base["p50_s"], base["p50_s"] + NOISE_S), (name, figures)
        assert got["p95_s"] <= max(P95_RATIO * alone_p95, alone_p95 + NOISE_S), (name, figures)
        assert all(refused > 0 for refused in got["attacker_refused"]), (name, figures)
