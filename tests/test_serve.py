"""The health verdicts of the serving supervisor (stations/web/serve.py), without a server.

The real supervisor under a surge is tests/deploy/test_health_under_surge.py; here each state
the replica can report gives the verdict the probes need: busy and dataless replicas stay alive,
only a hung or dead one fails liveness.
"""

from __future__ import annotations

from stations.web import serve

NOW = 1_000.0
DATA = {"ready": True, "checking": False, "version": "abc", "problem": None}


def judge(status: dict | None, alive: bool = True, started: float = NOW - 600) -> dict:
    return serve.judge(status, alive=alive, started=started, now=NOW)


def test_a_replica_serving_valid_data_and_keeping_up_is_live_and_ready() -> None:
    verdict = judge({"loop_tick": NOW - 0.4, "data": DATA})
    assert (verdict["live"], verdict["ready"], verdict["reason"]) == (True, True, "ready")


def test_a_busy_replica_is_alive_but_not_ready() -> None:
    verdict = judge({"loop_tick": NOW - serve.BUSY_AFTER_S - 1, "data": DATA})
    assert verdict["live"] and not verdict["ready"]
    assert verdict["reason"].startswith("busy: its event loop is 4.0 s behind")


def test_a_replica_without_valid_data_is_alive_and_says_why_it_is_not_ready() -> None:
    checking = judge({"loop_tick": NOW, "data": {**DATA, "ready": False, "checking": True}})
    assert checking["live"] and checking["reason"] == "not ready: checking the data files"
    broken = judge(
        {"loop_tick": NOW, "data": {**DATA, "ready": False, "problem": "stations.csv:3: lat: ..."}}
    )
    assert broken["live"] and not broken["ready"]
    assert broken["reason"] == "not ready: no valid data (stations.csv:3: lat: ...)"


def test_only_a_hung_or_exited_replica_fails_liveness() -> None:
    hung = judge({"loop_tick": NOW - serve.DEAD_AFTER_S - 1, "data": DATA})
    assert not hung["live"] and hung["reason"].startswith("hung")
    assert not judge({"loop_tick": NOW, "data": DATA}, alive=False)["live"]
    # Starting: alive (not ready) during the grace period, then a replica that never reported is not.
    assert judge(None, started=NOW - 1) == {"live": True, "ready": False, "reason": "starting"}
    assert not judge(None, started=NOW - serve.START_GRACE_S - 1)["live"]


def test_the_command_line_says_where_to_listen_and_nothing_else() -> None:
    args = serve.streamlit_args("app.py", address="0.0.0.0", port=8501)
    assert args == [
        "run",
        "app.py",
        "--server.address",
        "0.0.0.0",
        "--server.port",
        "8501",
        "--server.headless",
        "true",
    ]
    assert serve.streamlit_args("app.py", dev=True)[-4:] == list(serve.DEV_OPTIONS)
    assert serve.replica_command("app.py")[1:3] == ["-m", "stations.web.replica"]
