"""Fixtures for the geo tests: a loopback Nominatim stand-in and a CSV factory (see geohelpers)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support.geo import FakeNominatim, _handler, write_csv


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    state = FakeNominatim()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def stations_csv(tmp_path: Path) -> Callable[..., Path]:
    def make(*rows: dict[str, str], name: str = "stations.csv") -> Path:
        return write_csv(tmp_path / name, list(rows))

    return make
