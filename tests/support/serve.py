"""The server as it is deployed, for tests and benchmarks: its command and what its health
listener says.

Every test and benchmark starts the app with :func:`serve_command`, the command ``make run``, the
image, compose and Kubernetes run (``python -m stations serve``, stations/web/serve.py), on its
own loopback ports and with nothing else of its own. The health listener's ``/status`` names the
replica process (the one that holds the sessions) and its effective Streamlit options, so a test
reads how the app really runs instead of trusting its own command line.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

import psutil

#: Each running server's base URL -> its health listener's base URL (stations/web/serve.py).
HEALTH: dict[str, str] = {}


def serve_command(
    script: Path | str,
    *,
    port: int,
    health_port: int,
    base_url_path: str = "",
    address: str = "127.0.0.1",
    dev: bool = False,
) -> list[str]:
    """The command every test and benchmark starts a server with: ``make run``'s, on given ports
    (``dev``: ``make dev``'s, for the benchmark's before/after of the file watcher)."""
    command = [
        sys.executable, "-m", "stations", "serve", "--script", str(script),
        "--address", address, "--port", str(port), "--health-port", str(health_port),
    ]  # fmt: skip
    if base_url_path.strip("/"):
        command += ["--base-url-path", base_url_path.strip("/")]
    return [*command, "--dev"] if dev else command


def server_status(base: str) -> dict:
    """What the server's health listener says (``/status``): the replica's pid, its effective
    Streamlit options, liveness, readiness and the data's state."""
    with urllib.request.urlopen(f"{HEALTH[base]}status", timeout=10) as response:
        return json.loads(response.read())


def replica_process(base: str) -> psutil.Process:
    """The psutil process that runs the server's sessions (the replica, not its supervisor)."""
    return psutil.Process(server_status(base)["pid"])
