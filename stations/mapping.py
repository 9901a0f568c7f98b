"""The world map: a pure function from the stations in view to a ``folium.Map``.

All stations travel to the browser as one compact JSON table and are drawn by one small script
(clustered, spiderfied on click), which keeps the page light at 100,000 points. The data is
text, never markup: the JSON is escaped for a ``<script>`` block, tooltips are HTML-escaped, and
popups are built with DOM ``textContent``; links are kept only when they are http(s).
"""

from __future__ import annotations

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
from folium.plugins import MarkerCluster
from jinja2 import Template

from stations import assets, model, publishers, vocab
from stations.basemap import Basemap

#: Colour of each strongest action on the country layer (stronger is darker), and of none.
ACTION_COLOURS: dict[str, str] = {
    "conviction": "#3f007d",
    "charges": "#54278f",
    "arrests": "#54278f",
    "station_closed": "#6a51a3",
    "closure_ordered": "#6a51a3",
    "cooperation_agreement_ended": "#807dba",
    "investigation_opened": "#9e9ac8",
    "summoned_ambassador": "#bcbddc",
    "parliamentary_inquiry": "#bcbddc",
    "statement_of_concern": "#dadaeb",
    "other": "#dadaeb",
    "denied_or_no_action": "#fdd0a2",
    vocab.NO_ACTION: "#f0f0f0",
}

#: The folium.Map assets this map needs, by folium's names (plus the icon-path fix of
#: stations.assets, which must follow Leaflet).
LEAFLET_ASSETS = frozenset({"leaflet", "leaflet_css", "leaflet_default_icon_path"})

#: Fields sent to the browser for each station, in this order.
PAYLOAD_FIELDS = (
    "station_id",
    "lat",
    "lon",
    "bureau",
    "country",
    "iso2",
    "city",
    "address",
    "bureau_district",
    "wave",
    "host_organisation",
    "status",
    "opened",
    "geo_precision",
    "sources",
)


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``</script>``, no HTML comment."""
    return escape_for_script(json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False))


def escape_for_script(text: str) -> str:
    """JSON text made safe inside a ``<script>`` element and a branca (Jinja) template."""
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    # branca renders each script as a Jinja template: "{{", "{%" and "{#" can only occur inside
    # JSON strings here, where \u007b is the same character and no template syntax.
    return re.sub(r"\{(?=[{%#])", r"\\u007b", text)


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
            columns[field] = [[[url, label] for url, label in pairs] for pairs in publishers.source_pairs(frame)]
        else:
            columns[field] = [str(v) for v in series]
    return {"n": len(frame), "columns": columns}


def station_json(stations: pd.DataFrame) -> str:
    """The station table as the map's script reads it (``stations.index`` builds the same
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
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


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


def _country_features(shapes: Mapping[str, Any] | None, countries: Mapping[str, Any]) -> dict[str, Any]:
    features = []
    for feature in (shapes or {}).get("features", []):
        iso2 = feature.get("properties", {}).get("iso2")
        if iso2 in countries:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"iso2": iso2},
                    "geometry": _unwrap(feature["geometry"]),
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


class StationMap(folium.Map):
    """``folium.Map``, rendered without compiling its output as templates (see ``_Text``)."""

    def render(self, **kwargs: Any) -> None:
        if self.includes:  # class-level includes need folium's own path
            super().render(**kwargs)
            return
        _add_links(self)
        _render_macros(self, kwargs)


