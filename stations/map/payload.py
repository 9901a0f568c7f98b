"""The map's data for a view of the index: the station table and the layer, made once per view.

``mapping.station_json`` is the reference (one frame in, the JSON out); here the same text is
joined from per-station pieces made once per data version, so a view's table costs a join, not
a serialisation. The map draws a view; the view knows nothing of the map.
"""

from __future__ import annotations

from json.encoder import encode_basestring

import numpy as np

from stations.data import model, publishers
from stations.map import mapping
from stations.map.scriptsafe import escape_for_script
from stations.view.index import StationIndex, View


def _json_pieces(index: StationIndex) -> dict[str, np.ndarray]:
    """Each payload field of each station as a JSON value (not yet escaped for a script)."""
    frame = index.stations.assign(address=model.public_address(index.stations))
    pieces: dict[str, np.ndarray] = {}
    for name in mapping.PAYLOAD_FIELDS:
        series = frame[name]
        if name in ("lat", "lon"):
            values = [repr(round(float(v), 5)) for v in series.tolist()]
        elif name == "sources":
            values = [
                "["
                + ",".join(f"[{encode_basestring(url)},{encode_basestring(label)}]" for url, label in pairs)
                + "]"
                for pairs in publishers.source_pairs(frame)
            ]
        else:
            values = [encode_basestring(str(v)) for v in series.tolist()]
        pieces[name] = np.array(values, dtype=object)
    return pieces


def _stations_json(view: View) -> str:
    pieces = view.index.kept("map_json_pieces", _json_pieces)
    positions = view.positions
    columns = ",".join(
        f'"{name}":[' + ",".join(pieces[name][positions].tolist()) + "]" for name in mapping.PAYLOAD_FIELDS
    )
    # Escaping for a script block is character-wise and the joins add only ``,[]{}":`` next to
    # whole JSON values, so escaping the joined text equals escaping each piece.
    return escape_for_script(f'{{"n":{len(positions)},"columns":{{{columns}}}}}')


def stations_json(view: View) -> str:
    """The map's station table for the view, exactly as ``mapping.station_json`` makes it."""
    return view.kept("map_stations_json", _stations_json)


def _layer(view: View) -> mapping.LayerData:
    summary = view.index.summary
    return mapping.layer_data(
        view.frame,
        summary.loc[summary.index.isin(view.frame["iso2"])],
        view.index.shapes,
        stations_json=stations_json(view),
    )


def layer(view: View) -> mapping.LayerData:
    """The map layer's JSON for the view (stations, their countries, their outlines)."""
    return view.kept("map_layer", _layer)
