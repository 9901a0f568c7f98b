"""The world map: a pure function from the stations in view to a ``folium.Map``.

All stations travel to the browser as one compact JSON table and are drawn by one static script,
``static/js/station-layer.js`` (clustered, spiderfied on click), which keeps the page light at
100,000 points. The data is
text, never markup: the JSON is escaped for a ``<script>`` block, tooltips are HTML-escaped, and
popups are built with DOM ``textContent``; links are kept only when they are http(s).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import pandas as pd
import xyzservices
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from stations.data import model, publishers, vocab
from stations.data.regular import read_regular_text
from stations.i18n import ENGLISH
from stations.map import assets
from stations.map.basemap import Basemap
from stations.map.scriptsafe import script_json
from stations.map.words import map_words

#: The basemap's land (static/js/basemap.js, STYLE.land): what a country's fill is read against.
LAND = "#f7f5f0"
#: How opaque a country's tint is drawn over the land: light, so that the country layer steps
#: back under the pins (the stations' facts) and no pin's colour meets its own hue as a ground.
FILL_OPACITY = 0.2

#: Each fill group's hatching, the class's second visual channel after the tint and the part
#: that carries its contrast: lines of :data:`HATCH_INK` (at least 3:1 against the land and every
#: tint, see tests/test_map_encoding.py), :data:`HATCH_WIDTH` px wide every
#: :data:`HATCH_SPACING` px, at an angle per group (degrees counter-clockwise from horizontal).
HATCH_INK = "#1f1f1f"
HATCH_WIDTH = 1.25
HATCH_SPACING = 7

#: Outline styles, the second channel: within one colour, the stronger action has the solid line.
#: Leaflet's ``dashArray`` and ``weight`` for each (``none``: the thin border of a country with no
#: recorded action).
OUTLINES: dict[str, dict[str, Any]] = {
    "solid": {"dashArray": None, "weight": 2},
    "dashed": {"dashArray": "7 4", "weight": 2},
    "dotted": {"dashArray": "1 4", "weight": 2.5},
    "none": {"dashArray": None, "weight": 0.6},
}

#: The country layer's classes, in legend order: (label, fill, outline, action keys). Four fill
#: groups, each a light tint (:data:`FILL_OPACITY`) of a colour-blind-safe hue (PuOr's purple and
#: orange, Okabe-Ito blue and bluish green, darkened) under its own hatching
#: (:data:`HATCH_ANGLES`): purple for court and police action, blue for closures and ended
#: cooperation, green for inquiries and statements, orange for denial. The tints are light and
#: the pins saturated, so that a pin never meets its own colour as a ground (CIEDE2000 figures in
#: tests/test_map_encoding.py). Within one group the outline tells the classes apart (solid,
#: dashed, dotted), and every shape's tooltip, the legend and the responses page say the class in
#: words. No action reported: no fill, a thin grey border.
ACTION_CLASSES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Conviction", "#542788", "solid", ("conviction",)),
    ("Criminal charges or arrests", "#542788", "dashed", ("charges", "arrests")),
    ("Station closed or closure ordered", "#0072b2", "solid", ("station_closed", "closure_ordered")),
    ("Police cooperation ended", "#0072b2", "dashed", ("cooperation_agreement_ended",)),
    ("Investigation opened", "#00735a", "solid", ("investigation_opened",)),
    (
        "Ambassador summoned or parliamentary inquiry",
        "#00735a",
        "dashed",
        ("summoned_ambassador", "parliamentary_inquiry"),
    ),
    ("Statement of concern or other action", "#00735a", "dotted", ("statement_of_concern", "other")),
    ("Denial or decision not to act", "#b34700", "solid", ("denied_or_no_action",)),
    ("No action reported", LAND, "none", (vocab.NO_ACTION,)),
)

#: The direction of each fill group's hatching (degrees counter-clockwise from horizontal): four
#: directions, so that the groups differ without their colour too.
HATCH_ANGLES: dict[str, int] = {"#542788": 45, "#0072b2": -45, "#00735a": 0, "#b34700": 90}

#: Fill and outline of each strongest action on the country layer (from :data:`ACTION_CLASSES`).
ACTION_COLOURS: dict[str, str] = {key: colour for _, colour, _, keys in ACTION_CLASSES for key in keys}
ACTION_OUTLINES: dict[str, str] = {key: outline for _, _, outline, keys in ACTION_CLASSES for key in keys}


def drawn_fill(colour: str, opacity: float = FILL_OPACITY, ground: str = LAND) -> str:
    """The colour a reader sees: ``colour`` at ``opacity`` over ``ground`` (``#rrggbb``)."""
    mixed = [
        round(opacity * int(colour[k : k + 2], 16) + (1 - opacity) * int(ground[k : k + 2], 16))
        for k in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def hatch_coverage(spacing: float = HATCH_SPACING, width: float = HATCH_WIDTH) -> float:
    """The share of a hatched area that its lines cover."""
    return width / spacing


def seen_fill(colour: str) -> str:
    """A hatched country's colour as a reader sees it from a little way off: the ink over the
    tint (itself :func:`drawn_fill` over the land), in the share the lines cover."""
    return drawn_fill(HATCH_INK, hatch_coverage(), drawn_fill(colour))


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def letter_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``: the pin's bureau letter."""
    return max(("#000000", "#ffffff"), key=lambda ink: contrast_ratio(ink, fill))


#: The folium.Map stylesheets this map needs, by folium's names (its scripts come with the
#: station layer's bundle).
LEAFLET_ASSETS = frozenset({"leaflet_css"})

#: Fields the map itself reads for each station: where it is, what colours its pin, its tooltip
#: and popup title, its sources.
MAP_FIELDS: tuple[str, ...] = (
    "station_id",
    "lat",
    "lon",
    "bureau",
    "country",
    "iso2",
    "city",
    "geo_precision",
)


def payload_fields(fields: tuple[vocab.StationField, ...] | None = None) -> tuple[str, ...]:
    """The columns sent to the browser for each station: the map's own, then those of the
    popup's lines (``vocab.STATION_FIELDS``), then the sources; each once, in this order."""
    lines = vocab.STATION_FIELDS if fields is None else fields
    named = (*MAP_FIELDS, *(column for field in lines for column in field.columns()), "sources")
    return tuple(dict.fromkeys(named))


#: Fields sent to the browser for each station, in this order (see :func:`payload_fields`).
PAYLOAD_FIELDS: tuple[str, ...] = payload_fields()


def station_payload(stations: pd.DataFrame) -> dict[str, Any]:
    """Column-oriented table of the stations in view (smaller than one object per station)."""
    frame = stations.assign(address=model.public_address(stations))
    columns: dict[str, list[Any]] = {}
    for field in PAYLOAD_FIELDS:
        series = frame[field]
        if field in ("lat", "lon"):
            columns[field] = [round(float(v), 5) for v in series]
        elif field == "sources":
            # [url, label] per source: the popup shows the outlet's name, not a bare host.
            columns[field] = [
                [[url, label] for url, label in pairs] for pairs in publishers.source_pairs(frame)
            ]
        else:
            columns[field] = [str(v) for v in series]
    return {"n": len(frame), "columns": columns}


def station_json(stations: pd.DataFrame) -> str:
    """The station table as the map's script reads it (``stations.view.index`` builds the same
    text faster for a cached view)."""
    return script_json(station_payload(stations))


def country_payload(summary: pd.DataFrame, iso2s: Iterable[str]) -> dict[str, Any]:
    """What each host country in view did: strongest action and the list of action types."""
    wanted = [c for c in iso2s if c in summary.index]
    result: dict[str, Any] = {}
    for iso2 in wanted:
        row = summary.loc[iso2]
        taken = sorted(row["actions"], key=vocab.ACTION_TYPES.index)
        result[iso2] = {
            "name": str(row["country"]),
            "strongest": vocab.ACTION_LABELS[row["strongest_action"]],
            "strongest_key": str(row["strongest_action"]),
            "actions": [vocab.ACTION_LABELS[a] for a in taken],
            "latest": str(row["latest_date"]),
        }
    return result


def load_country_shapes(path: str | Path) -> dict[str, Any]:
    """Country boundaries (GeoJSON with ``iso2`` and ``name`` properties) for the country layer."""
    return json.loads(read_regular_text(path))


def _unwrap(geometry: Mapping[str, Any]) -> dict[str, Any]:
    """A shape that crosses the antimeridian, moved onto one side of it.

    Leaflet draws on a plane: a country with parts at -180 and at 180 degrees (Russia, Fiji, the
    Aleutians) would paint a band across the whole map. The parts on the minority side are
    shifted by 360 degrees so the shape stays whole next to the rest of it.
    """
    if geometry["type"] not in ("Polygon", "MultiPolygon"):
        return dict(geometry)
    multi = geometry["type"] == "MultiPolygon"
    polygons = geometry["coordinates"] if multi else [geometry["coordinates"]]
    lons = [point[0] for polygon in polygons for ring in polygon for point in ring]
    if not lons or max(lons) - min(lons) <= 180:
        return dict(geometry)
    east = sum(1 for lon in lons if lon >= 0) >= len(lons) / 2

    def shift(lon: float) -> float:
        if east and lon < 0:
            return lon + 360
        if not east and lon > 0:
            return lon - 360
        return lon

    moved = [[[[shift(p[0]), *p[1:]] for p in ring] for ring in polygon] for polygon in polygons]
    return {"type": geometry["type"], "coordinates": moved if multi else moved[0]}


#: Decimal places kept in country outlines: 0.01 degree is about 1 km, far finer than the
#: 1:110,000,000 outlines themselves (1 mm on that map is 110 km); the JSON is a third smaller.
SHAPE_DIGITS = 2


def _rounded(geometry: Mapping[str, Any], digits: int = SHAPE_DIGITS) -> dict[str, Any]:
    """A (Multi)Polygon with its coordinates rounded and the repeats that makes dropped."""

    def ring(points: list[list[float]]) -> list[list[float]]:
        out: list[list[float]] = []
        for point in points:
            p = [round(point[0], digits), round(point[1], digits)]
            if not out or p != out[-1]:
                out.append(p)
        return out if len(out) >= 4 else [[round(x, digits) for x in q[:2]] for q in points]

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geometry["coordinates"]]}
    if geometry["type"] == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [[ring(r) for r in poly] for poly in geometry["coordinates"]],
        }
    return dict(geometry)


