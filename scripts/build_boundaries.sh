#!/usr/bin/env bash
# Rebuild data/boundaries/ from the npm package world-atlas (Natural Earth as TopoJSON).
#
# Why a script: the committed GeoJSON must be reproducible from a named, versioned source.
# topojson-client (the reference decoder, by the author of world-atlas) turns the TopoJSON
# into GeoJSON; scripts/build_boundaries.py then adds ISO 3166-1 alpha-2 codes and rounds
# coordinates. Needs node/npm (npm registry) and the project's Python venv.
set -euo pipefail

ATLAS_VERSION="2.0.2"
CLIENT_VERSION="3.1.0"
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$repo/.venv/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "world-atlas@$ATLAS_VERSION" >/dev/null
tar xzf "world-atlas-$ATLAS_VERSION.tgz"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "topojson-client@$CLIENT_VERSION" >/dev/null
for res in 50m 110m; do
  ./node_modules/.bin/topo2geo -i "package/countries-$res.json" "countries=raw-$res.json"
  "$python" "$repo/scripts/build_boundaries.py" "raw-$res.json" \
    "$repo/data/boundaries/countries-$res.geojson"
done
echo "world-atlas@$ATLAS_VERSION -> data/boundaries/ (topojson-client@$CLIENT_VERSION)"
