"""Replicas behind nginx on loopback: N Streamlit servers (the e2e harness) and nginx in front.

nginx runs from a temporary prefix with the configuration ``deploy/nginx_conf.py`` renders for
the replicas' ports (the same renderer that wrote the compose file's ``deploy/nginx.conf``), in
the foreground (``daemon off``) as a child of the test, and is always stopped on exit. Its access
log names the replica that answered every request, the WebSocket included; each replica's own
``/_stcore/metrics`` (reached directly, nginx refuses it) counts the sessions it opened.
"""

from __future__ import annotations

import contextlib
import grp
import importlib.util
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from deploy.nginx_conf import Settings, name_of, render
from tests.support.browser import ROOT, free_port, streamlit_server, wait_http
from tests.support.serve import replica_process

APP = ROOT / "app.py"
#: Streamlit's frontend files, where nginx serves them from (the installed package's own).
STREAMLIT_STATIC = Path(importlib.util.find_spec("streamlit").origin).parent / "static"  # type: ignore[arg-type,union-attr]
PREVIEW = ROOT / "docs" / "screenshot.png"


def nginx_binary() -> str | None:
    """nginx on PATH, or Debian's /usr/sbin/nginx (not on a normal user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def session_connects(base: str) -> int:
    """Sessions this replica has opened since it started (its own metrics, reached directly)."""
    with urllib.request.urlopen(f"{base}_stcore/metrics", timeout=10) as response:
        text = response.read().decode()
    found = re.search(r'^session_events_total\{type="connect"\} (\d+)', text, re.M)
    if not found:
        raise AssertionError(f"no connect counter in {base}_stcore/metrics:\n{text[:500]}")
    return int(found.group(1))


@dataclass(frozen=True)
class LogLine:
    """One access-log line of the ``stations`` format (deploy/nginx_conf.py)."""

    method: str
    uri: str
    status: int
    upstream: str
    replica: str
    cookie: str
    user_agent: str


_LOG = re.compile(
    r"^\S+ (?P<method>\S+) (?P<uri>\S+) (?P<status>\d{3}) \d+ \S+ upstream=(?P<upstream>.*?) "
    r"replica=(?P<replica>\S*) cookie=(?P<cookie>\S*) ua=\"(?P<ua>[^\"]*)\"$"
)


@dataclass
class Cluster:
    """Replicas and the nginx in front of them. ``url`` is what a reader opens."""

    url: str
    replicas: dict[str, str]  # replica name (r1, r2) -> its own base URL
    prefix: Path
    settings: Settings
    killed: set[str] = field(default_factory=set)

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def port(self, name: str) -> int:
        return int(self.replicas[name].rsplit(":", 1)[1].strip("/"))

    def log(self) -> list[LogLine]:
        """Every request nginx has finished so far (a WebSocket is logged when it closes)."""
        lines = []
        for raw in self.access_log.read_text(encoding="utf-8", errors="replace").splitlines():
            found = _LOG.match(raw)
            if not found:
                raise AssertionError(f"access log line not in the stations format: {raw!r}")
            values = {k: "" if v == "-" else v for k, v in found.groupdict().items()}  # nginx logs "" as "-"
            lines.append(
                LogLine(
                    values["method"], values["uri"], int(values["status"]), values["upstream"],
                    values["replica"], values["cookie"], values["ua"],
                )
            )  # fmt: skip
        return lines

    def replicas_of(self, user_agent: str, websockets: int = 1, timeout: float = 15.0) -> dict[str, set[str]]:
        """For one visitor (its user agent): the replicas that answered, per kind of request
        (the stateless pings before the WebSocket left out: they come before the cookie).

        nginx logs a WebSocket when it closes, a moment after the browser context is closed:
        this waits (bounded) until ``websockets`` of the visitor's sockets are in the log.
        """
        deadline = time.monotonic() + timeout
        while True:
            seen: dict[str, set[str]] = {"http": set(), "websocket": set()}
            sockets = 0
            for line in self.log():
                if line.user_agent == user_agent and line.uri not in (
                    "/_stcore/health",
                    "/_stcore/host-config",
                ):
                    is_socket = line.uri == "/_stcore/stream"
                    sockets += is_socket
                    if line.replica:
                        seen["websocket" if is_socket else "http"].add(line.replica)
            if sockets >= websockets or time.monotonic() > deadline:
                return seen
            time.sleep(0.2)

    def connects(self) -> dict[str, int]:
        """Sessions opened so far on each live replica (its own metrics)."""
        return {
            name: session_connects(base) for name, base in self.replicas.items() if name not in self.killed
        }

    def kill(self, name: str) -> float:
        """``kill -9`` a replica; returns the monotonic time of the kill."""
        replica_process(self.replicas[name]).send_signal(signal.SIGKILL)
        self.killed.add(name)
        return time.monotonic()


def worker_user() -> str:
    """``user`` for nginx's workers: the invoking account and group when the master runs as
    root (else nginx ignores the directive, and its workers are the invoking user anyway)."""
    if os.geteuid() != 0:
        return ""
    return f"{pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name}"


@contextlib.contextmanager
def nginx(replicas: list[str], **overrides: object) -> Iterator[tuple[str, Path, Settings]]:
    """nginx on a free 127.0.0.1 port in front of ``replicas`` (host:port); yields (url, prefix, settings).

    ``overrides`` are :class:`Settings` fields (e.g. ``conn_per_address`` for the load bench;
    ``worker_processes="auto"``, as deployed, where throughput is measured: one worker here).
    """
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (make test installs it: apt-get install nginx-light)")
    with tempfile.TemporaryDirectory(prefix="deploy-nginx-") as tmp:
        prefix = Path(tmp)
        # Run as root, nginx would start its workers as "nobody", who cannot read a checkout
        # in a private folder (``mktemp -d`` makes one): the workers run as the invoking user.
        shutil.copyfile(PREVIEW, prefix / "preview.png")
        port = free_port()
        fields: dict[str, object] = {
            "listen": f"127.0.0.1:{port}",
            "public_url": f"http://127.0.0.1:{port}",
            "preview_image": str(prefix / "preview.png"),
            "worker_processes": "1",
            "user": worker_user(),
            "pid": str(prefix / "nginx.pid"),
            "temp_dir": str(prefix / "temp"),
            "access_log": str(prefix / "access.log"),
            "error_log": str(prefix / "error.log"),
            "streamlit_static": str(STREAMLIT_STATIC),
            "app_static": str(ROOT / "static"),
        }
        settings = Settings(replicas=tuple(replicas), **{**fields, **overrides})  # type: ignore[arg-type]
        (prefix / "temp").mkdir()
        (prefix / "nginx.conf").write_text(render(settings), encoding="utf-8")
        out = prefix / "nginx.out"
        with out.open("wb") as stream:
            proc = subprocess.Popen(
                [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                stdout=stream,
                stderr=stream,
            )
        try:
            wait_http(
                f"http://127.0.0.1:{port}/_stcore/metrics", proc, out, 20.0, name="nginx", any_status=True
            )
            yield f"http://127.0.0.1:{port}/", prefix, settings
        finally:
            proc.send_signal(signal.SIGTERM)  # fast shutdown: closes every connection
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@contextlib.contextmanager
def published_site(data_dir: Path | None = None, countries: tuple[str, ...] = ("IT",)) -> Iterator[Path]:
    """The published map built as it is published (``python -m stations publish --out DIR``) into
    a temporary folder; ``countries`` limits the country pages built."""
    command = [sys.executable, "-m", "stations", "publish", "--out"]
    with tempfile.TemporaryDirectory(prefix="deploy-published-") as tmp:
        out = Path(tmp) / "site"
        command.append(str(out))
        if data_dir is not None:
            command += ["--data-dir", str(data_dir)]
        for iso2 in countries:
            command += ["--country", iso2]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"publish failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        yield out


@contextlib.contextmanager
def cluster(n: int = 2, env: Mapping[str, str] | None = None, **overrides: object) -> Iterator[Cluster]:
    """``n`` replicas of app.py (the e2e harness, each on its own free port) behind nginx."""
    with contextlib.ExitStack() as stack:
        bases = [stack.enter_context(streamlit_server(APP, env=env)) for _ in range(n)]
        addresses = [base.split("//", 1)[1].strip("/") for base in bases]
        url, prefix, settings = stack.enter_context(nginx(addresses, **overrides))
        yield Cluster(url, {name_of(i): base for i, base in enumerate(bases)}, prefix, settings)
