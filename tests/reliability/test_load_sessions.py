"""A bounded load test: many concurrent sessions changing filters on one real server.

Each session is a WebSocket client speaking Streamlit's own protocol (the BackMsg/ForwardMsg
protobufs the browser sends), so the server does exactly what it does for a browser tab: one
session, one script run per filter change. A rerun's latency is measured from the request to
``script_finished``. Errors are exceptions in the page, failed runs, timeouts and dropped
connections: there must be none. The server's RSS (psutil) is sampled before, during and after.

Two rounds of the same load run back to back: memory that Python keeps after round 1 (arenas,
caches) is not a leak, but growth again in round 2 would be. Short by default (~45 s);
RELIABILITY_LOAD_SECONDS=60 RELIABILITY_LOAD_SESSIONS=16 for a longer run.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from pathlib import Path

import psutil
import pytest

from stations.data import synthetic
from tests.support.browser import streamlit_server
from tests.support.reliability import FIGURES, ROOT, record
from tests.support.serve import replica_process
from tests.support.sessions import RERUN_TIMEOUT, Tally, session

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]

SECONDS = float(os.environ.get("RELIABILITY_LOAD_SECONDS", "15"))
SESSIONS = int(os.environ.get("RELIABILITY_LOAD_SESSIONS", "12"))
#: After the sessions close and a settle, RSS must be within this of the warmed-up start.
NEAR_MB = 60.0
#: Round 2 may not grow RSS by more than this over round 1's end (a leak would).
ROUND_GROWTH_MB = 25.0


def rss_mb(proc: psutil.Process) -> float:
    return proc.memory_info().rss / 2**20


def load_round(ws_url: str, proc: psutil.Process, seconds: float, sessions: int) -> dict[str, float]:
    tally = Tally()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=session, args=(ws_url, n, stop_at, tally), daemon=True)
        for n in range(sessions)
    ]
    peak = rss_mb(proc)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads) and time.perf_counter() - started < seconds + RERUN_TIMEOUT + 10:
        peak = max(peak, rss_mb(proc))
        time.sleep(0.5)
    for thread in threads:
        thread.join(timeout=RERUN_TIMEOUT)
    elapsed = time.perf_counter() - started
    lat = sorted(tally.latencies)
    assert not tally.errors, tally.errors[:10]
    assert tally.sessions == sessions
    assert lat, "no rerun was served"
    return {
        "sessions": tally.sessions,
        "reruns": len(lat),
        "reruns_per_s": round(len(lat) / elapsed, 1),
        "errors": len(tally.errors),
        "p50_ms": round(statistics.median(lat) * 1000),
        "p95_ms": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))] * 1000),
        "max_ms": round(lat[-1] * 1000),
        "peak_rss_mb": round(peak, 1),
    }


def settle(proc: psutil.Process, seconds: float = 6.0) -> float:
    time.sleep(seconds)
    return round(rss_mb(proc), 1)


def test_concurrent_sessions_are_served_without_errors_and_memory_returns(tmp_path: Path) -> None:
    directory = synthetic.write_dataset(tmp_path / "data", n=105)
    # The sessions ask for runs back to back, faster than readers: the per-session limit on runs
    # (stations/web/throttle.py, tested in test_flooding_client.py) is lifted to load the process.
    env = {
        "STATIONS_DATA_DIR": str(directory),
        "STATION_MAP_TILES": "none",
        "STATIONS_RUNS_PER_S": "1000",
        "STATIONS_RUN_BURST": "1000",
        "STATIONS_CLIENT_RUNS_PER_S": "1000",
        "STATIONS_CLIENT_RUN_BURST": "1000",
    }
    with streamlit_server(ROOT / "app.py", env=env) as base:
        port = int(base.split(":")[2].split("/")[0])
        ws_url = f"ws://127.0.0.1:{port}/_stcore/stream"
        proc = replica_process(base)
        cold = round(rss_mb(proc), 1)
        load_round(ws_url, proc, 2.0, 1)  # warm up: imports, caches, first script run
        start = settle(proc, 3.0)
        first = load_round(ws_url, proc, SECONDS, SESSIONS)
        after_first = settle(proc)
        second = load_round(ws_url, proc, SECONDS, SESSIONS)
        after_second = settle(proc)
    figures = {
        "seconds_per_round": SECONDS,
        "rss_cold_mb": cold,
        "rss_start_mb": start,
        "round1": first,
        "rss_after_round1_mb": after_first,
        "round2": second,
        "rss_after_round2_mb": after_second,
    }
    FIGURES["load"] = figures
    record("load: reruns served", first["reruns"] + second["reruns"])
    print(figures)
    assert after_second - start <= NEAR_MB, figures
    assert after_second - after_first <= ROUND_GROWTH_MB, figures
