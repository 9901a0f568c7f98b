"""Load through nginx with 1 and with 2 replicas: throughput, p50/p95 and errors.

``python -m bench.replicas`` (about 5 minutes) prints a Markdown table for docs/RELIABILITY.md.
The client is the test harness's WebSocket reader (tests/support/sessions.py:
one ``session`` per simulated reader, each asking for one script run after another, every link
of its ``QUERIES`` in turn); here it connects to nginx, which spreads new sessions over the
replicas (tests/support/deploy.py starts them and nginx on loopback, as the tests do).

One Streamlit process runs its scripts on one core (the GIL), so a second replica should add
about a core's worth of runs when the machine has one to spare: the table gives the machine's
core count and load average so the figures can be read against it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field

import psutil

from tests.support.browser import ROOT
from tests.support.deploy import cluster
from tests.support.serve import HEALTH, replica_process
from tests.support.sessions import RERUN_TIMEOUT, Tally, run_once, session, ws_connect

#: nginx's per-address limit is raised for the bench: every simulated reader comes from 127.0.0.1.
BENCH_CONN_PER_ADDRESS = 1000


def measure(ws_url: str, sessions: int, seconds: float) -> dict[str, object]:
    """``sessions`` readers for ``seconds`` through ``ws_url``; failures are counted, not raised."""
    tally = Tally()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=session, args=(ws_url, n, stop_at, tally), daemon=True)
        for n in range(sessions)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, seconds + RERUN_TIMEOUT + 15 - (time.perf_counter() - started)))
    elapsed = time.perf_counter() - started
    lat = sorted(tally.latencies)
    return {
        "sessions": sessions,
        "connected": tally.sessions,
        "reruns": len(lat),
        "reruns_per_s": round(len(lat) / elapsed, 1),
        "p50_s": round(statistics.median(lat), 2) if lat else None,
        "p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 2) if lat else None,
        "max_s": round(lat[-1], 2) if lat else None,
        "errors": len(tally.errors),
        "error_kinds": sorted({e.split(":")[0][:60] for e in tally.errors})[:5],
    }


@dataclass
class Probes:
    """Health probes sent every ``every`` seconds, each with the manifest's timeout: (url, timeout)
    by name; the outcome of each, in order."""

    targets: dict[str, tuple[str, float]]
    every: float = 1.0
    results: dict[str, list[bool]] = field(default_factory=dict)
    slowest: dict[str, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _probe(self, name: str, url: str, timeout: float) -> None:
        outcomes = self.results.setdefault(name, [])
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    ok = response.status == 200
            except (urllib.error.URLError, OSError, TimeoutError):
                ok = False
            took = time.monotonic() - started
            self.slowest[name] = max(self.slowest.get(name, 0.0), took)
            outcomes.append(ok)
            self._stop.wait(max(0.0, self.every - took))

    def __enter__(self) -> Probes:
        for name, (url, timeout) in self.targets.items():
            thread = threading.Thread(target=self._probe, args=(name, url, timeout), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def failures(self, name: str) -> int:
        return self.results.get(name, []).count(False)

    def longest_run_of_failures(self, name: str) -> int:
        longest = run = 0
        for ok in self.results.get(name, []):
            run = 0 if ok else run + 1
            longest = max(longest, run)
        return longest


def surge(ws_url: str, arrivals: int, prefix: str = "127.0.3") -> dict[str, object]:
    """``arrivals`` new readers at once, each from its own loopback address: connect, get the
    page's first run, leave. Served count, p50 and p95 of the time to the end of that run."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    go = threading.Event()

    def arrive(n: int) -> None:
        go.wait()
        started = time.perf_counter()
        try:
            ws = ws_connect(
                ws_url,
                f"{prefix}.{n % 250 + 1}" if n < 250 else f"{prefix[:-1]}9.{n % 250 + 1}",
                timeout=RERUN_TIMEOUT,
            )
            try:
                _, error = run_once(ws, "")
            finally:
                ws.close()
        except Exception as err:  # noqa: BLE001 (counted)
            error = f"{type(err).__name__}: {err}"[:120]
        with lock:
            if error:
                errors.append(error)
            else:
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=arrive, args=(n,), daemon=True) for n in range(arrivals)]
    for thread in threads:
        thread.start()
    go.set()
    for thread in threads:
        thread.join(timeout=2 * RERUN_TIMEOUT + 30)
    lat = sorted(latencies)
    return {
        "arrivals": arrivals,
        "served": len(lat),
        "p50_s": round(statistics.median(lat), 2) if lat else None,
        "p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 2) if lat else None,
        "max_s": round(lat[-1], 2) if lat else None,
        "errors": len(errors),
        "error_kinds": sorted({e.split(":")[0] for e in errors})[:5],
    }


