"""The map page on a phone: the map within the first screen, a labelled filter button, and a
"Show N stations" button that closes the filter drawer onto the map.

Streamlit lays the page out in DOM order and labels its sidebar toggle with an icon only. On
narrow screens (a phone held upright) this stylesheet shrinks the title, moves the map right
under it (the intro, the count line and the metrics follow the map, in their own order), and
writes "Filters" next to the toggle, which already has an accessible name ("Expand sidebar").
The layout is CSS only: the page's content and reading order for screen readers stay as
written. At every width the stylesheet also holds the map's place (its height) from the first
paint, so nothing below the map jumps when the map's frame arrives. The drawer's button
(:data:`SHOW_RESULTS_SCRIPT`) is the one part with a script.
"""

from __future__ import annotations

import html

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from stations.web.station_map import HEIGHT as MAP_HEIGHT

#: Widest viewport treated as a phone (CSS pixels).
NARROW_MAX_WIDTH = 640

#: Key of the container that holds the map (and the station panel beside it). Streamlit gives a
#: keyed container the class ``st-key-<key>`` from its first paint, so the map's place at the top
#: is taken before the map's own frame exists: the page does not jump when the frame arrives,
#: and the order does not hang on a deep ``:has(iframe)`` match made late.
MAP_AREA_KEY = "station-map-area"

NARROW_CSS = f"""
<style>
/* Every width: the map's column is the map's height, from the first paint, so the text and
   tables below it do not jump down when the map's frame arrives, nor back and forth while
   Streamlit swaps its placeholder for the frame and the component sizes the frame; the frame
   is a block, without an inline baseline gap. */
.st-key-{MAP_AREA_KEY} [data-testid="stColumn"]:first-child {{
  height: {MAP_HEIGHT}px; overflow: hidden;
}}
.st-key-{MAP_AREA_KEY} iframe {{ display: block; }}
@media (max-width: {NARROW_MAX_WIDTH}px) {{
  [data-testid="stMainBlockContainer"] {{ padding-top: 3.2rem; }}
  [data-testid="stMainBlockContainer"] h1 {{ font-size: 1.35rem; line-height: 1.25; padding: 0.2rem 0 0.4rem; }}
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > * {{ order: 3; }}
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > :has(h1) {{ order: 1; }}
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > :has(> .st-key-{MAP_AREA_KEY}) {{
    order: 2;
  }}
  [data-testid="stExpandSidebarButton"]::after {{
    content: "Filters"; margin-left: 0.3rem; font: 600 0.95rem/1 system-ui, sans-serif; color: #1f1f1f;
  }}
  [data-testid="stExpandSidebarButton"] {{
    width: auto; padding: 0.3rem 0.6rem; border: 1px solid #8a8a8a; border-radius: 0.4rem;
  }}
}}
</style>
"""

#: On a phone the sidebar is a drawer over the page: after a choice the reader saw only the
#: filters. This button, in the drawer and shown on narrow screens only, says how many stations
#: the choice leaves and closes the drawer onto the map. Several countries can still be chosen
#: one after another: the drawer closes only when the reader asks. Streamlit has no call that
#: closes its sidebar, so the button presses the drawer's own "Collapse sidebar" button.
SHOW_RESULTS_SCRIPT = """
<style>
/* The drawer's "Show N stations" button: only where the drawer covers the results. */
.show-results-button { display: none; }
@media (max-width: __WIDTH__px) {
  .show-results-button {
    display: block; width: 100%; min-height: 44px; margin: 0.2rem 0 0.4rem; border: 0; border-radius: 0.5rem;
    background: #1f1f1f; color: #fff; font: 600 1rem/1.2 system-ui, sans-serif; cursor: pointer;
  }
  .show-results-button:focus-visible { outline: 3px solid #1f6feb; outline-offset: 2px; }
}
</style>
<script>
(function () {
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
</script>
""".replace("__WIDTH__", str(NARROW_MAX_WIDTH))


def narrow_screen_layout() -> None:
    """Add the phone stylesheet to the page (no visible element of its own). The map must be
    drawn inside :func:`map_area`."""
    st.html(NARROW_CSS)


def map_area() -> DeltaGenerator:
    """The container the map page draws its map and station panel in (first on a phone)."""
    return st.container(key=MAP_AREA_KEY)


def show_results_html(count: int) -> str:
    """The drawer's "Show N stations" button (see :data:`SHOW_RESULTS_SCRIPT`)."""
    noun = "station" if count == 1 else "stations"
    label = html.escape(f"Show {count:,} {noun}")
    return f'<button type="button" class="show-results-button">{label}</button>{SHOW_RESULTS_SCRIPT}'


def show_results_button(slot: DeltaGenerator, count: int) -> None:
    """Draw the button into ``slot`` (a place in the sidebar kept for it)."""
    slot.html(show_results_html(count), unsafe_allow_javascript=True)
