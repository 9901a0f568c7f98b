"""The map page as an article embeds it (``?embed=true``), and the "Embed" control that gives
the snippet.

In a 700x600 iframe the full page showed about 100 px of map: the embed layout keeps the map
and two short lines, one saying what the view shows and a credit line with the sources, the data
version, the licence and a link to the full view, as Datawrapper and Flourish graphics do.
"""

from __future__ import annotations

import folium
import streamlit as st
from branca.element import Element

from stations.i18n import N_, gettext
from stations.view import citation, embed, links
from stations.view.filters import Filters, Options, escape_markdown
from stations.web import copy_link, nav, sidebar, static_files
from stations.web.data import latest_change, recorded_version

#: Room the two lines, the gaps and the page's margins take; the map gets the rest of the height.
LINES_HEIGHT = "6.2rem"
NARROW_LINES_HEIGHT = "7.4rem"
MIN_MAP_HEIGHT_PX = 240

# Streamlit's own chrome goes (the sidebar keeps the filter widgets alive, unseen); the map's
# iframe fills the embedding frame's height, whatever the article gives it. Leaflet follows the
# resize of its own window (the component's iframe), so the map redraws to the new size.
EMBED_CSS = "css/embed.css"


def is_embedded() -> bool:
    """Whether the page was asked for with ``embed=true`` (Streamlit keeps the switch out of
    ``st.query_params`` and reports it here)."""
    return bool(st.context.is_embedded)


def use_embed_layout() -> None:
    css = static_files.filled(
        EMBED_CSS,
        MIN_MAP_HEIGHT_PX=MIN_MAP_HEIGHT_PX,
        LINES_HEIGHT=LINES_HEIGHT,
        NARROW_LINES_HEIGHT=NARROW_LINES_HEIGHT,
    )
    st.markdown(f"<style>\n{css}</style>", unsafe_allow_html=True)


def fill_frame(fmap: folium.Map) -> None:
    """Inside the map's own frame: the map takes the frame's whole height, not the fixed height
    streamlit-folium writes on it, so it grows and shrinks with the article's iframe."""
    fmap.get_root().header.add_child(
        Element("<style>#map_div { height: 100vh !important; }</style>"), name="embed_fill_frame"
    )


def summary_line(options: Options, filters: Filters, stations: int) -> None:
    """What the view shows, in one line above the map."""
    text = embed.filter_summary(filters, options.countries, stations, filters.language)
    with st.container(key="embed_lines"):
        st.markdown(f"**{escape_markdown(text)}**")


def _app_base() -> str:
    """Where the full view is: the configured public address, else (in an embed, where the
    browser reports the article's address) the app's own origin and base path."""
    configured = nav.public_base(browser=False)
    if configured:
        return configured
    own = embed.frame_base(st.context.headers.get("Origin"), str(st.get_option("server.baseUrlPath") or ""))
    return own or nav.public_base()


def _full_view(filters: Filters) -> str:
    return links.share_url(_app_base(), "", filters.to_query_params())


def credit_line(filters: Filters) -> None:
    """Under the map: sources, data version, licence, and the full view (opens outside the frame)."""
    recorded = recorded_version()
    lang = filters.language
    text, link = embed.credit_line(
        recorded.version if recorded else None,
        recorded.date if recorded else latest_change(),
        _full_view(filters),
        lang,
    )
    full = gettext("Full map, filters and sources", lang)
    with st.container(key="embed_credit"):
        st.caption(f"{escape_markdown(text)} [{full}]({link})")


def published_view(filters: Filters) -> str:
    """The published map of this view (a one-country view: that country's page)."""
    return embed.published_url(_app_base() or "", filters.to_query_params())


#: What an article pastes: the iframe's title (what a screen reader names the frame), in the
#: view's language as the page inside it is.
EMBED_TITLE = N_("Map of reported Chinese overseas police stations")


def embed_snippet(filters: Filters) -> None:
    """The snippets for this view, where the caller is: the published map by default (a static
    page any number of readers can load), the live app as an option."""
    lang = filters.language
    st.caption(
        gettext(
            "Paste this into an article: the map of this view, with a line saying what it shows "
            "and a credit line. It is a static page that fits its frame's height to the article "
            "and keeps working for any number of readers; two maps on one page work.",
            lang,
        )
    )
    title = gettext(EMBED_TITLE, lang)
    st.code(embed.published_snippet(published_view(filters), title), language="html", wrap_lines=True)
    st.caption(gettext("Or the live dashboard in a frame (filters in a sidebar; fixed height):", lang))
    st.code(citation.embed_snippet(_full_view(filters), title), language="html", wrap_lines=True)


def embed_control(filters: Filters) -> None:
    """The embed snippets for this view, in the sidebar next to the share link."""
    with (
        st.sidebar,
        st.popover(gettext("Embed this map", filters.language), icon=":material/code:", width="stretch"),
    ):
        embed_snippet(filters)


def share_control(filters: Filters) -> None:
    """Share and embed beside the map (at the top of its column): on a laptop the sidebar's
    share box and embed snippets are below the fold, with nothing pointing to them. The same
    link and the same snippets, in one compact popover."""
    lang = filters.language
    with st.popover(gettext("Share or embed this view", lang), icon=":material/share:", width="stretch"):
        copy_link.copy_box(
            gettext(sidebar.SHARE_LABEL, lang),
            nav.share_url(filters, "map"),
            key="share-map",
            button=gettext("Copy link", lang),
        )
        st.markdown(gettext("**Embed this map**", lang))
        embed_snippet(filters)
