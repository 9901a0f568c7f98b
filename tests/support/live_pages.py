"""Open pages on a real server over Streamlit's own WebSocket protocol, and read what they show.

A ``Page`` is what a browser tab is to the server: one session, one script run per request.
Every ForwardMsg of a run is kept (raw bytes too), so a test can check what a reader would be
sent: metrics, captions, errors, and any string that must never leave the server.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

RUN_TIMEOUT = 60.0


@dataclass
class Run:
    """Everything one script run sent to its page."""

    messages: list[ForwardMsg] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    status: str = ""

    def elements(self, kind: str) -> list[object]:
        out = []
        for msg in self.messages:
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == kind:
                    out.append(getattr(element, kind))
        return out

    @property
    def metrics(self) -> dict[str, str]:
        return {m.label: m.body for m in self.elements("metric")}

    @property
    def markdown(self) -> list[str]:
        return [m.body for m in self.elements("markdown")]

    @property
    def errors(self) -> list[str]:
        alerts = [a.body for a in self.elements("alert") if a.format == a.ERROR]
        return alerts + [str(e.message) for e in self.elements("exception")]

    def sent(self) -> bytes:
        """The bytes a reader's browser received, minus Streamlit's own ``main_script_path``
        (the app's location, which Streamlit sends in every new session)."""
        out = []
        for msg, raw in zip(self.messages, self.raw, strict=True):
            if msg.WhichOneof("type") == "new_session":
                msg = ForwardMsg.FromString(raw)
                msg.new_session.ClearField("main_script_path")
                raw = msg.SerializeToString()
            out.append(raw)
        return b"".join(out)


class Page:
    """One open page (session) on the server."""

    def __init__(self, ws_url: str, page_name: str = "") -> None:
        self.page_name = page_name
        self.ws = websocket.create_connection(ws_url, timeout=RUN_TIMEOUT, subprotocols=["streamlit"])

    def run(self, query: str = "") -> Run:
        """Ask for a run (a filter change, a reload of the same session) and collect it."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = self.page_name
        self.ws.send_binary(msg.SerializeToString())
        run = Run()
        started = False
        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            raw = self.ws.recv()
            if isinstance(raw, str):
                continue
            fmsg = ForwardMsg.FromString(raw)
            kind = fmsg.WhichOneof("type")
            if kind == "new_session":
                started = True
            if started:
                run.messages.append(fmsg)
                run.raw.append(raw)
            if kind == "script_finished" and started:
                run.status = ForwardMsg.ScriptFinishedStatus.Name(fmsg.script_finished)
                if run.status != "FINISHED_EARLY_FOR_RERUN":
                    return run
        raise TimeoutError(f"no script_finished within {RUN_TIMEOUT:.0f} s")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "_stcore/stream"


def without_dac_override() -> tuple[str, ...]:
    """A prefix that runs the server without root's power to read any file, so a chmod 000
    file is unreadable to it as it would be to a non-root server (empty when not root)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise RuntimeError("running as root needs setpriv (util-linux) to test unreadable files")
    caps = "-dac_override,-dac_read_search"
    return (setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}")


def wait_for_log(log: Path, needle: str, timeout: float = 20.0) -> str:
    """The server log once it holds ``needle`` (the log is written as the server runs)."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        if needle in text:
            return text
        time.sleep(0.2)
    raise AssertionError(f"{needle!r} not in the server log within {timeout:.0f} s:\n{text[-3000:]}")


@contextlib.contextmanager
def pages(url: str, *names: str) -> Iterator[list[Page]]:
    opened = [Page(url, name) for name in names]
    try:
        yield opened
    finally:
        for page in opened:
            page.close()
