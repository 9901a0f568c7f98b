"""The map's JavaScript, CSS, fonts and images come from this app, never from a CDN.

folium loads Leaflet and its helpers from public CDNs by default. Without internet (CI, restricted
networks) the map then never draws, and every visitor's address is handed to those hosts: not
acceptable for a dashboard about surveillance. The files are vendored under ``static/vendor/``
(``scripts/vendor_assets.py`` fetches them from the npm registry) and Streamlit serves them at
``/app/static/...`` (``[server] enableStaticServing = true``).

Call :func:`use_local_assets` once, before any map is built: folium copies nothing at import, but
elements that snapshot ``MarkerCluster.default_js`` when they are created only see the local
URLs if the switch came first.

The URLs are RELATIVE to the document that loads them. ``st_folium`` renders the map in a
component iframe served from ``<base>/component/streamlit_folium.st_folium/index.html`` and adds
the links to that iframe's document, so ``../../app/static`` resolves to ``<base>/app/static``
whatever ``--server.baseUrlPath`` is. An absolute ``/app/static`` would break under a base path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import folium
import folium.folium
from folium.plugins import MarkerCluster

from stations import settings

#: Where the files live in the repository (Streamlit serves the ``static`` folder beside the
#: main script, so ``app.py`` at the repository root serves exactly this folder).
STATIC_DIR: Path = Path(__file__).resolve().parents[2] / "static"

#: URL of ``static/`` as seen from inside the ``st_folium`` iframe (see the module docstring).
DEFAULT_PREFIX = "../../app/static"

#: Folder of Leaflet's default marker images, relative to ``static/``.
LEAFLET_IMAGES = "vendor/leaflet@1.9.3/dist/images/"

#: Sets ``L.Icon.Default.imagePath`` from the script's own URL. Leaflet otherwise guesses the
#: folder from leaflet.css, which streamlit-folium adds only after the scripts have run, so the
#: guess is empty and the default marker images 404.
ICON_PATH_SCRIPT = "js/leaflet-default-icon-path.js"

#: The station layer's script and stylesheet (``stations.map.mapping.StationLayer``): JavaScript
#: and CSS written as files, so the browser caches them and each page sends only data.
STATION_LAYER_SCRIPT = "js/station-layer.js"
STATION_LAYER_STYLE = "css/station-layer.css"

#: folium.Map's scripts, in folium's order and under folium's names, plus the icon-path fix
#: right after Leaflet. Paths are relative to ``static/``.
MAP_JS: tuple[tuple[str, str], ...] = (
    ("leaflet", "vendor/leaflet@1.9.3/dist/leaflet.js"),
    ("leaflet_default_icon_path", ICON_PATH_SCRIPT),
    ("jquery", "vendor/jquery@3.7.1/dist/jquery.min.js"),
    ("bootstrap", "vendor/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js"),
    (
        "awesome_markers",
        "vendor/drmonty-leaflet-awesome-markers@2.0.2/js/leaflet.awesome-markers.js",
    ),
)

#: folium.Map's stylesheets, in folium's order and under folium's names.
MAP_CSS: tuple[tuple[str, str], ...] = (
    ("leaflet_css", "vendor/leaflet@1.9.3/dist/leaflet.css"),
    ("bootstrap_css", "vendor/bootstrap@5.2.2/dist/css/bootstrap.min.css"),
    # folium asks for Bootstrap 3.0.0's glyphicons (folium.Icon's default prefix); npm has
    # Bootstrap 3 from 3.1.1 on, whose glyphicon rules are extracted into this file.
    ("glyphicons_css", "vendor/bootstrap@3.1.1/dist/css/bootstrap-glyphicons.css"),
    (
        "awesome_markers_font_css",
        "vendor/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",
    ),
    (
        "awesome_markers_css",
        "vendor/drmonty-leaflet-awesome-markers@2.0.2/css/leaflet.awesome-markers.css",
    ),
    (
        "awesome_rotate_css",
        "vendor/folium@0.20.0/folium/templates/leaflet.awesome.rotate.min.css",
    ),
)

#: MarkerCluster's (and so FastMarkerCluster's) script and stylesheets.
CLUSTER_JS: tuple[tuple[str, str], ...] = (
    ("markerclusterjs", "vendor/leaflet.markercluster@1.1.0/dist/leaflet.markercluster.js"),
)
CLUSTER_CSS: tuple[tuple[str, str], ...] = (
    ("markerclustercss", "vendor/leaflet.markercluster@1.1.0/dist/MarkerCluster.css"),
    (
        "markerclusterdefaultcss",
        "vendor/leaflet.markercluster@1.1.0/dist/MarkerCluster.Default.css",
    ),
)

#: leaflet-gesture-handling: on touch screens one finger scrolls the page and two move the map;
#: with a mouse the wheel scrolls the page and ctrl (cmd) + wheel zooms. Its script must run before
#: the map is made (it adds a handler to every new map), so it travels in the bundle below.
GESTURE_JS: tuple[tuple[str, str], ...] = (
    ("gesture_handling", "vendor/leaflet-gesture-handling@1.2.2/dist/leaflet-gesture-handling.min.js"),
)
GESTURE_CSS: tuple[tuple[str, str], ...] = (
    ("gesture_handling_css", "vendor/leaflet-gesture-handling@1.2.2/dist/leaflet-gesture-handling.min.css"),
)

#: Leaflet, the icon-path fix, markercluster, gesture handling and the map's own handlers and
#: legend in one file, for the station map. streamlit-folium
#: loads a map's scripts one after another (each waits for the previous one's ``load``), so three
#: files cost three round trips before the first marker; one file costs one. Made from the files
#: below by ``scripts/build_map_bundle.py`` (:func:`leaflet_bundle_text`); a test keeps it current.
LEAFLET_BUNDLE = "js/leaflet-bundle.js"
#: The map's own Leaflet pieces, bundled after the plugins they build on: the reading aids
#: (``L.Map`` handlers: focus, gestures, names, attribution clearance, layout watch) and the
#: legend control (``L.Control.StationLegend``). The station layer (``L.StationLayer``) uses both.
MAP_AIDS_SCRIPT = "js/map-aids.js"
STATION_LEGEND_SCRIPT = "js/station-legend.js"
LEAFLET_BUNDLE_PARTS: tuple[str, ...] = (
    MAP_JS[0][1],
    ICON_PATH_SCRIPT,
    CLUSTER_JS[0][1],
    GESTURE_JS[0][1],
    MAP_AIDS_SCRIPT,
    STATION_LEGEND_SCRIPT,
)

#: The station layer's scripts: the bundle, then its own file (it calls ``L.markerClusterGroup``).
LAYER_JS: tuple[tuple[str, str], ...] = (
    ("leaflet_bundle", LEAFLET_BUNDLE),
    ("station_layer", STATION_LAYER_SCRIPT),
)
LAYER_CSS: tuple[tuple[str, str], ...] = (*GESTURE_CSS, ("station_layer_css", STATION_LAYER_STYLE))

#: Third-party tile providers a deployment may switch on by name (``STATIONS_MAP_TILES=osm``), each
#: with the attribution its terms require. Every tile request hands the provider the reader's
#: address and the places they look at, which is why none of them is the default (see
#: :func:`tile_layer_settings` and the README's "Private by default").
OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
TILE_PROVIDERS: dict[str, tuple[str, str]] = {
    # https://operations.osmfoundation.org/policies/tiles/: attribution required; heavy use
    # by an app needs the OSM Foundation's permission.
    "osm": (OSM_TILE_URL, OSM_ATTRIBUTION),
    # https://github.com/CartoDB/basemap-styles: "© OpenStreetMap contributors © CARTO".
    "carto-light": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
        OSM_ATTRIBUTION + ' &copy; <a href="https://carto.com/attributions">CARTO</a>',
    ),
}

#: Environment variables: which base layer to draw (see :func:`tile_layer_settings`), and the
#: attribution to show with a custom tile template.
TILES_ENV = settings.MAP_TILES.name
TILES_ATTR_ENV = settings.MAP_TILES_ATTR.name

#: ``STATIONS_MAP_TILES`` values that mean the app's own basemap (the default) or no base layer.
_OWN_BASEMAP = {"", "basemap", "own", "local"}
_NO_TILES = {"none", "off", "false", "0"}

#: The prefix of the last :func:`use_local_assets` call (the station layer's URLs follow it).
_prefix = DEFAULT_PREFIX


def _urls(prefix: str, entries: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    base = prefix.rstrip("/")
    return [(name, f"{base}/{path}") for name, path in entries]


def use_local_assets(prefix: str = DEFAULT_PREFIX) -> None:
    """Point folium's maps and marker clusters at the vendored files under ``prefix``.

    Idempotent: each call replaces the class attributes with fresh lists built from the tables
    above, so calling it on every Streamlit rerun is harmless. ``FastMarkerCluster`` inherits
    MarkerCluster's attributes; GeoJson, Choropleth's GeoJson, Marker, Icon, Popup, Tooltip and
    LayerControl load nothing of their own. Other plugins (Fullscreen, MiniMap, ...) and branca
    colour maps still point at CDNs: check a map with :func:`external_asset_urls`.
    """
    global _prefix
    if not prefix:
        raise ValueError("prefix must not be empty; use '.' for the document's own folder")
    _prefix = prefix
    folium.Map.default_js = _urls(prefix, MAP_JS)
    folium.Map.default_css = _urls(prefix, MAP_CSS)
    MarkerCluster.default_js = _urls(prefix, CLUSTER_JS)
    MarkerCluster.default_css = _urls(prefix, CLUSTER_CSS)


def layer_assets(prefix: str | None = None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(default_js, default_css)`` of the station layer, under ``prefix`` or else the prefix of
    the last :func:`use_local_assets` call (read at render time): the Leaflet bundle and the
    layer's script; markercluster's stylesheets, gesture handling's and the layer's. The map
    itself then lists no script (``stations.map.mapping.map_of_layer``): Leaflet comes with the
    bundle. An explicit ``prefix`` (the static publisher's) changes no shared state, so a map
    published while the dashboard serves keeps the dashboard's own URLs intact."""
    base = prefix or _prefix
    return (_urls(base, LAYER_JS), [*_urls(base, CLUSTER_CSS), *_urls(base, LAYER_CSS)])


