// The station layer: clustered station markers, the country layer, a legend and a layer switch.
//
// stations/map/mapping.py (StationLayer) loads this file after Leaflet and markercluster and calls
//   L.stationLayer(map, data, countries, shapes, opts)
// with JSON only: `data` is the column-oriented station table ({n, columns: {field: [...]}}),
// `countries` what each host government did, `shapes` their outlines (GeoJSON) and `opts` the
// labels, colours and view options. The data is text, never markup: popups are built with
// textContent, tooltips are HTML-escaped, and only http(s) sources become links.
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

  function row(dl, label, value) {
    if (!value) { return; }
    dl.appendChild(el("dt", label));
    dl.appendChild(el("dd", value));
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

  // ---- Reading aids: accessible names, keyboard selection, cluster mix, legend, touch ----
  // Each function below stands alone; stationLayer calls them.

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

  // Bureau mix of a cluster, in the legend's order: [[bureau, count], ...].
  function bureauMix(cl, c, opts) {
    var counts = {};
    cl.getAllChildMarkers().forEach(function (m) {
      var b = c.bureau[m.options.station];
      counts[b] = (counts[b] || 0) + 1;
    });
    var order = Object.keys(opts.colours);
    Object.keys(counts).forEach(function (b) { if (order.indexOf(b) < 0) { order.push(b); } });
    return order.filter(function (b) { return counts[b]; }).map(function (b) { return [b, counts[b]]; });
  }

  // A cluster drawn as a ring of its bureaus' colours (a conic gradient, each bureau's share of
  // the circle) around its count; its name says the same in words. The count is the icon's
  // only text.
  function clusterIcon(cl, c, opts) {
    var total = cl.getChildCount();
    var mix = bureauMix(cl, c, opts);
    var stops = [], words = [], at = 0;
    mix.forEach(function (pair) {
      var from = at / total * 360;
      at += pair[1];
      stops.push(esc(opts.colours[pair[0]] || "#6b6b6b") + " " + from.toFixed(1) + "deg " +
                 (at / total * 360).toFixed(1) + "deg");
      words.push(pair[1] + " " + (pair[0] === "Unknown" ? "bureau unknown" : pair[0]));
    });
    return new LabelledIcon({
      html: "<span class=\"station-cluster-ring\" style=\"background:conic-gradient(" + stops.join(",") +
        ")\"></span><span class=\"station-cluster-count\">" + total + "</span>",
      className: "station-cluster marker-cluster", iconSize: [36, 36],
      label: "Cluster of " + total + " stations: " + words.join(", ") + ". Press Enter to zoom in."
    });
  }

  // Enter or Space on a focused marker does what a click does: opens its popup and selects the
  // station in the app (streamlit-folium listens to clicks); on a cluster it zooms in. The key's
  // default is prevented, so no keypress follows (Leaflet would toggle the popup again) and
  // Space does not scroll the page.
  function keyboardSelect(group) {
    function onKey(e) {
      var key = e.originalEvent && e.originalEvent.key;
      if (key !== "Enter" && key !== " " && key !== "Spacebar") { return; }
      var layer = e.layer || e.sourceTarget || e.propagatedFrom;
      if (!layer || !layer.getLatLng) { return; }
      L.DomEvent.preventDefault(e.originalEvent);
      layer.fire("click", {originalEvent: e.originalEvent, latlng: layer.getLatLng()}, true);
    }
    group.on("keydown clusterkeydown", onKey);
  }

  // A press on the map focuses the map (Leaflet's keyboard handler, so that the arrow keys move
  // it) or the pressed pin, cluster or country (the browser's default). Either focus, left to
  // itself, scrolls the host page until the whole map is in view: when the map's bottom is
  // below the fold, the page moves between the press and the release, the release lands beside
  // the pin, and the browser sends the click to the map: no popup opens, an open one closes.
  // The same element is focused here without scrolling; controls and popups keep their own
  // handling (a popup's text stays selectable).
  function focusWithoutScroll(map) {
    var box = map.getContainer();
    if (map.keyboard) { L.DomEvent.off(box, "mousedown", map.keyboard._onMouseDown, map.keyboard); }
    box.addEventListener("mousedown", function (e) {
      var target = e.target;
      if (!target.closest || target.closest(".leaflet-control-container, .leaflet-popup")) { return; }
      var focusable = target.closest("[tabindex]");
      if (!focusable || !box.contains(focusable)) { focusable = box; }
      e.preventDefault();
      if (document.activeElement !== focusable) { focusable.focus({preventScroll: true}); }
    }, true);
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

  // The map's iframe (streamlit-folium's, same origin as the page) is named for what it shows.
  function nameMapFrame(opts) {
    var title = opts.frameTitle || "Map of reported overseas police stations";
    document.title = title;
    try {
      if (window.frameElement) {
        window.frameElement.title = title;
        window.frameElement.setAttribute("data-station-map", "");
      }
    } catch (e) { /* another origin: leave its title alone */ }
  }

  // Gesture handling as news maps do it, by leaflet-gesture-handling (in the Leaflet bundle): on
  // a touch screen one finger scrolls the page and two fingers move the map; with a mouse the
  // wheel scrolls the page and ctrl (cmd on a Mac) + wheel zooms, the +/- buttons and the
  // keyboard too. The same on the dashboard and in an article's embed: a map that takes every
  // swipe or wheel turn traps the reader. The messages are English, as is the page, whatever
  // the browser's language (the plugin would pick one of its translations).
  var GESTURE_TEXT = {
    touch: "Use two fingers to move the map",
    scroll: "Use ctrl + scroll to zoom the map",
    scrollMac: "Use \u2318 + scroll to zoom the map"
  };
  function gestureHandling(map) {
    if (!map.gestureHandling) { return; }
    // A fresh object: the plugin's default lives on L.Map's prototype, shared by every map.
    map.options.gestureHandlingOptions = {text: GESTURE_TEXT, duration: 1500};
    map.gestureHandling.enable();
    // The plugin turns dragging on when a mouse enters the map and when two fingers land, and
    // leaves it on. A tap sends the browser's compatibility mouse events (a mouse "entering"),
    // and the browser decides whether a touch may scroll the page when the finger lands, from
    // the map's touch-action, before any script runs: the next one-finger swipe would move
    // neither the page nor the map. So dragging goes off when the last finger lifts and stays
    // off through a tap's mouse events; a real mouse still turns it on as it enters.
    var lastPointer = "";
    var box = map.getContainer();
    box.addEventListener("pointerdown", function (e) { lastPointer = e.pointerType; }, true);
    function fingersUp(e) {
      if (!e.touches || e.touches.length === 0) { map.dragging.disable(); }
    }
    box.addEventListener("touchend", fingersUp);
    box.addEventListener("touchcancel", fingersUp);
    map.on("mouseover", function () { if (lastPointer === "touch") { map.dragging.disable(); } });
  }

  // One legend entry: a swatch (an <i>, styled by the caller) and its text.
  function legendLine(box, text, style, cls, letter) {
    var line = el("span", null, "station-legend-entry");
    var swatch = el("i", letter || null, cls || null);
    swatch.setAttribute("aria-hidden", "true");
    Object.keys(style).forEach(function (k) { swatch.style[k] = style[k]; });
    line.appendChild(swatch);
    line.appendChild(document.createTextNode(text));
    box.appendChild(line);
  }

  // The legend explains everything drawn: pins and their letters, the dashed ring, clusters and
  // the country fill. Bottom left, open where the map has room, a disclosure everywhere.
  function legendControl(map, opts, hasShapes) {
    var legend = L.control({position: "bottomleft"});
    // Open where a strip fits (a desktop map); folded on a phone.
    legend.onAdd = function () {
      var size = map.getSize();
      var region = el("div", null, "station-legend-region");
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", "Map legend");
      var outer = el("details", null, "station-legend");
      region.appendChild(outer);
      outer.open = size.x >= 600 && size.y >= 420;
      outer.appendChild(el("summary", "Legend"));
      var box = el("div", null, "station-legend-body");
      box.style.maxHeight = Math.max(120, size.y - 130) + "px";
      outer.appendChild(box);
      // One strip along the bottom edge (a world map's empty Southern Ocean): each entry inline.
      var strip = el("div", null, "station-legend-strip");
      box.appendChild(strip);
      opts.bureauOrder.forEach(function (b) {
        legendLine(strip, b === "Unknown" ? "Bureau unknown" : b,
                   {background: opts.colours[b], color: (opts.letterColours || {})[b] || "#000"},
                   "pin", opts.letters[b] || "?");
      });
      legendLine(strip, "Location not published (shown in its country)", {}, "pin unpublished", "");
      legendLine(strip, "Cluster: count of stations, ring of their bureaus",
                 {background: "conic-gradient(" + opts.bureauOrder.map(function (b, k, all) {
                   return esc(opts.colours[b]) + " " + (k / all.length * 360) + "deg " +
                     ((k + 1) / all.length * 360) + "deg";
                 }).join(",") + ")"}, "ring");
      if (hasShapes) {
        // Folded: open, it would cover stations; the tooltips say each country's action too.
        var fills = el("details", null, "station-legend-countries");
        fills.appendChild(el("summary", "Country: government's strongest action"));
        // Each swatch as the map draws the class: its fill, and its outline's style.
        (opts.actionClasses || []).forEach(function (k) {
          var none = k.outline === "none";
          legendLine(fills, k.label, {
            background: none ? "transparent" : k.colour, opacity: 1,
            border: (none ? "1px solid #8c8477" : "2px " + (k.outline || "solid") + " #1f1f1f"),
            boxShadow: "none"
          }, "sq " + (k.outline || "solid"));
        });
        box.appendChild(fills);
      }
      L.DomEvent.disableClickPropagation(region);
      L.DomEvent.disableScrollPropagation(region);
      return region;
    };
    return legend;
  }

  // On a narrow map the attribution wraps across the whole bottom edge and covers the bottom-left
  // corner (the scale and the legend's toggle). Whenever the two would overlap, the bottom-left
  // corner is lifted to sit just above the attribution; it drops back when there is room again.
  // The attribution changes after load (the basemap adds its credits), and the frame is resized
  // (a phone turned), so both are watched.
  function clearOfAttribution(map) {
    var corners = map._controlCorners || {};
    var left = corners.bottomleft, right = corners.bottomright;
    if (!left || !right || !window.ResizeObserver) { return; }
    function place() {
      left.style.bottom = "";
      var credit = right.querySelector(".leaflet-control-attribution");
      if (!credit || !credit.offsetHeight) { return; }
      var c = credit.getBoundingClientRect(), l = left.getBoundingClientRect();
      if (l.width && l.right > c.left && l.bottom > c.top) {
        left.style.bottom = Math.ceil(right.getBoundingClientRect().bottom - c.top) + "px";
      }
    }
    var watch = new ResizeObserver(place);
    watch.observe(map.getContainer());
    watch.observe(right);
    watch.observe(left);
    place();
  }

  // fitBounds padding that keeps the stations clear of an open legend (a strip at the bottom).
  function fitPadding(map, legend, fit) {
    var options = {maxZoom: fit ? 6 : 3, padding: [20, 20], animate: false};
    var box = legend && legend.getContainer().querySelector(".station-legend");
    if (box && box.open) {
      // From the legend's top to the map's bottom edge (the legend may sit above the attribution).
      var top = box.getBoundingClientRect().top - map.getContainer().getBoundingClientRect().top;
      options.paddingBottomLeft = [20, map.getSize().y - top + 24];
      options.paddingTopRight = [20, 20];
    }
    return options;
  }
  // When the map's frame changes size (an article's iframe made taller or narrower, a phone
  // turned), Leaflet is told the new size and the stations are fitted again, unless the reader
  // has moved the map (or a selected station placed it): their view is theirs. fit() draws the
  // view; moves made by fit() or by the resize itself are not the reader's.
  function refitOnResize(map, fit, alreadyPlaced) {
    if (!window.ResizeObserver) { return; }
    var box = map.getContainer();
    var own = false, readerMoved = !!alreadyPlaced;
    map.on("movestart zoomstart", function () { if (!own) { readerMoved = true; } });
    var last = [box.clientWidth, box.clientHeight];
    new ResizeObserver(function () {
      var now = [box.clientWidth, box.clientHeight];
      if (!now[0] || !now[1] || (now[0] === last[0] && now[1] === last[1])) { return; }
      last = now;
      own = true;
      try {
        map.invalidateSize({pan: false});
        if (!readerMoved) { fit(); }
      } finally {
        own = false;
      }
    }).observe(box);
  }
  // ---- end of reading aids ----

  function stationLayer(map, data, countries, shapes, opts) {
    var c = data.columns;

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
    }

    var icons = {};
    function icon(i) {
      var unpublished = c.geo_precision[i] === "country";
      var key = c.bureau[i] + (unpublished ? "/u" : "");
      if (!icons[key]) {
        var colour = opts.colours[c.bureau[i]] || "#6b6b6b";
        var ink = (opts.letterColours || {})[c.bureau[i]] || "#000";
        icons[key] = L.divIcon({
          className: "station-pin" + (unpublished ? " unpublished" : ""),
          html: "<span style=\"display:block;width:100%;height:100%;border-radius:50%;background:" +
            esc(colour) + ";color:" + esc(ink) + "\">" + esc(opts.letters[c.bureau[i]] || "?") + "</span>",
          iconSize: [16, 16], iconAnchor: [8, 8], popupAnchor: [0, -8], tooltipAnchor: [8, 0]
        });
      }
      return icons[key];
    }

    var markers = new Array(data.n);
    var selected = -1;

    function select() {
      if (selected < 0) { return; }
      var m = markers[selected];
      cluster.zoomToShowLayer(m, function () { m.openPopup(); });
    }

    var cluster = L.markerClusterGroup({
      spiderfyOnMaxZoom: true, showCoverageOnHover: false, zoomToBoundsOnClick: true,
      // Chunked so that a big table keeps the page responsive; markers show only once every
      // chunk is in, so the pause between chunks is kept short (markercluster's default is 50 ms).
      maxClusterRadius: 40, chunkedLoading: true, chunkDelay: 5,
      // markercluster takes markers off the map once they leave the view, which closes their
      // popup: a popup opened near the map's edge and auto-panned clear of the controls pushed
      // its own marker out and vanished. Only large tables need that saving.
      removeOutsideVisibleBounds: data.n > 5000,
      // Called after each chunk; the last call comes before the clusters are drawn.
      chunkProgress: function (done, total) {
        if (done === total) { setTimeout(select, 0); }
      },
      iconCreateFunction: function (cl) { return clusterIcon(cl, c, opts); }
    });

    // One content function and one options object for every popup (built when opened).
    function popupOf(marker) { return popup(marker.options.station); }
    // Popups pan clear of the zoom buttons (top left) and the layer switch (top right); a long
    // one scrolls inside, so that panning it into view never pushes its marker out.
    var popupOptions = {maxWidth: 320, maxHeight: Math.max(160, map.getSize().y - 150),
                        autoPanPaddingTopLeft: [12, 84], autoPanPaddingBottomRight: [12, 12]};
    function stationLabel(i) {
      return place(i) + ": " + (c.bureau[i] === "Unknown" ? "bureau unknown" : c.bureau[i] + " bureau");
    }
    function bind(marker) {
      var i = marker.options.station;
      // The app reads the station id back from this text ("... [ID]"): keep its form.
      marker.bindTooltip(esc(place(i) + " \u2014 " + c.bureau[i] + " [" + c.station_id[i] + "]"));
      marker.bindPopup(popupOf, popupOptions);
    }
    for (var i = 0; i < data.n; i++) {
      var m = new StationMarker([c.lat[i], c.lon[i]], {icon: icon(i), keyboard: true, title: "", station: i,
                                                       label: stationLabel, bind: bind});
      markers[i] = m;
      if (opts.selected && c.station_id[i] === opts.selected) { selected = i; }
    }
    cluster.addLayers(markers);

    var overlays = {};
    if (shapes.features.length) {
      var countryLayer = L.geoJSON(shapes, {
        style: function (f) {
          // Fill by the action's colour group, outline (solid, dashed, dotted) by the class in
          // it; a country with no action recorded: no fill, a thin grey border.
          var k = countries[f.properties.iso2];
          var key = k ? k.strongest_key : "none";
          var style = (opts.actionOutlines || {})[key] || "none";
          var outline = (opts.outlines || {})[style] || {};
          var none = style === "none";
          return {color: none ? "#8c8477" : "#1f1f1f", weight: outline.weight || 0.6,
                  dashArray: outline.dashArray || null, lineCap: "round",
                  fillOpacity: none ? 0 : (opts.fillOpacity || 0.75),
                  fillColor: opts.actionColours[key] || "#f7f5f0"};
        },
        onEachFeature: function (f, layer) {
          var k = countries[f.properties.iso2];
          // "Name (XX): action": the app reads the code back to filter to a clicked country.
          if (k) { layer.bindTooltip(esc(k.name + " (" + f.properties.iso2 + "): " + k.strongest)); }
        }
      });
      countryLayer.addTo(map);
      outOfTabOrder(countryLayer);
      overlays["Strongest government action"] = countryLayer;
    }

    var legend = legendControl(map, opts, shapes.features.length > 0).addTo(map);
    legend.getContainer().parentNode.appendChild(legend.getContainer());  // lowest in its corner
    clearOfAttribution(map);
    nameMapFrame(opts);
    focusWithoutScroll(map);
    gestureHandling(map);

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
      var stationBounds = [[south, west], [north, east]];
      map.fitBounds(stationBounds, fitPadding(map, legend, opts.fit));
      refitOnResize(map, function () {
        map.fitBounds(stationBounds, fitPadding(map, legend, opts.fit));
      }, selected >= 0);
    }
    cluster.addTo(map);
    overlays["Stations"] = cluster;
    L.control.layers(null, overlays, {collapsed: true}).addTo(map);


    keyboardSelect(cluster);
    return {cluster: cluster, markers: markers};
  }

  L.stationLayer = stationLayer;
})();
