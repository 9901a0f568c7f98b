"""The real server over its WebSocket: server CPU per run, throughput, and a flooding client.

``python -m bench.server`` starts the app as deployed (the e2e tests' harness, tests/support/browser.py)
and speaks Streamlit's own protocol, as a browser tab does: one session per tab, one script run
per ``rerun_script`` request, a run ending at ``script_finished``. Three parts, all bounded:

- **CPU per run**: the server process's CPU time (user + system, psutil) around one new
  session's first run, and around one filter change in an open session, each taken one at a
  time so that nothing else runs meanwhile; medians of ``--samples``. Measured for the map page
  and for the one-marker ``st_folium`` reference (bench/apps/one_marker.py) in the same run:
  the ratios are the figures (targets: at most 1.5x for both).
- **Throughput**: ``--sessions`` concurrent sessions changing filters for ``--seconds``:
  runs served per second by the one server process, p50 and p95 latency (request to
  ``script_finished``, first runs of the new sessions included). The sessions ask for runs
  back to back, faster than readers do, so the per-session limit is lifted for this part.
- **Flood**: on a server with the per-session limit as deployed, 12 readers alone, then beside
  one client sending a rerun request every 50 ms, alternated ``--flood-rounds`` times; the
  readers' p50 with the flooder as a ratio to without, and the server CPU of each round.

Figures only, never a pass/fail: the machine may be shared (its load average is printed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.datasets import make_dataset
from bench.server_report import summarise
from tests.support.serve import replica_process
from tests.support.sessions import reader_address, ws_connect

ROOT = Path(__file__).resolve().parent.parent
APPS = {
    "app": ROOT / "app.py",
    "one_marker": ROOT / "bench" / "apps" / "one_marker.py",
    # The map page's elements with constant values and no data work: what Streamlit itself
    # charges for this layout, the part of a run no caching in the app can remove.
    "elements": ROOT / "bench" / "apps" / "elements.py",
}
RUN_TIMEOUT = 60.0
#: Runs per CPU sample.
BATCH = 4
#: Filter changes a reader cycles through (countries of stations.data.synthetic.PLACES).
QUERIES = ("country=NL", "country=IT,JP", "country=FR", "", "country=US", "bureau=fuzhou", "country=AU")
#: Pairs of countries, more of them than the per-view cache holds: each is a view to build.
UNCACHED = tuple(
    f"country={a},{b}"
    for i, a in enumerate(("AU", "BR", "CA", "DE", "ES", "FR", "GB", "HU", "IT", "JP", "NL", "US"))
    for b in ("AU", "BR", "CA", "DE", "ES", "FR", "GB", "HU", "IT", "JP", "NL", "US")[i + 1 :]
)


def _e2e() -> Any:
    from bench.browser import harness

    return harness()


# -- one session over the WebSocket ------------------------------------------------------------


class Session:
    """A tab: one WebSocket session asking for script runs."""

    def __init__(self, url: str, source: str = "127.0.0.1") -> None:
        """``source``: the loopback address the tab connects from (each reader its own client)."""
        self.ws = ws_connect(url, source, timeout=RUN_TIMEOUT)

    def run(self, query: str) -> tuple[float, str | None]:
        """Ask for one run and wait for its end: (seconds, error or None)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = query
        start = time.perf_counter()
        self.ws.send_binary(msg.SerializeToString())
        started = False
        error = None
        while time.perf_counter() - start < RUN_TIMEOUT:
            self.ws.settimeout(max(0.1, RUN_TIMEOUT - (time.perf_counter() - start)))
            raw = self.ws.recv()
            if isinstance(raw, str):
                continue
            fmsg = ForwardMsg.FromString(raw)
            kind = fmsg.WhichOneof("type")
            if kind == "new_session":
                started = True
            elif kind == "delta" and fmsg.delta.WhichOneof("type") == "new_element":
                if fmsg.delta.new_element.WhichOneof("type") == "exception":
                    error = "exception in the page"
            elif kind == "script_finished" and started:
                status = ForwardMsg.ScriptFinishedStatus.Name(fmsg.script_finished)
                if status != "FINISHED_EARLY_FOR_RERUN":
                    return time.perf_counter() - start, error
        return time.perf_counter() - start, f"no script_finished within {RUN_TIMEOUT:.0f} s"

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a dead socket is fine
            self.ws.close()


