"""The script runs of a page's Streamlit session, read from its WebSocket as the browser sends
and receives them: a wait for "every run the page asked for is over" instead of a pause.

Streamlit's frontend asks for a run with a ``rerun_script`` message; the server answers
``new_session`` when the run starts and ``script_finished`` when it ends (also when a newer
request stops it), and reports ``session_status_changed`` in between. The frames are decoded
with Streamlit's own protobuf classes, so nothing in the page or the server is changed.

A request is seen once the browser has sent it: call :meth:`ScriptRuns.wait_idle` after
something shows the request went out (the link changed, a page loaded), or use
:meth:`ScriptRuns.rerun`, which sends one and waits for its run to end.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

#: The session's WebSocket path (``/_stcore/stream``, under any base URL path).
STREAM = "/_stcore/stream"
POLL_MS = 50


@dataclass
class ScriptRuns:
    """What the page's session did, in order: ``connect``, ``request``, ``start``, ``finish``."""

    events: list[str] = field(default_factory=list)
    running: bool = False

    def attach(self, page: Any) -> ScriptRuns:
        page.on("websocket", self._watch)
        return self

    def _watch(self, socket: Any) -> None:
        if STREAM not in socket.url:
            return
        self.events.append("connect")
        self.running = False
        socket.on("framesent", self._sent)
        socket.on("framereceived", self._received)

    def _sent(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            message = BackMsg.FromString(payload)
            if message.WhichOneof("type") == "rerun_script":
                self.events.append("request")

    def _received(self, payload: str | bytes) -> None:
        if not isinstance(payload, bytes):
            return
        message = ForwardMsg.FromString(payload)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.events.append("start")
            self.running = True
        elif kind == "script_finished":
            self.events.append("finish")
            self.running = False
        elif kind == "session_status_changed":
            self.running = message.session_status_changed.script_is_running

    def finished(self) -> int:
        """Runs ended so far (each start ends with one finish, a stopped run included)."""
        return self.events.count("finish")

    def idle(self) -> bool:
        """Since the page last connected, a run has ended, none is running, and every run asked
        for has started and ended: the last request came before the last start, and the last
        start before the last finish. A request sent during a run is served by a later start
        (Streamlit stops the run for it, or runs it after; the app's limit coalesces requests
        over its rate into one held run), so until that start it is still pending."""
        if "connect" not in self.events:
            return False
        since = self.events[len(self.events) - self.events[::-1].index("connect") :]
        if "finish" not in since or self.running:
            return False

        def last(event: str) -> int:
            return len(since) - 1 - since[::-1].index(event) if event in since else -1

        return last("request") < last("start") < last("finish")

    def wait_idle(self, page: Any, timeout_ms: int = 30_000) -> None:
        """Poll (pumping Playwright's events) until :meth:`idle`; fail with the events seen."""
        deadline = time.monotonic() + timeout_ms / 1000
        while not self.idle():
            assert time.monotonic() < deadline, f"script runs never went idle: {self.events[-12:]}"
            page.wait_for_timeout(POLL_MS)

    def rerun(self, page: Any, timeout_ms: int = 30_000) -> None:
        """Ask for a run as a reader does (the R key, on the page, not in a field), with the
        page's present address and widget values, and wait until it has ended."""
        self.wait_idle(page, timeout_ms)
        before = self.finished()
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.keyboard.press("r")
        deadline = time.monotonic() + timeout_ms / 1000
        while self.finished() <= before or not self.idle():
            assert time.monotonic() < deadline, f"the R key's run never ended: {self.events[-12:]}"
            page.wait_for_timeout(POLL_MS)


_WATCHED: weakref.WeakKeyDictionary[Any, ScriptRuns] = weakref.WeakKeyDictionary()


def watch_runs(page: Any) -> ScriptRuns:
    """Start watching ``page``'s script runs (before it opens the app: the first run counts)."""
    runs = _WATCHED[page] = ScriptRuns().attach(page)
    return runs


def runs_of(page: Any) -> ScriptRuns:
    """The watcher :func:`watch_runs` attached to ``page``."""
    return _WATCHED[page]
