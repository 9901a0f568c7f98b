"""A large data file under a running server: readers keep being served, and a cold start with a
file over the size limit says what is wrong without restarting anything.

One real server (``streamlit run app.py``) on a copy of the real ``data/``. First an editor's
paste that repeated every row of ``stations.csv`` 30 times (2.8 MB, every copy a duplicate id) is
written while two pages keep asking for runs; 2 s later a valid update (one station more) is
written. The readers' runs all finish with the last good data, the update is served within
10 s of being written, and the server log names both files: the check of the large one (with
its size and how long it took) and the loading of the update.

Then a server starts with a ``stations.csv`` over the size limit (``STATIONS_MAX_DATA_FILE_MB``,
default 16 MB, not changed here). Every page run says the files are being checked or lists the
problem (never an empty list); the file is refused unread, at once; a valid file written later
is served, by the same server process, healthy throughout. (``dataversion.status()``, which the
health endpoints report, is proven in tests/test_dataversion.py.)
"""

from __future__ import annotations

import csv
import io
import shutil
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.support.browser import streamlit_server  # noqa: F401 (fixture module)
from tests.support.live_pages import Page, Run, pages, wait_for_log, ws_url
from tests.support.reliability import ROOT, record

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]

DATA = ROOT / "data"
CHECKING = "Checking the data files…"
INVALID = "The data files are invalid, so nothing can be shown. Problems found:"


def copy_data(into: Path) -> Path:
    shutil.copytree(DATA, into, ignore=shutil.ignore_patterns("*.md", "geocache.json"))
    return into


def station_rows() -> tuple[list[str], list[list[str]]]:
    header, *rows = list(
        csv.reader(io.StringIO((DATA / "stations.csv").read_text(encoding="utf-8"), newline=""))
    )
    return header, rows


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(out.getvalue(), encoding="utf-8")
    tmp.replace(path)  # as an editor's save or a deploy's copy leaves it: the file whole at once


def one_more(header: list[str], rows: list[list[str]]) -> list[list[str]]:
    """A valid update: the first row again under a new station number."""
    stem, number = rows[0][0].rsplit("-", 1)
    return [*rows, [f"{stem}-{int(number) + 900}", *rows[0][1:]]]


def stations_shown(run: Run) -> str | None:
    return run.metrics.get("Stations")


def assert_never_an_empty_problem_list(run: Run) -> str:
    """What the run showed: 'checking', 'problems' (with at least one line) or 'data'."""
    assert run.status == "FINISHED_SUCCESSFULLY", run.status
    alerts = [a.body for a in run.elements("alert")]
    if INVALID in alerts:
        codes = [c.code_text for c in run.elements("code")]
        assert codes and codes[0].strip(), f"an empty problem list was shown: {codes}"
        return "problems"
    if stations_shown(run) is not None:
        return "data"
    assert CHECKING in alerts, alerts
    return "checking"


