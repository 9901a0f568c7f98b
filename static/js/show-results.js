// The phone drawer's "Show N stations" button (stations/web/narrow.py): closes the drawer onto the map.
(function () {
  "use strict";
  document.querySelectorAll(".show-results-button:not([data-ready])").forEach(function (button) {
    button.setAttribute("data-ready", "");
    button.addEventListener("click", function () {
      var close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close) { close.click(); }
      var map = document.querySelector('iframe[src*="st_folium"]');
      if (map) { map.scrollIntoView({block: "start"}); }
    });
  });
})();
