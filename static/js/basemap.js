// The app's own basemap: land, sea, coastlines, borders and place names drawn by Leaflet from
// static files this app serves (static/basemap/, built by scripts/build_basemap.py), so the
// default map asks no tile server for anything and no third party learns who looks where.
//
// Loaded after the station markers have been drawn (stations/map/basemap.py injects this script
// from the map's own script), so it never delays the first marker. The sea is the map's
// background; land, coastlines and borders go on one canvas under every overlay; names go in
// a pane above the country layer and below the markers, thinned so that none overlap.
//
// Resolution follows the zoom: Natural Earth 1:110m up to zoom 3, 1:50m from zoom 4 (fetched
// the first time it is needed). City names: capitals, large cities and every city that holds a
// station at first; cities of 100,000-500,000 people are fetched from zoom 6 on, and towns from
// zoom 8 on, for the 10-degree cells in view only.
(function () {
  "use strict";

  var STYLE = {
    sea: "#d6e2ea",
    land: "#f7f5f0",
    coast: "#9fb4c3",
    border: "#b8b0a4",
  };
  var KIND = {country: 0, capital: 1, city: 2, stationCity: 3};
  var DETAIL_ZOOM = 4; // 1:50m from this zoom on
  var MORE_PLACES_ZOOM = 6; // smaller cities from this zoom on
  var LOCAL_PLACES_ZOOM = 8; // towns, per 10-degree cell in view, from this zoom on
  var CELL = 10;
  var KEEP_OUT = 22; // half the side of the square kept free of names around a keep-out point, px

  function fetchJSON(url) {
    return fetch(url, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
      return response.json();
    });
  }

  // world-atlas is made for spherical rendering: a ring or line may step across the
  // antimeridian (Fiji, Chukotka), which Leaflet, drawing on a plane, would turn into a band
  // around the whole world. Each step of more than 180 degrees is undone by shifting the rest
  // of the ring by 360, so the shape stays whole just past the map's edge.
  function unwrapLine(line) {
    var out = [], shift = 0;
    for (var i = 0; i < line.length; i++) {
      var lon = line[i][0] + shift;
      if (i > 0) {
        var step = lon - out[i - 1][0];
        if (step > 180) { shift -= 360; lon -= 360; } else if (step < -180) { shift += 360; lon += 360; }
      }
      out.push([lon, line[i][1]]);
    }
    return out;
  }

  // Polygons (arrays of rings) or lines, each made continuous, plus a copy 360 degrees back
  // (or forward) of any part that now lies partly past +180 (or -180): Chukotka then shows
  // both east of the antimeridian, next to Russia, and west of it, next to Alaska.
  function shifted(part, by, isPolygon) {
    var move = function (line) { return line.map(function (p) { return [p[0] + by, p[1]]; }); };
    return isPolygon ? part.map(move) : move(part);
  }

  function continuous(parts, isPolygon) {
    var out = [];
    parts.forEach(function (part) {
      var fixed = isPolygon ? part.map(unwrapLine) : unwrapLine(part);
      out.push(fixed);
      var lons = (isPolygon ? fixed[0] : fixed).map(function (p) { return p[0]; });
      if (Math.max.apply(null, lons) > 180) { out.push(shifted(fixed, -360, isPolygon)); }
      if (Math.min.apply(null, lons) < -180) { out.push(shifted(fixed, 360, isPolygon)); }
    });
    return out;
  }

  function polygons(geojson) {
    var parts = [];
    var geometries = geojson.type === "FeatureCollection"
      ? geojson.features.map(function (f) { return f.geometry; })
      : [geojson.geometry || geojson];
    geometries.forEach(function (g) {
      if (g.type === "Polygon") { parts.push(g.coordinates); }
      if (g.type === "MultiPolygon") { parts = parts.concat(g.coordinates); }
    });
    return {type: "MultiPolygon", coordinates: continuous(parts, true)};
  }

  function lines(mesh) {
    return {type: "MultiLineString", coordinates: continuous(mesh.coordinates, false)};
  }

  // Lines of a TopoJSON mesh, cut where they run along the antimeridian or the poles' edge:
  // Natural Earth closes land there with artificial edges that are no coastline.
  function cutArtificial(mesh) {
    var lines = [];
    function artificial(a, b) {
      return (Math.abs(a[0]) >= 179.99 && Math.abs(b[0]) >= 179.99 && a[0] === b[0]) ||
        (a[1] <= -84.5 && b[1] <= -84.5);
    }
    mesh.coordinates.forEach(function (line) {
      var current = [line[0]];
      for (var i = 1; i < line.length; i++) {
        if (artificial(line[i - 1], line[i])) {
          if (current.length > 1) { lines.push(current); }
          current = [line[i]];
        } else {
          current.push(line[i]);
        }
      }
      if (current.length > 1) { lines.push(current); }
    });
    return {type: "MultiLineString", coordinates: lines};
  }

  function geometryLayer(topo, renderer) {
    var topojson = window.topojson;
    var land = polygons(topojson.feature(topo, topo.objects.land));
    var coast = lines(cutArtificial(topojson.mesh(topo, topo.objects.land)));
    var borders = lines(topojson.mesh(topo, topo.objects.countries, function (a, b) { return a !== b; }));
    var common = {renderer: renderer, interactive: false, pane: "basemapLand"};
    return L.layerGroup([
      L.geoJSON(land, L.extend({style: {stroke: false, fill: true, fillColor: STYLE.land, fillOpacity: 1}}, common)),
      L.geoJSON(borders, L.extend({style: {color: STYLE.border, weight: 0.8, opacity: 1}}, common)),
      L.geoJSON(coast, L.extend({style: {color: STYLE.coast, weight: 0.9, opacity: 1}}, common)),
    ]);
  }

  // Place names, placed greedily by priority; a name that would overlap one already placed is
  // left out at this zoom. Rebuilt after every move (a few hundred elements at most).
  var Labels = L.Layer.extend({
    options: {pane: "basemapLabels"},

    initialize: function (attribution) {
      this._places = [];
      this._attribution = attribution;
      this._widths = {};
      this._context = document.createElement("canvas").getContext("2d");
    },

    getAttribution: function () { return this._attribution; },

    addPlaces: function (places) {
      this._places = this._places.concat(places);
      if (this._map) { this._update(); }
    },

    onAdd: function () {
      this._root = L.DomUtil.create("div", "bm-labels", this.getPane());
      // Hundreds of place names would drown a screen reader; the stations carry the content.
      this._root.setAttribute("aria-hidden", "true");
      this._update();
    },

    onRemove: function () {
      L.DomUtil.remove(this._root);
      this._root = null;
    },

    getEvents: function () {
      return {zoomstart: this._hide, moveend: this._update, resize: this._update};
    },

    _hide: function () { this._root.style.display = "none"; },

    _measure: function (text, font) {
      var key = font + "|" + text;
      if (!(key in this._widths)) {
        this._context.font = font;
        this._widths[key] = this._context.measureText(text).width;
      }
      return this._widths[key];
    },

    _rank: function (kind, zoom) {
      if (zoom <= 4) { return [0, 1, 3, 2][kind]; } // countries, capitals, station cities, cities
      if (zoom <= 6) { return [1, 2, 3, 0][kind]; } // station cities, countries, capitals, cities
      return [3, 1, 2, 0][kind]; // station cities, capitals, cities, countries
    },

    _lines: function (name, kind) {
      if (kind !== KIND.country || name.length <= 12 || name.indexOf(" ") < 0) { return [name]; }
      var middle = name.length / 2, best = -1;
      for (var i = 0; i < name.length; i++) {
        if (name[i] === " " && (best < 0 || Math.abs(i - middle) < Math.abs(best - middle))) { best = i; }
      }
      return [name.slice(0, best), name.slice(best + 1)];
    },

    _update: function () {
      var map = this._map;
      if (!map || !this._root) { return; }
      var zoom = map.getZoom();
      var self = this;
      var view = map.getPixelBounds();
      var origin = map.getPixelOrigin();
      var world = 256 * Math.pow(2, zoom);
      var candidates = [];
      this._places.forEach(function (p, index) {
        if (p[3] <= zoom) { candidates.push({p: p, rank: self._rank(p[4], zoom), index: index}); }
      });
      candidates.sort(function (a, b) { return a.rank - b.rank || a.index - b.index; });

      var placed = [];
      var cell = 128, grid = {};
      function collides(box) {
        for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
          for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
            var bucket = grid[gx + ":" + gy] || [];
            for (var k = 0; k < bucket.length; k++) {
              var o = bucket[k];
              if (box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1]) { return true; }
            }
          }
        }
        return false;
      }
      function keep(box) {
        for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
          for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
            (grid[gx + ":" + gy] = grid[gx + ":" + gy] || []).push(box);
          }
        }
      }

      // Room kept free of names: others' points (the station layer's stations shown at country
      // level, which must not read as a city's), each asked for by the "basemap:keepout" event.
      // A country's own name may sit by them (it names their country); a city's may not.
      var keepOut = {points: []}, outs = [];
      map.fire("basemap:keepout", keepOut);
      keepOut.points.forEach(function (latlng) {
        var at = map.project(latlng, zoom);
        if (at.x < view.min.x) { at.x += world; } else if (at.x > view.max.x) { at.x -= world; }
        outs.push([at.x - KEEP_OUT, at.y - KEEP_OUT, at.x + KEEP_OUT, at.y + KEEP_OUT]);
      });
      function keptOut(box) {
        return outs.some(function (o) {
          return box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1];
        });
      }

      var fragment = document.createDocumentFragment();
      candidates.forEach(function (c) {
        var p = c.p, kind = p[4];
        var point = map.project([p[2], p[1]], zoom);
        // The same place on the world copy in view, if the view crosses the antimeridian.
        if (point.x < view.min.x) { point.x += world; } else if (point.x > view.max.x) { point.x -= world; }
        if (point.x < view.min.x - 100 || point.x > view.max.x + 100 ||
            point.y < view.min.y - 30 || point.y > view.max.y + 30) { return; }
        var country = kind === KIND.country;
        var major = kind !== KIND.city;
        var size = country && zoom >= 5 ? 12 : 11;
        var font = (country || major ? "600 " : "400 ") + size + "px system-ui,sans-serif";
        var lines = self._lines(p[0], kind);
        var width = 0;
        lines.forEach(function (line) {
          var w = self._measure(country ? line.toUpperCase() : line, font) * (country ? 1.1 : 1) + 2;
          width = Math.max(width, w);
        });
        var height = lines.length * size * 1.15;
        var x = point.x, y = point.y;
        // Candidate spots, best first: a country's name centred on its point or a line above or
        // below; a city's name right of its dot, else left of it. A station city's name clears
        // the station's pin or cluster (34 px).
        var spots = [];
        if (country) {
          [0, -1, 1].forEach(function (shift) {
            spots.push([x - width / 2, y - height / 2 + shift * (height + 2)]);
          });
        } else {
          var gap = kind === KIND.stationCity ? 19 : 5;
          spots.push([x + gap, y - height / 2], [x - gap - width, y - height / 2]);
        }
        var box = null, textLeft = 0, textTop = 0;
        for (var s = 0; s < spots.length && !box; s++) {
          var left = spots[s][0], top = spots[s][1];
          var candidate = country
            ? [left - 4, top - 2, left + width + 4, top + height + 2]
            : [Math.min(x - 4, left - 6), top - 1, Math.max(x + 4, left + width + 6), top + height + 1];
          if (kind === KIND.stationCity && zoom >= 7) {
            // Close in, the station's pin or cluster (34 px) sits on its city: keep names off it.
            candidate = [Math.min(candidate[0], x - 18), Math.min(candidate[1], y - 18),
                         Math.max(candidate[2], x + 18), Math.max(candidate[3], y + 18)];
          }
          if (!collides(candidate) && (country || !keptOut(candidate))) {
            box = candidate; textLeft = left; textTop = top;
          }
        }
        if (!box) { return; }
        keep(box);
        placed.push(p);
        var label = L.DomUtil.create("div", "bm-label " + (country ? "bm-country" : "bm-city" + (major ? " bm-major" : "")));
        label.textContent = lines.join("\n"); // text, never markup
        label.style.left = Math.round(textLeft - origin.x) + "px";
        label.style.top = Math.round(textTop - origin.y) + "px";
        label.style.width = Math.ceil(width) + "px";
        if (!country) {
          var dot = L.DomUtil.create("div", "bm-dot" + (kind === KIND.capital ? " bm-capital" : ""));
          dot.style.left = Math.round(x - origin.x) + "px";
          dot.style.top = Math.round(y - origin.y) + "px";
          fragment.appendChild(dot);
        }
        fragment.appendChild(label);
      });
      this._root.textContent = "";
      this._root.appendChild(fragment);
      this._root.style.display = "";
      this._shown = placed;
    },
  });

  function attach(map, options) {
    var base = new URL(options.base, document.baseURI).href;
    if (!document.getElementById("bm-style") && options.css) {
      var style = document.createElement("link");
      style.id = "bm-style";
      style.rel = "stylesheet";
      style.href = options.css;
      document.head.appendChild(style);
    }
    map.getContainer().style.background = options.sea || STYLE.sea;
    if (!map.getPane("basemapLand")) {
      map.createPane("basemapLand").style.zIndex = 150; // under tiles (200) and overlays (400)
      var labelPane = map.createPane("basemapLabels");
      labelPane.style.zIndex = 450; // over the country layer, under markers (600)
      labelPane.style.pointerEvents = "none";
    }
    var renderer = L.canvas({pane: "basemapLand", padding: 0.3});
    var levels = [
      {url: base + "world-110m.topo.json", minZoom: 0},
      {url: base + "world-50m.topo.json", minZoom: DETAIL_ZOOM},
    ];
    // The credit in the reader's words (the map's words table, set by the station layer): each
    // part a template and the link it names (stations/map/basemap.py ATTRIBUTION_PARTS).
    var words = map.options.mapWords || {};
    var labels = new Labels(options.attribution.map(function (part) {
      return L.stationWords(words, part[0], {name: part[1]});
    }).join("; "));
    // pending: files asked for and not yet drawn (tests and screenshots wait for 0).
    var state = {shown: null, morePlaces: null, cells: null, fetched: {}, pending: 0};
    function get(url) {
      state.pending += 1;
      var done = function () { state.pending -= 1; };
      var request = fetchJSON(url);
      request.then(done, done);
      return request;
    }

    function level(zoom) { return zoom >= DETAIL_ZOOM ? levels[1] : levels[0]; }

    function show(wanted) {
      if (!wanted.layer) {
        if (!wanted.loading) {
          wanted.loading = get(wanted.url).then(function (topo) {
            wanted.layer = geometryLayer(topo, renderer);
            show(level(map.getZoom()));
          });
          wanted.loading.catch(function (error) { console.warn("basemap:", error); });
        }
        return;
      }
      if (state.shown === wanted) { return; }
      wanted.layer.addTo(map);
      if (state.shown) { map.removeLayer(state.shown.layer); }
      state.shown = wanted;
      map.fire("basemap:drawn", {url: wanted.url});
    }

    // Towns of the 10-degree cells in view (files named as scripts/build_basemap.py names them),
    // only cells that index.json lists, so nothing is asked for that does not exist.
    function loadCells() {
      if (map.getZoom() < LOCAL_PLACES_ZOOM) { return; }
      if (!state.cells) {
        state.cells = get(base + "places-local/index.json").then(function (names) {
          var known = {};
          names.forEach(function (name) { known[name] = true; });
          return known;
        });
        state.cells.catch(function (error) { console.warn("basemap:", error); });
      }
      state.cells.then(function (known) {
        var b = map.getBounds();
        var x0 = Math.floor((b.getWest() + 180) / CELL), x1 = Math.floor((b.getEast() + 180) / CELL);
        var y0 = Math.max(0, Math.floor((b.getSouth() + 90) / CELL));
        var y1 = Math.min(180 / CELL - 1, Math.floor((b.getNorth() + 90) / CELL));
        for (var x = x0; x <= x1; x++) {
          for (var y = y0; y <= y1; y++) {
            var name = (((x % 36) + 36) % 36) + "_" + y;
            if (known[name] && !state.fetched[name]) {
              state.fetched[name] = true;
              get(base + "places-local/" + name + ".json").then(function (places) {
                labels.addPlaces(places);
              }).catch(function (error) { console.warn("basemap:", error); });
            }
          }
        }
      });
    }

    function onZoom() {
      var zoom = map.getZoom();
      show(level(zoom));
      if (zoom >= MORE_PLACES_ZOOM && !state.morePlaces) {
        state.morePlaces = get(base + "places-more.json").then(function (places) {
          labels.addPlaces(places);
        });
        state.morePlaces.catch(function (error) { console.warn("basemap:", error); });
      }
    }

    show(level(map.getZoom()));
    get(base + "places.json").then(function (places) {
      labels.addPlaces(places);
      labels.addTo(map);
      map.fire("basemap:labels", {count: places.length});
    }).catch(function (error) { console.warn("basemap:", error); });
    map.on("zoomend", onZoom);
    map.on("moveend", loadCells);
    onZoom();
    loadCells();
    map._stationBasemap = {labels: labels, state: state};
    return map._stationBasemap;
  }

  L.StationBasemap = {attach: attach, STYLE: STYLE};
})();