def test_a_file_30_times_the_real_size_never_stalls_readers_or_the_next_update(tmp_path: Path) -> None:
    directory = copy_data(tmp_path / "data")
    path = directory / "stations.csv"
    header, rows = station_rows()
    log = tmp_path / "server.log"
    env = {"STATIONS_DATA_DIR": str(directory), "STATION_MAP_TILES": "none"}
    with (
        streamlit_server(ROOT / "app.py", env=env, log_file=log) as base,
        pages(ws_url(base), "", "") as (a, b),
    ):
        assert stations_shown(a.run()) == str(len(rows))
        assert stations_shown(b.run()) == str(len(rows))
        served: list[str | None] = []
        failures: list[BaseException] = []
        stop = threading.Event()

        def reader(page: Page) -> None:
            try:
                while not stop.is_set():
                    run = page.run()
                    assert run.status == "FINISHED_SUCCESSFULLY" and not run.errors, (run.status, run.errors)
                    served.append(stations_shown(run))
            except BaseException as err:  # noqa: BLE001 (reported by the test thread)
                failures.append(err)

        readers = [threading.Thread(target=reader, args=(page,), daemon=True) for page in (a, b)]
        for thread in readers:
            thread.start()
        write_rows(path, header, rows * 30)
        big = path.stat().st_size
        assert big > 30 * (DATA / "stations.csv").stat().st_size * 0.99
        time.sleep(2.0)
        write_rows(path, header, one_more(header, rows))
        written = time.monotonic()
        fresh = Page(ws_url(base))
        try:
            while stations_shown(fresh.run()) != str(len(rows) + 1):
                assert time.monotonic() - written < 10.0, "the valid update was not served within 10 s"
                time.sleep(0.2)
            took = time.monotonic() - written
        finally:
            fresh.close()
        stop.set()
        for thread in readers:
            thread.join(70)
        assert not failures, failures
        # Every reader run showed data: the old version, then the update (never the large file).
        assert served and set(served) <= {str(len(rows)), str(len(rows) + 1)}, set(served)
        text = wait_for_log(log, "loaded (version")
    mb = f"{big / 1e6:.1f} MB"
    assert f"stations.csv {mb}" in text, text[-3000:]  # the check of the large file, with its size
    large = text[text.index(f"stations.csv {mb}") :]
    # Its check either ended (the paste's duplicates, capped) or the update superseded it.
    first = large.split("checking a new version", 1)[0]
    failed = (
        "failed validation" in first and "duplicate station_id" in first and "more of the same kind" in first
    )
    assert failed or "result is dropped" in first, first[:3000]
    assert "loaded (version" in large and "Traceback" not in text
    record("big data file: readers served, update served (s)", 1)
    outcome = "failed validation" if failed else "superseded by the update"
    print(f"large file {outcome}; update served {took:.1f} s after it was written; {len(served)} reader runs")


def test_a_cold_start_with_a_file_over_the_size_limit_waits_for_valid_data_without_a_restart(
    tmp_path: Path,
) -> None:
    directory = copy_data(tmp_path / "data")
    path = directory / "stations.csv"
    header, rows = station_rows()
    copies = int(17_000_000 / (DATA / "stations.csv").stat().st_size) + 1
    write_rows(path, header, rows * copies)  # over the default limit of 16 MB
    log = tmp_path / "server.log"
    env = {"STATIONS_DATA_DIR": str(directory), "STATION_MAP_TILES": "none"}
    with streamlit_server(ROOT / "app.py", env=env, log_file=log) as base:
        port = int(base.rsplit(":", 1)[1].strip("/"))
        server = next(
            p for p in psutil.Process().children(recursive=True) if str(port) in " ".join(p.cmdline())
        )
        pid, started = server.pid, server.create_time()
        seen = set()
        page = Page(ws_url(base))
        try:
            for _ in range(3):
                seen.add(assert_never_an_empty_problem_list(page.run()))
            run = page.run()
            assert assert_never_an_empty_problem_list(run) == "problems"
            code = run.elements("code")[0].code_text
            assert code.startswith("stations.csv:0: -: the file is ") and "over the limit of 16.0 MB" in code
            assert str(tmp_path) not in code
            text = wait_for_log(log, "refused unread")
            assert "refused at once" in text and "checking a new version" not in text
            write_rows(path, header, rows)
            written = time.monotonic()
            while (shown := assert_never_an_empty_problem_list(page.run())) != "data":
                seen.add(shown)
                assert time.monotonic() - written < 10.0, "the valid file was not served within 10 s"
                time.sleep(0.2)
        finally:
            page.close()
        with urllib.request.urlopen(f"{base}_stcore/health", timeout=10) as response:
            assert response.status == 200
        server = psutil.Process(pid)
        assert server.is_running() and server.create_time() == started, "the server was restarted"
    assert seen <= {"checking", "problems"}, seen
    record("big data file: cold start over the limit", 1)
