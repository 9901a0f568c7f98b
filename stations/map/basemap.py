"""The app's own basemap on a folium map: no tile server, so no reader's request leaves the app.

The files live under ``static/basemap/`` (built by ``scripts/build_basemap.py`` from Natural
Earth and GeoNames) and are drawn by ``static/js/basemap.js``. This element only adds a small
loader to the map's script: it runs after the station layer's script, waits for the first frame
(the markers are on screen by then) and only then loads the decoder and the drawing script,
which fetch the data as static files the browser can cache. The first marker therefore waits for
none of it.

URLs are relative to the st_folium iframe's document, like every other asset
(``stations.map.assets.DEFAULT_PREFIX``), so they work under any ``--server.baseUrlPath``.
"""

from __future__ import annotations

from pathlib import Path

from branca.element import MacroElement
from jinja2 import Template

from stations.i18n import N_
from stations.map import assets
from stations.map.scriptsafe import script_json

#: Folder of the basemap's data, relative to ``static/``.
DATA_DIR = "basemap/"
#: Scripts loaded (in this order) once the markers are drawn, relative to ``static/``.
SCRIPTS = ("basemap/topojson-client.min.js", "js/basemap.js")
#: The labels' stylesheet (a file, not an inline style: a strict page policy allows only files).
STYLE = "css/basemap.css"
#: Every file the basemap may fetch, relative to ``static/`` (the 1:50m file and the smaller
#: cities only when the reader zooms in; from zoom 8, the towns of the cells in view, listed in
#: places-local/index.json).
DATA_FILES = (
    "basemap/world-110m.topo.json",
    "basemap/world-50m.topo.json",
    "basemap/places.json",
    "basemap/places-more.json",
    "basemap/places-local/index.json",
)
#: The sea: the map's background, set with the markers so the first frame already shows it.
SEA = "#d6e2ea"
#: Natural Earth asks for no credit; GeoNames (CC BY 4.0) does. Each part is a template of the
#: map's words (``stations.map.words``: the reader's language) and the link it names; the
#: basemap script (static/js/basemap.js) fills each in the reader's words and joins them with "; ".
ATTRIBUTION_PARTS: tuple[tuple[str, str], ...] = (
    (
        # TRANSLATORS: the map's basemap credit; {name} is the dataset's name (Natural Earth).
        N_("Basemap: {name}"),
        '<a href="https://www.naturalearthdata.com/" target="_blank" rel="noopener noreferrer">'
        "Natural Earth</a>",
    ),
    (
        # TRANSLATORS: the map's credit for its place names; {name} is GeoNames and its licence.
        N_("place names © {name}"),
        '<a href="https://www.geonames.org/" target="_blank" rel="noopener noreferrer">GeoNames</a> '
        "(CC BY 4.0)",
    ),
)


def local_files() -> list[Path]:
    """The basemap's files under ``static/``: a deployment must ship every one."""
    return [assets.STATIC_DIR / path for path in (*SCRIPTS, STYLE, *DATA_FILES)]


class Basemap(MacroElement):
    """Land, sea, coastlines, borders and place names, served by this app (see module doc)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var opts = {{ this.options_json }};
  map.getContainer().style.background = opts.sea;
  function load(i) {
    if (i === opts.scripts.length) { L.StationBasemap.attach(map, opts); return; }
    var script = document.createElement("script");
    script.src = opts.scripts[i];
    script.onload = function () { load(i + 1); };
    document.head.appendChild(script);
  }
  requestAnimationFrame(function () { setTimeout(function () { load(0); }, 0); });
})();
{% endmacro %}
"""
    )

    def __init__(self, prefix: str = assets.DEFAULT_PREFIX):
        super().__init__()
        self._name = "Basemap"
        base = prefix.rstrip("/")
        options = {
            "base": f"{base}/{DATA_DIR}",
            "scripts": [f"{base}/{path}" for path in SCRIPTS],
            "css": f"{base}/{STYLE}",
            "attribution": [list(part) for part in ATTRIBUTION_PARTS],
            "sea": SEA,
        }
        self.options_json = script_json(options)
