"""A bounded load through nginx: more readers than one process serves well, spread over two.

The WebSocket readers of the load tests (tests/support/sessions.py, through
bench/replicas.py's ``measure``) drives 24 sessions for 12 s at nginx with two replicas behind
it: every session must connect and be served without an error (exception, failed run, 30 s
timeout, dropped connection), and each replica must have taken a share of them. No speed is
asserted here; ``python -m bench.replicas`` measures throughput and p50/p95 with 1 and 2
replicas (docs/RELIABILITY.md).
"""

from __future__ import annotations

import os

import pytest

from bench.replicas import BENCH_CONN_PER_ADDRESS, measure
from tests.support.deploy import cluster, nginx_binary

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]

SESSIONS = int(os.environ.get("DEPLOY_LOAD_SESSIONS", "24"))
SECONDS = float(os.environ.get("DEPLOY_LOAD_SECONDS", "12"))


def test_two_replicas_behind_nginx_serve_a_burst_of_sessions_without_errors() -> None:
    if nginx_binary() is None:
        pytest.skip("nginx not installed (make test installs it: apt-get install nginx-light)")
    with cluster(2, env={"STATION_MAP_TILES": "none"}, conn_per_address=BENCH_CONN_PER_ADDRESS) as running:
        ws_url = running.url.replace("http://", "ws://") + "_stcore/stream"
        measure(ws_url, 2, 1.0)  # warm-up: one first run per replica (imports, caches), as the bench does
        before = running.connects()
        figures = measure(ws_url, SESSIONS, SECONDS)
        after = running.connects()
    opened = {name: after[name] - before[name] for name in after}
    print(figures, opened)
    assert figures["errors"] == 0, figures
    assert figures["connected"] == SESSIONS, figures
    assert figures["reruns"] >= SESSIONS, figures  # every session got at least its first view
    assert sum(opened.values()) == SESSIONS, opened
    assert min(opened.values()) >= SESSIONS // 4, f"sessions per replica: {opened}"
