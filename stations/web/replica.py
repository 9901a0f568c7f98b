"""One replica: ``streamlit run`` with a reporter beside it (started by ``stations.web.serve``).

``python -m stations.web.replica run app.py --server.port 8501 ...`` is Streamlit's own command
line, in-process, so the server runs exactly as ``streamlit run`` runs it, with
``.streamlit/config.toml``. Before the server starts:

- **the guards**: the per-session and per-client run limit (``stations.web.throttle``) and the
  refusal of dotfiles under ``static/`` (``stations.web.static_guard``) are installed, so they
  hold from the first request, not from the first page run (``streamlit run`` has no start-up
  hook; the pages' ``nav.page_setup`` installs them again, idempotently);
- **the data check**: the pages' data keeper (``stations.web.data.start_data``) starts checking
  the files at process start, not at the first reader's script run (until it has valid data the
  process says it is not ready);
- **the reporter**: every ``TICK_S`` it asks the server's event loop to note the time (the
  delay measures how far behind the loop is), and writes to ``STATIONS_STATUS_FILE`` the last
  time the loop turned, the data's state and Streamlit's effective options. The supervisor's
  health listener reads that file, so no probe waits on this process.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from stations import settings
from stations.data import dataversion
from stations.web import data, static_guard, throttle

log = logging.getLogger("stations.replica")

#: How often the reporter asks the event loop to turn, in seconds.
TICK_S = 0.5
#: The Streamlit options reported in the status (what a session's cost depends on).
REPORTED_OPTIONS = (
    "global.developmentMode",
    "server.fileWatcherType",
    "server.runOnSave",
    "server.headless",
    "server.address",
    "server.port",
    "server.baseUrlPath",
    "server.enableStaticServing",
    "server.enableXsrfProtection",
    "server.enableCORS",
    "server.maxUploadSize",
    "server.disconnectedSessionTTL",
    "runner.fastReruns",
    "runner.postScriptGC",
    "runner.magicEnabled",
    "browser.gatherUsageStats",
    "client.showErrorDetails",
)


def check_data() -> None:
    """Start the data check at process start, with the pages' own keeper (so they reuse it)."""
    try:
        data.start_data()
    except Exception:  # noqa: BLE001 (logged: the pages report the data's problems themselves)
        log.exception("starting the data check failed")


def data_status() -> dict[str, Any]:
    """Whether valid data is served: ``ready``, ``checking``, ``version``, ``problem``
    (``dataversion.status`` of the pages' data directory)."""
    found = dataversion.status(data.data_dir())
    return {
        "ready": found.ready,
        "checking": found.checking,
        "version": found.version,
        "problem": found.problem,
    }


def effective_options() -> dict[str, Any]:
    from streamlit import config

    return {name: config.get_option(name) for name in REPORTED_OPTIONS}


class Reporter:
    """Measures the event loop's delay and writes the status file (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.loop_tick: float | None = None
        self.worst_s = 0.0

    def _tick(self, posted: float) -> None:
        now = time.time()
        self.worst_s = max(self.worst_s, now - posted)
        self.loop_tick = now

    def _loop(self) -> Any:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return None
        try:
            return Runtime.instance()._get_async_objs().eventloop
        except RuntimeError:
            return None

    def write(self) -> None:
        status: dict[str, Any] = {
            "pid": os.getpid(),
            "written": time.time(),
            "data": data_status(),
            "loop_worst_s": round(self.worst_s, 3),
        }
        if self.loop_tick is not None:  # the server runs: its options are the ones in force
            status["loop_tick"] = self.loop_tick
            status["options"] = effective_options()
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(status), encoding="utf-8")
        tmp.replace(self.path)

    def run(self) -> None:
        while True:
            loop = self._loop()
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self._tick, time.time())
            try:
                self.write()
            except Exception:  # noqa: BLE001 (the next tick tries again; the probes see it stale)
                log.exception("could not write the status file")
            time.sleep(TICK_S)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    # Streamlit's server and the pages' modules are imported here, before the threads start:
    # two threads importing Streamlit's modules at once can meet a half-initialised one.
    import streamlit.runtime  # noqa: F401
    import streamlit.web.bootstrap  # noqa: F401
    from streamlit.logger import get_logger
    from streamlit.web import cli

    get_logger("stations")  # the package's messages go to the server log, as the pages' do
    throttle.install()
    static_guard.install()
    threading.Thread(target=check_data, name="data-check", daemon=True).start()
    status_file = settings.STATUS_FILE.read()
    if status_file:
        threading.Thread(target=Reporter(Path(status_file)).run, name="reporter", daemon=True).start()
    sys.argv = ["streamlit", *args]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
