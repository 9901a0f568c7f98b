"""Measurements that run in a child process: the pure steps and the AppTest runs.

One child per (measurement, size) gives each its own peak RSS (``ru_maxrss``), a clean
``st.cache_data`` and import state, and a timeout the parent can enforce. The child prints one
line ``BENCH-JSON {...}`` with its figures; everything else it prints is diagnostics.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MARK = "BENCH-JSON "
SHAPES = Path("boundaries") / "countries-110m.geojson"


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Wall times in seconds of ``repeat`` calls, and the last call's result."""
    times: list[float] = []
    result: Any = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def st_folium_payload_bytes(fmap: Any) -> int | None:
    """Bytes of what ``st_folium`` sends for ``fmap``: its Leaflet script, header and html.

    Mirrors streamlit-folium 0.27.4's own steps (private helpers); ``None`` if they moved, in
    which case the AppTest figure (the component's real ``json_args``) still stands.
    """
    try:
        from streamlit_folium import _get_header, _get_html, _get_map_string
    except ImportError:
        return None
    fmap.get_root().render()
    html = _get_html(fmap)
    header = _get_header(fmap)
    script = _get_map_string(fmap)
    return sum(len(part.encode("utf-8")) for part in (html, header, script))


def naive_map(view: Any) -> Any:
    """The naive reference build (same as bench/apps/naive.py): one Marker + Popup per row."""
    import folium

    fmap = folium.Map(location=(25, 15), zoom_start=2, tiles=None, max_zoom=18)
    for row in view.itertuples(index=False):
        folium.Marker(
            [row.lat, row.lon],
            tooltip=f"{row.city}, {row.country}",
            popup=folium.Popup(f"<b>{row.station_id}</b><br>{row.bureau}<br>{row.sources}", max_width=300),
        ).add_to(fmap)
    return fmap


def steps(data_dir: Path, repeat: int, filter_iso: str, naive: bool) -> dict[str, Any]:
    """Load+validate, filter, build+render the map, sizes; optionally the naive build."""
    from stations.data import export, load, model
    from stations.map import assets, mapping
    from stations.view.filters import Filters

    assets.use_local_assets()
    out: dict[str, Any] = {}
    times, (dataset, problems) = timed(
        lambda: load.check_dataset(data_dir / "stations.csv", data_dir / "responses.csv"), repeat
    )
    if problems:
        raise SystemExit(f"synthetic data has problems: {problems[:3]}")
    out["load_validate_s"] = times
    stations = dataset.stations
    summary = model.country_actions(stations, dataset.responses)
    shapes_path = data_dir / SHAPES
    shapes = mapping.load_country_shapes(shapes_path) if shapes_path.exists() else None

    filters = Filters(country=(filter_iso,))
    times, filtered = timed(lambda: filters.apply(stations, summary), max(repeat, 5))
    out["filter_s"] = times
    out["filter_rows"] = len(filtered)

    def build(view: Any) -> Any:
        return mapping.build_map(
            view, summary.loc[summary.index.isin(view["iso2"])], shapes=shapes, tiles=None
        )

    def rendered(make: Callable[[Any], Any], view: Any) -> tuple[Any, str]:
        fmap = make(view)
        return fmap, fmap.get_root().render()

    times, (fmap, html) = timed(lambda: rendered(build, stations), repeat)
    out["map_build_render_s"] = times
    out["map_html_bytes"] = len(html.encode("utf-8"))
    out["map_payload_bytes"] = st_folium_payload_bytes(fmap)
    empty, html = rendered(build, stations.iloc[0:0])
    out["empty_map_html_bytes"] = len(html.encode("utf-8"))
    out["empty_map_payload_bytes"] = st_folium_payload_bytes(empty)
    times, geojson = timed(lambda: export.to_geojson_bytes(stations), repeat)
    out["geojson_s"] = times
    out["geojson_bytes"] = len(geojson)
    out["rows"] = len(stations)
    if naive:
        times, (fmap, html) = timed(lambda: rendered(naive_map, stations), repeat)
        out["naive_build_render_s"] = times
        out["naive_map_html_bytes"] = len(html.encode("utf-8"))
        out["naive_payload_bytes"] = st_folium_payload_bytes(fmap)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _component_bytes(at: Any) -> int | None:
    """Size of the st_folium component's arguments as the script sent them (``json_args``)."""
    for element in at.get("component_instance"):
        if element.proto.component_name.endswith("st_folium"):
            return len(element.proto.json_args.encode("utf-8"))
    return None


def apptest(app: Path, repeat: int, filter_iso: str) -> dict[str, Any]:
    """The script as AppTest runs it: cold, warm first run of a new session, filter rerun.

    cold: ``st.cache_data`` and ``st.cache_resource`` cleared, so the data is loaded and validated (repeat 1 also pays
    the imports of a fresh process: reported apart as ``first_in_process_s``). warm: a new
    session with the cache filled (what the next visitor gets). rerun: that session after the
    country multiselect changes (the floor, which has no widget, simply reruns).
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    cold: list[float] = []
    warm: list[float] = []
    rerun: list[float] = []
    payload: int | None = None
    rerun_payload: int | None = None
    for _ in range(max(1, repeat)):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(app), default_timeout=1800)
        start = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - start)
        if at.exception:
            raise SystemExit(f"{app.name} raised: {[e.value for e in at.exception]}")
        payload = _component_bytes(at)
        at = AppTest.from_file(str(app), default_timeout=1800)
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
        keys = {getattr(w, "key", None) for w in at.multiselect}
        if "filter_country" in keys:
            widget = at.multiselect(key="filter_country").set_value([filter_iso])
            start = time.perf_counter()
            widget.run()
        else:
            start = time.perf_counter()
            at.run()
        rerun.append(time.perf_counter() - start)
        if at.exception:
            raise SystemExit(f"{app.name} raised on rerun: {[e.value for e in at.exception]}")
        rerun_payload = _component_bytes(at)
    return {
        "cold_s": cold,
        "first_in_process_s": cold[0],
        "warm_s": warm,
        "rerun_s": rerun,
        "component_bytes": payload,
        "rerun_component_bytes": rerun_payload,
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("kind", choices=("steps", "apptest"))
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--app", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--filter-iso", default="NL")
    parser.add_argument("--naive", action="store_true")
    args = parser.parse_args(argv)
    os.environ["STATIONS_DATA_DIR"] = str(args.data)
    os.environ.setdefault("STATION_MAP_TILES", "none")
    if args.kind == "steps":
        result = steps(args.data, args.repeat, args.filter_iso, args.naive)
    else:
        result = apptest(args.app.resolve(), args.repeat, args.filter_iso)
    sys.stdout.write(MARK + json.dumps(result) + "\n")


def median(values: list[float]) -> float:
    return statistics.median(values)


if __name__ == "__main__":
    main()