def map_css(prefix: str | None = None) -> list[tuple[str, str]]:
    """folium.Map's stylesheets under ``prefix`` (default: the last :func:`use_local_assets`')."""
    return _urls(prefix or _prefix, MAP_CSS)


def leaflet_bundle_text(static_dir: Path = STATIC_DIR) -> str:
    """What :data:`LEAFLET_BUNDLE` holds: its parts in order, each under a line naming it (the
    parts keep their own licence headers; source map comments are dropped). The icon-path fix still finds the images, because
    it resolves them from the URL of the script it runs in, and the bundle sits beside it."""
    pieces = [
        "// Built by scripts/build_map_bundle.py from the files named below (stations/map/assets.py,\n"
        "// LEAFLET_BUNDLE_PARTS); do not edit by hand. Licences: static/vendor/SOURCES.md.\n"
    ]
    for part in LEAFLET_BUNDLE_PARTS:
        lines = (static_dir / part).read_text("utf-8").splitlines()
        # A source map comment would point beside the bundle, where no map is.
        text = "\n".join(line for line in lines if not line.startswith("//# sourceMappingURL="))
        pieces.append(f"\n// ---- static/{part}\n{text.rstrip()}\n;\n")
    return "".join(pieces)


def icon_image_path_js(prefix: str = DEFAULT_PREFIX) -> str:
    """The JS statement that ``static/js/leaflet-default-icon-path.js`` runs, for custom HTML.

    Relative to the document, like every other asset URL here. Must run after leaflet.js and
    before the first default marker is drawn.
    """
    return f'L.Icon.Default.imagePath = "{prefix.rstrip("/")}/{LEAFLET_IMAGES}";'


