// Leaflet guesses the folder of its default marker images from leaflet.css, but
// streamlit-folium adds the stylesheets only after the scripts have run, so the guess is
// empty and the images 404. Point it at the vendored images, relative to this script's own
// URL so it works under any --server.baseUrlPath. Loaded right after leaflet.js
// (stations/map/assets.py, MAP_JS).
(function () {
  "use strict";
  var script = document.currentScript;
  if (window.L && L.Icon && L.Icon.Default && script && script.src) {
    L.Icon.Default.imagePath = new URL("../vendor/leaflet@1.9.3/dist/images/", script.src).href;
  }
})();