def run(replicas: int, steps: Sequence[int], seconds: float, settle: float) -> list[dict[str, object]]:
    rows = []
    # The harness's sessions ask for runs back to back, faster than readers: the per-session
    # limit (stations/web/throttle.py) is lifted so that the bench measures the replicas' capacity.
    from bench.server import NO_LIMIT

    env = {"STATION_MAP_TILES": "none", **NO_LIMIT}
    with cluster(replicas, env=env, conn_per_address=BENCH_CONN_PER_ADDRESS) as running:
        ws_url = running.url.replace("http://", "ws://") + "_stcore/stream"
        procs = [replica_process(base) for base in running.replicas.values()]
        measure(ws_url, replicas, 2.0)  # warm-up: one session per replica (imports, caches)
        time.sleep(settle)
        for sessions in steps:
            before = running.connects()
            cpu_before = [p.cpu_times() for p in procs]
            load_before = os.getloadavg()[0]
            started = time.perf_counter()
            row = measure(ws_url, sessions, seconds)
            elapsed = time.perf_counter() - started
            cpu = [
                (a.user + a.system) - (b.user + b.system)
                for a, b in zip([p.cpu_times() for p in procs], cpu_before, strict=True)
            ]
            after = running.connects()
            row.update(
                replicas=replicas,
                per_replica_sessions=[after[n] - before[n] for n in sorted(after)],
                replica_cpu_pct=[round(100 * c / elapsed) for c in cpu],
                load_avg=round(max(load_before, os.getloadavg()[0]), 1),
            )
            rows.append(row)
            print(row, flush=True)
            time.sleep(settle)
    return rows


def surges(replicas: int, arrivals: Sequence[int], settle: float) -> list[dict[str, object]]:
    """Surges of new readers through nginx (the deployment's limits as shipped), each replica's
    liveness and readiness probed every second as deploy/kubernetes.yaml probes them."""
    import yaml

    manifest = next(
        d
        for d in yaml.safe_load_all((ROOT / "deploy" / "kubernetes.yaml").read_text())
        if d["kind"] == "Deployment"
    )
    (container,) = manifest["spec"]["template"]["spec"]["containers"]
    live, ready = container["livenessProbe"], container["readinessProbe"]
    rows = []
    with cluster(replicas, env={"STATION_MAP_TILES": "none"}) as running:
        ws_url = running.url.replace("http://", "ws://") + "_stcore/stream"
        surge(ws_url, 2 * replicas, prefix="127.0.4")  # warm-up: every replica's first run
        for n, count in enumerate(arrivals):
            time.sleep(settle)
            targets = {}
            for name, base in running.replicas.items():
                targets[f"{name} live"] = (
                    HEALTH[base] + live["httpGet"]["path"].lstrip("/"),
                    live["timeoutSeconds"],
                )
                targets[f"{name} ready"] = (
                    HEALTH[base] + ready["httpGet"]["path"].lstrip("/"),
                    ready["timeoutSeconds"],
                )
            with Probes(targets) as probed:
                row = surge(ws_url, count, prefix=f"127.0.{10 + n}")
            row.update(
                replicas=replicas,
                liveness_failures=sum(probed.failures(t) for t in targets if t.endswith("live")),
                longest_liveness_failing_run=max(
                    probed.longest_run_of_failures(t) for t in targets if t.endswith("live")
                ),
                readiness_failures=sum(probed.failures(t) for t in targets if t.endswith("ready")),
                probes=sum(len(v) for v in probed.results.values()),
                load_avg=round(os.getloadavg()[0], 1),
            )
            rows.append(row)
            print(row, flush=True)
    return rows