def local_files() -> list[Path]:
    """Every file the tables above name, as paths under :data:`STATIC_DIR`."""
    return [
        STATIC_DIR / path
        for _, path in (*MAP_JS, *MAP_CSS, *CLUSTER_JS, *CLUSTER_CSS, *GESTURE_JS, *LAYER_JS, *LAYER_CSS)
    ] + [STATIC_DIR / path for path in LEAFLET_BUNDLE_PARTS]


def _walk(element: object) -> Iterator[object]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def asset_urls(m: folium.Map) -> list[str]:
    """Every script and stylesheet URL that ``st_folium`` will make the browser load for ``m``.

    Mirrors streamlit-folium 0.27.4, which collects ``default_js``/``default_css`` from the
    map's elements (not from the rendered header) and adds two d3 builds from CDNs whenever a
    branca colour map (e.g. a Choropleth legend) is on the map.
    """
    from branca.colormap import ColorMap

    urls: list[str] = []
    for element in _walk(m):
        if isinstance(element, ColorMap):
            urls += [
                "https://d3js.org/d3.v4.min.js",
                "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
            ]
        urls += [url for _, url in getattr(element, "default_js", [])]
        urls += [url for _, url in getattr(element, "default_css", [])]
    return list(dict.fromkeys(urls))


def is_external(url: str) -> bool:
    """True for a URL that names a host (``http://``, ``https://``, ``//``), i.e. not ours."""
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme in ("http", "https", "ftp", "ws", "wss")


