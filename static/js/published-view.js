// The published map's view: reads the link, filters the stations, and draws the map.
//
// stations/publish/page.py writes the page: folium's map script is not in it but listed in the
// page's configuration (#published-config), with the data file (data/map.<hash>.json: the
// station table, and the view: the link grammar and which stations each option keeps, written by
// stations/view/grammar.py from the same records the dashboard parses links with). This file
// only interprets that grammar: it holds no filter, name or spelling of its own. Once the data
// is here, the link is parsed, L.stationLayer is given the stations of the view, and the map
// script runs. Text from the data or the link is set with textContent, never as markup.
(function () {
  "use strict";

  // ---- the link grammar (Filters.from_query_params, stations/view/filters.py) ----

  function codePoints(s) { return Array.from(s); }

  // Python's sorted() of strings: by code point (JavaScript's sort compares UTF-16 units).
  function byCodePoint(a, b) {
    var x = codePoints(a), y = codePoints(b);
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) { return d; }
    }
    return x.length - y.length;
  }

  function strip(s, ws) {
    var chars = codePoints(s), start = 0, end = chars.length;
    while (start < end && ws.indexOf(chars[start]) >= 0) { start++; }
    while (end > start && ws.indexOf(chars[end - 1]) >= 0) { end--; }
    return chars.slice(start, end).join("");
  }

  // Whether Python's str.isprintable rejects the character (its ranges come with the grammar).
  function unprintable(ch, ranges) {
    var code = ch.codePointAt(0), lo = 0, hi = ranges.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (code < ranges[mid][0]) { hi = mid - 1; } else if (code > ranges[mid][1]) { lo = mid + 1; } else { return true; }
    }
    return false;
  }

  // A rejected value as a notice quotes it (filters.quote, shown as plain text here).
  function quote(value, g) {
    var chars = codePoints(value).map(function (ch) {
      return unprintable(ch, g.unprintable) ? "\uFFFD" : ch;
    });
    if (chars.length > g.quoteLength) { chars = chars.slice(0, g.quoteLength - 1).concat(["\u2026"]); }
    return "'" + chars.join("") + "'";
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }

  function isTracking(key, g) {
    var lowered = strip(key, g.whitespace).toLowerCase();
    return g.trackingParams.indexOf(lowered) >= 0 || g.trackingPrefixes.some(function (p) {
      return lowered.indexOf(p) === 0;
    });
  }

  // The parameters of a query string, each with every value given, in order of first sight.
  function paramsOf(search) {
    var params = new Map();
    new URLSearchParams(search).forEach(function (value, key) {
      if (!params.has(key)) { params.set(key, []); }
      params.get(key).push(value);
    });
    return params;
  }

  // {filters: {key: [values] | station}, notices: [text]}: what the dashboard reads from the link.
  function parse(search, g, stationIds) {
    var params = paramsOf(search), notices = [], filters = {station: null, lang: null};
    g.listKeys.forEach(function (k) { filters[k] = []; });
    var facetOf = {};
    g.facets.forEach(function (f) { facetOf[f.key] = f; });
    var lowerIds = {};
    stationIds.forEach(function (id) { lowerIds[id.toLowerCase()] = id; });
    var known = {};
    stationIds.forEach(function (id) { known[id] = true; });
    Array.from(params.keys()).filter(function (key) {
      return g.appParams.indexOf(key) < 0 && !(g.keys.indexOf(key) < 0 && isTracking(key, g));
    }).sort(byCodePoint).forEach(function (key) {
      var items = params.get(key);
      if (g.keys.indexOf(key) < 0) {
        notices.push(fill(g.notices.unknown_parameter, {value: quote(key, g)}));
        return;
      }
      if (items.length > 1) {
        notices.push(fill(g.notices.repeated, {key: quote(key, g), count: items.length}));
      }
      var value = items[0], length = codePoints(value).length;
      if (length > g.maxValueLength) {
        notices.push(fill(g.notices.too_long, {key: quote(key, g), length: length}));
        return;
      }
      if (key === g.langKey) {
        filters.lang = strip(value, g.whitespace) || null;
        return;
      }
      if (key === "station") {
        var wanted = strip(value, g.whitespace);
        var station = known[wanted] ? wanted : (lowerIds[wanted.toLowerCase()] || null);
        if (station === null && wanted) {
          notices.push(fill(g.notices.unknown_station, {value: quote(value, g)}));
        }
        filters.station = station;
        return;
      }
      var facet = facetOf[key], chosen = {}, n = 0;
      value.split(",").forEach(function (piece) {
        var item = strip(piece, g.whitespace);
        if (!item) { return; }
        var match = Object.prototype.hasOwnProperty.call(facet.spellings, item.toLowerCase()) ?
          facet.spellings[item.toLowerCase()] : null;
        if (match === null) {
          notices.push(fill(g.notices.unknown_value, {key: key, value: quote(item, g)}));
        } else if (!chosen[match]) {
          chosen[match] = true;
          n++;
        }
      });
      filters[key] = n === facet.options.length ? [] : facet.options.filter(function (o) { return chosen[o]; });
    });
    return {filters: filters, notices: notices};
  }

  // Positions (in the station table's order) of the stations the filters keep.
  function keptPositions(filters, g, index) {
    var keep = index.ids.map(function () { return true; });
    g.facets.forEach(function (facet) {
      var chosen = filters[facet.key];
      if (!chosen || !chosen.length) { return; }
      var picked = chosen.map(function (v) { return facet.options.indexOf(v); });
      var match = index.facets[facet.key];
      var rowKeeps = match.rows.map(function (row) {
        return row.some(function (j) { return picked.indexOf(j) >= 0; });
      });
      match.codes.forEach(function (code, i) { if (!rowKeeps[code]) { keep[i] = false; } });
    });
    var out = [];
    keep.forEach(function (k, i) { if (k) { out.push(i); } });
    return out;
  }

  // A count with its thousands grouped as "{:,}" writes it ("10,000"). Not toLocaleString: its
  // first call loads the locale data, tens of milliseconds before the map is drawn.
  function grouped(count) {
    return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // The counts line (stations/view/embed.py filter_summary, with Facet.describe's words).
  function summary(filters, g, count) {
    var noun = count === 1 ? "station" : "stations";
    var parts = [];
    g.facets.forEach(function (facet) {
      var chosen = filters[facet.key];
      if (!chosen || !chosen.length) { return; }
      var names = chosen.map(function (v) { return facet.words[v] || v; });
      var shown = names.slice(0, g.maxSaid).join(", ");
      if (names.length > g.maxSaid) { shown += " and " + (names.length - g.maxSaid) + " more"; }
      parts.push(facet.said + " " + shown);
    });
    var total = grouped(count);
    if (!parts.length) { return "All " + total + " reported " + noun; }
    var head = parts[0];
    var first = head.indexOf("in ") === 0 ? total + " " + noun + " " + head : total + " " + noun + " \u00b7 " + head;
    return [first].concat(parts.slice(1)).join(" \u00b7 ");
  }

  // The view's canonical query (Filters.to_query_params), for the dashboard's link.
  function query(filters, g) {
    var q = new URLSearchParams();
    g.facets.forEach(function (facet) {
      var chosen = filters[facet.key];
      if (chosen && chosen.length) {
        q.set(facet.key, chosen.map(function (v) { return facet.urlValues[v]; }).join(","));
      }
    });
    if (filters.station) { q.set("station", filters.station); }
    if (filters.lang) { q.set(g.langKey, filters.lang); }
    return q.toString();
  }

  // Everything the page shows for a link: used by the page below and by its tests.
  function read(search, view, preset) {
    var g = view.grammar, index = view.index;
    var link = paramsOf(search);
    Object.keys(preset || {}).forEach(function (k) { if (!link.has(k)) { link.set(k, [preset[k]]); } });
    var q = [];
    link.forEach(function (values, key) {
      values.forEach(function (v) { q.push(encodeURIComponent(key) + "=" + encodeURIComponent(v)); });
    });
    var parsed = parse(q.join("&"), g, index.ids);
    var positions = keptPositions(parsed.filters, g, index);
    var ids = positions.map(function (i) { return index.ids[i]; });
    var station = parsed.filters.station, outside = false;
    if (station && ids.indexOf(station) < 0) { outside = true; parsed.filters.station = station = null; }
    return {
      filters: parsed.filters, notices: parsed.notices, positions: positions, ids: ids,
      count: ids.length, station: station, stationOutside: outside,
      summary: summary(parsed.filters, g, ids.length), query: query(parsed.filters, g),
      narrowed: g.listKeys.some(function (k) { return parsed.filters[k].length > 0; })
    };
  }

  // The reading of a link, for the page below and its tests; the page's state once drawn is
  // L.PublishedView.state.
  L.PublishedView = {parse: parse, read: read, summary: summary, state: null};

  // ---- the page ----

  var configNode = document.getElementById("published-config");
  if (!configNode) { return; }
  var config = JSON.parse(configNode.textContent);

  function text(id, value) {
    var node = document.getElementById(id);
    node.textContent = value;
    node.hidden = !value;
  }

  function dashboardBase() {
    if (config.dashboard) { return config.dashboard; }
    var at = window.location.pathname.indexOf("/" + config.appPath);
    return at >= 0 ? window.location.pathname.slice(0, at + 1) : "";
  }

  // The table of the view only: the same columns, the kept rows (the table itself when the
  // view keeps every row, as the unfiltered map does: no copy of its columns).
  function sliceTable(table, positions) {
    if (positions.length === table.n) { return table; }
    var columns = {};
    Object.keys(table.columns).forEach(function (name) {
      var all = table.columns[name];
      columns[name] = positions.map(function (i) { return all[i]; });
    });
    return {n: positions.length, columns: columns};
  }

  function isTable(x) { return x && typeof x === "object" && x.columns && typeof x.n === "number"; }

  // L.stationLayer is called by folium's map script with the table in the page (an empty one:
  // the stations travel apart, in the data file): it gets the view's stations from the loaded
  // table, their countries and outlines, and the view's options (fit, selected station, the
  // legend's entries for what is shown) instead. The loaded table is handed over as it is, not
  // written into the page for the map script to parse again.
  function wrapLayer(state, view, table) {
    var original = L.stationLayer;
    L.stationLayer = function () {
      var args = Array.prototype.slice.call(arguments);
      var shown = {};
      args.forEach(function (arg, i) {
        if (isTable(arg)) {
          args[i] = sliceTable(table, state.positions);
          (args[i].columns.iso2 || []).forEach(function (c) { shown[c] = true; });
        }
      });
      var bureausShown = {};
      args.forEach(function (arg) {
        if (isTable(arg)) { (arg.columns.bureau || []).forEach(function (b) { bureausShown[b] = true; }); }
      });
      args.forEach(function (arg, i) {
        if (arg && arg.type === "FeatureCollection") {
          args[i] = {type: arg.type, features: arg.features.filter(function (f) { return shown[f.properties.iso2]; })};
        } else if (arg && !isTable(arg) && typeof arg === "object" && !(arg instanceof L.Map) && !arg.colours) {
          var kept = {};
          Object.keys(arg).forEach(function (c) { if (shown[c]) { kept[c] = arg[c]; } });
          args[i] = kept;
        }
      });
      var opts = args[args.length - 1];
      if (opts && opts.colours) {
        var countries = args.filter(function (a) { return a && !isTable(a) && !a.colours && !a.type && !(a instanceof L.Map); })[0] || {};
        var strongest = {};
        Object.keys(countries).forEach(function (c) { strongest[countries[c].strongest_key] = true; });
        opts = Object.assign({}, opts, {fit: state.narrowed, selected: state.station});
        var bureaus = view.bureaus.filter(function (b) { return bureausShown[b]; });
        opts.bureauOrder = bureaus.length ? bureaus : view.bureaus;
        opts.actionOrder = (opts.actionOrder || []).filter(function (a) { return strongest[a]; });
        opts.actionClasses = (opts.actionClasses || []).filter(function (k) {
          return (view.classKeys[k.label] || []).some(function (key) { return strongest[key]; });
        });
        args[args.length - 1] = opts;
      }
      return original.apply(this, args);
    };
  }

  function loadScripts(urls, done) {
    if (!urls.length) { done(); return; }
    var script = document.createElement("script");
    script.src = urls[0];
    script.onload = function () { loadScripts(urls.slice(1), done); };
    document.body.appendChild(script);
  }

  // In an article's iframe the map has a height of its own and the page tells the article how
  // tall it is (the embed snippet's few lines resize the frame), as newsroom embeds do.
  function postHeight() {
    if (window.parent === window) { return; }
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({type: "stations-embed-height", height: height}, "*");
  }

  function json(url) {
    return fetch(url, {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  function start() {
    if (window.parent !== window) { document.documentElement.classList.add("pv-framed"); }
    json(config.data).then(function (loaded) {
      var table = loaded.stations, view = loaded.view;
      var state = read(window.location.search, view, config.preset);
      text("pv-count", state.summary);
      var notes = [];
      if (state.notices.length) { notes.push(view.grammar.noticeLead + state.notices.join("; ") + "."); }
      if (state.stationOutside) { notes.push(view.grammar.stationOutside); }
      text("pv-notice", notes.join(" "));
      var base = dashboardBase(), link = document.getElementById("pv-dashboard");
      if (base) {
        link.href = base + (state.query ? "?" + state.query : "");
        link.hidden = false;
      }
      wrapLayer(state, view, table);
      loadScripts(config.mapScripts, function () {
        L.PublishedView.state = state;
        document.documentElement.setAttribute("data-published-ready", "true");
        postHeight();
      });
    }).catch(function (err) {
      text("pv-count", "The map could not be loaded (" + err.message + "). Reload the page to try again.");
    });
    if (window.ResizeObserver) { new ResizeObserver(postHeight).observe(document.documentElement); }
  }

  start();
})();
