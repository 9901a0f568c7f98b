"""One client flooding the server with rerun requests beside ordinary readers.

The flooder sends a rerun request every 50 ms for ``SECONDS`` without waiting for the runs (it
reads what comes back, so its runs can be counted: each one starts with a ``new_session``
message). Beside it, the load harness's 12 sessions change filters as readers do, one change
every ``READER_PAUSE`` seconds. Rounds with and without the flooder alternate ``ROUNDS`` times
(the order swapped every round), so that both sides share the machine's load as it drifts. In
every flooded round the per-session limit (stations/web/throttle.py) must cap the flooder's runs at
its burst plus its rate over the time and move it to the flood rate once it is out of strikes,
and the flooder's newest request must still run once the flood stops (requests are coalesced, not lost); the readers must be served without errors in
every round; a ``clear_cache`` message must be refused, and a burst of other messages
(heartbeats) is answered only up to its limit. The readers' p50 with the flooder over without
it (all rounds' runs pooled) is reported (``FIGURES``, and ``python -m bench.server`` for the
benchmark), not asserted: a timed assertion would fail on a busy machine, not on broken code.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from stations.data import synthetic
from stations.web import throttle
from tests.support.browser import streamlit_server
from tests.support.live_pages import wait_for_log, ws_url
from tests.support.reliability import FIGURES, ROOT, record
from tests.support.sessions import Tally, readers, rerun_message

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]

SECONDS = 6.0
READERS = 12
#: Rounds alone and beside the flooder, alternated.
ROUNDS = 3
#: Seconds a reader looks at the page between two changes (below its own limit: its latency
#: is then the server's, not its bucket's).
READER_PAUSE = 1.0
#: Seconds between two of the flooder's requests.
FLOOD_EVERY = 0.05
#: The flooder's last request: not canonical, so its run rewrites the address (a message says so).
LAST_QUERY = "country=hu"
LAST_SHOWN = "country=HU"
#: Heartbeats sent at once by another client: the other messages' limit drops the excess.
HEARTBEATS = 400


@dataclass
class Flood:
    sent: int = 0
    runs_started: list[float] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def flood(url: str, stop_at: float, result: Flood, done: threading.Event) -> None:
    """Send requests until ``stop_at`` (the last one is ``LAST_QUERY``), reading all the while."""
    ws = websocket.create_connection(url, timeout=30, subprotocols=["streamlit"])

    def read() -> None:
        while not done.is_set():
            try:
                ws.settimeout(0.5)
                raw = ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except Exception as err:  # noqa: BLE001 (recorded: the test reports it)
                if not done.is_set():
                    result.errors.append(f"{type(err).__name__}: {err}")
                return
            if isinstance(raw, str):
                continue
            msg = ForwardMsg.FromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                result.runs_started.append(time.monotonic())
            elif kind == "page_info_changed":
                result.queries.append(msg.page_info_changed.query_string)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    queries = [f"country={place[0]}" for place in synthetic.PLACES if place[0] != "HU"]
    try:
        while time.monotonic() < stop_at:
            ws.send_binary(rerun_message(queries[result.sent % len(queries)]))
            result.sent += 1
            time.sleep(FLOOD_EVERY)
        ws.send_binary(rerun_message(LAST_QUERY))
        result.sent += 1
        # The newest request runs when the flooder's bucket has a token again.
        deadline = time.monotonic() + 1 / throttle.RATE + 30
        while time.monotonic() < deadline and LAST_SHOWN not in result.queries[-1:]:
            time.sleep(0.2)
    finally:
        done.set()
        reader.join(timeout=5)
        ws.close()


def heartbeat_flood(url: str, count: int) -> tuple[int, float]:
    """Send ``count`` heartbeats at once; return the acknowledgements received and the seconds taken."""
    ws = websocket.create_connection(url, timeout=30, subprotocols=["streamlit"])
    try:
        msg = BackMsg()
        msg.app_heartbeat = True
        raw = msg.SerializeToString()
        started = time.monotonic()
        for _ in range(count):
            ws.send_binary(raw)
        acks = 0
        quiet_until = time.monotonic() + 3
        while time.monotonic() < quiet_until:
            ws.settimeout(max(0.1, quiet_until - time.monotonic()))
            try:
                frame = ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            if (
                isinstance(frame, bytes)
                and ForwardMsg.FromString(frame).WhichOneof("type") == "heartbeat_ack"
            ):
                acks += 1
                quiet_until = time.monotonic() + 3
        return acks, time.monotonic() - started
    finally:
        ws.close()


def p50_ms(latencies: list[float]) -> float:
    return round(statistics.median(latencies) * 1000, 1)


def flooded_round(url: str) -> tuple[Tally, Flood, float]:
    """The readers for ``SECONDS`` beside a flooder; the flood's result and its duration."""
    result, done = Flood(), threading.Event()
    flooder = threading.Thread(
        target=flood, args=(url, time.monotonic() + SECONDS, result, done), daemon=True
    )
    started = time.monotonic()
    flooder.start()
    loaded = readers(url, SECONDS, READERS, READER_PAUSE)
    flooder.join(timeout=1 / throttle.RATE + 60)
    return loaded, result, time.monotonic() - started