def external_asset_urls(m: folium.Map) -> list[str]:
    """The asset URLs of ``m`` that would leave this server: should be empty.

    Map builders' tests can assert on it, so a new plugin with CDN defaults fails a test
    instead of silently breaking the offline map.
    """
    return [url for url in asset_urls(m) if is_external(url)]


def own_basemap(env: Mapping[str, str] | None = None) -> bool:
    """True when the map draws the app's own basemap (stations/map/basemap.py): the default.

    ``STATIONS_MAP_TILES`` unset, empty or ``basemap``. Any other value (``none``, a provider's
    name, a tile template) turns it off.
    """
    return settings.MAP_TILES.read(env).lower() in _OWN_BASEMAP


def tile_layer_settings(env: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
    """``(tiles, attr)`` of a third-party tile layer, from the environment; ``(None, None)`` for none.

    ``STATIONS_MAP_TILES`` unset, empty or ``basemap``: no tiles, the app's own basemap is drawn
    instead (:func:`own_basemap`), so no request leaves the app. ``none``: no base layer at all
    (plain ground; then set ``fmap.options["max_zoom"]``: folium hands its ``max_zoom`` argument
    to the tile layer only, and MarkerCluster fails with "Map has no maxZoom"). A name of
    :data:`TILE_PROVIDERS` (``osm``, ``carto-light``): that provider with the attribution it
    requires. Otherwise an ``http(s)`` URL template with ``{z}``, ``{x}`` and ``{y}``,
    attributed by ``STATIONS_MAP_TILES_ATTR`` or, failing that, by the template's host (folium
    refuses custom tiles without an attribution). A malformed value raises ``ValueError`` at
    startup rather than drawing an empty map.
    """
    value = settings.MAP_TILES.read(env)
    if value.lower() in _OWN_BASEMAP or value.lower() in _NO_TILES:
        return None, None
    if value.lower() in TILE_PROVIDERS:
        return TILE_PROVIDERS[value.lower()]
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"{TILES_ENV} must be 'basemap', 'none', one of {', '.join(sorted(TILE_PROVIDERS))} "
            f"or an http(s) URL template, got {value!r}"
        )
    missing = [key for key in ("{z}", "{x}", "{y}") if key not in value]
    if missing:
        raise ValueError(f"{TILES_ENV} lacks {', '.join(missing)}: {value!r}")
    attr = settings.MAP_TILES_ATTR.read(env) or f"Tiles: {parts.hostname}"
    return value, attr