class StationLayer(JSCSSMixin, MacroElement):
    """Clustered station markers, the country layer, a legend and a layer switch, in one script."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
.station-pin{border-radius:50%;border:2px solid #fff;box-shadow:0 0 0 1px rgba(0,0,0,.55);
  color:#fff;font:bold 10px/14px system-ui,sans-serif;text-align:center;}
.station-pin.unpublished{background:#fff !important;border:2px dashed #333;color:#333;}
.station-legend{background:rgba(255,255,255,.92);padding:4px 7px;font:11px/1.35 system-ui,sans-serif;
  border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:200px;}
.station-legend summary{cursor:pointer;font-weight:600;}
.station-cluster{background:rgba(40,40,40,.78);color:#fff;border-radius:50%;border:2px solid #fff;
  box-shadow:0 0 0 1px rgba(0,0,0,.5);font:bold 12px/30px system-ui,sans-serif;text-align:center;}
.station-legend i{display:inline-block;width:12px;height:12px;border-radius:50%;margin-right:5px;
  vertical-align:-2px;border:1px solid #fff;box-shadow:0 0 0 1px rgba(0,0,0,.4);}
.station-legend i.sq{border-radius:2px;}
.station-popup{font:13px/1.4 system-ui,sans-serif;max-width:300px;}
.station-popup h4{margin:0 0 4px;font-size:14px;}
.station-popup dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:1px 8px;}
.station-popup dt{color:#555;}
.station-popup dd{margin:0;overflow-wrap:anywhere;}
.station-popup ol{margin:4px 0 0;padding-left:18px;}
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var data = {{ this.stations_json }};
  var countries = {{ this.countries_json }};
  var shapes = {{ this.shapes_json }};
  var opts = {{ this.options_json }};
  var c = data.columns;
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (ch) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[ch];
    });
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function row(dl, label, value) {
    if (!value) { return; }
    dl.appendChild(el("dt", label));
    dl.appendChild(el("dd", value));
  }
  function place(i) {
    return c.city[i] ? c.city[i] + ", " + c.country[i] : c.country[i] + " (location not published)";
  }
  function popup(i) {
    var root = el("div", null, "station-popup");
    root.appendChild(el("h4", place(i)));
    var dl = el("dl");
    row(dl, "Station", c.station_id[i]);
    row(dl, "Address", c.address[i]);
    row(dl, "Bureau", c.bureau[i] + (c.bureau_district[i] ? " (" + c.bureau_district[i] + ")" : ""));
    row(dl, "Report", opts.waves[c.wave[i]] || c.wave[i]);
    row(dl, "Host organisation", c.host_organisation[i]);
    row(dl, "Opened", c.opened[i]);
    row(dl, "Status", opts.statuses[c.status[i]] || c.status[i]);
    row(dl, "Placed at", opts.precisions[c.geo_precision[i]] || c.geo_precision[i]);
    var k = countries[c.iso2[i]];
    row(dl, "Host government", k ? (k.actions.length ? k.actions.join("; ") : k.strongest) : "");
    root.appendChild(dl);
    var list = el("ol");
    c.sources[i].forEach(function (pair, n) {
      var url = pair[0], label = pair[1];
      if (!/^https?:\\/\\//i.test(url)) { return; }
      var host = url.replace(/^https?:\\/\\/(www\\.)?/i, "").split("/")[0];
      var a = el("a", "Source " + (n + 1) + ": " + (label || host));
      a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
      var li = el("li"); li.appendChild(a); list.appendChild(li);
    });
    root.appendChild(el("div", "Sources"));
    root.appendChild(list);
    return root;
  }
  var icons = {};
  function icon(i) {
    var unpublished = c.geo_precision[i] === "country";
    var key = c.bureau[i] + (unpublished ? "/u" : "");
    if (!icons[key]) {
      var colour = opts.colours[c.bureau[i]] || "#6b6b6b";
      icons[key] = L.divIcon({
        className: "station-pin" + (unpublished ? " unpublished" : ""),
        html: "<span style=\\"display:block;width:100%;height:100%;border-radius:50%;background:" +
          colour + "\\">" + esc(opts.letters[c.bureau[i]] || "?") + "</span>",
        iconSize: [16, 16], iconAnchor: [8, 8], popupAnchor: [0, -8], tooltipAnchor: [8, 0]
      });
    }
    return icons[key];
  }
  var cluster = L.markerClusterGroup({
    spiderfyOnMaxZoom: true, showCoverageOnHover: false, zoomToBoundsOnClick: true,
    maxClusterRadius: 40, chunkedLoading: true,
    iconCreateFunction: function (cl) {
      var n = cl.getChildCount();
      return L.divIcon({html: String(n), className: "station-cluster marker-cluster",
                        iconSize: [34, 34]});
    }
  });
  var markers = new Array(data.n);
  for (var i = 0; i < data.n; i++) {
    var m = L.marker([c.lat[i], c.lon[i]], {icon: icon(i), keyboard: true, title: ""});
    m.bindTooltip(esc(place(i) + " \\u2014 " + c.bureau[i] + " [" + c.station_id[i] + "]"));
    m.bindPopup((function (n) { return function () { return popup(n); }; })(i), {maxWidth: 320});
    markers[i] = m;
  }
  cluster.addLayers(markers);
  var overlays = {};
  if (shapes.features.length) {
    var countryLayer = L.geoJSON(shapes, {
      style: function (f) {
        var k = countries[f.properties.iso2];
        return {color: "#555", weight: 0.6, fillOpacity: 0.55,
                fillColor: opts.actionColours[k ? k.strongest_key : "none"] || "#f0f0f0"};
      },
      onEachFeature: function (f, layer) {
        var k = countries[f.properties.iso2];
        if (k) { layer.bindTooltip(esc(k.name + ": " + k.strongest)); }
      }
    });
    countryLayer.addTo(map);
    overlays["Strongest government action"] = countryLayer;
  }
  if (data.n) {
    // From the data, not cluster.getBounds(): with chunked loading the cluster may not hold
    // its markers yet (at 100,000 it holds none), and Leaflet throws on empty bounds. Before
    // the cluster is on the map and without animation: a zoom that ends while the cluster is
    // still being built breaks markercluster ("reading 'lat'" in _recursively).
    var south = 90, west = 180, north = -90, east = -180;
    for (var j = 0; j < data.n; j++) {
      south = Math.min(south, c.lat[j]); north = Math.max(north, c.lat[j]);
      west = Math.min(west, c.lon[j]); east = Math.max(east, c.lon[j]);
    }
    map.fitBounds([[south, west], [north, east]], {maxZoom: opts.fit ? 6 : 3, padding: [20, 20], animate: false});
  }
  cluster.addTo(map);
  overlays["Stations"] = cluster;
  L.control.layers(null, overlays, {collapsed: true}).addTo(map);
  var legend = L.control({position: "bottomleft"});
  legend.onAdd = function () {
    var outer = el("details", null, "station-legend");
    outer.open = map.getSize().x > 760;
    outer.appendChild(el("summary", "Legend"));
    var box = el("div");
    outer.appendChild(box);
    box.appendChild(el("strong", "Operating bureau"));
    opts.bureauOrder.forEach(function (b) {
      var line = el("div"); var dot = el("i"); dot.style.background = opts.colours[b];
      line.appendChild(dot); line.appendChild(document.createTextNode(b)); box.appendChild(line);
    });
    var u = el("div"); var ring = el("i"); ring.style.background = "#fff"; ring.style.border = "2px dashed #333";
    u.appendChild(ring); u.appendChild(document.createTextNode("Shown at country level")); box.appendChild(u);
    if (shapes.features.length) {
      box.appendChild(el("strong", "Host government (strongest action)"));
      opts.actionOrder.forEach(function (a) {
        var line = el("div"); var sq = el("i", null, "sq"); sq.style.background = opts.actionColours[a];
        line.appendChild(sq); line.appendChild(document.createTextNode(opts.actionLabels[a]));
        box.appendChild(line);
      });
    }
    L.DomEvent.disableClickPropagation(outer);
    return outer;
  };
  legend.addTo(map);
})();
{% endmacro %}
"""
    )

    def __init__(self, layer: LayerData, fit: bool):
        super().__init__()
        self._name = "StationLayer"
        self.stations_json = layer.stations_json
        self.countries_json = layer.countries_json
        self.shapes_json = layer.shapes_json
        self.options_json = script_json(
            {
                "fit": fit,
                "colours": vocab.BUREAU_COLOURS,
                "letters": {b: ("?" if b == "Unknown" else b[0]) for b in vocab.BUREAUS},
                "bureauOrder": list(layer.bureaus),
                "waves": vocab.WAVE_LABELS,
                "statuses": vocab.STATUS_LABELS,
                "precisions": {
                    "address": "street address",
                    "street": "street",
                    "city": "city centre (exact site not shown)",
                    "country": "country level (not the station's location)",
                },
                "actionColours": ACTION_COLOURS,
                "actionLabels": vocab.ACTION_LABELS,
                "actionOrder": list(layer.actions),
            }
        )

    def render(self, **kwargs: Any) -> None:
        # Read the cluster plugin's asset URLs at render time, so that serving them locally
        # (stations.assets.use_local_assets) applies to this layer too.
        self.default_js = list(MarkerCluster.default_js)
        self.default_css = list(MarkerCluster.default_css)
        _add_links(self)
        _render_macros(self, kwargs)


