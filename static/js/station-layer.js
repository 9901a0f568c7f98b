// The station layer: clustered station markers, the country layer, a legend and a layer switch.
//
// stations/map/mapping.py (StationLayer) loads this file after the Leaflet bundle (Leaflet,
// markercluster, gesture handling, the map's reading aids and the legend control) and calls
//   L.stationLayer(table, countries, shapes, options).addTo(map)
// with JSON only: `table` is the column-oriented station table ({n, columns: {field: [...]}}),
// `countries` what each host government did, `shapes` their outlines (GeoJSON) and `options`
// the labels, colours and view options (see L.StationLayer's options below). The data is text,
// never markup: popups are built with textContent, tooltips are HTML-escaped, and only http(s)
// sources become links.
(function () {
  "use strict";

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (ch) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[ch];
    });
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  var WEB_URL = /^https?:\/\//i;

  // A source is a URL string or a [url, label] pair; the link text is the label, or the host.
  function sourceLink(entry) {
    var url = Array.isArray(entry) ? entry[0] : entry;
    var label = Array.isArray(entry) ? entry[1] : "";
    if (typeof url !== "string" || !WEB_URL.test(url)) { return null; }
    var host = url.replace(/^https?:\/\/(www\.)?/i, "").split(/[/?#]/)[0];
    var a = el("a", (typeof label === "string" && label.trim()) ? label : host);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  // A station marker whose icon carries an accessible name ("Dublin, Ireland: Fuzhou bureau"),
  // given when the icon is drawn (markers off screen or inside a cluster have no icon).
  // Its tooltip and popup (options.bind) are bound the first time they are needed: when the
  // marker is about to be drawn, or when anything asks for them. Binding all of them up front
  // cost about 0.1 s at 10,000 stations before the first marker could show.
  var StationMarker = L.Marker.extend({
    _initIcon: function () {
      L.Marker.prototype._initIcon.call(this);
      if (this._icon && this.options.label) {
        this._icon.setAttribute("aria-label", this.options.label(this.options.station));
      }
    },
    _bindOnce: function () {
      if (!this._bound && this.options.bind) {
        this._bound = true;
        this.options.bind(this);
      }
      return this;
    },
    beforeAdd: function (map) {
      this._bindOnce();
      if (L.Marker.prototype.beforeAdd) { L.Marker.prototype.beforeAdd.call(this, map); }
    }
  });
  ["getTooltip", "getPopup", "openTooltip", "openPopup", "toggleTooltip", "togglePopup",
   "setTooltipContent", "setPopupContent"].forEach(function (name) {
    StationMarker.prototype[name] = function () {
      return L.Marker.prototype[name].apply(this._bindOnce(), arguments);
    };
  });

  // A div icon with an accessible name (for clusters: Leaflet makes them role=button).
  var LabelledIcon = L.DivIcon.extend({
    createIcon: function (old) {
      var div = L.DivIcon.prototype.createIcon.call(this, old);
      if (this.options.label) { div.setAttribute("aria-label", this.options.label); }
      return div;
    }
  });

  // Enter or Space on a focused marker does what a click does: opens its popup and selects the
  // station in the app (streamlit-folium listens to clicks); on a cluster it zooms in. The key's
  // default is prevented, so no keypress follows (Leaflet would toggle the popup again) and
  // Space does not scroll the page.
  function onKey(e) {
    var key = e.originalEvent && e.originalEvent.key;
    if (key !== "Enter" && key !== " " && key !== "Spacebar") { return; }
    var layer = e.layer || e.sourceTarget || e.propagatedFrom;
    if (!layer || !layer.getLatLng) { return; }
    L.DomEvent.preventDefault(e.originalEvent);
    layer.fire("click", {originalEvent: e.originalEvent, latlng: layer.getLatLng()}, true);
  }

  // Country shapes answer the mouse (tooltips) but are no Tab stops and are hidden from screen
  // readers: their content is the government's action, read in words on the responses page.
  function outOfTabOrder(layer) {
    layer.eachLayer(function (shape) {
      var path = shape.getElement && shape.getElement();
      if (!path) { return; }
      path.setAttribute("tabindex", "-1");
      path.setAttribute("focusable", "false");
      path.setAttribute("aria-hidden", "true");
    });
  }

  L.StationLayer = L.FeatureGroup.extend({
    options: {
      fit: false,             // zoom to the stations (a filtered view) rather than show the world
      selected: null,         // a station id: zoom to it and open its popup
      colours: {},            // pin colour of each bureau (vocab.BUREAU_COLOURS)
      letterColours: {},      // ink of each bureau's letter on its pin: black or white, whichever reads
      letters: {},            // each bureau's letter on its pins ("?" for Unknown)
      bureauOrder: [],        // bureaus in the legend and in a cluster's ring, in order
      fields: [],             // the popup's lines: [{column, label, values, detail}] (vocab.STATION_FIELDS)
      actionColours: {},      // country fill of each strongest action (mapping.ACTION_COLOURS)
      actionOutlines: {},     // outline style of each strongest action: solid, dashed, dotted, none
      outlines: {},           // Leaflet weight and dashArray of each outline style (mapping.OUTLINES)
      actionClasses: [],      // the country classes in view, for the legend
      fillOpacity: 0.75,      // country fills (mapping.FILL_OPACITY): the basemap's borders show through
      land: "#f7f5f0",        // the basemap's land: the fill of a country with no action
      unknownColour: "#6b6b6b", // pin colour of a bureau with no colour of its own
      mapTitle: "Map of reported overseas police stations", // the frame's title, the map region's name
      fitMaxZoom: 6,          // closest zoom of a fit to a filtered view...
      worldMaxZoom: 3,        // ...and of the world view
      clusterRadius: 40,      // markercluster's maxClusterRadius, in pixels
      popupMaxWidth: 320      // a popup's width at most, in pixels
    },

    initialize: function (table, countries, shapes, options) {
      L.FeatureGroup.prototype.initialize.call(this, [], options);
      this._columns = table.columns;
      this._n = table.n;
      this._countries = countries;
      this._shapes = shapes;
      this._icons = {};
      this.selected = -1;
      this.markers = new Array(table.n);
      var self = this;
      this.cluster = L.markerClusterGroup({
        spiderfyOnMaxZoom: true, showCoverageOnHover: false, zoomToBoundsOnClick: true,
        // Chunked so that a big table keeps the page responsive; markers show only once every
        // chunk is in, so the pause between chunks is kept short (markercluster's default is 50 ms).
        maxClusterRadius: this.options.clusterRadius, chunkedLoading: true, chunkDelay: 5,
        // markercluster takes markers off the map once they leave the view, which closes their
        // popup: a popup opened near the map's edge and auto-panned clear of the controls pushed
        // its own marker out and vanished. Only large tables need that saving.
        removeOutsideVisibleBounds: table.n > 5000,
        // Called after each chunk; the last call comes before the clusters are drawn.
        chunkProgress: function (done, total) {
          if (done === total) { setTimeout(L.bind(self._select, self), 0); }
        },
        iconCreateFunction: L.bind(this._clusterIcon, this)
      });
      var bind = L.bind(this._bind, this), label = L.bind(this._label, this);
      var c = this._columns;
      for (var i = 0; i < table.n; i++) {
        this.markers[i] = new StationMarker([c.lat[i], c.lon[i]], {
          icon: this._icon(i), keyboard: true, title: "", station: i, label: label, bind: bind
        });
        if (this.options.selected && c.station_id[i] === this.options.selected) { this.selected = i; }
      }
      this.cluster.addLayers(this.markers);
      this.cluster.on("keydown clusterkeydown", onKey);
    },

    onAdd: function (map) {
      var o = this.options;
      map.options.mapTitle = o.mapTitle;
      if (this._shapes.features.length) {
        this.countryLayer = this._countryLayer();
        this.addLayer(this.countryLayer);
        outOfTabOrder(this.countryLayer);
      }
      this.legend = L.control.stationLegend({
        colours: o.colours, letterColours: o.letterColours, letters: o.letters,
        bureauOrder: o.bureauOrder, actionClasses: o.actionClasses, countries: Boolean(this.countryLayer)
      }).addTo(map);
      var box = this.legend.getContainer();
      box.parentNode.appendChild(box);  // lowest in its corner
      ["attributionClearance", "mapName", "stationFocus", "stationGestures", "layoutWatch"].forEach(function (name) {
        if (map[name]) { map[name].enable(); }
      });
      map.on("stationlayout", this._onLayout, this);
      if (this._n) {
        // Before the cluster is on the map and without animation: a zoom that ends while the
        // cluster is still being built breaks markercluster ("reading 'lat'" in _recursively).
        this._fit();
      }
      L.FeatureGroup.prototype.onAdd.call(this, map);
      this.addLayer(this.cluster);
      var overlays = {};
      if (this.countryLayer) { overlays["Strongest government action"] = this.countryLayer; }
      overlays["Stations"] = this.cluster;
      this.layers = L.control.layers(null, overlays, {collapsed: true}).addTo(map);
    },

    onRemove: function (map) {
      map.off("stationlayout", this._onLayout, this);
      this.legend.remove();
      this.layers.remove();
      L.FeatureGroup.prototype.onRemove.call(this, map);
    },

    // ---- the view ----

    // The stations' bounds, from the data, not cluster.getBounds(): with chunked loading the
    // cluster may not hold its markers yet (at 100,000 it holds none), and Leaflet throws on
    // empty bounds.
    _bounds: function () {
      var c = this._columns;
      var south = 90, west = 180, north = -90, east = -180;
      for (var j = 0; j < this._n; j++) {
        south = Math.min(south, c.lat[j]); north = Math.max(north, c.lat[j]);
        west = Math.min(west, c.lon[j]); east = Math.max(east, c.lon[j]);
      }
      return [[south, west], [north, east]];
    },

    // fitBounds padding that keeps the stations clear of an open legend (a strip at the bottom).
    _fitOptions: function () {
      var map = this._map;
      var options = {maxZoom: this.options.fit ? this.options.fitMaxZoom : this.options.worldMaxZoom,
                     padding: [20, 20], animate: false};
      if (this.legend && this.legend.isOpen()) {
        // From the legend's top to the map's bottom edge (the legend may sit above the attribution).
        var top = this.legend.getContainer().getBoundingClientRect().top - map.getContainer().getBoundingClientRect().top;
        options.paddingBottomLeft = [20, map.getSize().y - top + 24];
        options.paddingTopRight = [20, 20];
      }
      return options;
    },

    _fit: function () {
      var map = this._map, bounds = this._bounds(), options = this._fitOptions();
      map.layoutWatch.ownMove(function () { map.fitBounds(bounds, options); });
    },

    // The frame was resized, or the controls take other room: the stations are fitted again,
    // unless the reader has moved the map (or a selected station placed it): their view is theirs.
    _onLayout: function (e) {
      if (!this._n || e.readerMoved || this.selected >= 0 || !e.resized) { return; }
      this._fit();
    },

    // The selected station: zoomed to and its popup opened.
    _select: function () {
      if (this.selected < 0) { return; }
      var m = this.markers[this.selected];
      this.cluster.zoomToShowLayer(m, function () { m.openPopup(); });
    },

    // ---- what each station shows ----

    _place: function (i) {
      var c = this._columns;
      return c.city[i] ? c.city[i] + ", " + c.country[i] : c.country[i] + " (location not published)";
    },

    _label: function (i) {
      var b = this._columns.bureau[i];
      return this._place(i) + ": " + (b === "Unknown" ? "bureau unknown" : b + " bureau");
    },

    _popup: function (i) {
      var c = this._columns, o = this.options;
      var root = el("div", null, "station-popup");
      root.appendChild(el("h4", this._place(i)));
      var dl = el("dl");
      function row(label, value) {
        if (!value) { return; }
        dl.appendChild(el("dt", label));
        dl.appendChild(el("dd", value));
      }
      // One line per entry of vocab.STATION_FIELDS, by the rule of StationField.text: the value
      // (or the reader's words for it), then the detail column in brackets.
      o.fields.forEach(function (f) {
        var value = String(c[f.column][i]);
        if (f.values && f.values[value]) { value = f.values[value]; }
        var extra = f.detail ? String(c[f.detail][i]) : "";
        row(f.label, value && extra ? value + " (" + extra + ")" : value);
      });
      var k = this._countries[c.iso2[i]];
      row("Host government", k ? (k.actions.length ? k.actions.join("; ") : k.strongest) : "");
      root.appendChild(dl);
      var list = el("ol");
      (c.sources[i] || []).forEach(function (entry) {
        var a = sourceLink(entry);
        if (!a) { return; }
        var li = el("li");
        li.appendChild(a);
        list.appendChild(li);
      });
      root.appendChild(el("div", "Sources"));
      root.appendChild(list);
      return root;
    },

    _bind: function (marker) {
      var i = marker.options.station, c = this._columns, map = this._map;
      // The app reads the station id back from this text ("... [ID]"): keep its form.
      marker.bindTooltip(esc(this._place(i) + " \u2014 " + c.bureau[i] + " [" + c.station_id[i] + "]"));
      // Popups pan clear of the zoom buttons (top left) and the layer switch (top right); a long
      // one scrolls inside, so that panning it into view never pushes its marker out.
      marker.bindPopup(L.bind(function (m) { return this._popup(m.options.station); }, this), {
        maxWidth: this.options.popupMaxWidth, maxHeight: Math.max(160, map.getSize().y - 150),
        autoPanPaddingTopLeft: [12, 84], autoPanPaddingBottomRight: [12, 12]
      });
    },

    _icon: function (i) {
      var c = this._columns, o = this.options;
      var unpublished = c.geo_precision[i] === "country";
      var key = c.bureau[i] + (unpublished ? "/u" : "");
      if (!this._icons[key]) {
        var colour = o.colours[c.bureau[i]] || o.unknownColour;
        var ink = o.letterColours[c.bureau[i]] || "#000";
        this._icons[key] = L.divIcon({
          className: "station-pin" + (unpublished ? " unpublished" : ""),
          html: "<span style=\"display:block;width:100%;height:100%;border-radius:50%;background:" +
            esc(colour) + ";color:" + esc(ink) + "\">" + esc(o.letters[c.bureau[i]] || "?") + "</span>",
          iconSize: [16, 16], iconAnchor: [8, 8], popupAnchor: [0, -8], tooltipAnchor: [8, 0]
        });
      }
      return this._icons[key];
    },

    // Bureau mix of a cluster, in the legend's order: [[bureau, count], ...].
    _mix: function (cl) {
      var counts = {}, bureau = this._columns.bureau;
      cl.getAllChildMarkers().forEach(function (m) {
        var b = bureau[m.options.station];
        counts[b] = (counts[b] || 0) + 1;
      });
      var order = Object.keys(this.options.colours);
      Object.keys(counts).forEach(function (b) { if (order.indexOf(b) < 0) { order.push(b); } });
      return order.filter(function (b) { return counts[b]; }).map(function (b) { return [b, counts[b]]; });
    },

    // A cluster drawn as a ring of its bureaus' colours (a conic gradient, each bureau's share of
    // the circle) around its count; its name says the same in words. The count is the icon's
    // only text.
    _clusterIcon: function (cl) {
      var o = this.options, total = cl.getChildCount();
      var stops = [], words = [], at = 0;
      this._mix(cl).forEach(function (pair) {
        var from = at / total * 360;
        at += pair[1];
        stops.push(esc(o.colours[pair[0]] || o.unknownColour) + " " + from.toFixed(1) + "deg " +
                   (at / total * 360).toFixed(1) + "deg");
        words.push(pair[1] + " " + (pair[0] === "Unknown" ? "bureau unknown" : pair[0]));
      });
      return new LabelledIcon({
        html: "<span class=\"station-cluster-ring\" style=\"background:conic-gradient(" + stops.join(",") +
          ")\"></span><span class=\"station-cluster-count\">" + total + "</span>",
        className: "station-cluster marker-cluster", iconSize: [36, 36],
        label: "Cluster of " + total + " stations: " + words.join(", ") + ". Press Enter to zoom in."
      });
    },

    // The country layer: fill by the action's colour group, outline (solid, dashed, dotted) by
    // the class in it; a country with no action recorded: no fill, a thin grey border.
    _countryLayer: function () {
      var o = this.options, countries = this._countries;
      return L.geoJSON(this._shapes, {
        style: function (f) {
          var k = countries[f.properties.iso2];
          var key = k ? k.strongest_key : "none";
          var style = o.actionOutlines[key] || "none";
          var outline = o.outlines[style] || {};
          var none = style === "none";
          return {color: none ? "#8c8477" : "#1f1f1f", weight: outline.weight || 0.6,
                  dashArray: outline.dashArray || null, lineCap: "round",
                  fillOpacity: none ? 0 : o.fillOpacity, fillColor: o.actionColours[key] || o.land};
        },
        onEachFeature: function (f, layer) {
          var k = countries[f.properties.iso2];
          // "Name (XX): action": the app reads the code back to filter to a clicked country.
          if (k) { layer.bindTooltip(esc(k.name + " (" + f.properties.iso2 + "): " + k.strongest)); }
        }
      });
    }
  });

  L.stationLayer = function (table, countries, shapes, options) {
    return new L.StationLayer(table, countries, shapes, options);
  };
})();
