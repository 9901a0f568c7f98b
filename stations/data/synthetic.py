"""Synthetic station and response files with the real schema, for tests and benchmarks.

Deterministic for a given seed. Points are placed near real capitals of a few host countries,
so they are plausible on a map; nothing here is presented as real data.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Mapping
from pathlib import Path

from stations.data import vocab

# (iso2, country, city, lat, lon): capitals, for plausible synthetic points.
PLACES: tuple[tuple[str, str, str, float, float], ...] = (
    ("NL", "Netherlands", "Amsterdam", 52.37, 4.89),
    ("IT", "Italy", "Rome", 41.90, 12.50),
    ("FR", "France", "Paris", 48.86, 2.35),
    ("US", "United States", "New York", 40.71, -74.01),
    ("BR", "Brazil", "Brasilia", -15.79, -47.88),
    ("JP", "Japan", "Tokyo", 35.68, 139.69),
    ("ZA", "South Africa", "Pretoria", -25.75, 28.19),
    ("AU", "Australia", "Canberra", -35.28, 149.13),
    ("IE", "Ireland", "Dublin", 53.35, -6.26),
    ("HU", "Hungary", "Budapest", 47.50, 19.04),
)


def station_row(index: int, rng: random.Random, **overrides: object) -> dict[str, str]:
    iso2, country, city, lat, lon = PLACES[index % len(PLACES)]
    bureau = vocab.BUREAUS[index % len(vocab.BUREAUS)]
    published = index % 13 != 5
    row = {
        "station_id": f"{iso2}-{city.lower().replace(' ', '-') if published else 'unpublished'}-{index + 1}",
        "country": country,
        "iso2": iso2,
        "city": city if published else "",
        "city_zh": "",
        "address": f"{index + 1} Example Street" if index % 7 == 0 and published else "",
        "private_residence": "false",
        "bureau": bureau,
        "bureau_district": "",
        "bureau_province": vocab.BUREAU_PROVINCE.get(bureau, ""),
        "wave": vocab.WAVES[index % 3],
        "host_organisation": f"Association {index + 1}",
        "host_organisation_zh": "",
        "opened": "2022-02" if index % 4 == 0 else "",
        "status": vocab.STATUSES[index % len(vocab.STATUSES)],
        "lat": f"{lat + rng.uniform(-0.2, 0.2):.5f}",
        "lon": f"{lon + rng.uniform(-0.2, 0.2):.5f}",
        "geo_precision": ("address" if index % 7 == 0 else "city") if published else "country",
        "geo_source": "gazetteer",
        "sources": f"https://example.org/report/{index + 1} | https://example.net/news/{index + 1}",
        "confidence": vocab.CONFIDENCES[index % 3],
        "notes": "Synthetic row for tests.",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def stations_rows(n: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [station_row(i, rng) for i in range(n)]


def responses_rows(iso2s: Iterable[str] | None = None) -> list[dict[str, str]]:
    """A few actions per country; the last country of PLACES gets none ("no action reported")."""
    codes = list(iso2s) if iso2s is not None else [p[0] for p in PLACES[:-1]]
    names = {p[0]: p[1] for p in PLACES}
    rows = []
    for n, iso2 in enumerate(codes):
        for k, action in enumerate(vocab.ACTION_TYPES[n % 4 :: 5][:2]):
            rows.append(
                {
                    "response_id": f"R{len(rows) + 1:03d}",
                    "country": names[iso2],
                    "iso2": iso2,
                    "date": f"202{2 + k}-{(n % 12) + 1:02d}",
                    "actor": "Ministry of Foreign Affairs",
                    "action_type": action,
                    "summary": f"Synthetic action {action} in {names[iso2]}.",
                    "sources": f"https://example.org/response/{iso2}/{k}",
                    "confidence": "high",
                    "notes": "",
                }
            )
    return rows


def to_csv(rows: list[Mapping[str, str]], columns: Iterable[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_dataset(
    directory: str | Path,
    stations: list[Mapping[str, str]] | None = None,
    responses: list[Mapping[str, str]] | None = None,
    n: int = 30,
) -> Path:
    """Write stations.csv and responses.csv into ``directory``; return it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stations = stations if stations is not None else stations_rows(n)
    hosts = sorted({r["iso2"] for r in stations})
    responses = (
        responses
        if responses is not None
        else responses_rows([c for c in (p[0] for p in PLACES[:-1]) if c in hosts])
    )
    (directory / "stations.csv").write_text(to_csv(stations, vocab.STATION_COLUMNS), encoding="utf-8")
    (directory / "responses.csv").write_text(to_csv(responses, vocab.RESPONSE_COLUMNS), encoding="utf-8")
    return directory
