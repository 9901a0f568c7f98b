// The published map's view: reads the link, filters the stations, and draws the map.
//
// stations/publish/page.py writes the page: folium's map script is not in it but listed in the
// page's configuration (#published-config), with the data file (data/map.<hash>.json: the
// station table, and the view: the link grammar and which stations each option keeps, written by
// stations/view/grammar.py from the same records the dashboard parses links with). This file
// only interprets that grammar: it holds no filter, name or spelling of its own. Once the data
// is here, the link is parsed, L.stationLayer is given the stations of the view, and the map
// script runs. Text from the data or the link is set with textContent, never as markup.
//
// The reader's language comes from the link's lang, else from the browser's languages, chosen by
// the tag table in the page's configuration (stations.i18n.tag_table: the dashboard's own
// rules). This file writes English; in another language it fetches that language's words file
// (data/words.<code>.<hash>.json, stations/publish/words.py) beside the data file and writes
// each text from it instead.
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

  // {filters: {key: [values] | station}, notices: [text]}: what the dashboard reads from the link,
  // its notices in the language of `speech` (see speak below; English without it).
  function parse(search, g, stationIds, speech) {
    var params = paramsOf(search), notices = [], filters = {station: null, lang: null};
    var templates = readingWords(speech) ? readingWords(speech).notices : g.notices;
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
        notices.push(fill(templates.unknown_parameter, {value: quote(key, g)}));
        return;
      }
      if (items.length > 1) {
        notices.push(fill(templates.repeated, {key: quote(key, g), count: items.length}));
      }
      var value = items[0], length = codePoints(value).length;
      if (length > g.maxValueLength) {
        notices.push(fill(templates.too_long, {key: quote(key, g), length: length}));
        return;
      }
      if (key === g.langKey) {
        var code = speech && speech.table ? parseLang(value, speech.table) : null;
        if (code === null && strip(value, g.whitespace)) {
          notices.push(fill(templates.unknown_value, {key: key, value: quote(value, g)}));
        }
        filters.lang = code;
        return;
      }
      if (key === "station") {
        var wanted = strip(value, g.whitespace);
        var station = known[wanted] ? wanted : (lowerIds[wanted.toLowerCase()] || null);
        if (station === null && wanted) {
          notices.push(fill(templates.unknown_station, {value: quote(value, g)}));
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
          notices.push(fill(templates.unknown_value, {key: key, value: quote(item, g)}));
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

  // ---- the reader's language (stations/i18n/languages.py, stations/publish/words.py) ----

  function own(table, key) { return Boolean(table) && Object.prototype.hasOwnProperty.call(table, key); }
  function cpLength(s) { return codePoints(s).length; }
  // Python's str.isalpha and str.isdigit, as Babel's parse_locale calls them: Unicode letters
  // (\p{L}: Lu Ll Lt Lm Lo, isalpha's categories) and decimal digits (isdigit also takes
  // superscript and circled digits, which \p{Nd} leaves out: no language tag has them). Made at
  // run time: the linter reads ES2017, which has no property escapes; a browser without them
  // reads ASCII only.
  function unicodeClass(pattern, ascii) {
    try { return new RegExp(pattern, "u"); } catch (e) { return ascii; }
  }
  var LETTERS = unicodeClass("^\\p{L}+$", /^[A-Za-z]+$/), DIGITS = unicodeClass("^\\p{Nd}+$", /^[0-9]+$/);
  function isAlpha(s) { return LETTERS.test(s); }
  function isDigit(s) { return DIGITS.test(s); }
  function title(s) {
    var chars = codePoints(s);
    return chars.length ? chars[0].toUpperCase() + chars.slice(1).join("").toLowerCase() : s;
  }

  // A tag's parts as Babel's parse_locale reads them with sep="-" ({lang, script, territory}),
  // or null where it raises ValueError.
  function tagParts(tag) {
    var at = tag.indexOf("@");
    if (at >= 0) { tag = tag.slice(0, at); }
    var dot = tag.indexOf(".");
    if (dot >= 0) { tag = tag.slice(0, dot); }
    var parts = tag.split("-");
    var lang = parts.shift().toLowerCase(), script = null, territory = null;
    if (!isAlpha(lang)) { return null; }
    if (parts.length && cpLength(parts[0]) === 4 && isAlpha(parts[0])) { script = title(parts.shift()); }
    if (parts.length) {
      if (cpLength(parts[0]) === 2 && isAlpha(parts[0])) {
        territory = parts.shift().toUpperCase();
      } else if (cpLength(parts[0]) === 3 && isDigit(parts[0])) {
        territory = parts.shift();
      }
    }
    if (parts.length) {
      var first = codePoints(parts[0]), n = first.length;
      if ((n === 4 && isDigit(first[0])) || (n >= 5 && isAlpha(first[0]))) { parts.pop(); }
    }
    return parts.length ? null : {lang: lang, script: script, territory: territory};
  }

  // The code of a ?lang= value or a browser's tag (stations.i18n.parse_lang), or null.
  function parseLang(value, t) {
    if (!value) { return null; }
    var tag = strip(value, t.whitespace).split("_").join("-");
    if (!tag || cpLength(tag) > t.maxLength) { return null; }
    var p = tagParts(tag);
    if (!p || !own(t.tags, p.lang)) { return null; }
    var rule = t.tags[p.lang];
    if (p.script && rule.scripts) { return own(rule.scripts, p.script) ? rule.scripts[p.script] : null; }
    return own(rule.regions, p.territory || "") ? rule.regions[p.territory] : rule["default"];
  }

  // The language of the browser's list (stations.i18n.negotiate, as for Accept-Language).
  function negotiate(tags, t) {
    for (var i = 0; i < tags.length; i++) {
      if (tags[i] === t.any) { return t["default"]; }
      var code = parseLang(tags[i], t);
      if (code) { return code; }
    }
    return t["default"];
  }

  // The page's language: the link's first lang if understood, else the browser's.
  function pageLanguage(search, t, browser) {
    var given = paramsOf(search).get(t.key) || [];
    return parseLang(given[0], t) || negotiate(browser, t);
  }

  // The words of a link's reading (notices, counts line) in the reader's language; null: English.
  function readingWords(speech) { return speech && speech.words ? speech.words.reading : null; }

  // One form of a plural pair (stations/view/grammar.py _forms): the first for 1.
  function plural(forms, n) { return n === 1 ? forms[0] : forms[1]; }

  // A count with the language's grouping (stations.i18n.format_number: CLDR's symbol and sizes).
  function groupedIn(count, number) {
    var digits = String(count), size = number.sizes[0], out = "";
    while (digits.length > size) {
      out = number.group + digits.slice(-size) + out;
      digits = digits.slice(0, -size);
      size = number.sizes[1];
    }
    return digits + out;
  }

  // The counts line in the reader's language (embed.filter_summary's other branch); English
  // without its words.
  function summaryIn(filters, g, count, words) {
    if (!words) { return summary(filters, g, count); }
    var said = [];
    g.facets.forEach(function (facet) {
      var chosen = filters[facet.key];
      if (!chosen || !chosen.length) { return; }
      var f = words.facets[facet.key];
      var names = chosen.map(function (v) { return own(f.words, v) ? f.words[v] : v; });
      var shown = names.slice(0, g.maxSaid).join(words.list);
      if (names.length > g.maxSaid) {
        var more = names.length - g.maxSaid;
        shown = fill(plural(words.more, more), {names: shown, count: more});
      }
      said.push(fill(words.filter, {filter: f.said, options: shown}));
    });
    var total = groupedIn(count, words.number);
    if (!said.length) { return fill(plural(words.all, count), {count: total}); }
    return [fill(plural(words.count, count), {count: total})].concat(said).join(" \u00b7 ");
  }

  // The notice line (filters.notice_text, then the word on a station left out), in the reader's
  // language.
  function noticeLine(state, g, words) {
    var notes = [];
    if (state.notices.length) {
      notes.push(words ?
        words.noticeLead + state.notices.join(words.noticeSeparator) + words.sentenceEnd :
        g.noticeLead + state.notices.join("; ") + ".");
    }
    if (state.stationOutside) { notes.push(words ? words.stationOutside : g.stationOutside); }
    if (notes.length < 2) { return notes.join(""); }
    return fill(words ? words.sentences : "{first} {second}", {first: notes[0], second: notes[1]});
  }

  // Everything the page shows for a link, in the language of `speech` ({table, lang, words}:
  // see speak; English without it): used by the page below and by its tests.
  function read(search, view, preset, speech) {
    var g = view.grammar, index = view.index;
    var link = paramsOf(search);
    Object.keys(preset || {}).forEach(function (k) { if (!link.has(k)) { link.set(k, [preset[k]]); } });
    var q = [];
    link.forEach(function (values, key) {
      values.forEach(function (v) { q.push(encodeURIComponent(key) + "=" + encodeURIComponent(v)); });
    });
    var parsed = parse(q.join("&"), g, index.ids, speech);
    // A link without a language is read in the browser's, and the dashboard's link says it
    // (stations/web/state.py read: the view's lang is the browser's unless that is the default).
    if (!parsed.filters.lang && speech && speech.table && speech.lang !== speech.table["default"]) {
      parsed.filters.lang = speech.lang;
    }
    var positions = keptPositions(parsed.filters, g, index);
    var ids = positions.map(function (i) { return index.ids[i]; });
    var station = parsed.filters.station, outside = false;
    if (station && ids.indexOf(station) < 0) { outside = true; parsed.filters.station = station = null; }
    var state = {
      filters: parsed.filters, notices: parsed.notices, positions: positions, ids: ids,
      count: ids.length, station: station, stationOutside: outside,
      summary: summaryIn(parsed.filters, g, ids.length, readingWords(speech)), query: query(parsed.filters, g),
      narrowed: g.listKeys.some(function (k) { return parsed.filters[k].length > 0; })
    };
    state.notice = noticeLine(state, g, readingWords(speech));
    return state;
  }

  // The reading of a link, for the page below and its tests; the page's state once drawn is
  // L.PublishedView.state.
  L.PublishedView = {
    parse: parse, read: read, summary: summary, parseLang: parseLang, negotiate: negotiate,
    language: pageLanguage, state: null
  };

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
  function wrapLayer(state, view, table, speech) {
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
        opts = speakMap(Object.assign({}, opts, {fit: state.narrowed, selected: state.station}), speech);
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

  // ---- the page in the reader's language ----

  // The page's English texts (stations/publish/words.py PAGE_TEXTS), looked up in its words.
  var TITLE_LINE = "Reported Chinese overseas police stations";
  var LOAD_ERROR = "The map could not be loaded ({error}). Reload the page to try again.";
  var OPEN_DASHBOARD = "Open in the full dashboard";

  // Choose the language as soon as the script runs: its <html lang>, its title and loading lines
  // at once (from the configuration), and its words file fetched beside the data file. English
  // fetches nothing. Returns {table, lang, words: null, loading: promise of the words or null}.
  function speak(config) {
    var t = config.languages;
    if (!t) { return {table: null, lang: "en", words: null, loading: Promise.resolve(null)}; }
    var browser = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    var lang = pageLanguage(window.location.search, t, Array.prototype.slice.call(browser));
    var speech = {table: t, lang: lang, words: null, loading: Promise.resolve(null)};
    if (!own(t.pages, lang)) { return speech; }
    var page = t.pages[lang];
    document.documentElement.lang = page.html;
    text("pv-title", page.title);
    text("pv-count", page.loading);
    speech.loading = json(page.words);
    return speech;
  }

  // The data file once both it and the words file have arrived (the words kept in `speech`).
  function withWords(data, speech) {
    return Promise.all([data, speech.loading]).then(function (both) {
      speech.words = both[1];
      return both[0];
    });
  }

  // The page's own lines in the reader's words (the counts and notice lines are read's).
  function speakPage(speech) {
    var w = speech.words;
    if (!w) { return; }
    text("pv-title", L.stationWords(w.page, TITLE_LINE));
    text("pv-credit", w.credit);
    document.getElementById("pv-dashboard").textContent = L.stationWords(w.page, OPEN_DASHBOARD);
  }

  // The map's words (legend, tooltips, popups, names: stations.map.words) for the layer's options.
  function speakMap(opts, speech) {
    if (speech && speech.words) {
      opts.words = speech.words.map;
      opts.mapTitle = speech.words.mapTitle;
    }
    return opts;
  }

  function loadError(err, speech) {
    var w = speech && speech.words;
    return L.stationWords(w && w.page, LOAD_ERROR, {error: err.message});
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
    var speech = speak(config);
    withWords(json(config.data), speech).then(function (loaded) {
      var table = loaded.stations, view = loaded.view;
      var state = read(window.location.search, view, config.preset, speech);
      speakPage(speech);
      text("pv-count", state.summary);
      text("pv-notice", state.notice);
      var base = dashboardBase(), link = document.getElementById("pv-dashboard");
      if (base) {
        link.href = base + (state.query ? "?" + state.query : "");
        link.hidden = false;
      }
      wrapLayer(state, view, table, speech);
      loadScripts(config.mapScripts, function () {
        L.PublishedView.state = state;
        document.documentElement.setAttribute("data-published-ready", "true");
        postHeight();
      });
    }).catch(function (err) {
      text("pv-count", loadError(err, speech));
    });
    if (window.ResizeObserver) { new ResizeObserver(postHeight).observe(document.documentElement); }
  }

  start();
})();
