"""The app started exactly as ``make run`` starts it: its effective options and its probes.

The command is taken from the Makefile itself (``make -n run`` on free loopback ports, the
venv's Python), run as it is, and the running replica's options are read back from its health
listener's ``/status`` (the values in force in the Streamlit process, not the files' text).
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.support.browser import ROOT, free_port, wait_http

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_make_run_serves_without_a_file_watcher_and_answers_its_probes(tmp_path: object) -> None:
    port, health = free_port(), free_port()
    out = subprocess.run(
        ["make", "-n", "-o", ".venv/.runtime", "-o", "i18n-compile", "run",
         f"PORT={port}", f"HEALTH_PORT={health}", f"PY={sys.executable}"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=True,
    ).stdout  # fmt: skip
    (command,) = [line for line in out.splitlines() if " -m stations serve" in line]
    log = tmp_path / "serve.log"  # type: ignore[operator]
    with log.open("wb") as stream:
        proc = subprocess.Popen(shlex.split(command), cwd=ROOT, stdout=stream, stderr=stream)
    try:
        wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc, log, 60)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = json.loads(get(f"http://127.0.0.1:{health}/status")[1])
            if status.get("ready"):
                break
            time.sleep(0.3)
        options = status["options"]
        assert options["server.fileWatcherType"] == "none", options
        assert options["server.runOnSave"] is False and options["global.developmentMode"] is False
        assert options["runner.postScriptGC"] is False and options["server.headless"] is True
        assert options["server.port"] == port and options["server.address"] == "127.0.0.1"
        assert status["data"]["ready"] and status["data"]["version"], status
        assert get(f"http://127.0.0.1:{health}/livez") == (200, "alive")
        assert get(f"http://127.0.0.1:{health}/readyz") == (200, "ready")
        assert get(f"http://127.0.0.1:{health}/nothing")[0] == 404
        assert status["pid"] != proc.pid  # the replica is the supervisor's child
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert proc.returncode == 0 or proc.returncode == -15, log.read_text()[-2000:]
