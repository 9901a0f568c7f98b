"""A per-session limit on script runs, so one client cannot take the server's CPU from the others.

Every rerun request a client sends starts a script run (Streamlit's ``fastReruns`` stops the run
in progress and starts another), and runs share one core. A client that keeps sending them,
whether it reads the answers or not, would slow every other reader and is never dropped.

Each session gets a token bucket: ``BURST`` runs at once, then ``RATE`` runs per second. A
rerun request over the limit is not dropped but coalesced: only the newest one is kept, and it
runs as soon as the session has a token again, so the page always ends on the reader's last
change. A person clicking through filters never meets the limit; a flood gets ``RATE`` runs per
second whatever it sends, and its held request waits for its current run to finish instead of
interrupting it (so no run it was given is wasted). Other sessions are not touched: each has
its own bucket.

A session that keeps sending over its limit is a flood, not a reader: every request over the
limit costs it a strike (``STRIKES`` at once, given back at one per second), and a session out
of strikes gets ``FLOOD_RATE`` runs per second from then on (one every five seconds), its
newest request still coalesced and run. A person cannot get there: a reader's changes wait for
the page, so at most about one request per second goes over the limit, and that is the rate at
which strikes come back; a client sending 20 requests a second is out of strikes in about a
second and then costs the server a fifth of a reader.

Sessions from one client share a second bucket (``CLIENT_BURST``, ``CLIENT_RATE``): a client
that opens many sessions instead of flooding one (each new tab, each reconnect, a script opening
WebSockets) gets no more runs than a few busy readers, whatever its session count. The client is
the connection's own address, or, when the connection comes from a trusted proxy
(``STATIONS_TRUSTED_PROXIES``: loopback and private networks by default, where the deployment's
nginx sits), the ``X-Real-IP`` header that proxy sets (deploy/nginx_conf.py replaces whatever a
client sent under that name). A header from anyone else is ignored. Readers behind one NAT
share it: docs/RELIABILITY.md says how to raise it.

The ``clear_cache`` message, which empties every cache of the process for every reader, is
refused from clients: the published site has no use for it and a flood of it would make every
run rebuild its data. Every other message (heartbeats, deferred downloads, table chunks) has
its own, more generous bucket per session; the excess is dropped.

The limit sits where a session receives each message from its WebSocket
(``AppSession.handle_backmsg`` in Streamlit 1.67, called on the server's event loop), so an
over-limit request costs no script thread at all. ``install()`` is called by the replica of
``python -m stations serve`` before its server starts (``stations.web.replica``), and by every
page's ``stations.web.nav.page_setup`` for a bare ``streamlit run`` (which has no start-up hook
for apps); it is idempotent.
The limits are settings (``stations.settings``, ``STATIONS_RUN_BURST`` and the others).
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stations import settings

log = logging.getLogger(__name__)


#: Script runs a session may start at once (a reader's quick clicks fit in it).
BURST = settings.RUN_BURST.number()
#: Script runs per second a session gets once its burst is spent: more than a person clicking
#: through filters keeps up, and at ~25 ms of CPU per run (bench/server.py) a few percent of
#: the one core a server process's runs share.
RATE = settings.RUNS_PER_S.number()
#: Over-limit rerun requests a session may send before it is treated as a flood (given back
#: at ``STRIKES_PER_S``), and the run rate it then gets (see the module's docstring).
STRIKES = settings.FLOOD_STRIKES.number()
STRIKES_PER_S = 1.0
FLOOD_RATE = settings.FLOOD_RUNS_PER_S.number()
#: Script runs all the sessions of one client may start at once, and per second after that.
CLIENT_BURST = settings.CLIENT_RUN_BURST.number()
CLIENT_RATE = settings.CLIENT_RUNS_PER_S.number()
#: Clients whose buckets are kept (the least recently seen are forgotten first).
MAX_CLIENTS = 10_000
#: Peers whose ``X-Real-IP`` header names the client (the deployment's proxy).
TRUSTED_PROXIES = settings.networks(settings.TRUSTED_PROXIES)
CLIENT_HEADER = "x-real-ip"
#: Client messages refused outright (see the module's docstring).
REFUSED = frozenset({"clear_cache"})
#: Other messages (heartbeats, deferred downloads, table chunks) a session may send at once,
#: and per second after that; the excess is dropped. A page sends a few per minute.
OTHER_BURST = settings.MESSAGE_BURST.number()
OTHER_RATE = settings.MESSAGES_PER_S.number()
#: How often a held request checks whether its session's run has finished, in seconds.
RUNNING_POLL_S = 0.05


@dataclass
class TokenBucket:
    """``burst`` tokens, refilled at ``rate`` per second; one token per script run."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst
        self.stamp = self.clock()

    def take(self) -> float:
        """0 and a token spent if one is there; otherwise the seconds until one will be."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class Gate:
    """One session's bucket, and its newest rerun request waiting for a token."""

    bucket: TokenBucket
    other: TokenBucket
    #: Shared by every session of the same client (see the module's docstring).
    client: TokenBucket = field(default_factory=lambda: TokenBucket(CLIENT_RATE, CLIENT_BURST))
    strikes: TokenBucket = field(default_factory=lambda: TokenBucket(STRIKES_PER_S, STRIKES))
    flooding: bool = False
    pending: Any = None
    timer: Any = None
    throttled: int = 0
    dropped: int = 0
    refused: int = 0