def test_a_flooding_client_gets_its_limit_and_the_readers_are_served(tmp_path: Path) -> None:
    directory = synthetic.write_dataset(tmp_path / "data", n=105)
    log = tmp_path / "server.log"
    env = {"STATIONS_DATA_DIR": str(directory), "STATION_MAP_TILES": "none"}
    alone: list[Tally] = []
    flooded: list[tuple[Tally, Flood, float]] = []
    with streamlit_server(ROOT / "app.py", env=env, log_file=log) as base:
        url = ws_url(base)
        readers(
            url, 2.0, READERS, READER_PAUSE
        )  # warm up: imports, caches, the limit installed by the first run
        for n in range(ROUNDS):
            for with_flooder in (False, True) if n % 2 == 0 else (True, False):
                if with_flooder:
                    flooded.append(flooded_round(url))
                else:
                    alone.append(readers(url, SECONDS, READERS, READER_PAUSE))

        # clear_cache would empty every cache of the process, for everyone: refused.
        ws = websocket.create_connection(url, timeout=30, subprotocols=["streamlit"])
        msg = BackMsg()
        msg.clear_cache = True
        ws.send_binary(msg.SerializeToString())
        ws.close()
        wait_for_log(log, "refused a clear_cache message")
        acks, heartbeats_seconds = heartbeat_flood(url, HEARTBEATS)

    pooled_alone = [x for t in alone for x in t.latencies]
    pooled_flooded = [x for t, _, _ in flooded for x in t.latencies]
    figures = {
        "rounds": ROUNDS,
        "seconds_per_round": SECONDS,
        "readers": READERS,
        "reader_pause_s": READER_PAUSE,
        "flooder_requests": [r.sent for _, r, _ in flooded],
        "flooder_runs": [len(r.runs_started) for _, r, _ in flooded],
        "flooder_runs_allowed": [round(throttle.BURST + throttle.RATE * s + 1, 1) for _, _, s in flooded],
        "readers_p50_ms_alone": [p50_ms(t.latencies) for t in alone],
        "readers_p50_ms_with_flooder": [p50_ms(t.latencies) for t, _, _ in flooded],
        "readers_p50_ms_alone_pooled": p50_ms(pooled_alone),
        "readers_p50_ms_with_flooder_pooled": p50_ms(pooled_flooded),
        "readers_p50_ratio": round(p50_ms(pooled_flooded) / p50_ms(pooled_alone), 2),
        "readers_runs_alone": [len(t.latencies) for t in alone],
        "readers_runs_with_flooder": [len(t.latencies) for t, _, _ in flooded],
        "heartbeats_sent": HEARTBEATS,
        "heartbeats_answered": acks,
    }
    FIGURES["flood"] = figures
    record("flood: requests sent by the flooder", sum(r.sent for _, r, _ in flooded))
    print(figures)
    for tally in [*alone, *(t for t, _, _ in flooded)]:
        assert not tally.errors, tally.errors[:5]
        assert tally.sessions == READERS
        assert tally.latencies  # every reader round served runs
    for _, result, seconds in flooded:
        assert not result.errors, result.errors[:5]
        assert result.sent >= SECONDS / FLOOD_EVERY / 3, figures  # it really flooded
        assert len(result.runs_started) <= throttle.BURST + throttle.RATE * seconds + 1, figures
        assert result.queries and result.queries[-1] == LAST_SHOWN, result.queries[-5:]
    server_log = log.read_text(errors="replace")
    assert "sends rerun requests faster than" in server_log
    # Out of strikes within its first seconds: every flooder is moved to the flood rate.
    assert server_log.count("kept sending rerun requests over its limit") == ROUNDS, server_log[-2000:]
    # Heartbeats beyond the other messages' burst and rate are dropped, not answered.
    assert 0 < acks <= throttle.OTHER_BURST + throttle.OTHER_RATE * heartbeats_seconds + 1, (
        acks,
        heartbeats_seconds,
    )
