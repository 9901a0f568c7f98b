"""The map's arguments are made once per view and options, and sent again as they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stations.data import load
from stations.map import assets, mapping
from stations.web import station_map
from tests.support import apptest


def map_args(embedded: bool = False, **params: str) -> dict[str, Any]:
    """The map's arguments on the map page with ``params`` (in an article's iframe if ``embedded``)."""
    context = {"url": "http://localhost:8501/", "is_embedded": True} if embedded else None
    return apptest.map_args(apptest.open_page("map", context=context, **params))


def test_a_view_shown_again_sends_the_same_map_without_building_it(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATIONS_DATA_DIR", str(data_dir))
    stations = load.load_dataset(data_dir).stations
    built: list[tuple[bool, str | None]] = []
    real = mapping.map_of_layer

    def counting(*args: Any, **kwargs: Any) -> mapping.StationMap:
        built.append((kwargs.get("fit", False), kwargs.get("selected")))
        return real(*args, **kwargs)

    monkeypatch.setattr(mapping, "map_of_layer", counting)
    first = map_args(country="NL")
    assert len(built) == 1
    again = map_args(country="NL")  # another reader, the same view: nothing is built
    assert again == first
    assert len(built) == 1
    assert mapping.read_station_table(first["html"])["columns"]["station_id"] == list(
        stations.loc[stations["iso2"] == "NL", "station_id"]
    )
    # Another selected station is another map (zoomed to it, popup open): built, then kept too.
    chosen = stations.loc[stations["iso2"] == "NL", "station_id"].iloc[0]
    selected = map_args(country="NL", station=chosen)
    assert len(built) == 2 and built[-1] == (True, chosen)
    assert selected["script"] != first["script"]
    assert map_args(country="NL", station=chosen) == selected
    assert len(built) == 2
    # The embed layout changes the map's own frame: not the full page's arguments.
    embedded = map_args(embedded=True, country="NL")
    assert len(built) == 3
    assert "100vh" in embedded["header"] and "100vh" not in first["header"]
    assert map_args(embedded=True, country="NL") == embedded
    assert len(built) == 3


def test_the_map_script_reports_at_once_only_the_field_the_page_asks_for() -> None:
    """static/js/station-layer.js sends a click's value as the click happens (streamlit-folium
    sends it 250 ms later, after a page link clicked meanwhile, which it then overrides), and
    only while the page asks for that field alone: the page and the script name the same one."""
    script = (assets.STATIC_DIR / assets.STATION_LAYER_SCRIPT).read_text("utf-8")
    assert map_args()["returned_objects"] == list(station_map.RETURNED) == ["last_object_clicked_tooltip"]
    assert f'var RETURNED = "{station_map.RETURNED[0]}";' in script
