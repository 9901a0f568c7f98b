"""Helpers for the geo tests: a real HTTP server on loopback that answers like Nominatim's /search, and CSV builders.

No mocks: the geocoder under test is geopy's real Nominatim client speaking HTTP to this server,
which records every request (time, path, parameters, User-Agent) so that tests can count them
and measure the intervals between them on the server's side. Nothing here can reach beyond
127.0.0.1.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from stations.data.vocab import STATION_COLUMNS

PARIS_STREET = {
    "lat": "48.8327",
    "lon": "2.3610",
    "addresstype": "road",
    "class": "highway",
    "type": "residential",
    "place_rank": 26,
}


@dataclass
class Seen:
    at: float
    path: str
    params: dict[str, str]
    user_agent: str


@dataclass
class FakeNominatim:
    """What the server answers: ``script`` is consumed one entry per request, then ``default``.

    An entry is "ok", "empty" (no match), an HTTP status like 429 or 500, or ("slow", seconds).
    ``result`` is the match returned for "ok".
    """

    port: int = 0
    seen: list[Seen] = field(default_factory=list)
    script: list[Any] = field(default_factory=list)
    default: Any = "ok"
    result: dict[str, Any] = field(default_factory=lambda: dict(PARIS_STREET))
    answer_for: Callable[[dict[str, str]], dict[str, Any] | None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def searches(self) -> list[Seen]:
        return [s for s in self.seen if s.path == "/search"]

    def next_action(self) -> Any:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


def _handler(server_state: FakeNominatim) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep pytest output clean
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            url = urlsplit(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            with server_state.lock:
                server_state.seen.append(
                    Seen(time.monotonic(), url.path, params, self.headers.get("User-Agent", ""))
                )
            action = server_state.next_action()
            if isinstance(action, tuple) and action[0] == "slow":
                time.sleep(action[1])
                action = "ok"
            if isinstance(action, int):
                body = json.dumps({"error": f"status {action}"}).encode()
                self.send_response(action)
                if action == 429:
                    self.send_header("Retry-After", "0")
                self._send(body)
                return
            results: list[dict[str, Any]] = []
            if action == "ok":
                match = (
                    server_state.answer_for(params) if server_state.answer_for else dict(server_state.result)
                )
                if match is not None:
                    match.setdefault("display_name", params.get("q") or params.get("city", ""))
                    if params.get("format") == "jsonv2" and "class" in match:
                        match["category"] = match.pop("class")
                    results = [match]
            self.send_response(200)
            self._send(json.dumps(results).encode())

        def _send(self, body: bytes) -> None:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # the client may have given up (timeout test)

    return Handler


def station(station_id: str, **values: str) -> dict[str, str]:
    """A contract-shaped row; unspecified columns get plausible values."""
    iso2 = station_id[:2]
    row = {c: "" for c in STATION_COLUMNS}
    row.update(
        station_id=station_id,
        country={"FR": "France", "MN": "Mongolia", "PT": "Portugal", "IT": "Italy"}.get(iso2, iso2),
        iso2=iso2,
        private_residence="false",
        bureau="Fuzhou",
        bureau_province="Fujian",
        wave="sep-2022",
        status="unknown",
        sources="https://example.org/a | https://example.org/b",
        confidence="medium",
        notes='Says "quoted", with a comma, and\na line break.',
    )
    row.update(values)
    return row


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(STATION_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["station_id"]: row for row in csv.DictReader(handle)}


def online_args(server: FakeNominatim, cache: Path, *extra: str) -> list[str]:
    """Command-line options pointing the real client at the loopback server, quickly."""
    return [
        "--domain",
        server.domain,
        "--scheme",
        "http",
        "--cache",
        str(cache),
        "--min-delay",
        "0.05",
        "--backoff",
        "0.05",
        "--timeout",
        "2",
        "--no-progress",
        "--user-agent",
        "geo-tests/1.0",
        *extra,
    ]
