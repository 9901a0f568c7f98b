"""The real geopy Nominatim client against a real loopback HTTP server.

Requests are counted and timed on the server's side. Every test is bounded: a handful of
requests, short timeouts, and pytest-timeout as a backstop.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from geo.__main__ import main
from tests.support.geo import online_args, read_csv, station

pytestmark = pytest.mark.timeout(30)

ADDRESS = "Avenue de Choisy, Paris 13e"


def test_address_result_records_honest_precision_and_cache_hits_make_no_request(
    nominatim, stations_csv, tmp_path: Path, capsys
) -> None:
    cache = tmp_path / "geocache.json"
    rows = (station("FR-paris-1", city="Paris", address=ADDRESS), station("FR-paris-2", city="Paris"))
    path = stations_csv(*rows)
    assert main(["geocode", str(path), *online_args(nominatim, cache)]) == 0
    assert len(nominatim.searches) == 1  # the city row came from the gazetteer
    request = nominatim.searches[0]
    assert request.params["q"] == ADDRESS and request.params["countrycodes"] == "fr"
    assert request.user_agent == "geo-tests/1.0"
    first = read_csv(path)["FR-paris-1"]
    # The server said addresstype "road": a street, not an address.
    assert (first["lat"], first["lon"], first["geo_precision"], first["geo_source"]) == (
        "48.8327",
        "2.361",
        "street",
        "geocoder",
    )
    stored = json.loads(cache.read_text(encoding="utf-8"))
    assert list(stored["entries"]) == ['{"countrycodes":"fr","q":"avenue de choisy, paris 13e"}']
    assert (
        cache.read_text(encoding="utf-8")
        == json.dumps(stored, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
    )

    again = stations_csv(*rows, name="again.csv")
    assert main(["geocode", str(again), *online_args(nominatim, cache)]) == 0
    assert len(nominatim.searches) == 1  # zero new requests
    second = read_csv(again)["FR-paris-1"]
    assert (second["lat"], second["geo_precision"], second["geo_source"]) == ("48.8327", "street", "cache")
    assert "from cache: 1" in capsys.readouterr().out

    offline = stations_csv(*rows, name="offline.csv")
    assert main(["geocode", str(offline), "--offline", *online_args(nominatim, cache)]) == 0
    assert len(nominatim.searches) == 1
    assert read_csv(offline)["FR-paris-1"]["geo_source"] == "cache"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"addresstype": "building", "class": "building", "type": "yes", "place_rank": 30}, "address"),
        ({"addresstype": "place", "class": "place", "type": "house", "place_rank": 30}, "address"),
        ({"addresstype": "road", "class": "highway", "type": "primary", "place_rank": 26}, "street"),
        ({"addresstype": "suburb", "class": "place", "type": "suburb", "place_rank": 19}, "city"),
        ({"addresstype": "state", "class": "boundary", "type": "administrative", "place_rank": 8}, "country"),
        ({"place_rank": 27}, "street"),
        ({}, "country"),
    ],
)
def test_precision_never_claims_more_than_the_result_says(raw, expected: str) -> None:
    from geo.client import result_precision

    assert result_precision(raw) == expected


def test_a_building_found_for_a_city_query_is_still_only_city(
    nominatim, stations_csv, tmp_path: Path
) -> None:
    nominatim.result = {"lat": "32.6735", "lon": "-17.0637", "addresstype": "building", "place_rank": 30}
    path = stations_csv(station("PT-ribeira-brava-1", city="Ribeira Brava"))
    assert main(["geocode", str(path), *online_args(nominatim, tmp_path / "c.json")]) == 0
    assert [s.params.get("city") for s in nominatim.searches] == ["Ribeira Brava"]
    row = read_csv(path)["PT-ribeira-brava-1"]
    assert (row["geo_precision"], row["geo_source"]) == ("city", "geocoder")


def test_private_residence_never_gets_an_address_query(nominatim, stations_csv, tmp_path: Path) -> None:
    nominatim.result = {"lat": "32.6735", "lon": "-17.0637", "addresstype": "house", "place_rank": 30}
    path = stations_csv(
        station(
            "PT-ribeira-brava-1",
            city="Ribeira Brava",
            address="Rua Comandante Camacho de Freitas 5",
            private_residence="true",
        ),
        station("FR-paris-1", city="Paris", address=ADDRESS, private_residence="true"),
    )
    assert main(["geocode", str(path), *online_args(nominatim, tmp_path / "c.json")]) == 0
    assert all("q" not in s.params for s in nominatim.searches)
    assert all("Freitas" not in json.dumps(s.params) for s in nominatim.searches)
    rows = read_csv(path)
    assert rows["PT-ribeira-brava-1"]["geo_precision"] == "city"  # the server said "house": capped
    assert (rows["FR-paris-1"]["geo_precision"], rows["FR-paris-1"]["geo_source"]) == ("city", "gazetteer")


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (500, "HTTP 500 server error (after 3 attempts)"),
        (429, "HTTP 429 Too Many Requests (after 3 attempts)"),
    ],
)
def test_server_errors_are_retried_then_fall_back_without_losing_rows(
    failure: int, reason: str, nominatim, stations_csv, tmp_path: Path, capsys
) -> None:
    nominatim.default = failure
    path = stations_csv(
        station("FR-paris-1", city="Paris", address=ADDRESS), station("FR-lyon-1", city="Lyon")
    )
    assert main(["geocode", str(path), *online_args(nominatim, tmp_path / "c.json")]) == 0
    assert len(nominatim.searches) == 3  # one try + two retries, then the gazetteer
    rows = read_csv(path)
    assert (rows["FR-paris-1"]["geo_precision"], rows["FR-paris-1"]["geo_source"]) == ("city", "gazetteer")
    assert rows["FR-lyon-1"]["geo_source"] == "gazetteer"
    out = capsys.readouterr().out
    assert f"FR-paris-1: city from gazetteer: address: {reason}" in out
    assert "failures (0)" in out
    cache = tmp_path / "c.json"  # a failure is not an answer: nothing cached
    assert not cache.exists() or json.loads(cache.read_text())["entries"] == {}


def test_a_retry_that_succeeds_is_used(nominatim, stations_csv, tmp_path: Path) -> None:
    nominatim.script = [503, 429]
    path = stations_csv(station("FR-paris-1", city="Paris", address=ADDRESS))
    assert main(["geocode", str(path), *online_args(nominatim, tmp_path / "c.json")]) == 0
    assert len(nominatim.searches) == 3
    assert read_csv(path)["FR-paris-1"]["geo_source"] == "geocoder"


def test_timeouts_fall_back_and_are_reported(nominatim, stations_csv, tmp_path: Path, capsys) -> None:
    nominatim.default = ("slow", 1.5)
    path = stations_csv(station("FR-paris-1", city="Paris", address=ADDRESS))
    args = online_args(nominatim, tmp_path / "c.json", "--timeout", "0.3", "--retries", "1")
    assert main(["geocode", str(path), *args]) == 0
    assert len(nominatim.searches) == 2
    assert read_csv(path)["FR-paris-1"]["geo_source"] == "gazetteer"
    assert "address: no answer within 0.3 s (timeout) (after 2 attempts)" in capsys.readouterr().out


def test_repeated_failures_stop_the_online_part_of_the_run(
    nominatim, stations_csv, tmp_path: Path, capsys
) -> None:
    nominatim.default = 500
    rows = [station(f"FR-paris-{n}", city="Paris", address=f"{n} {ADDRESS}") for n in range(1, 6)]
    path = stations_csv(*rows)
    args = online_args(nominatim, tmp_path / "c.json", "--retries", "0")
    assert main(["geocode", str(path), *args]) == 0
    assert len(nominatim.searches) == 3  # gave up after three rows in a row
    assert all(r["geo_source"] == "gazetteer" for r in read_csv(path).values())
    captured = capsys.readouterr()
    assert captured.err.count("continuing offline") == 1


def test_connection_refused_falls_back_and_says_so_once(stations_csv, tmp_path: Path, capsys) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    rows = [station(f"FR-paris-{n}", city="Paris", address=f"{n} {ADDRESS}") for n in range(1, 4)]
    path = stations_csv(*rows, station("IT-unpublished-1"))
    args = [
        "--domain",
        f"127.0.0.1:{port}",
        "--scheme",
        "http",
        "--cache",
        str(tmp_path / "c.json"),
        "--no-progress",
    ]
    assert main(["geocode", str(path), *args]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("network unreachable") == 1
    assert "continuing offline" in captured.err
    result = read_csv(path)
    assert all(r["lat"] and r["geo_source"] == "gazetteer" for r in result.values())
    assert "offline: network unreachable" in captured.out


def test_rate_limit_spaces_requests_by_the_configured_delay(nominatim, stations_csv, tmp_path: Path) -> None:
    rows = [station(f"FR-paris-{n}", city="Paris", address=f"{n} {ADDRESS}") for n in range(1, 5)]
    path = stations_csv(*rows)
    args = online_args(nominatim, tmp_path / "c.json", "--min-delay", "0.3")
    started = time.monotonic()
    assert main(["geocode", str(path), *args]) == 0
    elapsed = time.monotonic() - started
    assert len(nominatim.searches) == 4
    # Three waits of 0.3 s, measured on the client (load can only lengthen them; arrival times
    # at the server can bunch up on a busy machine).
    assert elapsed >= 0.88, elapsed


@pytest.mark.timeout(20)
def test_default_rate_limit_is_one_request_per_second(nominatim, stations_csv, tmp_path: Path) -> None:
    rows = [station(f"FR-paris-{n}", city="Paris", address=f"{n} {ADDRESS}") for n in range(1, 4)]
    path = stations_csv(*rows)
    args = [
        "--domain",
        nominatim.domain,
        "--scheme",
        "http",
        "--cache",
        str(tmp_path / "c.json"),
        "--no-progress",
    ]
    started = time.monotonic()
    assert main(["geocode", str(path), *args]) == 0
    elapsed = time.monotonic() - started
    assert len(nominatim.searches) == 3
    # Two waits of one second between three requests. Measured on the client: a loaded machine
    # can only make this longer, whereas arrival times at the server can bunch up.
    assert elapsed >= 1.96, elapsed


def test_refresh_asks_again_even_when_cached(nominatim, stations_csv, tmp_path: Path) -> None:
    cache = tmp_path / "c.json"
    path = stations_csv(station("FR-paris-1", city="Paris", address=ADDRESS))
    main(["geocode", str(path), *online_args(nominatim, cache)])
    nominatim.result = {"lat": "48.8330", "lon": "2.3620", "addresstype": "building", "place_rank": 30}
    assert main(["geocode", str(path), *online_args(nominatim, cache, "--refresh", "FR-paris-1")]) == 0
    assert len(nominatim.searches) == 2
    row = read_csv(path)["FR-paris-1"]
    assert (row["lat"], row["geo_precision"], row["geo_source"]) == ("48.833", "address", "geocoder")


def test_a_result_outside_the_rows_country_is_rejected(
    nominatim, stations_csv, tmp_path: Path, capsys
) -> None:
    nominatim.result = {"lat": "40.4168", "lon": "-3.7038", "addresstype": "road", "place_rank": 26}  # Madrid
    path = stations_csv(station("FR-paris-1", city="Paris", address=ADDRESS))
    assert main(["geocode", str(path), *online_args(nominatim, tmp_path / "c.json")]) == 0
    row = read_csv(path)["FR-paris-1"]
    assert (row["geo_precision"], row["geo_source"]) == ("city", "gazetteer")
    assert "result lies outside FR" in capsys.readouterr().out