def surge_table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| replicas | arrivals | served | p50 | p95 | max | errors | liveness failures (longest run) | readiness 'busy' | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['replicas']} | {r['arrivals']} | {r['served']} | {r['p50_s']} s | {r['p95_s']} s | {r['max_s']} s | "
            f"{r['errors']} | {r['liveness_failures']} ({r['longest_liveness_failing_run']}) | {r['readiness_failures']} | {r['load_avg']} |"
        )
    return "\n".join(lines)


def cold_visit() -> dict[str, object]:
    """A first visit in a fresh Chromium through nginx (two replicas): the requests and bytes
    that reached a Python replica, against those nginx answered from disk (its access log)."""
    from tests.support.browser import chromium, wait_for_markers

    with cluster(2, env={"STATION_MAP_TILES": "none"}) as running, chromium() as browser:
        context = browser.new_context(user_agent="cold-visit")
        page = context.new_page()
        page.goto(running.url, wait_until="domcontentloaded")
        wait_for_markers(page, ".marker-cluster, .leaflet-marker-icon", timeout_ms=60_000)
        page.wait_for_timeout(2000)
        context.close()
        time.sleep(1)  # the WebSocket is logged when it closes
        lines = [line for line in running.log() if line.user_agent == "cold-visit"]
        sizes = {}
        for raw in running.access_log.read_text().splitlines():
            if 'ua="cold-visit"' in raw:
                parts = raw.split()
                sizes.setdefault(parts[2], []).append(int(parts[4]))
    python = [line for line in lines if line.upstream]
    disk = [line for line in lines if not line.upstream]

    def total(group: list) -> int:
        return sum(sizes[line.uri].pop(0) if sizes.get(line.uri) else 0 for line in group)

    return {
        "requests_to_python": len(python),
        "bytes_from_python": total(python),
        "python_paths": sorted(
            {
                line.uri.split("/")[1] + "/" + line.uri.split("/")[2] if line.uri.count("/") > 1 else line.uri
                for line in python
            }
        ),
        "requests_from_disk": len(disk),
        "bytes_from_disk": total(disk),
    }


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| replicas | sessions | per replica | reruns | reruns/s | p50 | p95 | max | errors | replica CPU | load avg |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        spread = " / ".join(str(n) for n in r["per_replica_sessions"])  # type: ignore[union-attr]
        cpu = " / ".join(f"{c} %" for c in r["replica_cpu_pct"])  # type: ignore[union-attr]
        lines.append(
            f"| {r['replicas']} | {r['sessions']} | {spread} | {r['reruns']} | {r['reruns_per_s']} | "
            f"{r['p50_s']} s | {r['p95_s']} s | {r['max_s']} s | {r['errors']} | {cpu} | {r['load_avg']} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="12,25,50", help="concurrent sessions per step")
    parser.add_argument("--seconds", type=float, default=20.0, help="load per step")
    parser.add_argument("--settle", type=float, default=6.0)
    parser.add_argument("--replicas", default="1,2")
    parser.add_argument(
        "--parts", default="throughput,surges,cold", help="throughput, surges, cold (default %(default)s)"
    )
    parser.add_argument("--arrivals", default="50,100,150", help="arrivals per surge")
    args = parser.parse_args(argv)
    parts = args.parts.split(",")
    if "cold" in parts:
        print("cold first visit through nginx:", cold_visit(), flush=True)
    if "surges" in parts:
        rows = []
        for n in (int(r) for r in args.replicas.split(",")):
            rows += surges(n, [int(a) for a in args.arrivals.split(",")], args.settle)
        print(f"{psutil.cpu_count()} cores; surges of new readers through nginx")
        print(surge_table(rows))
    if "throughput" not in parts:
        return 0
    steps = [int(n) for n in args.sessions.split(",")]
    rows = []
    for n in (int(r) for r in args.replicas.split(",")):
        rows += run(n, steps, args.seconds, args.settle)
    print()
    print(f"{psutil.cpu_count()} cores, {args.seconds:.0f} s of load per step, through nginx")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