_gates: weakref.WeakKeyDictionary[Any, Gate] = weakref.WeakKeyDictionary()
_install_lock = threading.Lock()


_clients: OrderedDict[str, TokenBucket] = OrderedDict()
_clients_lock = threading.Lock()


def trusted(peer: str | None) -> bool:
    try:
        address = ipaddress.ip_address(peer or "")
    except ValueError:
        return False
    return any(address in network for network in TRUSTED_PROXIES)


def client_address(peer: str | None, headers: Any) -> str:
    """Who a connection is for: the proxy's ``X-Real-IP`` if the peer is a trusted proxy, else
    the peer's own address (a header anyone else sends is ignored)."""
    if trusted(peer):
        for name, value in headers or ():
            if name.lower() == CLIENT_HEADER and value.strip():
                return value.strip()
    return peer or "?"


def client_of(session: Any) -> str:
    """The client of a Streamlit session, from its WebSocket's handshake."""
    try:
        from streamlit.runtime import Runtime

        context = Runtime.instance().get_client(session.id).client_context  # type: ignore[union-attr]
        return client_address(context.remote_ip, context.headers)
    except Exception:  # noqa: BLE001 (no runtime or no context: the session is its own client)
        return f"session {getattr(session, 'id', '?')}"


def client_bucket(client: str) -> TokenBucket:
    with _clients_lock:
        bucket = _clients.get(client)
        if bucket is None:
            bucket = _clients[client] = TokenBucket(CLIENT_RATE, CLIENT_BURST)
            while len(_clients) > MAX_CLIENTS:
                _clients.popitem(last=False)
        else:
            _clients.move_to_end(client)
        return bucket


def gate_of(session: Any) -> Gate:
    gate = _gates.get(session)
    if gate is None:
        gate = _gates[session] = Gate(
            TokenBucket(RATE, BURST),
            TokenBucket(OTHER_RATE, OTHER_BURST),
            client=client_bucket(client_of(session)),
        )
    return gate


def take_run(gate: Gate) -> tuple[float, bool]:
    """A run's tokens from the session's bucket and its client's: (seconds to wait, whether the
    session's own limit is the one that made it wait)."""
    wait = gate.bucket.take()
    if wait > 0:
        return wait, True
    wait = gate.client.take()
    if wait > 0:
        gate.bucket.tokens = min(gate.bucket.burst, gate.bucket.tokens + 1)  # not spent after all
    return wait, False


