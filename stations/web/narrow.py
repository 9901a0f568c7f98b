"""The map page on a phone: the map within the first screen and a labelled filter button.

Streamlit lays the page out in DOM order and labels its sidebar toggle with an icon only. On
narrow screens (a phone held upright) this stylesheet shrinks the title, moves the map right
under it (the intro, the count line and the metrics follow the map, in their own order), and
writes "Filters" next to the toggle, which already has an accessible name ("Expand sidebar").
CSS only: the page's content and reading order for screen readers stay as written.
"""

from __future__ import annotations

import streamlit as st

#: Widest viewport treated as a phone (CSS pixels).
NARROW_MAX_WIDTH = 640

NARROW_CSS = f"""
<style>
@media (max-width: {NARROW_MAX_WIDTH}px) {{
  [data-testid="stMainBlockContainer"] {{ padding-top: 3.2rem; }}
  [data-testid="stMainBlockContainer"] h1 {{ font-size: 1.35rem; line-height: 1.25; padding: 0.2rem 0 0.4rem; }}
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > * {{ order: 3; }}
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > :has(h1) {{ order: 1; }}
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > :has(iframe[src*="st_folium"]) {{
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


def narrow_screen_layout() -> None:
    """Add the phone stylesheet to the page (no visible element of its own)."""
    st.html(NARROW_CSS)
