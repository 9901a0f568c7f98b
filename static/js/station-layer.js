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

  // The reader's words for the map's English texts (L.stationWords, static/js/map-aids.js).
  var say = L.stationWords;

  // A source is a URL string or a [url, label] pair; the link text is the label, or the host.
  // `words`: the reader's words (a weak source's label is said in them: "{name} (weak source)").
  function sourceLink(entry, words) {
    var url = Array.isArray(entry) ? entry[0] : entry;
    var label = Array.isArray(entry) ? entry[1] : "";
    if (typeof url !== "string" || !WEB_URL.test(url)) { return null; }
    var host = url.replace(/^https?:\/\/(www\.)?/i, "").split(/[/?#]/)[0];
    var a = el("a", (typeof label === "string" && label.trim()) ? say(words, label) : host);
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

  // What the app reads of a click (stations/web/station_map.py, RETURNED): the clicked marker's
  // or country's tooltip, as streamlit-folium keeps it.
  var RETURNED = "last_object_clicked_tooltip";

  // A click on the map reaches the app at once. streamlit-folium reports what a click changed
  // 250 ms after it (its updates are debounced): a page link clicked in that time asks Streamlit
  // for the other page first, and the click, reported after it, names the page still shown (the
  // map), so Streamlit ran the map again and the link was lost. Sent as the click happens, the
  // click comes first and the link, newer, wins. The value is the one streamlit-folium would
  // send (its own update then finds nothing new and sends nothing); outside streamlit-folium
  // (the published map), or if the app asked it for more than the tooltip, nothing is done.
  function reportClickNow() {
    var data = window.__GLOBAL_DATA__, streamlit = window.Streamlit;
    if (!data || !streamlit || typeof streamlit.setComponentValue !== "function") { return; }
    var asked = data.returned_objects;
    if (!asked || asked.length !== 1 || asked[0] !== RETURNED) { return; }
    var value = {};
    value[RETURNED] = data[RETURNED];
    if (JSON.stringify(value) === JSON.stringify(data.previous_data)) { return; }
    data.previous_data = value;
    streamlit.setComponentValue(value);
  }

  // After the event's own handlers (streamlit-folium's among them) have recorded the click.
  function afterClick() { setTimeout(reportClickNow, 0); }

  // Once per frame: the same listener is not added twice.
  function reportClicksNow(map) {
    if (!window.__GLOBAL_DATA__) { return; }
    var doc = map.getContainer().ownerDocument;
    doc.addEventListener("click", afterClick, true);
    doc.addEventListener("keydown", afterClick, true);  // Enter or Space on a marker (onKey)
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

  // A popup that opens clear of every control of the map: the zoom buttons and the layer switch
  // above it, the scale, the legend and the attribution below it, with room under its tip for
  // its marker and the legs of a spread cluster (options.margin). It is no taller than the band
  // between them (a long one scrolls inside), and it pans into that band at once, not in an
  // animation that would cross the controls.
  var StationPopup = L.Popup.extend({
    options: {
      margin: 44  // room below the tip, in pixels
    },
    update: function () {
      var map = this._map;
      if (map && map.controlInsets) {
        var insets = map.controlInsets(), height = map.getSize().y;
        this.options.autoPanPaddingTopLeft = [12, insets.top + 8];
        this.options.autoPanPaddingBottomRight = [12, insets.bottom + this.options.margin];
        // The band, less the popup's own frame: its padding (about 30 px) and its tip (20 px).
        this.options.maxHeight = Math.max(120, height - insets.top - insets.bottom - this.options.margin - 70);
      }
      L.Popup.prototype.update.call(this);
    },
    _adjustPan: function () {
      var map = this._map, panBy = map.panBy;
      map.panBy = function (offset, options) {
        return panBy.call(map, offset, L.extend({}, options, {animate: false}));
      };
      try {
        L.Popup.prototype._adjustPan.call(this);
      } finally {
        map.panBy = panBy;
      }
    }
  });

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
      fillOpacity: 0.2,       // country tints (mapping.FILL_OPACITY): light, the layer steps back under the pins
      actionHatches: {},      // hatching angle of each strongest action's group (mapping.HATCH_ANGLES)
      hatch: {ink: "#1f1f1f", width: 1.25, spacing: 7}, // hatching lines: colour, width, spacing (px)
      land: "#f7f5f0",        // the basemap's land: the fill of a country with no action
      unknownColour: "#6b6b6b", // pin colour of a bureau with no colour of its own
      mapTitle: "Map of reported overseas police stations", // the frame's title, the map region's name
      words: {},              // English text -> the reader's language (mapping.map_words; empty in English)
      fitMaxZoom: 6,          // closest zoom of a fit to a filtered view...
      worldMaxZoom: 3,        // ...and of the world view
      precisionZoom: {},      // closest zoom each geocoding precision supports (mapping.PRECISION_ZOOM)
      controlMargin: 24,      // room between a control and a station's centre (a cluster's radius, 18, and more)
      popupMargin: 44,        // room below an open popup's tip: its marker, and the legs of a spread cluster
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
      this.building = true;   // until every chunk of the located stations is clustered
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
          if (done === total) { setTimeout(L.bind(self._built, self), 0); }
        },
        iconCreateFunction: L.bind(this._clusterIcon, this)
      });
      // Stations shown at country level (their location not published) are kept apart: they
      // never cluster with located stations, and several in one country show as one badge.
      // Their badges lie under the located stations' marks (a pane below the markers'): where a
      // country's point falls inside a city's cluster at a world scale, the city stays whole.
      this.unplaced = L.markerClusterGroup({
        spiderfyOnMaxZoom: true, showCoverageOnHover: false, zoomToBoundsOnClick: true,
        clusterPane: "stationBadges",
        maxClusterRadius: this.options.clusterRadius, removeOutsideVisibleBounds: false,
        iconCreateFunction: L.bind(this._badgeIcon, this)
      });
      var bind = L.bind(this._bind, this), label = L.bind(this._label, this);
      var c = this._columns, located = [], unplaced = [];
      for (var i = 0; i < table.n; i++) {
        var apart = c.geo_precision[i] === "country";
        this.markers[i] = new StationMarker([c.lat[i], c.lon[i]], {
          icon: this._icon(i), keyboard: true, title: "", station: i, label: label, bind: bind,
          pane: apart ? "stationBadges" : "markerPane"
        });
        (apart ? unplaced : located).push(this.markers[i]);
        if (this.options.selected && c.station_id[i] === this.options.selected) { this.selected = i; }
      }
      this.cluster.addLayers(located);
      this.unplaced.addLayers(unplaced);
      this.stations = L.layerGroup([this.cluster, this.unplaced]);
      [this.cluster, this.unplaced].forEach(function (group) {
        group.on("keydown clusterkeydown", onKey);
        group.on("clusterkeydown", this._focusRevealed, this);
      }, this);
    },

    onAdd: function (map) {
      var o = this.options;
      map.options.mapTitle = o.mapTitle;
      map.options.mapWords = o.words;
      if (!map.getPane("stationBadges")) { map.createPane("stationBadges").style.zIndex = 590; }
      if (this._shapes.features.length) {
        this.countryLayer = this._countryLayer();
        this.addLayer(this.countryLayer);
        this._addHatches(this.countryLayer);
        outOfTabOrder(this.countryLayer);
      }
      this.legend = L.control.stationLegend({
        colours: o.colours, letterColours: o.letterColours, letters: o.letters,
        bureauOrder: o.bureauOrder, actionClasses: o.actionClasses, hatch: o.hatch,
        countries: Boolean(this.countryLayer), words: o.words
      }).addTo(map);
      var box = this.legend.getContainer();
      box.parentNode.appendChild(box);  // lowest in its corner
      ["attributionClearance", "mapName", "stationFocus", "stationGestures", "layoutWatch"].forEach(function (name) {
        if (map[name]) { map[name].enable(); }
      });
      reportClicksNow(map);
      map.on("stationlayout", this._onLayout, this);
      map.on("basemap:keepout", this._keepOut, this);
      // No zoom closer than the most precise station supports (city level for city rows): the
      // clusters then spread their shared points at that zoom instead of at street level.
      map.setMaxZoom(this._zoomCap());
      // Stations shown at country level step aside from the located ones they would hide under.
      map.on("zoomend moveend", this._nudge, this);
      this.cluster.on("animationend spiderfied unspiderfied", this._nudge, this);
      this.unplaced.on("animationend spiderfied unspiderfied", this._nudge, this);
      if (this._n) {
        // Before the cluster is on the map and without animation: a zoom that ends while the
        // cluster is still being built breaks markercluster ("reading 'lat'" in _recursively).
        this._fit();
      }
      L.FeatureGroup.prototype.onAdd.call(this, map);
      this.addLayer(this.stations);
      var overlays = {};
      if (this.countryLayer) { overlays[say(o.words, "Strongest government action")] = this.countryLayer; }
      overlays[say(o.words, "Stations")] = this.stations;
      this.layers = L.control.layers(null, overlays, {collapsed: true}).addTo(map);
    },

    onRemove: function (map) {
      map.off("stationlayout", this._onLayout, this);
      map.off("basemap:keepout", this._keepOut, this);
      map.off("zoomend moveend", this._nudge, this);
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

    // fitBounds options that keep every station and cluster clear of every control: the
    // stations are fitted into the band the controls leave (below the zoom buttons and the
    // layer switch, above the scale, the legend and the attribution).
    _fitOptions: function () {
      var map = this._map, o = this.options, m = o.controlMargin;
      var insets = map.controlInsets(), height = map.getSize().y;
      var top = insets.top + m, bottom = insets.bottom + m;
      var spare = height - top - bottom;
      if (spare < 2 * m) {  // a map too small for its controls: keep what room there is, evenly
        top = bottom = Math.max(m, (height - 2 * m) / 2);
      }
      return {maxZoom: o.fit ? o.fitMaxZoom : o.worldMaxZoom, animate: false,
              paddingTopLeft: [m, top], paddingBottomRight: [m, bottom]};
    },

    _fit: function () {
      var map = this._map, bounds = this._bounds(), options = this._fitOptions();
      map.layoutWatch.ownMove(function () { map.fitBounds(bounds, options); });
    },

    // The frame was resized, or the controls take other room (leaflet.css arriving, the credits
    // wrapping, the legend opened): the stations are fitted again, unless the reader has moved
    // the map (their view is theirs) or a station link has shown its station. A selected
    // station's popup is panned clear again.
    // No refit while the located stations are still being clustered in chunks: a zoom that ends
    // then breaks markercluster ("reading 'lat'" in _recursively, its zoom animation left
    // running for good), and the band's first change (leaflet.css arriving) comes in that time
    // at a large table. The refit waits for the last chunk (see _built).
    _onLayout: function (e) {
      if (!this._n) { return; }
      if (this.building) {
        this._layoutPending = true;
        return;
      }
      // An open popup is kept clear of the controls whoever moved the map (its own pan into
      // view counts as a move), and its station with it.
      var popup = this._popupOpen();
      if (popup) {
        popup.update();
        return;
      }
      if (!e.readerMoved && !this.selecting) { this._fit(); }
      this._showSelected();
    },

    // Every chunk is clustered and drawn: a refit held back meanwhile is done now (unless the
    // reader has moved the map since), then the selected station is shown.
    _built: function () {
      this.building = false;
      if (!this._map) { return; }
      if (this._layoutPending) {
        this._layoutPending = false;
        this._onLayout({readerMoved: this._map.layoutWatch.readerMoved});
      } else {
        this._showSelected();
      }
    },

    // A station link's station is shown once its layer is built and the controls are laid out
    // as Leaflet's (leaflet.css applied, which streamlit-folium adds after the scripts have
    // run): before that the room the controls take is not known, and a popup opened then was
    // placed, and its station zoomed, for a band that did not exist (under the scale, at zoom 0).
    // The stylesheet's arrival fires "stationlayout" (L.Map.LayoutWatch), which comes here again.
    _showSelected: function () {
      if (this.selected < 0 || this.selecting || !this._map.controlsStyled()) { return; }
      this._select();
    },

    _popupOpen: function () {
      var popup = this._map && this._map._popup;
      return popup && popup.isOpen() && popup instanceof StationPopup ? popup : null;
    },

    // The closest zoom station i's placement supports; with no i, the closest any station in
    // the layer supports (the map's own limit).
    _zoomCap: function (i) {
      var zooms = this.options.precisionZoom, c = this._columns, map = this._map;
      var most = map ? map.getMaxZoom() : 18;
      if (i !== undefined) { return Math.min(most, zooms[c.geo_precision[i]] || most); }
      var cap = 0;
      for (var j = 0; j < this._n; j++) { cap = Math.max(cap, zooms[c.geo_precision[j]] || most); }
      return Math.min(most, cap || most);
    },

    _groupOf: function (marker) {
      return this.cluster.hasLayer(marker) ? this.cluster : this.unplaced;
    },

    // The selected station: zoomed to no closer than its placement supports, spread from the
    // stations that share its point (as a click on their cluster spreads them), popup open.
    // Every move here is the map's own, without animation.
    _select: function () {
      if (this.selected < 0 || !this._map) { return; }
      var map = this._map, m = this.markers[this.selected], group = this._groupOf(m);
      this.selecting = true;  // from here on the view is the selected station's, not the fit
      var split = m.__parent ? m.__parent._zoom + 1 : map.getZoom();
      var zoom = Math.min(this._zoomCap(this.selected), Math.max(split, map.getZoom()));
      // Without markercluster's zoom animation either: from a world view, the station's cluster
      // would fly in from where its ancestor was drawn, across the controls in a corner.
      var groups = [this.cluster, this.unplaced].filter(function (g) {
        return g._animationZoomIn === g._withAnimation._animationZoomIn;
      });
      groups.forEach(function (g) { L.extend(g, g._noAnimation); });
      try {
        map.layoutWatch.ownMove(function () { map.setView(m.getLatLng(), zoom, {animate: false}); });
      } finally {
        groups.forEach(function (g) { L.extend(g, g._withAnimation); });
      }
      function open() {
        if (group._inZoomAnimation) { group.once("animationend", open); return; }
        if (m._icon) { m.openPopup(); return; }
        var parent = group.getVisibleParent(m);
        if (!parent || !parent.spiderfy) { m.openPopup(); return; }
        group.once("spiderfied", function () { m.openPopup(); });
        parent.spiderfy();
      }
      open();
    },

    // After Enter on a cluster, focus moves to the first of the stations it revealed (the first
    // in the Tab order), once the zoom or the spread is done; not to the map.
    _focusRevealed: function (e) {
      var key = e.originalEvent && e.originalEvent.key;
      if (key !== "Enter" && key !== " " && key !== "Spacebar") { return; }
      var group = e.target, children = e.layer.getAllChildMarkers();
      var done = false;
      function focus() {
        if (done || group._inZoomAnimation) { return; }
        done = true;
        group.off("animationend spiderfied", focus);
        var icons = [];
        children.forEach(function (child) {
          var shown = child._icon ? child : group.getVisibleParent(child);
          if (shown && shown._icon && icons.indexOf(shown._icon) < 0) { icons.push(shown._icon); }
        });
        icons.sort(function (a, b) {
          return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
        });
        if (icons.length) { icons[0].focus({preventScroll: true}); }
      }
      group.on("animationend spiderfied", focus);
      // A zoom that markercluster draws without animation fires neither: the next frame checks.
      L.Util.requestAnimFrame(function () { L.Util.requestAnimFrame(focus); });
    },

    // A country's point may fall under a city's pin or cluster (a small country at a world
    // scale): the mark of its stations shown at country level then steps aside, by the
    // smallest of a few offsets that clears every located mark and every control, so that it stays in sight and
    // within reach. Only where it is drawn moves: it still stands for the whole country.
    _nudge: function () {
      if (!this._map) { return; }
      var taken = [];
      function rect(icon) { return icon.getBoundingClientRect(); }
      function hits(r, dx, dy) {
        return taken.some(function (t) {
          return r.left + dx < t.right && r.right + dx > t.left && r.top + dy < t.bottom && r.bottom + dy > t.top;
        });
      }
      this.cluster._featureGroup.eachLayer(function (l) { if (l._icon) { taken.push(rect(l._icon)); } });
      // Nor under a control (see L.Map.controlInsets).
      var controls = this._map.getContainer().querySelectorAll(".leaflet-control-container .leaflet-control");
      Array.prototype.forEach.call(controls, function (control) { taken.push(rect(control)); });
      var steps = [[0, 0]];
      [30, 48].forEach(function (d) {
        [[0, 1], [1, 0], [0, -1], [-1, 0], [1, 1], [-1, 1], [1, -1], [-1, -1]].forEach(function (v) {
          steps.push([v[0] * d, v[1] * d]);
        });
      });
      this.unplaced._featureGroup.eachLayer(function (l) {
        var icon = l._icon;
        if (!icon) { return; }
        if (!icon.hasAttribute("data-margin")) {
          icon.setAttribute("data-margin", icon.style.marginLeft + " " + icon.style.marginTop);
        }
        var margin = icon.getAttribute("data-margin").split(" ");
        icon.style.marginLeft = margin[0];
        icon.style.marginTop = margin[1];
        var r = rect(icon);
        for (var k = 0; k < steps.length; k++) {
          if (!hits(r, steps[k][0], steps[k][1])) {
            icon.style.marginLeft = (parseFloat(margin[0]) + steps[k][0]) + "px";
            icon.style.marginTop = (parseFloat(margin[1]) + steps[k][1]) + "px";
            r = {left: r.left + steps[k][0], right: r.right + steps[k][0], top: r.top + steps[k][1], bottom: r.bottom + steps[k][1]};
            break;
          }
        }
        taken.push(r);
      });
    },

    // The basemap keeps its place names off the stations shown at country level, so that no
    // such station reads as a city's (see static/js/basemap.js, Labels).
    _keepOut: function (e) {
      var c = this._columns;
      for (var i = 0; i < this._n; i++) {
        if (c.geo_precision[i] === "country") { e.points.push(L.latLng(c.lat[i], c.lon[i])); }
      }
    },

    // ---- what each station shows ----

    _place: function (i) {
      var c = this._columns, w = this.options.words, country = say(w, c.country[i]);
      return c.city[i] ? say(w, "{city}, {country}", {city: say(w, c.city[i]), country: country}) :
        say(w, "{country} (location not published)", {country: country});
    },

    _bureau: function (b) {
      var w = this.options.words;
      return b === "Unknown" ? say(w, "bureau unknown") : say(w, "{bureau} bureau", {bureau: say(w, b)});
    },

    _label: function (i) {
      return this._place(i) + ": " + this._bureau(this._columns.bureau[i]);
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
        if (f.values && f.values[value]) { value = say(o.words, f.values[value]); }
        if (f.column === "bureau") { value = say(o.words, value); }
        var extra = f.detail ? String(c[f.detail][i]) : "";
        row(say(o.words, f.label), value && extra ? value + " (" + extra + ")" : value);
      });
      var k = this._countries[c.iso2[i]];
      var said = function (a) { return say(o.words, a); };
      row(say(o.words, "Host government"), k ? (k.actions.length ? k.actions.map(said).join("; ") : said(k.strongest)) : "");
      root.appendChild(dl);
      var list = el("ol");
      (c.sources[i] || []).forEach(function (entry) {
        var a = sourceLink(entry, o.words);
        if (!a) { return; }
        var li = el("li");
        li.appendChild(a);
        list.appendChild(li);
      });
      root.appendChild(el("div", say(o.words, "Sources")));
      root.appendChild(list);
      return root;
    },

    _bind: function (marker) {
      var i = marker.options.station, c = this._columns;
      // The app reads the station id back from this text ("... [ID]"): keep its form.
      marker.bindTooltip(esc(this._place(i) + " \u2014 " + say(this.options.words, c.bureau[i]) + " [" + c.station_id[i] + "]"));
      // Popups pan clear of every control (see StationPopup); a long one scrolls inside.
      marker.bindPopup(new StationPopup({
        maxWidth: this.options.popupMaxWidth, margin: this.options.popupMargin
      }, marker).setContent(L.bind(function (m) { return this._popup(m.options.station); }, this)));
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
        words.push(pair[1] + " " + (pair[0] === "Unknown" ? say(o.words, "bureau unknown") : say(o.words, pair[0])));
      });
      return new LabelledIcon({
        html: "<span class=\"station-cluster-ring\" style=\"background:conic-gradient(" + stops.join(",") +
          ")\"></span><span class=\"station-cluster-count\">" + total + "</span>",
        className: "station-cluster marker-cluster", iconSize: [36, 36],
        label: say(o.words, "Cluster of {total} stations: {bureaus}. Press Enter to zoom in.",
                   {total: total, bureaus: words.join(say(o.words, ", "))})
      });
    },

    // Stations shown at country level, several in one place: a badge (a dashed ring, as each
    // of them has) with their count, named in words; never mixed with located stations.
    _badgeIcon: function (cl) {
      var c = this._columns, w = this.options.words, total = cl.getChildCount(), countries = {};
      cl.getAllChildMarkers().forEach(function (m) {
        var name = c.country[m.options.station];
        countries[name] = (countries[name] || 0) + 1;
      });
      var words = Object.keys(countries).sort().map(function (name) {
        return say(w, "{count} in {country}", {count: countries[name], country: say(w, name)});
      });
      return new LabelledIcon({
        html: "<span class=\"station-badge-count\">+" + total + "</span>",
        className: "station-badge marker-cluster", iconSize: [30, 30],
        label: say(w, "{total} stations whose location is not published ({countries}), shown in their " +
                   "country. Press Enter to spread them.", {total: total, countries: words.join(say(w, ", "))})
      });
    },

    // The id of the SVG pattern that fills a country whose strongest action is `key`.
    _hatchId: function (key) {
      var colour = this.options.actionColours[key] || "";
      return "station-hatch-" + colour.replace(/[^0-9a-z]/gi, "").toLowerCase();
    },

    // The hatchings, one SVG pattern per fill group, in the country layer's own <svg>: a tile
    // of the group's tint (its colour at fillOpacity: the land shows through, as under a plain
    // fill) crossed by one ink line, turned to the group's angle. Leaflet writes a path's
    // fillColor into its fill attribute as it is, so "url(#id)" fills the country with it.
    _addHatches: function (group) {
      var o = this.options, first = group.getLayers()[0];
      var svg = first && first._renderer && first._renderer._container;
      if (!svg || !svg.namespaceURI || svg.namespaceURI.indexOf("svg") < 0) { return; }
      var ns = svg.namespaceURI, h = o.hatch, defs = svg.querySelector("defs");
      if (!defs) { defs = svg.insertBefore(document.createElementNS(ns, "defs"), svg.firstChild); }
      function node(tag, attrs, parent) {
        var n = document.createElementNS(ns, tag);
        Object.keys(attrs).forEach(function (a) { n.setAttribute(a, attrs[a]); });
        return parent.appendChild(n);
      }
      Object.keys(o.actionHatches).forEach(function (key) {
        var id = this._hatchId(key);
        if (defs.querySelector("#" + id)) { return; }
        var tile = node("pattern", {id: id, patternUnits: "userSpaceOnUse", width: h.spacing, height: h.spacing,
                                    patternTransform: "rotate(" + (-o.actionHatches[key]) + ")"}, defs);
        node("rect", {width: h.spacing, height: h.spacing, fill: o.actionColours[key],
                      "fill-opacity": o.fillOpacity}, tile);
        node("line", {x1: 0, y1: h.spacing / 2, x2: h.spacing, y2: h.spacing / 2, stroke: h.ink,
                      "stroke-width": h.width}, tile);
      }, this);
    },

    // The country layer: a light tint of the action's colour group under the group's hatching,
    // outline (solid, dashed, dotted) by the class in it; a country with no action recorded: no
    // fill, a thin grey border. Without an SVG renderer (no patterns) the tint alone is drawn.
    _countryLayer: function () {
      var o = this.options, countries = this._countries, self = this;
      var svg = !this._map || !this._map.options.preferCanvas;
      return L.geoJSON(this._shapes, {
        style: function (f) {
          var k = countries[f.properties.iso2];
          var key = k ? k.strongest_key : "none";
          var style = o.actionOutlines[key] || "none";
          var outline = o.outlines[style] || {};
          var none = style === "none";
          var hatched = !none && svg && o.actionHatches[key] !== undefined;
          return {color: none ? "#8c8477" : "#1f1f1f", weight: outline.weight || 0.6,
                  dashArray: outline.dashArray || null, lineCap: "round",
                  fillOpacity: none ? 0 : (hatched ? 1 : o.fillOpacity),
                  fillColor: hatched ? "url(#" + self._hatchId(key) + ")" : (o.actionColours[key] || o.land)};
        },
        onEachFeature: function (f, layer) {
          var k = countries[f.properties.iso2];
          // "Name (XX): action": the app reads the code back to filter to a clicked country.
          if (k) {
            layer.bindTooltip(esc(say(o.words, k.name) + " (" + f.properties.iso2 + "): " + say(o.words, k.strongest)));
          }
        }
      });
    }
  });

  L.stationLayer = function (table, countries, shapes, options) {
    return new L.StationLayer(table, countries, shapes, options);
  };
})();
