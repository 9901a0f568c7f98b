// The station map's legend: pins and their letters, the dashed ring, the country badge,
// clusters and the country fill. A control at the bottom left, open where the map has room for
// its strip (a desktop map), a disclosure everywhere. Built with textContent only.
//
//   L.control.stationLegend({colours, letters, bureauOrder, actionClasses, ...}).addTo(map)
(function () {
  "use strict";

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  // One legend entry: a swatch (an <i>, styled by the caller) and its text.
  function entry(box, text, style, cls, letter) {
    var line = el("span", null, "station-legend-entry");
    var swatch = el("i", letter || null, cls || null);
    swatch.setAttribute("aria-hidden", "true");
    Object.keys(style).forEach(function (k) { swatch.style[k] = style[k]; });
    line.appendChild(swatch);
    line.appendChild(document.createTextNode(text));
    box.appendChild(line);
  }

  // The map's hatching as a CSS background layer (with a trailing comma, before the tint): ink
  // lines `hatch.width` px wide every `hatch.spacing` px, at `angle` degrees counter-clockwise
  // from horizontal, as the country layer's SVG pattern draws them; "" for no hatching.
  function hatching(angle, hatch) {
    if (angle === undefined || angle === null) { return ""; }
    return "repeating-linear-gradient(" + (-angle) + "deg, " + hatch.ink + " 0 " + hatch.width + "px, " +
      "transparent " + hatch.width + "px " + hatch.spacing + "px), ";
  }

  L.Control.StationLegend = L.Control.extend({
    options: {
      position: "bottomleft",
      colours: {},          // pin colour of each bureau (vocab.BUREAU_COLOURS)
      letterColours: {},    // ink of each bureau's letter on its pin (black or white)
      letters: {},          // each bureau's letter
      bureauOrder: [],      // the bureaus listed, in order (those in view)
      actionClasses: [],    // country classes drawn: [{label, colour, outline, hatch}] (mapping.ACTION_CLASSES)
      hatch: {ink: "#1f1f1f", width: 1.25, spacing: 7}, // hatching lines (mapping.HATCH_INK, ...)
      countries: false,     // whether the country layer is drawn (its section is listed)
      words: {},            // English text -> the reader's language (L.stationWords)
      openWidth: 600,       // the legend starts open on maps at least this wide...
      openHeight: 420       // ...and this tall; folded on smaller ones (a phone)
    },

    onAdd: function (map) {
      var o = this.options, w = o.words;
      var say = L.stationWords;
      var size = map.getSize();
      var region = el("div", null, "station-legend-region");
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", say(w, "Map legend"));
      var outer = el("details", null, "station-legend");
      region.appendChild(outer);
      outer.open = size.x >= o.openWidth && size.y >= o.openHeight;
      outer.appendChild(el("summary", say(w, "Legend")));
      var box = el("div", null, "station-legend-body");
      box.style.maxHeight = Math.max(120, size.y - 130) + "px";
      outer.appendChild(box);
      // One strip along the bottom edge (a world map's empty Southern Ocean): each entry inline.
      var strip = el("div", null, "station-legend-strip");
      box.appendChild(strip);
      o.bureauOrder.forEach(function (b) {
        entry(strip, b === "Unknown" ? say(w, "Bureau unknown") : say(w, b),
              {background: o.colours[b], color: o.letterColours[b] || "#000"}, "pin", o.letters[b] || "?");
      });
      entry(strip, say(w, "Location not published (shown in its country, apart from the clusters)"), {},
            "pin unpublished", "");
      entry(strip, say(w, "Cluster: count of stations, ring of their bureaus"), {background: this._ring()}, "ring");
      if (o.countries) {
        // Folded: open, it would cover stations; the tooltips say each country's action too.
        var fills = el("details", null, "station-legend-countries");
        fills.appendChild(el("summary", say(w, "Country: government's strongest action")));
        // Each swatch as the map draws the class: its tint, its hatching, its outline's style.
        o.actionClasses.forEach(function (k) {
          var none = k.outline === "none";
          entry(fills, say(w, k.label), {
            background: none ? "transparent" : hatching(k.hatch, o.hatch) + k.colour, opacity: 1,
            border: (none ? "1px solid #8c8477" : "2px " + (k.outline || "solid") + " #1f1f1f"),
            boxShadow: "none"
          }, "sq " + (k.outline || "solid"));
        });
        box.appendChild(fills);
      }
      L.DomEvent.disableClickPropagation(region);
      L.DomEvent.disableScrollPropagation(region);
      this._details = outer;
      return region;
    },

    // Whether the legend is open now.
    isOpen: function () {
      return Boolean(this._details && this._details.open);
    },

    // The cluster swatch: a ring of every listed bureau's colour, as the clusters draw theirs.
    _ring: function () {
      var o = this.options, n = o.bureauOrder.length;
      return "conic-gradient(" + o.bureauOrder.map(function (b, k) {
        return (o.colours[b] || "#6b6b6b") + " " + (k / n * 360) + "deg " + ((k + 1) / n * 360) + "deg";
      }).join(",") + ")";
    }
  });

  L.control.stationLegend = function (options) {
    return new L.Control.StationLegend(options);
  };
})();
