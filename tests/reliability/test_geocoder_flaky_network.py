"""The geocoding command on a flaky network: connections dropped at random (fixed seed), answers
cut short, bodies that are not JSON.

tests/geo already covers timeouts, 429, 5xx, refused connections and kill -9 mid-run; what it
does not cover is a server that accepts the connection and then drops it, which is what a
flaky proxy or an overloaded Nominatim does. This reuses its loopback server (geohelpers) and
only changes what the handler does before answering.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from geo.__main__ import main  # noqa: E402
from tests.support.geo import FakeNominatim, _handler, online_args, read_csv, station, write_csv  # noqa: E402
from tests.support.reliability import record

pytestmark = pytest.mark.timeout(60)
ADDRESS = "Avenue de Choisy, Paris 13e"


class Flaky:
    """What goes wrong, per request: chosen by a seeded RNG, or scripted."""

    def __init__(
        self, drop_rate: float = 0.0, seed: int = 1, script: list[str] | None = None, how: str = "drop"
    ):
        self.rng = random.Random(seed)
        self.drop_rate = drop_rate
        self.script = list(script or [])
        self.how = how
        self.faults = 0
        self.lock = threading.Lock()

    def next(self) -> str | None:
        with self.lock:
            if self.script:
                fault = self.script.pop(0)
            else:
                fault = self.how if self.rng.random() < self.drop_rate else None
            self.faults += fault is not None
            return fault


@pytest.fixture
def flaky_nominatim() -> Iterator[tuple[FakeNominatim, Flaky]]:
    state = FakeNominatim()
    flaky = Flaky()
    base = _handler(state)

    class Handler(base):  # type: ignore[misc, valid-type]
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            fault = flaky.next()
            if fault == "drop":  # accept, read the request, then hang up without a word
                self.close_connection = True
                self.connection.close()
                return
            if fault == "truncated":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "500")
                self.end_headers()
                self.wfile.write(b'[{"lat": "48.8')
                self.close_connection = True
                return
            if fault == "not json":
                body = b"<html>Bad gateway</html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state, flaky
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _rows(n: int) -> list[dict[str, str]]:
    return [station(f"FR-paris-{i}", city="Paris", address=f"{i} {ADDRESS}") for i in range(1, n + 1)]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("how", ["drop", "truncated", "not json"])
def test_random_faults_cost_precision_never_a_row(
    flaky_nominatim, tmp_path: Path, seed: int, how: str
) -> None:
    server, flaky = flaky_nominatim
    flaky.rng, flaky.drop_rate, flaky.how = random.Random(seed), 0.3, how
    rows = _rows(8)
    path = write_csv(tmp_path / "stations.csv", rows)
    assert main(["geocode", str(path), *online_args(server, tmp_path / "cache.json", "--retries", "2")]) == 0
    record("geo: flaky runs")
    result = read_csv(path)
    assert list(result) == [r["station_id"] for r in rows]  # every row kept, in order
    for row in rows:
        got = result[row["station_id"]]
        assert got["lat"] and got["lon"], got
        assert got["geo_source"] in ("geocoder", "gazetteer", "cache")
        assert {k: v for k, v in got.items() if k not in ("lat", "lon", "geo_precision", "geo_source")} == {
            k: v for k, v in row.items() if k not in ("lat", "lon", "geo_precision", "geo_source")
        }


@pytest.mark.parametrize("how", ["drop", "truncated"])
def test_one_dropped_connection_is_retried_not_taken_for_an_offline_network(
    flaky_nominatim, tmp_path: Path, how: str
) -> None:
    """A connection that was made and then lost is a transient fault like a timeout: retry it.
    Treating it as "unreachable" sends the rest of the run offline at city precision."""
    server, flaky = flaky_nominatim
    flaky.script = [how]
    path = write_csv(tmp_path / "stations.csv", _rows(3))
    assert main(["geocode", str(path), *online_args(server, tmp_path / "cache.json", "--retries", "2")]) == 0
    record("geo: flaky runs")
    result = read_csv(path)
    assert [r["geo_source"] for r in result.values()] == ["geocoder"] * 3, result
