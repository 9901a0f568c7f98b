"""The pages on a phone: on the map page the view named and the map within the first screen;
on every page a filter drawer labelled "Filters (N)", closed on each page load, with a
"Show N …" button that closes it onto the page.

Streamlit lays the page out in DOM order and labels its sidebar toggle with an icon only. On
narrow screens (a phone held upright) the map page's stylesheet shrinks the title, puts what
the view is (the headline's lead and the caveat that these are reported allegations China
denies: a reader from a social link sees nothing else first) and then the map right under it
(the intro and the metrics follow the map, in their own order). The drawer's stylesheet, on
every page, writes "Filters" and the number of filters on next to the toggle, which already
has an accessible name ("Expand sidebar"). The layout is CSS only: the page's content and
reading order for screen readers stay as written. At every width the stylesheet also holds the
map's place (its height) from the first paint, so nothing below the map jumps when the map's
frame arrives. The drawer's button and its closing on a page load are the parts with a script.
The stylesheets and the scripts are files under ``static/``, read once.
"""

from __future__ import annotations

import html

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from stations.i18n import ENGLISH, format_number, gettext, ngettext
from stations.web import static_files
from stations.web.station_map import HEIGHT as MAP_HEIGHT

#: Key of the container holding the headline's lead (first after the title on a phone).
HEADLINE_KEY = "view-headline"

#: Widest viewport treated as a phone (CSS pixels).
NARROW_MAX_WIDTH = 640

#: Key of the container that holds the map (and the station panel beside it). Streamlit gives a
#: keyed container the class ``st-key-<key>`` from its first paint, so the map's place at the top
#: is taken before the map's own frame exists: the page does not jump when the frame arrives,
#: and the order does not hang on a deep ``:has(iframe)`` match made late.
MAP_AREA_KEY = "station-map-area"


#: On a phone the sidebar is a drawer over the page: after a choice the reader saw only the
#: filters. The drawer's button, shown on narrow screens only, says how many of what the page
#: lists the choice leaves ("Show 11 stations", "Show 6 actions") and closes the drawer onto the
#: page. Several countries can still be chosen one after another: the drawer closes only when
#: the reader asks. Streamlit has no call that closes its sidebar, so the button presses the
#: drawer's own "Collapse sidebar" button (static/css/show-results.css, static/js/show-results.js).
SHOW_RESULTS_CSS = "css/show-results.css"
SHOW_RESULTS_SCRIPT = "js/show-results.js"
#: The page's layout at every width and on a phone (see the module docstring).
NARROW_CSS = "css/narrow.css"
#: Every page's styles (section headings; the drawer's toggle labelled "Filters (N)"), and the
#: drawer closed on each page load.
PAGES_CSS = "css/pages.css"
DRAWER_SCRIPT = "js/drawer.js"


def _values() -> dict[str, object]:
    return {
        "MAP_AREA_KEY": MAP_AREA_KEY,
        "MAP_HEIGHT": MAP_HEIGHT,
        "NARROW_MAX_WIDTH": NARROW_MAX_WIDTH,
        "HEADLINE_KEY": HEADLINE_KEY,
    }


def narrow_screen_layout() -> None:
    """Add the phone stylesheet to the page (no visible element of its own). The map must be
    drawn inside :func:`map_area`."""
    st.html(f"<style>{static_files.filled(NARROW_CSS, **_values())}</style>")


def map_area() -> DeltaGenerator:
    """The container the map page draws its map and station panel in (first on a phone)."""
    return st.container(key=MAP_AREA_KEY)


def drawer_label(active: int, lang: str = ENGLISH) -> str:
    """The drawer toggle's words: ``Filters``, or ``Filters (2)`` with two filters on (written
    into a CSS string: the catalog's words hold no quote or backslash, and are checked)."""
    if not active:
        return gettext("Filters", lang)
    return gettext("Filters ({count})", lang).format(count=format_number(active, lang))


def drawer(active: int, lang: str = ENGLISH) -> None:
    """The drawer's label and its close-on-page-load script, on every page (in the sidebar,
    where it takes no room in the page). ``active``: how many filters are on."""
    label = drawer_label(active, lang)
    if any(ch in label for ch in '\\"\n'):
        raise ValueError(f"drawer label {label!r} cannot be written into a CSS string")
    style = static_files.filled(PAGES_CSS, NARROW_MAX_WIDTH=NARROW_MAX_WIDTH, LABEL=label)
    script = static_files.filled(DRAWER_SCRIPT, NARROW_MAX_WIDTH=NARROW_MAX_WIDTH)
    st.sidebar.html(f"<style>{style}</style><script>{script}</script>", unsafe_allow_javascript=True)


def show_results_label(count: int, what: str = "station", lang: str = ENGLISH) -> str:
    """``Show 11 stations`` or ``Show 6 actions`` (``what``: ``station`` or ``action``)."""
    number = format_number(count, lang)
    if what == "action":
        return ngettext("Show {count} action", "Show {count} actions", count, lang).format(count=number)
    if what == "station":
        return ngettext("Show {count} station", "Show {count} stations", count, lang).format(count=number)
    raise ValueError(f"no drawer button for {what!r}: 'station' or 'action'")


def show_results_html(count: int, what: str = "station", lang: str = ENGLISH) -> str:
    """The drawer's "Show N stations" button (or "Show N actions"), its style and its script."""
    label = html.escape(show_results_label(count, what, lang))
    style = static_files.filled(SHOW_RESULTS_CSS, NARROW_MAX_WIDTH=NARROW_MAX_WIDTH)
    script = static_files.read(SHOW_RESULTS_SCRIPT)
    return f'<button type="button" class="show-results-button">{label}</button><style>{style}</style><script>{script}</script>'


def show_results_button(slot: DeltaGenerator, count: int, what: str = "station", lang: str = ENGLISH) -> None:
    """Draw the button into ``slot`` (a place in the sidebar kept for it)."""
    slot.html(show_results_html(count, what, lang), unsafe_allow_javascript=True)
