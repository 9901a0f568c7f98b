"""A run killed with SIGKILL leaves the data file exactly as before or fully updated.

The command runs as a real subprocess against the loopback server and is killed mid-run.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.geo import online_args, read_csv, station

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "Avenue de Choisy, Paris 13e"

# Each test kills the geocoding command again and again: 15-30 s, outside the fast lane.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(60)]


def _start(path: Path, args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "geo", "geocode", str(path), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def _rows(n: int) -> list[dict[str, str]]:
    return [station(f"FR-paris-{i}", city="Paris", address=f"{i} {ADDRESS}") for i in range(1, n + 1)]


def test_kill_mid_run_leaves_the_file_byte_identical_and_the_cache_valid(
    nominatim, stations_csv, tmp_path: Path
) -> None:
    nominatim.default = ("slow", 0.3)
    path = stations_csv(*_rows(6))
    before = path.read_bytes()
    cache = tmp_path / "geocache.json"
    process = _start(path, online_args(nominatim, cache))
    try:
        _wait_for(lambda: len(nominatim.searches) >= 3)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    assert json.loads(cache.read_text(encoding="utf-8"))["entries"]  # answers paid for are kept

    # The next run finishes the file and re-uses what the killed run already paid for.
    asked_before = len(nominatim.searches)
    nominatim.default = "ok"
    process = _start(path, online_args(nominatim, cache))
    assert process.wait(timeout=30) == 0
    result = read_csv(path)
    assert all(r["lat"] and r["geo_precision"] == "street" for r in result.values())
    assert {r["geo_source"] for r in result.values()} == {"cache", "geocoder"}
    assert len(nominatim.searches) - asked_before < 6


def test_kill_at_any_moment_leaves_the_old_or_the_complete_file(
    nominatim, stations_csv, tmp_path: Path
) -> None:
    """Kill at several moments around the end of a run, when the file is being written."""
    path = stations_csv(*_rows(3))
    before = path.read_bytes()
    reference = stations_csv(*_rows(3), name="reference.csv")
    start = time.monotonic()
    done = _start(reference, online_args(nominatim, tmp_path / "reference-cache.json"))
    assert done.wait(timeout=30) == 0
    full_run = time.monotonic() - start
    complete = reference.read_bytes()
    assert complete != before
    for n, fraction in enumerate((0.6, 0.9, 1.0)):
        path.write_bytes(before)
        process = _start(path, online_args(nominatim, tmp_path / f"cache-{n}.json"))
        time.sleep(full_run * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        after = path.read_bytes()
        assert after in (before, complete), f"kill at {fraction:.0%} of a run left a different file"