#: The per-session limit on runs (stations/web/throttle.py) lifted: the load harness's sessions ask
#: for runs back to back, faster than any reader, and the throughput steps measure the process.
#: ``--dev``: servers started as ``make dev`` starts them (file watcher on), for a before/after.
DEV = {"on": False}

NO_LIMIT = {
    "STATIONS_RUNS_PER_S": "1000",
    "STATIONS_RUN_BURST": "1000",
    "STATIONS_CLIENT_RUNS_PER_S": "1000",
    "STATIONS_CLIENT_RUN_BURST": "1000",
}


@contextmanager
def server(app: Path, data: Path, extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, Any]]:
    """A server for ``app`` on ``data``; yields its WebSocket URL and its psutil process."""
    env = {"STATIONS_DATA_DIR": str(data), "STATION_MAP_TILES": "none", **(extra_env or {})}
    with _e2e().streamlit_server(app, env=env, dev=DEV["on"]) as base:
        proc = replica_process(base)
        yield base.replace("http://", "ws://") + "_stcore/stream", proc


def _process_clock(pid: int) -> int:
    """Linux's clock id for another process's CPU time (``CPUCLOCK_SCHED``, every thread,
    dead ones included), read with nanosecond resolution by ``clock_gettime``."""
    return ((~pid) << 3) | 2


def cpu_s(proc: Any) -> float:
    """The server process's CPU seconds so far (user + system, all its threads).

    ``/proc``'s user and system times, which psutil reads, come in 10 ms ticks: a 20 ms run
    would be measured as 10 or 30 ms. The process's CPU clock has nanosecond resolution; the
    ticks are the fallback where the clock cannot be read.
    """
    try:
        return time.clock_gettime(_process_clock(proc.pid))
    except (OSError, OverflowError, AttributeError):
        times = proc.cpu_times()
        return times.user + times.system


# -- CPU per run -------------------------------------------------------------------------------


def cpu_per_run(app: Path, data: Path, samples: int) -> dict[str, Any]:
    """Server CPU seconds of a new session's first run and of a filter change (medians)."""
    new_session: list[float] = []
    rerun: list[float] = []
    uncached: list[float] = []
    wall_new: list[float] = []
    wall_rerun: list[float] = []
    with server(app, data) as (url, proc):
        for _ in range(2):  # warm up: imports, caches, the views of QUERIES
            s = Session(url)
            for query in ("", *QUERIES):
                s.run(query)
            s.close()
        time.sleep(0.5)
        for i in range(samples):
            # BATCH operations per sample: the kernel counts CPU time in 10 ms ticks.
            opened = []
            before = cpu_s(proc)
            for _ in range(BATCH):
                s = Session(url)
                took, error = s.run("")
                if error:
                    raise RuntimeError(error)
                opened.append(s)
                wall_new.append(took)
            time.sleep(0.05)  # let the last messages leave the event loop
            new_session.append((cpu_s(proc) - before) / BATCH)
            s = opened[0]
            before = cpu_s(proc)
            for j in range(BATCH):
                took, error = s.run(QUERIES[(BATCH * i + j) % len(QUERIES)] or "country=JP")
                if error:
                    raise RuntimeError(error)
                wall_rerun.append(took)
            time.sleep(0.05)
            rerun.append((cpu_s(proc) - before) / BATCH)
            for s in opened:
                s.close()
            time.sleep(0.2)
        # Views no session has asked for lately: each one is built (the per-view cache holds
        # the last few), as when a reader picks a rare combination of filters. Measured last:
        # they push the views above out of the cache.
        for i in range(samples):
            s = Session(url)
            s.run("")
            before = cpu_s(proc)
            for j in range(BATCH):
                took, error = s.run(UNCACHED[(BATCH * i + j) % len(UNCACHED)])
                if error:
                    raise RuntimeError(error)
            time.sleep(0.05)
            uncached.append((cpu_s(proc) - before) / BATCH)
            s.close()
            time.sleep(0.2)
    return {
        "new_session_cpu_s": new_session,
        "rerun_cpu_s": rerun,
        "uncached_rerun_cpu_s": uncached,
        "new_session_wall_s": wall_new,
        "rerun_wall_s": wall_rerun,
    }


