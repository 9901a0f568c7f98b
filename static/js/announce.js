// The page's live region (stations/web/announce.py): what a change of view or of the selected
// station did, said to screen readers ("11 stations", "Selected: Benin City, Nigeria").
// One region for the page's life, made once and kept outside Streamlit's tree: a region
// created together with its text is often not read out, a changed one is.
(function (text) {
  "use strict";
  var region = document.getElementById("stations-live");
  if (!region) {
    region = document.createElement("div");
    region.id = "stations-live";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.setAttribute("aria-atomic", "true");
    region.style.cssText = "position:absolute;width:1px;height:1px;margin:-1px;padding:0;" +
      "overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0;";
    document.body.appendChild(region);
  }
  if (region.textContent !== text) { region.textContent = text; }
})("__TEXT__");
