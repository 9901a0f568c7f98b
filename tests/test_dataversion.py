"""The last good version of the data files is what the site serves (stations/data/dataversion.py)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from stations.data import dataversion, synthetic
from stations.data.load import DataError, Problem, load_dataset


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def logged() -> list[logging.LogRecord]:
    """Records of the dataversion logger (attached directly: the app's logger does not propagate)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.INFO)
    logger = logging.getLogger("stations.data.dataversion")
    old_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def state(served: dataversion.Served[int]) -> tuple[int | None, str, bool]:
    return served.value, served.date, served.held_back


class Waiting(dataversion.LastGood[int]):
    """A keeper whose ``current()`` waits for the check it starts (the tests' synchronous view
    of it: a page's runs never wait, which tests below prove)."""

    def current(self) -> dataversion.Served[int]:
        super().current()
        return self.wait(60)


def keeper(directory: Path, clock: Clock | None = None) -> dataversion.LastGood[int]:
    return Waiting(
        directory,
        ("stations.csv", "responses.csv"),
        lambda d: len(load_dataset(d).stations),
        required=("stations.csv", "responses.csv"),
        date_of=lambda d: "2026-11-20",
        clock=clock or Clock(),
    )


def test_a_broken_update_keeps_the_last_good_version_and_logs_the_cause(
    tmp_path: Path, logged: list[logging.LogRecord]
) -> None:
    directory = synthetic.write_dataset(tmp_path / "d", n=12)
    kept = keeper(directory)
    assert state(kept.current()) == (12, "2026-11-20", False)
    path = directory / "stations.csv"
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * 0.6)])
    served = kept.current()
    assert (served.value, served.date, served.held_back) == (12, "2026-11-20", True)
    errors = [r.getMessage() for r in logged if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "failed validation (1 problem," in errors[0], errors
    assert f"{path}:" in errors[0]  # the log names the file in full; readers never see it
    assert all(str(tmp_path) not in p for p in served.problems), served.problems
    assert served.problems[0].startswith("stations.csv:")
    # a download of the full file gives the version being served, not the broken one on disk
    assert served.files["stations.csv"] == raw
    # the same broken bytes are not validated (nor logged) again on every run
    builds = kept.builds
    kept.current()
    assert kept.builds == builds and len([r for r in logged if r.levelno >= logging.ERROR]) == 1
    path.write_bytes(raw)
    assert state(kept.current()) == (12, "2026-11-20", False)


def test_a_valid_update_replaces_the_version_served(tmp_path: Path) -> None:
    directory = synthetic.write_dataset(tmp_path / "d", n=12)
    kept = keeper(directory)
    assert kept.current().value == 12
    synthetic.write_dataset(directory, n=20)
    assert kept.current().value == 20


def test_a_change_with_its_mtime_put_back_is_seen(tmp_path: Path) -> None:
    """cp -p, rsync -t and touch -r restore the old mtime: the content decides."""
    directory = synthetic.write_dataset(tmp_path / "d", n=12)
    clock = Clock()
    kept = keeper(directory, clock)
    assert kept.current().value == 12
    path = directory / "stations.csv"
    before = os.stat(path)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert kept.current().held_back  # ctime moved, so stat already tells
    path.write_bytes(raw)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert not kept.current().held_back


def test_the_content_is_checked_periodically_even_when_stat_says_nothing(tmp_path: Path) -> None:
    directory = synthetic.write_dataset(tmp_path / "d", n=12)
    clock = Clock()
    kept = keeper(directory, clock)
    kept.current()
    hashes = kept.hashes
    for _ in range(50):
        kept.current()
    assert kept.hashes == hashes, "an unchanged file is not hashed on every run"
    clock.now += dataversion.RECHECK_S + 1
    kept.current()
    assert kept.hashes == hashes + 1


def test_unreadable_files_keep_the_last_good_version(tmp_path: Path) -> None:
    directory = synthetic.write_dataset(tmp_path / "d", n=12)
    kept = keeper(directory)
    kept.current()
    path = directory / "stations.csv"
    raw = path.read_bytes()
    path.unlink()
    os.mkfifo(path)  # reading a FIFO would block forever: it must not even be opened for a read
    served = kept.current()
    assert served.value == 12 and served.held_back
    assert served.problems == ("stations.csv:0: -: cannot read: not a regular file",)
    path.unlink()
    path.mkdir()
    assert kept.current().problems == ("stations.csv:0: -: cannot read: not a regular file",)
    path.rmdir()
    assert kept.current().problems == ("stations.csv:0: -: cannot read: No such file or directory",)
    path.write_bytes(raw)
    assert state(kept.current()) == (12, "2026-11-20", False)


def test_any_failure_of_the_build_keeps_the_good_version(
    tmp_path: Path, logged: list[logging.LogRecord]
) -> None:
    directory = synthetic.write_dataset(tmp_path / "d", n=12)
    calls = []

    def build(d: Path) -> int:
        calls.append(d)
        if len(calls) > 1:
            raise ValueError("boom")
        return 1

    kept = dataversion.LastGood(directory, ("stations.csv",), build)
    assert kept.settled().value == 1
    (directory / "stations.csv").write_text("x\n")
    served = kept.settled()
    assert served.value == 1 and served.held_back
    assert [r.exc_info[0] for r in logged if r.exc_info] == [ValueError]


def test_without_any_good_version_the_problems_are_given_by_file_name(tmp_path: Path) -> None:
    directory = synthetic.write_dataset(tmp_path / "d", n=12)
    (directory / "stations.csv").write_text("station_id\n")
    served = keeper(directory).current()
    assert served.value is None and not served.held_back
    assert served.problems and all(p.startswith("stations.csv:1: header:") for p in served.problems)


def test_a_truncated_stations_file_is_one_problem_not_one_per_response(tmp_path: Path) -> None:
    directory = synthetic.write_dataset(tmp_path / "d", n=40)
    path = directory / "stations.csv"
    raw = path.read_bytes()
    cut = raw[: int(len(raw) * 0.5)]
    path.write_bytes(cut[: cut.rfind(b",")])  # mid-row, as a truncated upload leaves it
    with pytest.raises(DataError) as err:
        load_dataset(directory)
    assert [p.file for p in err.value.problems] == [str(path)], [str(p) for p in err.value.problems]


def test_keepers_are_one_per_directory_and_bounded(tmp_path: Path) -> None:
    made = []

    def build(n: int) -> Callable[[Path], int]:
        made.append(n)
        return lambda d: n

    first = dataversion.start(tmp_path / "0", (), build(0))
    assert dataversion.start(tmp_path / "0" / ".." / "0", (), build(99)) is first
    for n in range(1, dataversion.MAX_KEEPERS + 2):
        dataversion.start(tmp_path / str(n), (), build(n))
    assert dataversion.start(tmp_path / "0", (), build(100)) is not first
    assert not first._thread.is_alive() or first._closed  # an evicted keeper's thread stops


def test_problem_order_is_root_cause_first() -> None:
    err = DataError([Problem("/x/stations.csv", 5, "a", "b"), Problem("/x/responses.csv", 2, "c", "d")])
    assert err.problems[0].file.endswith("stations.csv")


def messages(logged: list[logging.LogRecord], level: int = logging.INFO) -> list[str]:
    return [r.getMessage() for r in logged if r.levelno >= level]


class Gate:
    """A build that blocks until released while the stations file holds ``blocking``: a
    check as slow as a test needs, without burning CPU."""

    def __init__(self, blocking: bytes) -> None:
        self.blocking = blocking
        self.entered = threading.Event()
        self.release = threading.Event()
        self.finished: list[int] = []  # -1 once a blocked build ends

    def __call__(self, directory: Path) -> int:
        raw = (directory / "stations.csv").read_bytes()
        if self.blocking in raw:
            self.entered.set()
            assert self.release.wait(30), "the test never released the build"
            self.finished.append(-1)
            return -1  # what the slow check would serve, told apart from any real count
        return len(load_dataset(directory).stations)


def checking_slowly(directory: Path, n: int, **options: object) -> tuple[dataversion.LastGood[int], Gate]:
    """A keeper serving 12 stations, then checking an update of ``n`` stations that blocks
    until the gate is released."""
    gate = Gate(b"SLOW")
    kept = dataversion.LastGood(directory, ("stations.csv", "responses.csv"), gate, **options)  # type: ignore[arg-type]
    assert kept.settled().value == 12
    path = directory / "stations.csv"
    synthetic.write_dataset(directory, n=n)
    path.write_bytes(path.read_bytes().replace(b"Synthetic row", b"SLOW row", 1))
    kept.current()
    assert gate.entered.wait(10)
    return kept, gate


def test_a_slow_check_never_makes_a_reader_wait(tmp_path: Path, logged: list[logging.LogRecord]) -> None:
    kept, gate = checking_slowly(synthetic.write_dataset(tmp_path / "d", n=12), n=20)
    # The check is blocked until released: a page run that waited for it would never return.
    for _ in range(20):
        served = kept.current()
        assert served.value == 12 and served.checking and not served.held_back
        found = kept.status()
        assert found.ready and found.checking and found.version and found.problem is None
    gate.release.set()
    assert kept.settled().value == -1
    text = "\n".join(messages(logged))
    assert "checking a new version of the data files" in text and "KB in all: stations.csv" in text
    assert "loaded (version" in text and "checked in" in text and "s of CPU)" in text


def test_a_newer_file_supersedes_an_update_still_being_checked(
    tmp_path: Path, logged: list[logging.LogRecord]
) -> None:
    directory = synthetic.write_dataset(tmp_path / "d", n=12)
    kept, gate = checking_slowly(directory, n=30, poll_s=0.05)
    synthetic.write_dataset(directory, n=20)  # written while the slow one is being checked
    deadline = time.monotonic() + 10
    while kept.current().value != 20:
        assert time.monotonic() < deadline, "the newer file was not served while the older one was checked"
        time.sleep(0.05)
    assert kept.superseded == 1
    gate.release.set()  # the superseded check ends; its result is dropped
    deadline = time.monotonic() + 10
    while -1 not in gate.finished:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert kept.settled().value == 20 and not kept.settled().held_back
    assert any(
        "changed while version" in m and "result is dropped" in m for m in messages(logged, logging.WARNING)
    )


def test_a_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, logged: list[logging.LogRecord]
) -> None:
    directory = synthetic.write_dataset(tmp_path / "d", n=12)
    path = directory / "stations.csv"
    good = path.read_bytes()
    builds = []

    def build(d: Path) -> int:
        builds.append(d)
        return len(load_dataset(d).stations)

    limit = len(good) * 3
    kept = dataversion.LastGood(directory, ("stations.csv", "responses.csv"), build, max_bytes=limit)
    assert kept.settled().value == 12
    hashes = kept.hashes
    path.write_bytes(good + good.split(b"\n", 1)[1] * 4)
    served = kept.settled()
    assert served.value == 12 and served.held_back and len(builds) == 1
    assert kept.hashes == hashes, "the oversized file was read"
    assert served.problems == (
        f"stations.csv:0: -: the file is {dataversion.human_size(path.stat().st_size)}, over the limit of "
        f"{dataversion.human_size(limit)} for a data file (STATIONS_MAX_DATA_FILE_MB): refused unread",
    )
    errors = messages(logged, logging.ERROR)
    assert len(errors) == 1 and "refused at once" in errors[0] and str(path) in errors[0]
    kept.settled()
    assert len(messages(logged, logging.ERROR)) == 1, "logged once, not on every check"
    path.write_bytes(good)
    assert state(kept.settled()) == (12, "", False)


