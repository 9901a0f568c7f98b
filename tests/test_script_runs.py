"""The browser tests' wait for "every run the page asked for is over" (tests/support/script_runs.py)."""

from __future__ import annotations

import pytest

from tests.support.script_runs import ScriptRuns


def runs(*events: str, running: bool = False) -> ScriptRuns:
    return ScriptRuns(events=list(events), running=running)


@pytest.mark.parametrize(
    ("events", "idle"),
    [
        ((), False),
        (("connect",), False),
        (("connect", "request", "start"), False),
        (("connect", "request", "start", "finish"), True),
        # asked for after the run ended: pending
        (("connect", "request", "start", "finish", "request"), False),
        # asked for during the run, which then ended: pending until a later run starts and ends
        (("connect", "request", "start", "request", "finish"), False),
        (("connect", "request", "start", "request", "finish", "start"), False),
        (("connect", "request", "start", "request", "finish", "start", "finish"), True),
        # two requests coalesced into one run
        (("connect", "request", "start", "finish", "request", "request", "start", "finish"), True),
        # a reconnect starts the count again
        (("connect", "request", "start", "finish", "connect"), False),
        (("connect", "request", "start", "connect", "start", "finish"), True),
    ],
)
def test_idle_only_once_every_run_asked_for_has_started_and_ended(
    events: tuple[str, ...], idle: bool
) -> None:
    assert runs(*events).idle() is idle


def test_not_idle_while_the_server_says_a_run_is_going() -> None:
    assert not runs("connect", "request", "start", "finish", running=True).idle()
