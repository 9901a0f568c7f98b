"""Downloads of exactly the rows in view, in the published column order, carrying where they
come from.

A downloaded file travels without the page around it: the GeoJSON holds a ``metadata`` member
(licence, data version, citation, the link to the view; RFC 7946 allows such foreign members),
and the CSV starts with a UTF-8 byte-order mark, which is how Excel knows the file is UTF-8 (else
it shows "São Paulo" as "SÃ£o Paulo"). The data files themselves have no mark (the validator
refuses one): remove it before committing a download as data.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

import pandas as pd

from stations.data import model, publishers, vocab

#: What Excel reads as "this file is UTF-8".
EXCEL_BOM = "\ufeff".encode()


def _public(view: pd.DataFrame) -> pd.DataFrame:
    return view.assign(address=model.public_address(view))


def outlets(frame: pd.DataFrame) -> list[str]:
    """Per row, the outlet name of each source, in the order of ``sources`` and with the same
    separator, so a reader of a download sees who says so without opening the links."""
    return [
        publishers.LABEL_SEPARATOR.join(label for _, label in pairs)
        for pairs in publishers.source_pairs(frame)
    ]


def to_csv_bytes(view: pd.DataFrame) -> bytes:
    """The rows as they are in data/stations.csv (same columns, same formatting), plus a last
    column of outlet names (``source_outlets``) that the loader accepts and ignores."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow((*vocab.STATION_COLUMNS, publishers.OUTLETS_COLUMN))
    frame = _public(view)
    for row, names in zip(
        frame[list(vocab.STATION_COLUMNS)].itertuples(index=False), outlets(frame), strict=True
    ):
        writer.writerow([*(_cell(v) for v in row), names])
    return EXCEL_BOM + buffer.getvalue().encode("utf-8")


def responses_csv_bytes(actions: pd.DataFrame) -> bytes:
    """The actions as in data/responses.csv, plus their outlet names; marked UTF-8 for Excel."""
    frame = actions[list(vocab.RESPONSE_COLUMNS)].assign(**{publishers.OUTLETS_COLUMN: outlets(actions)})
    return EXCEL_BOM + frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def to_geojson(view: pd.DataFrame, metadata: dict[str, Any] | None = None) -> dict:
    """A FeatureCollection: one Point per station, every other column as a property, and
    ``metadata`` (see ``stations.view.credit.provenance``) as a member of its own."""
    frame = _public(view)
    props = [c for c in vocab.STATION_COLUMNS if c not in ("lat", "lon")]
    features = []
    for record, pairs in zip(
        frame[list(vocab.STATION_COLUMNS)].to_dict("records"), publishers.source_pairs(frame), strict=True
    ):
        properties = {c: record[c] for c in props}
        properties["sources"] = [url for url, _ in pairs]
        properties[publishers.OUTLETS_COLUMN] = [label for _, label in pairs]
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
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    if metadata is not None:
        collection["metadata"] = metadata
    collection["features"] = features
    return collection


def to_geojson_bytes(view: pd.DataFrame, metadata: dict[str, Any] | None = None) -> bytes:
    return json.dumps(to_geojson(view, metadata), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