def test_status_says_not_ready_until_valid_data_exists(tmp_path: Path) -> None:
    """A cold start with an oversized file: not ready, the problem in one line without a path,
    then ready once a valid file is written, with no restart of anything."""
    directory = synthetic.write_dataset(tmp_path / "cold", n=12)
    path = directory / "stations.csv"
    good = path.read_bytes()
    assert dataversion.status(directory) == dataversion.DataStatus(
        False, False, None, "the data files have not been loaded yet"
    )
    path.write_bytes(good + good.split(b"\n", 1)[1] * 200)
    kept = dataversion.start(
        directory,
        ("stations.csv", "responses.csv"),
        lambda d: len(load_dataset(d).stations),
        max_bytes=len(good) * 10,
    )
    kept.wait(30)
    found = dataversion.status(directory)
    assert not found.ready and not found.checking and found.version is None
    assert found.problem and found.problem.startswith("stations.csv:0: -: the file is ")
    assert "over the limit" in found.problem and str(tmp_path) not in found.problem
    path.write_bytes(good)
    deadline = time.monotonic() + 10
    while not (found := dataversion.status(directory)).ready:
        assert time.monotonic() < deadline, found
        time.sleep(0.05)
    assert found.version and len(found.version) == 12 and found.problem is None
    assert dataversion.start(directory, (), lambda d: 0) is kept


def test_the_size_limit_setting(caplog: pytest.LogCaptureFixture) -> None:
    assert dataversion.max_file_bytes({}) == 16_000_000
    assert dataversion.max_file_bytes({"STATIONS_MAX_DATA_FILE_MB": "2.5"}) == 2_500_000
    for bad in ("zero", "0", "-3"):
        assert dataversion.max_file_bytes({"STATIONS_MAX_DATA_FILE_MB": bad}) == 16_000_000
