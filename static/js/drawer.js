// The phone's filter drawer on a page load (stations/web/narrow.py): always closed.
// Streamlit keeps the drawer's last state in localStorage and in the open app, so a drawer left
// open followed the reader onto the next page. On a phone, each new page (a full load, or a
// page link inside the app) starts with the drawer closed; a rerun of the same page (a pick in
// the drawer) leaves it as the reader set it.
(function () {
  "use strict";
  if (!window.matchMedia("(max-width: __NARROW_MAX_WIDTH__px)").matches) { return; }
  try {
    Object.keys(window.localStorage).forEach(function (key) {
      if (key.indexOf("stSidebarCollapsed") === 0) { window.localStorage.removeItem(key); }
    });
  } catch (e) { /* storage blocked: nothing is remembered either */ }
  // The page this script last ran for, kept on the document (no globals of our own).
  var root = document.documentElement;
  var page = window.location.pathname;
  if (root.getAttribute("data-drawer-page") === page) { return; }
  root.setAttribute("data-drawer-page", page);
  // Streamlit restores the drawer's state when the app starts, before any page element runs.
  var drawer = document.querySelector('[data-testid="stSidebar"]');
  var button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (drawer && drawer.getAttribute("data-collapsed") === "false" && button) { button.click(); }
})();
