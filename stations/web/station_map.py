"""The map on the page: ``st_folium``'s arguments made once per view and map options.

Building the folium map and letting ``st_folium`` render it (templates, a renaming regex,
``textwrap.dedent`` and a hash over the whole script) cost about a tenth of the server CPU of
a run (bench/server.py), and for the same view, the same selected station and the same
options it gives the same arguments every time: the component's identity is its script, which
is why an unchanged map is not redrawn in the browser. So the first run that shows a view
records the arguments ``st_folium`` hands to its component, the view keeps them (a few per
view, see ``View.memo``), and later runs of any session send them again without building
the map.

The arguments are recorded from ``st_folium`` itself (its component function is wrapped once,
recording only in the thread that asked), so the page sends exactly what ``st_folium`` would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import folium
import streamlit_folium
from streamlit_folium import st_folium

from stations.data import publishers
from stations.i18n import ENGLISH
from stations.map import mapping, payload
from stations.map.words import source_words
from stations.view.index import View

#: What ``st_folium`` sends back on a click: the clicked marker's or country's tooltip only,
#: so panning and zooming do not rerun the page. The map's script sends it as the click happens
#: (``reportClickNow`` in static/js/station-layer.js, which names the same field), not 250 ms
#: later as streamlit-folium would: a page link clicked in between would be overridden by it.
RETURNED = ("last_object_clicked_tooltip",)
KEY = "map"
HEIGHT = 520  # the page keeps this much room for the map before it is drawn (stations/web/narrow.py)

_recording = threading.local()
_install_lock = threading.Lock()


def _install() -> Callable[..., Any]:
    """Wrap streamlit-folium's component function so a run can record its arguments; return
    the original function."""
    with _install_lock:
        current = streamlit_folium._component_func
        original = getattr(current, "_stations_original", None)
        if original is not None:
            return original

        def component(**kwargs: Any) -> Any:
            into = getattr(_recording, "args", None)
            if into is not None:
                into.update(kwargs)
            return current(**kwargs)

        component._stations_original = current  # type: ignore[attr-defined]
        streamlit_folium._component_func = component
        return current


@contextmanager
def _record() -> Iterator[dict[str, Any]]:
    args: dict[str, Any] = {}
    _recording.args = args
    try:
        yield args
    finally:
        _recording.args = None


def show(
    view: View,
    *,
    fit: bool,
    selected: str | None,
    tiles: str | None = None,
    attribution: str | None = None,
    basemap: bool = False,
    decorate: Callable[[folium.Map], None] | None = None,
    variant: str = "",
    lang: str = ENGLISH,
    places: Mapping[str, str] | None = None,
) -> Any:
    """Draw the map of ``view`` (see ``mapping.map_of_layer`` for the options) and return what
    the component sent back (the last click). ``decorate`` changes the map before it is
    rendered (the embed layout's full-height style); ``variant`` names such a change, since the
    arguments are kept per view, options and variant."""
    component = _install()
    key = ("st_folium", fit, selected, tiles, attribution, basemap, variant, lang)
    args = view.memo(key)
    if args is not None:
        return component(**args)
    fmap = mapping.map_of_layer(
        payload.layer(view),
        tiles=tiles,
        attribution=attribution,
        fit=fit,
        selected=selected,
        basemap=basemap,
        lang=lang,
        places={**(places or {}), **source_words(publishers.source_labels(view.frame), lang)},
    )
    if decorate is not None:
        decorate(fmap)
    with _record() as recorded:
        clicked = st_folium(
            fmap, key=KEY, height=HEIGHT, use_container_width=True, returned_objects=list(RETURNED)
        )
    if recorded:
        view.remember(key, dict(recorded))
    return clicked
