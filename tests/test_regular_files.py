"""A FIFO put in a data file's place never hangs the tools that read the data files.

Opening a FIFO for reading waits for a writer that never comes. The server's own check of its
files already reads only regular files (tests/test_dataversion.py); the validator and the
published map's build (``python -m stations publish``, which the server also starts in a child
process for its own copy of the map) must refuse such a file at once, saying which one, instead
of waiting forever. Each command runs in its own process, bounded in time, so a hang fails the
test instead of freezing the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stations.data import datapackage
from stations.data.regular import read_regular, read_regular_text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
#: Far above the ~5 s a refused build takes here; a command still running then has hung.
BOUND_S = 120


def stations(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stations", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BOUND_S,
        check=False,
    )


def data_with_fifo(tmp_path: Path, name: str) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    (copy / name).unlink()
    os.mkfifo(copy / name)
    return copy


@pytest.mark.parametrize("name", ["stations.csv", "responses.csv", datapackage.PACKAGE_FILE])
def test_publish_refuses_a_fifo_in_a_data_files_place(tmp_path: Path, name: str) -> None:
    directory = data_with_fifo(tmp_path, name)
    out = tmp_path / "site"
    done = stations("publish", "--data-dir", str(directory), "--out", str(out))
    said = done.stdout + done.stderr
    assert done.returncode == 1, said[-2000:]
    assert "nothing published" in done.stderr, said[-2000:]
    assert f"{directory / name}:0: -: cannot read: not a regular file" in said, said[-2000:]
    assert "Traceback" not in said, said[-2000:]
    assert not out.exists()


def test_validate_names_the_fifo_and_says_why(tmp_path: Path) -> None:
    directory = data_with_fifo(tmp_path, "stations.csv")
    done = stations("validate", str(directory / "stations.csv"), str(directory / "responses.csv"))
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    said = done.stdout + done.stderr
    assert f"{directory / 'stations.csv'}:0: -: cannot read: not a regular file" in said, said[-2000:]


def test_the_readers_refuse_what_is_not_a_regular_file_and_read_what_is(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for read in (read_regular, read_regular_text):
        with pytest.raises(OSError, match="not a regular file"):
            read(fifo)
        with pytest.raises(OSError, match="not a regular file"):
            read(tmp_path)  # a folder
    text = tmp_path / "text.csv"
    text.write_bytes("a,b\r\n意大利,2\r\n".encode())
    assert read_regular(text) == "a,b\r\n意大利,2\r\n".encode()
    assert read_regular_text(text) == text.read_text(encoding="utf-8") == "a,b\n意大利,2\n"
