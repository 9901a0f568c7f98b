"""The last good version of the data files is what the site serves (stations/data/dataversion.py)."""

from __future__ import annotations

import logging
import os
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


def keeper(directory: Path, clock: Clock | None = None) -> dataversion.LastGood[int]:
    return dataversion.LastGood(
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
    assert kept.current().value == 1
    (directory / "stations.csv").write_text("x\n")
    served = kept.current()
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


def test_keepers_survive_and_are_bounded() -> None:
    made = []

    def make(n: int) -> dataversion.LastGood[int]:
        made.append(n)
        return dataversion.LastGood(Path("/nonexistent"), (), lambda d: n)

    first = dataversion.keeper(("test", 0), lambda: make(0))
    assert dataversion.keeper(("test", 0), lambda: make(99)) is first
    for n in range(1, dataversion.MAX_KEEPERS + 2):
        dataversion.keeper(("test", n), lambda n=n: make(n))
    assert dataversion.keeper(("test", 0), lambda: make(100)) is not first


def test_problem_order_is_root_cause_first() -> None:
    err = DataError([Problem("/x/stations.csv", 5, "a", "b"), Problem("/x/responses.csv", 2, "c", "d")])
    assert err.problems[0].file.endswith("stations.csv")
