"""Add ``iso2``/``name`` to world-atlas countries (GeoJSON from topo2geo) and write them compactly.

world-atlas identifies countries by ISO 3166-1 numeric code; the dashboard joins on alpha-2,
so the code is translated here once, with pycountry, instead of in every reader. A few
Natural Earth features carry no numeric code; they are named in NO_ID_ISO2 (None where no
single ISO code is right). Coordinates are rounded to 1e-4 degree (about 11 m), finer than the
TopoJSON quantisation (about 0.0017-0.0036 degree), so nothing real is lost and the file
shrinks. Usage: build_boundaries.py RAW_GEOJSON OUT_GEOJSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stations.atomic import atomic_write_text  # noqa: E402

#: Features without an ISO numeric id in world-atlas 2.0.2, by their Natural Earth name.
NO_ID_ISO2: dict[str, str | None] = {
    "Kosovo": "XK",  # user-assigned code, used by the EU and most data sets
    "N. Cyprus": "CY",  # de jure part of Cyprus
    "Somaliland": "SO",  # de jure part of Somalia
    "Indian Ocean Ter.": None,  # Christmas Island (CX) and Cocos Islands (CC) in one feature
    "Siachen Glacier": None,  # disputed between India and Pakistan
}


def _round(coords: object) -> object:
    if isinstance(coords, list):
        if coords and isinstance(coords[0], (int, float)):
            return [round(float(c), 4) for c in coords]
        return [_round(c) for c in coords]
    return coords


def convert(raw: dict) -> dict:
    features = []
    for feature in raw["features"]:
        name = feature["properties"]["name"]
        numeric = feature.get("id")
        if numeric:
            country = pycountry.countries.get(numeric=str(numeric))
            if country is None:
                raise SystemExit(f"unknown ISO numeric id {numeric} ({name})")
            iso2: str | None = country.alpha_2
        elif name in NO_ID_ISO2:
            iso2 = NO_ID_ISO2[name]
        else:
            raise SystemExit(f"feature without id and no rule: {name}")
        geometry = {
            "type": feature["geometry"]["type"],
            "coordinates": _round(feature["geometry"]["coordinates"]),
        }
        features.append(
            {
                "type": "Feature",
                "properties": {"iso2": iso2, "name": name},
                "geometry": geometry,
            }
        )
    features.sort(key=lambda f: (f["properties"]["iso2"] or "~", f["properties"]["name"]))
    return {"type": "FeatureCollection", "features": features}


def dumps(collection: dict) -> str:
    """One feature per line: small diffs when Natural Earth moves one border."""
    lines = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        for f in collection["features"]
    ]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str]) -> int:
    raw_path, out_path = argv
    collection = convert(json.loads(Path(raw_path).read_text(encoding="utf-8")))
    atomic_write_text(out_path, dumps(collection))
    print(f"{out_path}: {len(collection['features'])} features")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
