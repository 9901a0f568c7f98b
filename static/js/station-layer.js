// The station layer: clustered station markers, the country layer, a legend and a layer switch.
//
// stations/mapping.py (StationLayer) loads this file after Leaflet and markercluster and calls
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
        icons[key] = L.divIcon({
          className: "station-pin" + (unpublished ? " unpublished" : ""),
          html: "<span style=\"display:block;width:100%;height:100%;border-radius:50%;background:" +
            esc(colour) + "\">" + esc(opts.letters[c.bureau[i]] || "?") + "</span>",
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
      // Called after each chunk; the last call comes before the clusters are drawn.
      chunkProgress: function (done, total) {
        if (done === total) { setTimeout(select, 0); }
      },
      iconCreateFunction: function (cl) {
        return L.divIcon({html: String(cl.getChildCount()), className: "station-cluster marker-cluster",
                          iconSize: [34, 34]});
      }
    });

    // One content function and one options object for every popup (built when opened).
    function popupOf(marker) { return popup(marker.options.station); }
    var popupOptions = {maxWidth: 320};
    for (var i = 0; i < data.n; i++) {
      var m = L.marker([c.lat[i], c.lon[i]], {icon: icon(i), keyboard: true, title: "", station: i});
      // The app reads the station id back from this text ("... [ID]"): keep its form.
      m.bindTooltip(esc(place(i) + " \u2014 " + c.bureau[i] + " [" + c.station_id[i] + "]"));
      m.bindPopup(popupOf, popupOptions);
      markers[i] = m;
      if (opts.selected && c.station_id[i] === opts.selected) { selected = i; }
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
      map.fitBounds([[south, west], [north, east]],
                    {maxZoom: opts.fit ? 6 : 3, padding: [20, 20], animate: false});
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
        var line = el("div");
        var dot = el("i");
        dot.style.background = opts.colours[b];
        line.appendChild(dot);
        line.appendChild(document.createTextNode(b));
        box.appendChild(line);
      });
      var u = el("div");
      var ring = el("i");
      ring.style.background = "#fff";
      ring.style.border = "2px dashed #333";
      u.appendChild(ring);
      u.appendChild(document.createTextNode("Shown at country level"));
      box.appendChild(u);
      if (shapes.features.length) {
        box.appendChild(el("strong", "Host government (strongest action)"));
        opts.actionOrder.forEach(function (a) {
          var line = el("div");
          var sq = el("i", null, "sq");
          sq.style.background = opts.actionColours[a];
          line.appendChild(sq);
          line.appendChild(document.createTextNode(opts.actionLabels[a]));
          box.appendChild(line);
        });
      }
      L.DomEvent.disableClickPropagation(outer);
      return outer;
    };
    legend.addTo(map);

    return {cluster: cluster, markers: markers};
  }

  L.stationLayer = stationLayer;
})();