def stats() -> dict[str, int]:
    """Sessions seen and requests coalesced so far (for the log and the benchmark)."""
    gates = list(_gates.values())
    return {
        "sessions": len(gates),
        "coalesced": sum(g.throttled for g in gates),
        "dropped": sum(g.dropped for g in gates),
        "flooding": sum(g.flooding for g in gates),
    }


def strike(gate: Gate, session_id: str = "?") -> bool:
    """Count one request over the limit; a session out of strikes gets the flood rate (True
    when this request is the one that ran out)."""
    if gate.flooding or gate.strikes.take() == 0:
        return False
    gate.flooding = True
    slow = TokenBucket(FLOOD_RATE, 1, clock=gate.bucket.clock)
    slow.tokens = 0.0
    gate.bucket = slow
    log.warning(
        "session %s kept sending rerun requests over its limit: it now gets %.2g runs/s",
        session_id,
        FLOOD_RATE,
    )
    return True


def install() -> bool:
    """Put the limit in front of every session's messages; False if Streamlit has no such hook."""
    try:
        from streamlit.runtime.app_session import AppSession
    except ImportError:
        return False
    with _install_lock:
        original = AppSession.handle_backmsg
        if getattr(original, "_stations_limited", False):
            return True

        def handle_backmsg(self: Any, msg: Any) -> None:
            kind = msg.WhichOneof("type")
            gate = gate_of(self)
            if kind in REFUSED:
                if gate.refused == 0:  # once per session: a flood of them must not flood the log
                    log.warning("refused a %s message from session %s", kind, getattr(self, "id", "?"))
                gate.refused += 1
                return
            if kind != "rerun_script":
                if gate.other.take() == 0:
                    original(self, msg)
                    return
                if gate.dropped == 0:
                    log.warning(
                        "session %s sends messages faster than %.2g/s: the excess is dropped",
                        getattr(self, "id", "?"),
                        gate.other.rate,
                    )
                gate.dropped += 1
                return
            if gate.timer is not None:  # a request already waits for a token: this one replaces it
                gate.pending = msg
                gate.throttled += 1
                strike(gate, getattr(self, "id", "?"))
                return
            wait, own_limit = take_run(gate)
            if wait == 0:
                original(self, msg)
                return
            if own_limit and strike(gate, getattr(self, "id", "?")):
                wait = gate.bucket.take()  # the flood rate's first token
            _hold(self, gate, msg, original, wait)

        handle_backmsg._stations_limited = True  # type: ignore[attr-defined]
        AppSession.handle_backmsg = handle_backmsg  # type: ignore[method-assign]
    return True


def _hold(session: Any, gate: Gate, msg: Any, original: Callable[[Any, Any], None], wait: float) -> None:
    """Keep ``msg`` as the session's next run, due in ``wait`` seconds when a token is back."""
    if gate.throttled == 0:
        log.warning(
            "session %s sends rerun requests faster than %.2g/s after a burst of %d: "
            "only its newest request runs, as its limit allows",
            getattr(session, "id", "?"),
            gate.bucket.rate,
            int(gate.bucket.burst),
        )
    gate.throttled += 1
    gate.pending = msg

    def flush() -> None:
        gate.timer = None
        state = getattr(session, "_state", None)
        if state is _state("SHUTDOWN_REQUESTED"):
            gate.pending = None
            return
        if state is _state("APP_IS_RUNNING"):
            # A throttled session's run is not interrupted by its next one (as Streamlit's
            # fastReruns would): the CPU already spent on it is not thrown away.
            gate.timer = session._event_loop.call_later(RUNNING_POLL_S, flush)
            return
        again, _ = take_run(gate)
        if again > 0:  # woke a little early, or the client's bucket is empty: wait for the token
            gate.timer = session._event_loop.call_later(again, flush)
            return
        pending, gate.pending = gate.pending, None
        if pending is not None:
            original(session, pending)

    gate.timer = session._event_loop.call_later(wait, flush)


def _state(name: str) -> Any:
    from streamlit.runtime.app_session import AppSessionState

    return getattr(AppSessionState, name)
