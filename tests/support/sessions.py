"""Readers without a browser: WebSocket clients that speak Streamlit's own protocol.

Each is one session asking for one script run after another (the BackMsg/ForwardMsg protobufs a
browser tab sends), so the server does exactly what it does for a tab. The load and flood tests
and ``bench.replicas`` drive servers with them; a ``Tally`` counts runs, latencies and errors.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

RERUN_TIMEOUT = 30.0
#: The readers beside an attacker or a flooder: how many, and seconds between their changes.
READERS = 12
READER_PAUSE = 1.0

QUERIES = [
    "",
    "country=NL",
    "country=IT,JP",
    "bureau=fuzhou",
    "wave=dec-2022",
    "action=none",
    "country=FR&bureau=qingtian",
    "country=Atlantis&zoom=3",
    "wave=" + "x" * 3000,
    "station=NL-amsterdam-1",
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sessions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def ws_connect(url: str, source: str = "127.0.0.1", timeout: float = 30.0) -> websocket.WebSocket:
    """A Streamlit WebSocket session to ``url`` from the loopback address ``source``.

    Every 127.x.y.z address is this machine, so the load tests can be many clients, each with
    its own address, as the per-address limits of the deployment see them.
    """
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout, source_address=(source, 0))
    try:
        return websocket.create_connection(url, timeout=timeout, subprotocols=["streamlit"], socket=sock)
    except BaseException:
        sock.close()
        raise


def reader_address(n: int) -> str:
    """Reader ``n``'s own loopback address: each simulated reader is its own client, as the
    per-client limits (nginx's and the app's) see readers."""
    return f"127.0.1.{n % 250 + 1}"


def rerun_message(query: str) -> bytes:
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_script_hash = ""
    return msg.SerializeToString()


def run_once(ws: websocket.WebSocket, query: str) -> tuple[float, str | None]:
    """Ask for one script run; wait for its end. Returns (seconds, error or None)."""
    start = time.perf_counter()
    ws.send_binary(rerun_message(query))
    deadline = start + RERUN_TIMEOUT
    error = None
    started = False
    while time.perf_counter() < deadline:
        ws.settimeout(max(0.1, deadline - time.perf_counter()))
        raw = ws.recv()
        if isinstance(raw, str):
            continue
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            started = True
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            if msg.delta.new_element.WhichOneof("type") == "exception":
                error = f"exception in page for {query[:40]!r}"
        elif (
            kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception"
        ):
            error = "script compilation exception"
        elif kind == "script_finished" and started:
            status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
            if status == "FINISHED_WITH_COMPILE_ERROR":
                error = status
            if status in ("FINISHED_SUCCESSFULLY", "FINISHED_WITH_COMPILE_ERROR", "FINISHED_EARLY_FOR_RERUN"):
                return time.perf_counter() - start, error
    return time.perf_counter() - start, f"no script_finished within {RERUN_TIMEOUT:.0f} s"


def session(ws_url: str, n: int, stop_at: float, tally: Tally, pause: float = 0.0) -> None:
    """One visitor: connect, then change filters until ``stop_at`` (bounded by time and count),
    back to back or ``pause`` seconds apart (a reader looking at the page between changes)."""
    try:
        ws = ws_connect(ws_url, reader_address(n), timeout=RERUN_TIMEOUT)
    except Exception as err:  # counted, not raised: the tally says what failed
        with tally.lock:
            tally.errors.append(f"connect: {err}")
        return
    with tally.lock:
        tally.sessions += 1
    try:
        if pause:  # readers who pause arrive spread over one pause, as people do
            time.sleep(pause * (n % 13) / 13)
        for i in range(10_000):
            if time.monotonic() >= stop_at:
                break
            took, error = run_once(ws, QUERIES[(n + i) % len(QUERIES)])
            with tally.lock:
                tally.latencies.append(took)
                if error:
                    tally.errors.append(error)
            if pause:
                time.sleep(max(0.0, min(pause, stop_at - time.monotonic())))
    except Exception as err:
        with tally.lock:
            tally.errors.append(f"session {n}: {type(err).__name__}: {err}")
    finally:
        ws.close()


def readers(url: str, seconds: float, count: int = READERS, pause: float = READER_PAUSE) -> Tally:
    """``count`` readers, each from its own address, changing filters every ``pause`` seconds
    for ``seconds`` (joined within a bound); their tally."""
    tally = Tally()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=session, args=(url, n, stop_at, tally, pause), daemon=True)
        for n in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + RERUN_TIMEOUT + 15)
    return tally
