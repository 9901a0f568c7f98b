"""Downloads of exactly the rows in view, in the published column order."""

from __future__ import annotations

import csv
import io
import json
import math

import pandas as pd

from stations import model, vocab


def _public(view: pd.DataFrame) -> pd.DataFrame:
    return view.assign(address=model.public_address(view))


def to_csv_bytes(view: pd.DataFrame) -> bytes:
    """The rows as they are in data/stations.csv (same columns, same formatting)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(vocab.STATION_COLUMNS)
    frame = _public(view)
    for row in frame[list(vocab.STATION_COLUMNS)].itertuples(index=False):
        writer.writerow(_cell(v) for v in row)
    return buffer.getvalue().encode("utf-8")


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def to_geojson(view: pd.DataFrame) -> dict:
    """A FeatureCollection: one Point per station, every other column as a property."""
    frame = _public(view)
    props = [c for c in vocab.STATION_COLUMNS if c not in ("lat", "lon")]
    features = []
    for record in frame[list(vocab.STATION_COLUMNS)].to_dict("records"):
        properties = {c: record[c] for c in props}
        properties["sources"] = [u for u in record["sources"].split(vocab.SOURCE_SEPARATOR) if u]
        properties["private_residence"] = bool(record["private_residence"])
        features.append(
            {
                "type": "Feature",
                "id": record["station_id"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(record["lon"]), float(record["lat"])],
                },
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def to_geojson_bytes(view: pd.DataFrame) -> bytes:
    return json.dumps(to_geojson(view), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