def build_map(
    stations: pd.DataFrame,
    summary: pd.DataFrame,
    shapes: Mapping[str, Any] | None = None,
    tiles: str | None = None,
    attribution: str | None = None,
    fit: bool = False,
) -> StationMap:
    """A map of ``stations`` (already filtered) over the countries of ``summary``.

    ``summary`` is ``model.country_actions`` restricted to the countries in view; ``fit`` zooms
    to the stations (used when a filter narrows the view).
    """
    return map_of_layer(layer_data(stations, summary, shapes), tiles, attribution, fit)


def map_of_layer(
    layer: LayerData,
    tiles: str | None = None,
    attribution: str | None = None,
    fit: bool = False,
    basemap: bool = False,
) -> StationMap:
    """The map around a layer already made (a cached view's ``layer``); see ``build_map``.
    ``basemap`` draws the app's own basemap (stations.basemap) once the markers are up."""
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
    # Only Leaflet itself: this map uses no folium icons, Bootstrap or jQuery, so loading them
    # would only slow the first draw (whichever URLs use_local_assets set, local or not).
    fmap.default_js = [(n, u) for n, u in fmap.default_js if n in LEAFLET_ASSETS]
    fmap.default_css = [(n, u) for n, u in fmap.default_css if n in LEAFLET_ASSETS]
    if tiles:
        # A provider object, not a URL: folium would search xyzservices' catalogue of ~1,000
        # providers for the URL on every build.
        provider = xyzservices.TileProvider(name="base", url=tiles, attribution=attribution or "")
        folium.TileLayer(tiles=provider, attr=attribution or "", name="Base map", overlay=False).add_to(fmap)
    StationLayer(layer, fit).add_to(fmap)
    if basemap:  # after the station layer: its loader runs once the markers are drawn
        Basemap().add_to(fmap)
    return fmap