def _country_features(shapes: Mapping[str, Any] | None, countries: Mapping[str, Any]) -> dict[str, Any]:
    features = []
    for feature in (shapes or {}).get("features", []):
        iso2 = feature.get("properties", {}).get("iso2")
        if iso2 in countries:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"iso2": iso2},
                    "geometry": _rounded(_unwrap(feature["geometry"])),
                }
            )
    return {"type": "FeatureCollection", "features": features}


class _Text(Element):
    """Text already rendered, added to the figure as it is.

    branca wraps each rendered macro in ``Element(text)``, which compiles that text as a new
    Jinja template on every render: slow for the station script (it is parsed whole, megabytes
    at scale) and a template-injection risk for data. This element's template is fixed.
    """

    _template = Template("{{ this.text }}")

    def __init__(self, text: str):
        super().__init__()
        # As a Jinja template would give it back: without one trailing newline.
        self.text = text.removesuffix("\n")


def _render_macros(element: MacroElement, kwargs: dict[str, Any]) -> None:
    """``MacroElement.render`` with ``_Text`` in place of ``Element`` (same slots, same names)."""
    figure = element.get_root()
    module = element._template.module.__dict__
    for part, slot in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
        macro = module.get(part)
        if macro is not None:
            slot.add_child(_Text(macro(element, kwargs)), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


@dataclass(frozen=True)
class LayerData:
    """What the station layer sends for one set of stations (a view's, made once per view)."""

    stations_json: str
    countries_json: str
    shapes_json: str
    bureaus: tuple[str, ...]  # for the legend: the bureaus in view (all if none)
    actions: tuple[str, ...]  # for the legend: the strongest actions shown

    @functools.cached_property
    def stations_digest(self) -> str:
        """A short digest of the station table, named in the map script (see ``StationLayer``)."""
        return hashlib.blake2b(self.stations_json.encode("utf-8"), digest_size=8).hexdigest()


def layer_data(
    stations: pd.DataFrame,
    summary: pd.DataFrame,
    shapes: Mapping[str, Any] | None,
    stations_json: str | None = None,
) -> LayerData:
    """The layer's JSON for ``stations`` over the countries of ``summary`` (see ``build_map``);
    ``stations_json`` is ``station_json(stations)`` if the caller already has it."""
    countries = country_payload(summary, summary.index)
    shown = {country["strongest_key"] for country in countries.values()}
    present = set(stations["bureau"])
    return LayerData(
        stations_json=station_json(stations) if stations_json is None else stations_json,
        countries_json=script_json(countries),
        shapes_json=script_json(_country_features(shapes, countries)),
        bureaus=tuple(b for b in vocab.BUREAUS if b in present) or vocab.BUREAUS,
        actions=tuple(a for a in (*vocab.ACTION_TYPES, vocab.NO_ACTION) if a in shown),
    )


def _add_links(element: JSCSSMixin) -> None:
    """What ``JSCSSMixin.render`` does: the element's scripts and styles in the figure's header."""
    figure = element.get_root()
    for name, url in element.default_js:
        figure.header.add_child(JavascriptLink(url), name=name)
    for name, url in element.default_css:
        figure.header.add_child(CssLink(url), name=name)


#: folium's viewport line forbids zooming the page (``maximum-scale=1.0, user-scalable=no``):
#: a reader who needs larger text must be able to pinch (WCAG 1.4.4). The map keeps the rest.
_NO_PAGE_ZOOM = re.compile(r",\s*maximum-scale=1\.0,\s*user-scalable=no")


class StationMap(folium.Map):
    """``folium.Map``, rendered without compiling its output as templates (see ``_Text``), and
    with a viewport line that lets the reader zoom the page."""

    def render(self, **kwargs: Any) -> None:
        if self.includes:  # class-level includes need folium's own path
            super().render(**kwargs)
            return
        _add_links(self)
        _render_macros(self, kwargs)
        header = self.get_root().header._children.get(self.get_name())
        if isinstance(header, _Text):
            header.text = _NO_PAGE_ZOOM.sub("", header.text)


class StationLayer(JSCSSMixin, MacroElement):
    """Clustered station markers, the country layer, a legend and a layer switch.

    The drawing is ``static/js/station-layer.js`` (``L.stationLayer``), listed in
    ``default_js`` like folium's plugins list theirs; the template passes JSON and nothing else.

    The station table travels in the map's HTML, as a JSON element (:data:`STATION_TABLE_ID`,
    read back by :func:`read_station_table`), not in its script: streamlit-folium runs several
    whole-text passes over the script (variable renaming, ``textwrap.dedent``, a hash), which
    at 10,000 stations cost about 0.1-0.2 s per run and grow with the table. The script names
    the table's digest instead, so that it still changes whenever the stations do (its text is
    the component's identity: a new text redraws the map, the same text keeps it, popup open).

    Parameters
    ----------
    layer : LayerData
        The stations, countries and shapes of the view (``layer_data`` or a cached view's).
    fit : bool
        Zoom to the stations (when a filter narrows the view) rather than show the world.
    selected : str or None
        A station id: the map zooms to that station and opens its popup.
    """

    _template = Template(
        """
{% macro html(this, kwargs) %}
<script type="application/json" id="station-table">{{ this.stations_json }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var table = {{ this.table_ref }};
  var data = JSON.parse(document.getElementById(table.id).textContent);
  var countries = {{ this.countries_json }};
  var shapes = {{ this.shapes_json }};
  var opts = {{ this.options_json }};
  L.stationLayer(data, countries, shapes, opts).addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        layer: LayerData,
        fit: bool,
        selected: str | None = None,
        prefix: str | None = None,
        lang: str = ENGLISH,
        places: Mapping[str, str] | None = None,
    ):
        super().__init__()
        self._name = "StationLayer"
        self.prefix = prefix
        self.stations_json = layer.stations_json
        self.table_ref = script_json({"id": STATION_TABLE_ID, "digest": layer.stations_digest})
        self.countries_json = layer.countries_json
        self.shapes_json = layer.shapes_json
        self.options_json = script_json(layer_options(layer, fit, selected, lang, places))

    def render(self, **kwargs: Any) -> None:
        # Read the asset URLs at render time, so that serving them locally
        # (stations.map.assets.use_local_assets) applies to this layer too.
        self.default_js, self.default_css = assets.layer_assets(self.prefix)
        _add_links(self)
        _render_macros(self, kwargs)


#: The closest zoom each geocoding precision supports: a station placed at its city's centre is
#: never shown at street level (zoom 11 shows a city and its surroundings), one placed in its
#: country only at a country's scale. Stations that share a point spread at that zoom.
PRECISION_ZOOM: dict[str, int] = {"address": 17, "street": 15, "city": 11, "country": 5}


def layer_options(
    layer: LayerData,
    fit: bool,
    selected: str | None = None,
    lang: str = ENGLISH,
    places: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The ``options`` of ``L.stationLayer`` (``static/js/station-layer.js`` declares and explains
    each): labels, colours and the view options, and the words in ``lang`` (``map_words``;
    ``places``: the cities' names in ``lang``)."""
    countries = {iso2: c["name"] for iso2, c in json.loads(layer.countries_json).items()}
    words = map_words(lang, countries, places)
    return {
        "words": words,
        "fit": fit,
        "selected": selected,
        "colours": vocab.BUREAU_COLOURS,
        "letters": {b: ("?" if b == "Unknown" else b[0]) for b in vocab.BUREAUS},
        "bureauOrder": list(layer.bureaus),
        "fields": [
            {"column": f.column, "label": f.label, "values": dict(f.values or {}), "detail": f.detail}
            for f in vocab.STATION_FIELDS
        ],
        "actionColours": ACTION_COLOURS,
        "actionLabels": vocab.ACTION_LABELS,
        "actionOrder": list(layer.actions),
        "actionOutlines": ACTION_OUTLINES,
        "outlines": OUTLINES,
        "fillOpacity": FILL_OPACITY,
        "actionHatches": {
            key: HATCH_ANGLES[colour] for key, colour in ACTION_COLOURS.items() if colour in HATCH_ANGLES
        },
        "hatch": {"ink": HATCH_INK, "width": HATCH_WIDTH, "spacing": HATCH_SPACING},
        "actionClasses": [
            {
                "label": label,
                "colour": drawn_fill(colour),
                "outline": outline,
                "hatch": HATCH_ANGLES.get(colour),
            }
            for label, colour, outline, keys in ACTION_CLASSES
            if any(key in layer.actions for key in keys)
        ],
        "letterColours": {b: letter_colour(colour) for b, colour in vocab.BUREAU_COLOURS.items()},
        "precisionZoom": PRECISION_ZOOM,
        "mapTitle": words.get(MAP_TITLE, MAP_TITLE),
        "land": LAND,
    }


#: The map's name (its frame's title and its region's label), in English.
MAP_TITLE = "Map of reported overseas police stations"

#: The id of the JSON element that holds the station table in the map's HTML.
STATION_TABLE_ID = "station-table"

_STATION_TABLE = re.compile(r'<script type="application/json" id="station-table">(\{.*?\})</script>', re.S)


def station_table_text(page: str) -> str:
    """The station table's JSON text in a rendered map, or in st_folium's ``html`` argument."""
    found = _STATION_TABLE.search(page)
    if not found:
        raise ValueError(f'no station table (<script id="{STATION_TABLE_ID}">) in the map page')
    return found.group(1)


def read_station_table(page: str) -> dict[str, Any]:
    """The station table a rendered map (or st_folium's ``html`` argument) carries, parsed."""
    return json.loads(station_table_text(page))


def build_map(
    stations: pd.DataFrame,
    summary: pd.DataFrame,
    shapes: Mapping[str, Any] | None = None,
    tiles: str | None = None,
    attribution: str | None = None,
    fit: bool = False,
    selected: str | None = None,
) -> StationMap:
    """A map of ``stations`` (already filtered) over the countries of ``summary``.

    ``summary`` is ``model.country_actions`` restricted to the countries in view; ``fit`` zooms
    to the stations (used when a filter narrows the view); ``selected`` is a station id whose
    popup the map opens, zoomed to it.
    """
    return map_of_layer(layer_data(stations, summary, shapes), tiles, attribution, fit, selected)


def map_of_layer(
    layer: LayerData,
    tiles: str | None = None,
    attribution: str | None = None,
    fit: bool = False,
    selected: str | None = None,
    basemap: bool = False,
    prefix: str | None = None,
    lang: str = ENGLISH,
    places: Mapping[str, str] | None = None,
) -> StationMap:
    """The map around a layer already made (a cached view's ``layer``); see ``build_map``.
    ``basemap`` draws the app's own basemap (stations.map.basemap) once the markers are up;
    ``prefix`` is where the page finds ``static/`` (default: inside streamlit-folium's frame)."""
    assets.use_local_assets()
    fmap = StationMap(
        location=(25, 15),
        zoom_start=2,
        min_zoom=2,
        max_zoom=18,
        tiles=None,
        world_copy_jump=True,
        control_scale=True,
        prefer_canvas=False,
    )
    # folium gives max_zoom to its own tile layer only; clustering needs it on the map itself.
    fmap.options["max_zoom"] = 18
    # Quarter zoom steps for fits: the stations fill the room the controls leave instead of
    # dropping a whole step (half the scale) when they miss it by a little.
    fmap.options["zoom_snap"] = 0.25
    # Only Leaflet's stylesheet: this map uses no folium icons, Bootstrap or jQuery, so loading
    # them would only slow the first draw. Leaflet's script comes with the layer's bundle
    # (stations.map.assets.LEAFLET_BUNDLE): one request instead of three one after another.
    fmap.default_js = []
    fmap.default_css = [(n, u) for n, u in assets.map_css(prefix) if n in LEAFLET_ASSETS]
    if tiles:
        # A provider object, not a URL: folium would search xyzservices' catalogue of ~1,000
        # providers for the URL on every build.
        provider = xyzservices.TileProvider(name="base", url=tiles, attribution=attribution or "")
        folium.TileLayer(tiles=provider, attr=attribution or "", name="Base map", overlay=False).add_to(fmap)
    # The words the map's own handlers write as it is made (its name, the gesture hints): the
    # station layer, added later, sets them too late for those.
    words = map_words(lang)
    fmap.options["map_words"] = words
    fmap.options["map_title"] = words.get(MAP_TITLE, MAP_TITLE)
    StationLayer(layer, fit, selected, prefix, lang, places).add_to(fmap)
    if basemap:  # after the station layer: its loader runs once the markers are drawn
        Basemap(prefix or assets.DEFAULT_PREFIX).add_to(fmap)
    return fmap
