"""One client against everyone else: three attacks from one loopback address, bounded in count and time.

- ``churn``: opens ``CHURN`` new sessions, each asking for the page, closes them, and again, for
  the whole round (a script reloading many tabs, or a crawler);
- ``idle``: holds up to ``HELD`` WebSockets open, doing nothing;
- ``running``: holds up to ``HELD`` WebSockets, each asking for the page once and reading it.

Refused connections (429, 503) are counted, not raised: the deployment is meant to refuse them.
The attacker runs in a process of its own (``python -m tests.support.attacks NAME URL SECONDS``):
in the readers' process its hundreds of threads would slow the readers' own client and be
measured as the server's fault. For the same reason the readers start once the attack stands:
the ``HELD`` connection attempts made (most of them refused), or the churn's first batch sent.
The attempts themselves, a Python client making 500 handshakes on the same two cores, would
otherwise be measured as the cost of holding what they opened.
The readers beside the attacker are the load harness's sessions (``tests.support.sessions``),
each from its own address, changing filters every second (``sessions.readers``); their latencies with
an attack are compared with the same readers without one.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.support.sessions import Tally, readers, rerun_message, ws_connect

ROOT = Path(__file__).resolve().parents[2]
#: Each attack comes from its own address (a fresh allowance at every per-address limit).
ATTACKER = {"churn": "127.0.9.1", "idle": "127.0.9.2", "running": "127.0.9.3"}
CHURN = 20
HELD = 500
#: Bound on the wait for the attack to stand (its connection attempts made) before the readers start.
READY_TIMEOUT_S = 60.0


@dataclass
class Attack:
    source: str
    opened: int = 0
    refused: int = 0
    #: Seconds from the attacker's start until its attack stood (connection attempts made).
    ready_s: float = 0.0
    other_errors: list[str] = field(default_factory=list)


def _connect(url: str, result: Attack) -> object | None:
    try:
        ws = ws_connect(url, result.source, timeout=10)
    except Exception as err:  # noqa: BLE001 (a refusal is the defence working: counted)
        if getattr(err, "status_code", None) in (429, 502, 503):
            result.refused += 1
        else:
            result.other_errors.append(f"{type(err).__name__}: {err}"[:100])
        return None
    result.opened += 1
    return ws


def churn(url: str, stop: threading.Event, result: Attack, ready: threading.Event) -> None:
    while not stop.is_set():
        batch = [ws for ws in (_connect(url, result) for _ in range(CHURN)) if ws is not None]
        for ws in batch:
            try:
                ws.send_binary(rerun_message(""))
            except Exception:  # noqa: BLE001, S112 (the attacker does not care)
                continue
        ready.set()
        stop.wait(0.2)
        for ws in batch:
            ws.close()
        if not batch:
            stop.wait(0.5)


def _hold(url: str, stop: threading.Event, result: Attack, ready: threading.Event, run: bool) -> None:
    held = []
    readers = []
    try:
        for _ in range(HELD):
            if stop.is_set():
                break
            ws = _connect(url, result)
            if ws is None:
                continue
            held.append(ws)
            if run:
                ws.send_binary(rerun_message(""))
                reader = threading.Thread(target=_drain, args=(ws, stop), daemon=True)
                reader.start()
                readers.append(reader)
        ready.set()
        stop.wait()
    finally:
        for ws in held:
            ws.close()
        for reader in readers:
            reader.join(timeout=5)


def _drain(ws: object, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            ws.settimeout(0.5)
            ws.recv()
        except Exception as err:  # noqa: BLE001
            if "timed out" not in str(err):
                return


def idle(url: str, stop: threading.Event, result: Attack, ready: threading.Event) -> None:
    _hold(url, stop, result, ready, run=False)


def running(url: str, stop: threading.Event, result: Attack, ready: threading.Event) -> None:
    _hold(url, stop, result, ready, run=True)


ATTACKS: dict[str, Callable[[str, threading.Event, Attack, threading.Event], None]] = {
    "churn": churn,
    "idle": idle,
    "running": running,
}


def attack_for(name: str, url: str, seconds: float) -> Attack:
    """Run attack ``name`` in this process (the attacker's own process): once it stands, say
    so on stdout ("ready"), then hold it for ``seconds``."""
    stop, ready, result = threading.Event(), threading.Event(), Attack(ATTACKER[name])
    attacker = threading.Thread(target=ATTACKS[name], args=(url, stop, result, ready), daemon=True)
    started = time.monotonic()
    attacker.start()
    ready.wait(timeout=READY_TIMEOUT_S)
    result.ready_s = round(time.monotonic() - started, 2)
    print("ready", flush=True)
    time.sleep(seconds)
    stop.set()
    attacker.join(timeout=60)
    return result


def attacked_round(url: str, attack: str, seconds: float) -> tuple[Tally, Attack]:
    """The readers for ``seconds`` while ``attack`` runs from its own address and process,
    started once it stands: they meet it at full strength, once the attacker's own start (a
    Python process, hundreds of connection attempts on this same 2-core machine) is past, so
    that what is measured is the server's share."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.attacks", attack, url, str(seconds + 0.5)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        },
    )
    try:
        _await_ready(proc)
        tally = readers(url, seconds)
    finally:
        out, _ = proc.communicate(timeout=120)
    return tally, Attack(**json.loads(out.decode().strip().splitlines()[-1]))


def _await_ready(proc: subprocess.Popen) -> None:
    """Wait (bounded) for the attacker's "ready" line."""
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=READY_TIMEOUT_S + 10)
    if not line or line[0].strip() != b"ready":
        raise RuntimeError(f"the attacker did not stand within {READY_TIMEOUT_S:.0f} s: {line!r}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(tally: Tally) -> dict[str, object]:
    lat = tally.latencies
    return {
        "readers": tally.sessions,
        "runs": len(lat),
        "p50_s": round(statistics.median(lat), 3) if lat else None,
        "p95_s": round(percentile(lat, 0.95), 3) if lat else None,
        "max_s": round(max(lat), 3) if lat else None,
        "errors": len(tally.errors),
    }


if __name__ == "__main__":
    name, target, duration = sys.argv[1], sys.argv[2], float(sys.argv[3])
    print(json.dumps(asdict(attack_for(name, target, duration))), flush=True)
