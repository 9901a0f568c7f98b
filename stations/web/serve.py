"""How the dashboard is served: one definition for ``make run``, the image, compose, Kubernetes,
the tests and the benchmarks.

``python -m stations serve [--address A] [--port P] [--health-port H] [--dev]`` runs two
processes:

- **the replica**: Streamlit serving ``app.py`` (``python -m stations.web.replica``, which is
  ``streamlit run`` plus a reporter thread, see there). Every option that changes what a
  session costs lives in ``.streamlit/config.toml`` (the file watcher is off there); the command
  line says only where to listen. ``--dev`` is the one exception, for ``make dev``: it turns the
  watcher and run-on-save back on, so an edited page reloads.
- **this process**, the replica's supervisor: it answers the health probes on their own port
  and passes signals on. Streamlit's own ``/_stcore/health`` is answered by the event loop that
  also sends every session its page; in a surge of new readers that loop falls behind (the
  script runs hold the interpreter), and a probe waiting on it times out although nothing is
  wrong. An orchestrator then restarts a busy replica, dropping every session it holds, and the
  survivors take the load: a surge becomes a cascade. Here no probe waits on the replica's
  interpreter: this process holds no sessions and reads what the replica's reporter last wrote.

Health, on ``--health-port`` (never published: the proxy does not route to it):

- ``/livez``: 200 while the replica's process runs and its event loop has turned within
  ``DEAD_AFTER_S`` (far beyond any surge measured, docs/RELIABILITY.md). A replica that is only
  busy stays alive; a replica with no valid data stays alive too (a restart would not fix it).
- ``/readyz``: 200 when the replica serves valid data and its event loop is less than
  ``BUSY_AFTER_S`` behind; 503 otherwise, with the reason ("busy", "checking the data files",
  "no valid data"). New readers then go to another replica while the busy one catches up.
- ``/status``: the figures behind both, and the replica's effective Streamlit options (so a
  test can read how the app really runs), as JSON.

When the replica exits, this process exits with its code (the container restarts).
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from stations import settings

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "app.py"
#: The health port is the app's port plus this when not given (8501 -> 8601).
HEALTH_PORT_OFFSET = 100
#: A replica whose event loop has not turned for this long is hung: liveness fails. A surge of
#: 150 arrivals on one replica held the loop up to a few seconds (docs/RELIABILITY.md).
DEAD_AFTER_S = 60.0
#: A replica whose event loop is this far behind is busy: readiness says so.
BUSY_AFTER_S = 3.0
#: Seconds after start during which a replica that has not reported yet is still alive.
START_GRACE_S = 60.0
#: Options only ``--dev`` sets: a watcher for a developer editing pages.
DEV_OPTIONS = ("--server.fileWatcherType", "auto", "--server.runOnSave", "true")


def streamlit_args(
    script: str = SCRIPT,
    *,
    address: str = "127.0.0.1",
    port: int = 8501,
    base_url_path: str = "",
    dev: bool = False,
) -> list[str]:
    """The ``streamlit`` command line of a replica: where to listen, nothing else (see the docstring)."""
    args = [
        "run",
        script,
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]
    if base_url_path:
        args += ["--server.baseUrlPath", base_url_path]
    return [*args, *DEV_OPTIONS] if dev else args


def replica_command(script: str = SCRIPT, **where: Any) -> list[str]:
    """The replica process this supervisor starts (``where``: :func:`streamlit_args`' options)."""
    return [sys.executable, "-m", "stations.web.replica", *streamlit_args(script, **where)]


def judge(status: dict[str, Any] | None, *, alive: bool, started: float, now: float) -> dict[str, Any]:
    """Liveness and readiness from the replica's last report (pure: tested without a server)."""
    if not alive:
        return {"live": False, "ready": False, "reason": "the replica's process has exited"}
    if status is None or "loop_tick" not in status:
        young = now - started < START_GRACE_S
        return {
            "live": young,
            "ready": False,
            "reason": "starting" if young else "the replica never reported",
        }
    behind = max(0.0, now - float(status["loop_tick"]))
    data = status.get("data") or {}
    out = {"live": behind < DEAD_AFTER_S, "ready": False, "loop_behind_s": round(behind, 2), "data": data}
    if not out["live"]:
        out["reason"] = f"hung: its event loop has not turned for {behind:.0f} s"
    elif not data.get("ready"):
        out["reason"] = (
            "not ready: checking the data files"
            if data.get("checking")
            else f"not ready: no valid data ({data.get('problem') or 'not loaded yet'})"
        )
    elif behind >= BUSY_AFTER_S:
        out["reason"] = f"busy: its event loop is {behind:.1f} s behind"
    else:
        out["ready"], out["reason"] = True, "ready"
    return out


def read_status(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class Supervisor:
    """The replica's process and what its reporter last said."""

    def __init__(self, command: Sequence[str], status_file: Path, env: dict[str, str] | None = None) -> None:
        self.status_file = status_file
        self.started = time.time()
        # Where the replica's reporter writes its status (set by this process for the replica).
        environment = settings.child_environment({**(env or {}), settings.STATUS_FILE.name: str(status_file)})
        self.proc = subprocess.Popen(list(command), cwd=ROOT, env=environment)

    def health(self) -> dict[str, Any]:
        status = read_status(self.status_file)
        verdict = judge(status, alive=self.proc.poll() is None, started=self.started, now=time.time())
        verdict["pid"] = self.proc.pid
        verdict["options"] = (status or {}).get("options", {})
        return verdict


def health_server(supervisor: Supervisor, address: str, port: int) -> ThreadingHTTPServer:
    """The probes' listener (a thread of this process, which runs no script)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            verdict = supervisor.health()
            path = self.path.split("?", 1)[0]
            if path == "/livez":
                code, body = (
                    (200 if verdict["live"] else 503),
                    ("alive" if verdict["live"] else verdict["reason"]),
                )
            elif path == "/readyz":
                code, body = (200 if verdict["ready"] else 503), verdict["reason"]
            elif path == "/status":
                code, body = 200, json.dumps(verdict)
            else:
                code, body = 404, "not found"
            data = body.encode()
            self.send_response(code)
            self.send_header(
                "Content-Type", "application/json" if path == "/status" else "text/plain; charset=utf-8"
            )
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass  # probes every few seconds would drown the log

    server = ThreadingHTTPServer((address, port), Handler)
    server.daemon_threads = True
    return server


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stations serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", default="127.0.0.1", help="address to listen on (default %(default)s)")
    parser.add_argument("--port", type=int, default=8501, help="the app's port (default %(default)s)")
    parser.add_argument(
        "--health-port", type=int, help=f"the probes' port (default: the app's port + {HEALTH_PORT_OFFSET})"
    )
    parser.add_argument("--script", default=SCRIPT, help="the main script (default %(default)s)")
    parser.add_argument("--base-url-path", default="", help="serve under this path (default: the root)")
    parser.add_argument("--dev", action="store_true", help="reload edited pages (file watcher on)")
    args = parser.parse_args(argv)
    health_port = args.health_port if args.health_port is not None else args.port + HEALTH_PORT_OFFSET
    with tempfile.TemporaryDirectory(prefix="stations-serve-") as tmp:
        supervisor = Supervisor(
            replica_command(
                args.script,
                address=args.address,
                port=args.port,
                base_url_path=args.base_url_path.strip("/"),
                dev=args.dev,
            ),
            Path(tmp) / "status.json",
        )
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda n, _frame: supervisor.proc.send_signal(n))
        server = health_server(supervisor, args.address, health_port)
        threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
        print(
            f"stations serve: app on {args.address}:{args.port}, health on {args.address}:{health_port} "
            f"(/livez /readyz /status), replica pid {supervisor.proc.pid}",
            file=sys.stderr,
            flush=True,
        )
        while True:
            try:
                code = supervisor.proc.wait()
                break
            except KeyboardInterrupt:
                continue
        server.shutdown()
    return code
