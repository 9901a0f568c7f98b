"""The per-session limit on script runs (stations/web/throttle.py), without a server.

The real server is in tests/reliability/test_flooding_client.py; here the bucket's arithmetic
and the coalescing of held requests, with a fake clock and a real event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from streamlit.runtime.app_session import AppSession, AppSessionState

from stations.web import throttle


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_bucket_gives_its_burst_then_its_rate() -> None:
    clock = Clock()
    bucket = throttle.TokenBucket(rate=2.0, burst=3, clock=clock)
    assert [bucket.take() for _ in range(3)] == [0, 0, 0]
    assert bucket.take() == 0.5  # the next token in half a second at 2/s
    clock.now += 0.5
    assert bucket.take() == 0
    clock.now += 100
    assert [bucket.take() for _ in range(4)][:3] == [0, 0, 0]  # refilled to the burst, not beyond


class _Session:
    """A session whose state the held request reads (counted: each read is one check)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._event_loop = loop
        self.state = AppSessionState.APP_IS_RUNNING
        self.checks = 0

    @property
    def _state(self) -> AppSessionState:
        self.checks += 1
        return self.state


async def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def test_held_requests_are_coalesced_and_wait_for_the_run_in_progress() -> None:
    async def scenario() -> tuple[list[str], list[str]]:
        ran: list[str] = []
        session = _Session(asyncio.get_running_loop())
        gate = throttle.Gate(throttle.TokenBucket(rate=20.0, burst=1), throttle.TokenBucket(1, 1))
        gate.bucket.take()  # the burst is spent
        throttle._hold(session, gate, "first", lambda s, m: ran.append(m), 0.05)
        gate.pending = "newest"  # what the wrapper does for a request arriving meanwhile
        # The held request has looked at the session several times, and its token (one per
        # 0.05 s) is back: only the run in progress keeps it from running.
        await _until(lambda: session.checks >= 4)
        while_running = list(ran)
        session.state = AppSessionState.APP_NOT_RUNNING
        await _until(lambda: bool(ran))
        return while_running, ran

    while_running, ran = asyncio.run(scenario())
    assert while_running == [], "a held request must not interrupt the session's run in progress"
    assert ran == ["newest"]


def test_install_is_idempotent_and_wraps_the_session() -> None:
    assert throttle.install() and throttle.install()
    assert getattr(AppSession.handle_backmsg, "_stations_limited", False)


def test_a_session_that_keeps_sending_over_its_limit_gets_the_flood_rate() -> None:
    clock = Clock()
    gate = throttle.Gate(
        throttle.TokenBucket(rate=1.0, burst=2, clock=clock),
        throttle.TokenBucket(1, 1),
        strikes=throttle.TokenBucket(rate=1.0, burst=3, clock=clock),
    )
    # A reader whose requests go over the limit about once a second never runs out of strikes.
    for _ in range(20):
        assert not throttle.strike(gate)
        clock.now += 1.0
    assert not gate.flooding
    # Four over the limit at once: out of strikes, and from then on the flood rate.
    assert [throttle.strike(gate) for _ in range(4)] == [False, False, False, True]
    assert gate.flooding and gate.bucket.rate == throttle.FLOOD_RATE
    assert gate.bucket.take() == 1 / throttle.FLOOD_RATE  # no run until the slow token
    clock.now += 1 / throttle.FLOOD_RATE
    assert gate.bucket.take() == 0
    assert not throttle.strike(gate)  # said once


def test_the_client_is_the_proxys_header_only_when_the_proxy_sent_it() -> None:
    header = [("Host", "x"), ("X-Real-IP", "203.0.113.7")]
    assert throttle.client_address("127.0.0.1", header) == "203.0.113.7"  # the deployment's nginx
    assert throttle.client_address("10.1.2.3", header) == "203.0.113.7"  # a proxy in the cluster
    # Anyone else setting the header is counted under their own address.
    assert throttle.client_address("198.51.100.9", header) == "198.51.100.9"
    assert throttle.client_address("127.0.0.1", [("Host", "x")]) == "127.0.0.1"
    assert throttle.client_address(None, header) == "?"
    assert not throttle.trusted("not an address")


def test_sessions_of_one_client_share_its_bucket() -> None:
    clock = Clock()
    shared = throttle.TokenBucket(rate=1.0, burst=2, clock=clock)
    gates = [
        throttle.Gate(throttle.TokenBucket(10, 10, clock=clock), throttle.TokenBucket(10, 10), client=shared)
        for _ in range(3)
    ]
    assert [throttle.take_run(g) for g in gates] == [(0, False), (0, False), (1.0, False)]
    assert gates[2].bucket.tokens == 10  # the session's own token was given back
    clock.now += 1
    assert throttle.take_run(gates[2]) == (0, False)
    assert throttle.client_bucket("192.0.2.1") is throttle.client_bucket("192.0.2.1")
    assert throttle.client_bucket("192.0.2.1") is not throttle.client_bucket("192.0.2.2")
