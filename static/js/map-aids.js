// Reading aids of the station map, each a small Leaflet handler (off until the station layer
// turns it on) or a map method: how the map takes focus, how it answers gestures, how it is
// named, how its corners stay clear of the attribution, and where its controls leave room.
//
// Loaded with Leaflet (stations/map/assets.py, LEAFLET_BUNDLE_PARTS): handlers are attached to
// every map made afterwards (L.Map.addInitHook), as Leaflet's own handlers are.
(function () {
  "use strict";

  // ---- Words ----
  // The reader's words for an English text or template of the map (options.words, from
  // stations.map.mapping.map_words; empty in English), with {name} placeholders filled. Shared
  // by the legend, these aids and the station layer (each calls it once a map is made).
  L.stationWords = function (words, text, values) {
    var out = (words && Object.prototype.hasOwnProperty.call(words, text)) ? words[text] : text;
    Object.keys(values || {}).forEach(function (k) { out = out.split("{" + k + "}").join(values[k]); });
    return out;
  };

  // ---- Room left by the controls ----
  // The map's four insets, in pixels, that its controls take: top (the zoom buttons, the layer
  // switch), bottom (scale, legend, attribution), left and right. A station, a cluster or a popup
  // drawn inside the rest of the map lies under no control. Measured as laid out now, so the
  // answer follows an open legend, a wrapped attribution or a turned phone. Before leaflet.css
  // applies the controls are plain blocks stacked over the map, and the room they will take is
  // not known yet: no insets then (see controlsStyled).
  L.Map.include({
    controlInsets: function () {
      var box = this.getContainer().getBoundingClientRect();
      var insets = {top: 0, bottom: 0, left: 0, right: 0};
      if (!this.controlsStyled()) { return insets; }
      var controls = this.getContainer().querySelectorAll(".leaflet-control-container .leaflet-control");
      Array.prototype.forEach.call(controls, function (control) {
        var r = control.getBoundingClientRect();
        if (!r.width || !r.height) { return; }
        var corner = control.parentNode;
        if (L.DomUtil.hasClass(corner, "leaflet-top")) {
          insets.top = Math.max(insets.top, r.bottom - box.top);
        } else if (L.DomUtil.hasClass(corner, "leaflet-bottom")) {
          insets.bottom = Math.max(insets.bottom, box.bottom - r.top);
        }
      });
      return insets;
    },

    // A control's layout is Leaflet's only once leaflet.css applies (streamlit-folium adds the
    // stylesheets after the scripts have run): before that, the controls are plain blocks.
    controlsStyled: function () {
      var corner = this._controlCorners && this._controlCorners.topleft;
      return Boolean(corner && window.getComputedStyle(corner).position === "absolute");
    }
  });

  // ---- Focus without scrolling ----
  // A press on the map focuses the map (Leaflet's keyboard handler, so that the arrow keys move
  // it) or the pressed pin, cluster or country (the browser's default). Either focus, left to
  // itself, scrolls the host page until the whole map is in view: when the map's bottom is
  // below the fold, the page moves between the press and the release, the release lands beside
  // the pin, and the browser sends the click to the map: no popup opens, an open one closes.
  // The same element is focused here without scrolling; controls and popups keep their own
  // handling (a popup's text stays selectable).
  L.Map.StationFocus = L.Handler.extend({
    addHooks: function () {
      var map = this._map;
      if (map.keyboard) { L.DomEvent.off(map.getContainer(), "mousedown", map.keyboard._onMouseDown, map.keyboard); }
      map.getContainer().addEventListener("mousedown", this._onMouseDown, true);
    },
    removeHooks: function () {
      this._map.getContainer().removeEventListener("mousedown", this._onMouseDown, true);
    },
    _onMouseDown: function (e) {
      var box = e.currentTarget, target = e.target;
      if (!target.closest || target.closest(".leaflet-control-container, .leaflet-popup")) { return; }
      var focusable = target.closest("[tabindex]");
      if (!focusable || !box.contains(focusable)) { focusable = box; }
      e.preventDefault();
      if (document.activeElement !== focusable) { focusable.focus({preventScroll: true}); }
    }
  });

  // ---- Gestures ----
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
  L.Map.StationGestures = L.Handler.extend({
    addHooks: function () {
      var map = this._map;
      if (!map.gestureHandling) { return; }
      // A fresh object: the plugin's default lives on L.Map's prototype, shared by every map.
      var w = map.options.mapWords || {}, say = L.stationWords;
      map.options.gestureHandlingOptions = {text: {
        touch: say(w, GESTURE_TEXT.touch), scroll: say(w, GESTURE_TEXT.scroll), scrollMac: say(w, GESTURE_TEXT.scrollMac)
      }, duration: 1500};
      map.gestureHandling.enable();
      // The plugin turns dragging on when a mouse enters the map and when two fingers land, and
      // leaves it on. A tap sends the browser's compatibility mouse events (a mouse "entering"),
      // and the browser decides whether a touch may scroll the page when the finger lands, from
      // the map's touch-action, before any script runs: the next one-finger swipe would move
      // neither the page nor the map. So dragging goes off when the last finger lifts and stays
      // off through a tap's mouse events; a real mouse still turns it on as it enters.
      var box = map.getContainer();
      var self = this;
      this._lastPointer = "";
      this._onPointer = function (e) { self._lastPointer = e.pointerType; };
      this._onFingersUp = function (e) {
        if (!e.touches || e.touches.length === 0) { map.dragging.disable(); }
      };
      box.addEventListener("pointerdown", this._onPointer, true);
      box.addEventListener("touchend", this._onFingersUp);
      box.addEventListener("touchcancel", this._onFingersUp);
      map.on("mouseover", this._onMouseOver, this);
    },
    removeHooks: function () {
      var box = this._map.getContainer();
      if (!this._onPointer) { return; }
      box.removeEventListener("pointerdown", this._onPointer, true);
      box.removeEventListener("touchend", this._onFingersUp);
      box.removeEventListener("touchcancel", this._onFingersUp);
      this._map.off("mouseover", this._onMouseOver, this);
    },
    _onMouseOver: function () {
      if (this._lastPointer === "touch") { this._map.dragging.disable(); }
    }
  });

  // ---- Names ----
  // The map's iframe (streamlit-folium's, same origin as the page) is named for what it shows,
  // and so is the map itself: a region a screen reader can name and jump to, that says how to
  // move it (Leaflet's keyboard handler).
  L.Map.mergeOptions({
    // The map's name: the frame's title and the region's label.
    mapTitle: "Map of reported overseas police stations"
  });
  L.Map.MapName = L.Handler.extend({
    addHooks: function () {
      var title = this._map.options.mapTitle;
      var box = this._map.getContainer();
      box.setAttribute("role", "region");
      var say = L.stationWords;
      box.setAttribute("aria-label", say(this._map.options.mapWords, "{title}. Arrow keys move the map, plus and " +
                                         "minus zoom; Tab reaches the stations.", {title: title}));
      document.title = title;
      try {
        if (window.frameElement) {
          window.frameElement.title = title;
          window.frameElement.setAttribute("data-station-map", "");
        }
      } catch (e) { /* another origin: leave its title alone */ }
    }
  });

  // ---- Attribution clearance ----
  // On a narrow map the attribution wraps across the whole bottom edge and covers the bottom-left
  // corner (the scale and the legend's toggle). Whenever the two would overlap, the bottom-left
  // corner is lifted to sit just above the attribution; it drops back when there is room again.
  // The attribution changes after load (the basemap adds its credits), and the frame is resized
  // (a phone turned), so both are watched.
  L.Map.AttributionClearance = L.Handler.extend({
    addHooks: function () {
      var corners = this._map._controlCorners || {};
      this._left = corners.bottomleft;
      this._right = corners.bottomright;
      if (!this._left || !this._right || !window.ResizeObserver) { return; }
      this._watch = new ResizeObserver(L.bind(this.place, this));
      this._watch.observe(this._map.getContainer());
      this._watch.observe(this._right);
      this._watch.observe(this._left);
      this.place();
    },
    removeHooks: function () {
      if (this._watch) { this._watch.disconnect(); }
    },
    place: function () {
      var left = this._left, right = this._right;
      left.style.bottom = "";
      var credit = right.querySelector(".leaflet-control-attribution");
      if (!credit || !credit.offsetHeight) { return; }
      var c = credit.getBoundingClientRect(), l = left.getBoundingClientRect();
      if (l.width && l.right > c.left && l.bottom > c.top) {
        left.style.bottom = Math.ceil(right.getBoundingClientRect().bottom - c.top) + "px";
      }
    }
  });

  // ---- Layout watch ----
  // When the map's frame changes size (an article's iframe made taller or narrower, a phone
  // turned), Leaflet is told the new size. When the frame or the room the controls leave
  // changes (leaflet.css arriving, the credits wrapping, the legend opened), the map fires
  // "stationlayout" with `readerMoved`: whether the reader has moved the map since the last
  // move made by the map itself (see ownMove), so that a layer refits only a view that is not
  // the reader's.
  L.Map.LayoutWatch = L.Handler.extend({
    addHooks: function () {
      var map = this._map;
      this.readerMoved = false;
      this._own = 0;
      map.on("movestart zoomstart", this._onMoveStart, this);
      if (!window.ResizeObserver) { return; }
      var box = map.getContainer();
      this._size = [box.clientWidth, box.clientHeight];
      this._insets = "";
      this._watch = new ResizeObserver(L.bind(this._check, this));
      this._watch.observe(box);
      var corners = map._controlCorners || {};
      Object.keys(corners).forEach(function (k) { this._watch.observe(corners[k]); }, this);
    },
    removeHooks: function () {
      this._map.off("movestart zoomstart", this._onMoveStart, this);
      if (this._watch) { this._watch.disconnect(); }
    },
    // Runs `move` as the map's own move (not the reader's).
    ownMove: function (move, context) {
      this._own += 1;
      try { return move.call(context); } finally { this._own -= 1; }
    },
    _onMoveStart: function () {
      if (!this._own) { this.readerMoved = true; }
    },
    _check: function () {
      var map = this._map, box = map.getContainer();
      var size = [box.clientWidth, box.clientHeight];
      if (!size[0] || !size[1]) { return; }
      var resized = size[0] !== this._size[0] || size[1] !== this._size[1];
      var insets = map.controlsStyled() ? JSON.stringify(map.controlInsets()) : "";
      if (!resized && insets === this._insets) { return; }
      this._size = size;
      this._insets = insets;
      this.ownMove(function () {
        if (resized) { map.invalidateSize({pan: false}); }
        map.fire("stationlayout", {readerMoved: this.readerMoved, resized: resized});
      }, this);
    }
  });

  L.Map.addInitHook("addHandler", "stationFocus", L.Map.StationFocus);
  L.Map.addInitHook("addHandler", "stationGestures", L.Map.StationGestures);
  L.Map.addInitHook("addHandler", "mapName", L.Map.MapName);
  L.Map.addInitHook("addHandler", "attributionClearance", L.Map.AttributionClearance);
  L.Map.addInitHook("addHandler", "layoutWatch", L.Map.LayoutWatch);
})();
