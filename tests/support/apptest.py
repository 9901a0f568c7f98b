"""The pages as Streamlit runs them in-process (``streamlit.testing.v1.AppTest``): the one opener,
the page paths (from ``stations.web.nav``, the app's own page list), and readers of what a run
produced (the address, the metrics, the map's arguments and its markers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from stations.map import mapping
from stations.web.nav import PAGES

ROOT = Path(__file__).resolve().parents[2]
#: Each page's script by its key ("map", "responses", "data").
PAGE_FILES: dict[str, Path] = {key: ROOT / page.script for key, page in PAGES.items()}
MAP_PAGE = PAGE_FILES["map"]
RESPONSES_PAGE = PAGE_FILES["responses"]
DATA_PAGE = PAGE_FILES["data"]


def _script(page: str | Path) -> Path:
    if isinstance(page, str) and page in PAGE_FILES:
        return PAGE_FILES[page]
    path = Path(page)
    return path if path.is_absolute() else ROOT / path


def new_app(page: str | Path = "map", timeout: float = 60, context: dict[str, Any] | None = None) -> AppTest:
    """An AppTest of the multipage app opened on ``page`` (a key of ``PAGES`` or a script's
    path), as a visitor's session would be: the map page is the entry point, the others are
    reached with ``switch_page`` (their links resolve only relative to it, as in the server)."""
    at = AppTest.from_file(str(MAP_PAGE), default_timeout=timeout)
    if context is not None:
        at.context = context
    script = _script(page)
    if script != PAGE_FILES["map"]:
        at.switch_page(str(script.relative_to(ROOT)))
    return at


def open_page(
    page: str | Path = "map",
    *,
    timeout: float = 60,
    context: dict[str, Any] | None = None,
    **params: str | list[str],
) -> AppTest:
    """Run ``page`` with the address parameters ``params``; fail on any exception in the page."""
    at = new_app(page, timeout, context)
    for key, value in params.items():
        at.query_params[key] = [value] if isinstance(value, str) else value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def url(at: AppTest) -> dict[str, list[str]]:
    """The address bar after the run, each parameter as a list of values."""
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def map_args(at: AppTest) -> dict:
    """The arguments handed to the st_folium component (empty if the page has no map)."""
    for component in at.get("component_instance"):
        if component.proto.component_name.endswith("st_folium"):
            return json.loads(component.proto.json_args)
    return {}


def map_script(at: AppTest) -> str:
    """The Leaflet script handed to the st_folium component (empty if the page has no map)."""
    return map_args(at).get("script", "")


def map_table(at: AppTest) -> str:
    """The map's station table, as JSON text (it travels in the component's ``html``)."""
    return mapping.station_table_text(map_args(at).get("html", ""))


def markers(at: AppTest) -> list[str]:
    """Station ids the map was given, parsed from its JSON station table."""
    return json.loads(map_table(at))["columns"]["station_id"]
