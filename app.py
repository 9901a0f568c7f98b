"""The map page: where the stations are reported, filtered, with their sources."""

from __future__ import annotations

import streamlit as st

from stations.data.credits import DATASET_TITLE
from stations.i18n import gettext
from stations.map import assets
from stations.web import (
    announce,
    embed_view,
    image_export,
    map_page,
    narrow,
    nav,
    sidebar,
    state,
    station_map,
    summary,
)
from stations.web import data as web_data

slot = nav.page_setup("map")
data = web_data.load_data()
# ?embed=true (an article's iframe): the map, one line saying what it shows, and a credit line.
embedded = embed_view.is_embedded()

if embedded:
    embed_view.use_embed_layout()
else:
    narrow.narrow_screen_layout()
    lang = state.language()
    st.title(gettext(DATASET_TITLE, lang))
    st.markdown(
        gettext(
            "Sites reported as Chinese **overseas police service stations**, mostly from Safeguard "
            "Defenders' reports *110 Overseas* (Sept 2022) and *Patrol and Persuade* (Dec 2022). "
            "These are **reported allegations**: China's government denies running police "
            "stations abroad and calls them volunteer service centres. Click a station for its "
            "details and sources.",
            lang,
        )
    )

filters = sidebar.current_filters(data, page="map")
lang = filters.language
shown = data.view(filters)
view = shown.frame
if embedded:
    embed_view.summary_line(data.options, filters, len(view))
else:
    summary.headline_sentence(data, filters)
    summary.empty_note(data, filters)
    summary.metrics(shown, lang)

tiles, attribution = assets.tile_layer_settings()
area = st.container() if embedded else narrow.map_area()
left, right = (area, None) if embedded else area.columns([5, 2], gap="medium")
with left:
    clicked = station_map.show(
        shown,
        tiles=tiles,
        attribution=attribution,
        fit=not filters.without("station").is_default,
        # A station picked or named by the link: zoomed to, popup open. Not one clicked on the
        # map (it is already open there; a changed map would be redrawn and close it).
        selected=state.focus(),
        basemap=assets.own_basemap(),
        decorate=embed_view.fill_frame if embedded else None,
        variant="embed" if embedded else "",
        lang=lang,
        places=web_data.city_words(lang),
    )
    state.on_map_click(clicked, shown.id_set, data.options)
if right is not None:
    with right:
        embed_view.share_control(state.current())
        map_page.station_panel(data, shown, state.current().station, lang)
filters = state.current()
state.publish(filters)
announce.map_view(shown, filters.station, lang)
nav.navigation(slot, filters, "map")
if embedded:
    embed_view.credit_line(filters)
    st.stop()
sidebar.share_box(filters, "map")
embed_view.embed_control(filters)

st.header(gettext("Stations in this view", lang))
map_page.station_table(shown, lang)
summary.station_downloads(view, filters, credit=image_export.view_credit(filters))
image_export.map_png_button(data, shown, filters)
map_page.unpublished_list(shown, lang)
