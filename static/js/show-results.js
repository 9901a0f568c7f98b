// The phone drawer's "Show N …" button (stations/web/narrow.py): closes the drawer onto the page.
// It acts on the press itself (pointerdown), not on the click that follows: after a pick the
// option list is still open, and the press that closes the list also shifts the drawer, so
// the click landed elsewhere and a second tap was needed. Keyboards still send a click.
(function () {
  "use strict";
  function close() {
    var drawer = document.querySelector('[data-testid="stSidebar"]');
    var button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (button && (!drawer || drawer.getAttribute("data-collapsed") !== "true")) { button.click(); }
    var target = document.querySelector('iframe[src*="st_folium"]') ||
      document.querySelector('[data-testid="stMainBlockContainer"] h1');
    if (target) { target.scrollIntoView({block: "start"}); }
  }
  document.querySelectorAll(".show-results-button:not([data-ready])").forEach(function (button) {
    button.setAttribute("data-ready", "");
    button.addEventListener("pointerdown", function (event) {
      if (event.button === 0) { event.preventDefault(); close(); }
    });
    button.addEventListener("click", close);
  });
})();