# -- throughput and the flood ------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _reader(url: str, n: int, stop_at: float, tally: Tally, pause: float = 0.0) -> None:
    """A session changing filters until ``stop_at``: back to back, or ``pause`` seconds apart
    (a person reading the page between two changes)."""
    try:
        s = Session(url, reader_address(n))
    except Exception as err:  # noqa: BLE001 (counted)
        with tally.lock:
            tally.errors.append(f"connect: {err}")
        return
    try:
        i = 0
        if pause:  # readers arrive spread over one pause, not all in the same instant
            time.sleep(pause * (n % 13) / 13)
        while time.monotonic() < stop_at:
            took, error = s.run(QUERIES[(n + i) % len(QUERIES)])
            i += 1
            with tally.lock:
                tally.latencies.append(took)
                if error:
                    tally.errors.append(error)
            if pause:
                time.sleep(max(0.0, min(pause, stop_at - time.monotonic())))
    except Exception as err:  # noqa: BLE001 (counted)
        with tally.lock:
            tally.errors.append(f"{type(err).__name__}: {err}")
    finally:
        s.close()


def _flooder(url: str, stop_at: float, counts: dict[str, int]) -> None:
    """A client that sends a rerun request every 50 ms and never waits for the runs; it reads
    what comes back (so the server keeps it), counting its runs (one ``new_session`` each)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    s = Session(url, "127.0.2.1")
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                s.ws.settimeout(0.5)
                raw = s.ws.recv()
            except Exception as err:  # noqa: BLE001 (a timeout, or the end)
                if "timed out" in str(err):
                    continue
                return
            if isinstance(raw, bytes) and ForwardMsg.FromString(raw).WhichOneof("type") == "new_session":
                counts["runs"] += 1

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while time.monotonic() < stop_at:
            msg = BackMsg()
            msg.rerun_script.query_string = QUERIES[counts["sent"] % len(QUERIES)]
            s.ws.send_binary(msg.SerializeToString())
            counts["sent"] += 1
            time.sleep(0.05)
    finally:
        done.set()
        reader.join(timeout=2)
        s.close()


def load_round(
    url: str, proc: Any, sessions: int, seconds: float, flood: bool = False, pause: float = 0.0
) -> dict[str, Any]:
    tally = Tally()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_reader, args=(url, n, stop_at, tally, pause), daemon=True)
        for n in range(sessions)
    ]
    counts = {"sent": 0, "runs": 0}
    if flood:
        threads.append(threading.Thread(target=_flooder, args=(url, stop_at, counts), daemon=True))
    before = cpu_s(proc)
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + RUN_TIMEOUT + 10)
    elapsed = time.perf_counter() - started
    lat = sorted(tally.latencies)
    return {
        "sessions": sessions,
        "seconds": round(elapsed, 1),
        "runs": len(lat),
        "runs_per_s": round(len(lat) / elapsed, 2) if elapsed else None,
        "p50_s": round(statistics.median(lat), 4) if lat else None,
        "p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 4) if lat else None,
        "errors": len(tally.errors),
        "server_cpu_s": round(cpu_s(proc) - before, 3),
        "flood_requests": counts["sent"],
        "flood_runs": counts["runs"],
        "latencies": [round(x, 4) for x in tally.latencies],
    }


def throughput(
    data: Path,
    steps: Sequence[int],
    seconds: float,
    flood_rounds: int,
    flood_readers: int = 12,
    flood_seconds: float = 8.0,
    reader_pause: float = 1.0,
) -> dict[str, Any]:
    out: dict[str, Any] = {"steps": [], "flood": []}
    if steps:
        with server(APPS["app"], data, NO_LIMIT) as (url, proc):
            load_round(url, proc, 1, 2.0)
            time.sleep(1)
            for n in steps:
                log(f"throughput: {n} sessions for {seconds:.0f} s (per-session limit lifted)")
                out["steps"].append(load_round(url, proc, n, seconds))
                time.sleep(3)
    if flood_rounds:
        with server(APPS["app"], data) as (url, proc):  # the per-session limit as deployed
            load_round(url, proc, 1, 2.0)
            time.sleep(1)
            for r in range(flood_rounds):
                # Alone first in odd rounds, the flooder first in even ones: a drift of the
                # machine's load during the run weighs on both sides alike.
                order = (False, True) if r % 2 == 0 else (True, False)
                log(
                    f"flood round {r + 1}: {flood_readers} readers "
                    + (", then ".join("beside a flooder" if f else "alone" for f in order))
                )
                pair = {}
                for flooded in order:
                    pair["with_flooder" if flooded else "alone"] = load_round(
                        url, proc, flood_readers, flood_seconds, flood=flooded, pause=reader_pause
                    )
                    time.sleep(1.5)
                out["flood"].append(pair)
    return out


# -- report ------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(data: Path, samples: int, parts: Sequence[str] = ("cpu",), **load: Any) -> dict[str, Any]:
    """The figures of ``parts`` on ``data`` (what ``main`` prints; used by ``python -m bench`` too)."""
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "stations": load.pop("stations", "synthetic"),
        "samples": samples,
    }
    if "cpu" in parts:
        results["cpu"] = {}
        for name in ("one_marker", "elements", "app"):
            log(f"CPU per run: {name} ({samples} samples)")
            results["cpu"][name] = cpu_per_run(APPS[name], data, samples)
    if "throughput" in parts:
        results["throughput"] = throughput(
            data,
            load["steps"],
            load["seconds"],
            load["flood_rounds"],
            load.get("flood_readers", 12),
            load.get("flood_seconds", 8.0),
            load.get("reader_pause", 1.0),
        )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=102, help="synthetic stations (default %(default)s)")
    parser.add_argument("--real-data", action="store_true", help="use data/ instead of synthetic data")
    parser.add_argument("--samples", type=int, default=8, help="runs per CPU figure (default %(default)s)")
    parser.add_argument("--sessions", default="12,25,50", help="throughput steps (default %(default)s)")
    parser.add_argument(
        "--seconds", type=float, default=15, help="seconds per load step (default %(default)s)"
    )
    parser.add_argument(
        "--flood-rounds", type=int, default=6, help="alone/flooded pairs (default %(default)s)"
    )
    parser.add_argument(
        "--flood-seconds", type=float, default=8.0, help="seconds per flood round side (default %(default)s)"
    )
    parser.add_argument(
        "--reader-pause",
        type=float,
        default=1.0,
        help="seconds a reader beside the flooder waits between two changes (default %(default)s)",
    )
    parser.add_argument(
        "--flood-readers", type=int, default=12, help="readers beside the flooder (default %(default)s)"
    )
    parser.add_argument("--parts", default="cpu,throughput", help="cpu, throughput (default %(default)s)")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    parser.add_argument(
        "--dev", action="store_true", help="servers as `make dev` starts them (file watcher on): the 'before'"
    )
    args = parser.parse_args(argv)
    DEV["on"] = args.dev
    parts = [p.strip() for p in args.parts.split(",")]
    steps = [int(n) for n in args.sessions.split(",") if n.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        data = ROOT / "data" if args.real_data else make_dataset(Path(tmp), args.stations)
        results = measure(
            data,
            args.samples,
            parts,
            stations="data/" if args.real_data else args.stations,
            steps=steps,
            seconds=args.seconds,
            flood_rounds=args.flood_rounds,
            flood_readers=args.flood_readers,
            flood_seconds=args.flood_seconds,
            reader_pause=args.reader_pause,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print(summarise(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
