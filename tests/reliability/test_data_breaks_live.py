"""A data file broken under a running server: open pages keep the last good data.

One real server (``streamlit run app.py``) on synthetic data, with pages open on the map and on
the Data & sources page. ``stations.csv`` is then truncated mid-row, overwritten with noise
(with its modification time put back, as ``cp -p`` or ``rsync -t`` leave it), made unreadable
(``chmod 000``; a root server runs without the capability that would let it read anyway),
and replaced by a FIFO. After each break the open pages rerun and a new page opens; each must
show the last good data with a one-line note giving its date, no error, and nothing that names
where the server keeps its files. The server log must hold the cause. Restoring the file clears
the note; a valid update is then served.

The files are checked off the readers' runs (stations/data/dataversion.py): the run that meets a
change asks for a check and serves the good version meanwhile, so the note (or the update)
shows from a run after the check, within seconds.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from stations.data import synthetic
from stations.web.nav import PAGES
from tests.support.browser import (  # noqa: F401 (fixtures)
    RequestLog,
    browser_context,
    chromium_browser,
    streamlit_server,
    wait_for_markers,
)
from tests.support.live_pages import Page, Run, pages, wait_for_log, without_dac_override, ws_url
from tests.support.reliability import ROOT, record

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(400)]

N = 40
NOTE = re.compile(r"Data as of \d{4}-\d{2}-\d{2}\. A newer update is held back")
DATA_PAGE = PAGES["data"].path


def truncate_mid_row(path: Path) -> None:
    raw = path.read_bytes()
    cut = raw[: int(len(raw) * 0.6)]
    path.write_bytes(cut[: cut.rfind(b",")])


def noise_keeping_mtime(path: Path) -> None:
    before = os.stat(path)
    path.write_bytes(bytes(range(256)) * 16)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def unreadable(path: Path) -> None:
    path.chmod(0)


def fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


#: (name, how the file is broken, what the server log must then say)
BREAKS: list[tuple[str, Callable[[Path], None], str]] = [
    ("truncated mid-row", truncate_mid_row, "stations.csv:"),
    ("noise with the mtime put back", noise_keeping_mtime, "header: missing column"),
    ("chmod 000", unreadable, "cannot read: Permission denied"),
    ("a FIFO in its place", fifo, "cannot read: not a regular file"),
]


def restore(path: Path, raw: bytes) -> None:
    if path.is_fifo() or path.is_dir():
        path.unlink()
    if path.exists():
        path.chmod(0o644)
    path.write_bytes(raw)


def noted(run: Run) -> bool:
    return any(NOTE.search(m) for m in run.markdown)


def until(page: Page, queries: Iterator[str], done: Callable[[Run], bool], timeout: float = 15.0) -> Run:
    """Runs of ``page`` (another query each) until one is ``done``: the check is off the run."""
    deadline = time.monotonic() + timeout
    while not done(run := page.run(next(queries))):
        assert time.monotonic() < deadline, "the check's outcome did not reach the page"
        time.sleep(0.2)
    return run


def assert_last_good(run: Run, leaks: list[bytes], stations: int, *, map_page: bool, note: bool) -> None:
    assert run.status == "FINISHED_SUCCESSFULLY", run.status
    assert not run.errors, run.errors
    if map_page:
        assert run.metrics.get("Stations") == str(stations), run.metrics
    else:
        assert any(f"**Stations:** {stations} rows" in m for m in run.markdown), run.markdown[:5]
    noted = [m for m in run.markdown if NOTE.search(m)]
    assert bool(noted) == note, (note, noted)
    sent = run.sent()
    for leak in leaks:
        assert leak not in sent, f"{leak!r} was sent to the page"


def test_a_broken_data_file_never_replaces_the_data_being_served(tmp_path: Path) -> None:
    directory = synthetic.write_dataset(tmp_path / "data", n=N)
    path = directory / "stations.csv"
    good = path.read_bytes()
    log = tmp_path / "server.log"
    env = {"STATIONS_DATA_DIR": str(directory), "STATION_MAP_TILES": "none"}
    # Server paths a reader must never be sent: the data's, the checkout's, the temp dir's.
    leaks = [str(directory).encode(), str(ROOT).encode(), str(tmp_path).encode()]
    # Each map run asks for another country: a protocol client sends no widget state, so a
    # repeated link would read as "the widgets were cleared" rather than as the same view.
    countries = itertools.cycle(f"country={place[0]}" for place in synthetic.PLACES)
    with (
        streamlit_server(
            ROOT / "app.py", env=env, log_file=log, command_prefix=without_dac_override()
        ) as base,
        pages(ws_url(base), "", "", DATA_PAGE) as (map_a, map_b, data_page),
    ):
        assert_last_good(map_a.run(), leaks, N, map_page=True, note=False)
        assert_last_good(map_b.run(next(countries)), leaks, N // 10, map_page=True, note=False)
        assert_last_good(data_page.run(), leaks, N, map_page=False, note=False)
        for name, breaking, cause in BREAKS:
            breaking(path)
            run = until(map_a, countries, noted)  # every run meanwhile serves the good version
            assert_last_good(run, leaks, N // 10, map_page=True, note=True)
            assert_last_good(map_b.run(next(countries)), leaks, N // 10, map_page=True, note=True)
            assert_last_good(data_page.run(), leaks, N, map_page=False, note=True)
            fresh = Page(ws_url(base))  # a reader arriving while the file is broken
            try:
                assert_last_good(fresh.run(), leaks, N, map_page=True, note=True)
            finally:
                fresh.close()
            text = wait_for_log(log, cause)
            assert "failed validation" in text and "still serving the version dated" in text, name
            restore(path, good)
            run = until(map_a, countries, lambda r: not noted(r))
            assert_last_good(run, leaks, N // 10, map_page=True, note=False)
            record("data breaks: live cases", 1)
        # A valid update is still picked up, with no restart.
        synthetic.write_dataset(directory, n=N + 10)
        run = until(map_a, countries, lambda r: r.metrics.get("Stations") == str((N + 10) // 10))
        assert_last_good(run, leaks, (N + 10) // 10, map_page=True, note=False)
        assert_last_good(data_page.run(), leaks, N + 10, map_page=False, note=False)
    text = log.read_text(errors="replace")
    # Root cause first, and only it: a truncated stations file is one problem, not one per response.
    truncated = text[text.index("failed validation (") :].splitlines()
    assert "(1 problem," in truncated[0], truncated[:5]
    assert "expected 22 fields" in truncated[1], truncated[:5]
    assert "Traceback" not in text, text[-3000:]


def test_a_reader_in_chromium_keeps_the_map_and_sees_only_a_dated_note(
    tmp_path: Path,
    browser_context: object,  # noqa: F811 (fixture)
) -> None:
    """The same in a real browser: the open page reruns ("Reset filters") on a truncated file,
    and the data page's "Download stations.csv" gives the version being served."""
    directory = synthetic.write_dataset(tmp_path / "data", n=N)
    path = directory / "stations.csv"
    good = path.read_bytes()
    log = tmp_path / "server.log"
    env = {"STATIONS_DATA_DIR": str(directory), "STATION_MAP_TILES": "none"}
    with streamlit_server(ROOT / "app.py", env=env, log_file=log) as base:
        requests = RequestLog().attach(browser_context)
        page = browser_context.new_page()
        page.goto(base + "?country=NL", wait_until="domcontentloaded")
        wait_for_markers(page, timeout_ms=60_000)
        truncate_mid_row(path)
        try:
            # The first run after the change asks for the check and shows the good data; once
            # the check has failed, the next run shows the note.
            page.get_by_role("button", name="Reset filters").click()
            wait_for_log(log, "expected 22 fields")
            page.get_by_role("button", name="Reset filters").click()
            note = page.get_by_text(NOTE)
            note.wait_for(state="visible", timeout=30_000)
            page.wait_for_function(
                "n => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
                ".some(e => e.innerText.trim() === String(n))",
                arg=N,
                timeout=30_000,
            )
            wait_for_markers(page, timeout_ms=30_000)
            text = page.inner_text("body")
            assert str(tmp_path) not in text and str(ROOT) not in text
            assert page.get_by_test_id("stException").count() == 0
            assert page.get_by_test_id("stAlertContentError").count() == 0
            assert not requests.external(), requests.external_hosts()
            wait_for_log(log, "expected 22 fields")
            # "Download stations.csv" gives the version being served, not the broken file.
            page.goto(base + DATA_PAGE, wait_until="domcontentloaded")
            button = page.get_by_role("button", name="Download stations.csv")
            button.wait_for(state="visible", timeout=60_000)
            page.get_by_text(NOTE).wait_for(state="visible", timeout=30_000)
            with page.expect_download(timeout=30_000) as download:
                button.click()
            saved = tmp_path / "downloaded.csv"
            download.value.save_as(saved)
            assert saved.read_bytes() == good
            assert page.get_by_test_id("stException").count() == 0
            record("data breaks: in Chromium", 1)
        finally:
            restore(path, good)
