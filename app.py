"""The map page: where the stations are reported, filtered, with their sources."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from stations import assets, mapping, ui, views

nav = ui.page_setup("Map · 110 Overseas")
data = ui.load_data()

st.title(ui.TITLE)
st.markdown(
    "Sites reported as Chinese **overseas police service stations**, mostly from Safeguard "
    "Defenders' reports *110 Overseas* (Sept 2022) and *Patrol and Persuade* (Dec 2022). These are "
    "**reported allegations**: China's government denies running police stations abroad and calls "
    "them volunteer service centres. Click a station for its details and sources."
)

filters = ui.current_filters(data, page="map")
shown = data.view(filters)
view = shown.frame
ui.headline(view)
views.coverage_note(data)

tiles, attribution = assets.tile_layer_settings()
station = views.selected_station(filters, shown)
left, right = st.columns([5, 2], gap="medium")
with left:
    fmap = mapping.map_of_layer(
        shown.layer,
        tiles=tiles,
        attribution=attribution,
        fit=not filters.without("station").is_default,
        basemap=assets.own_basemap(),
    )
    clicked = st_folium(
        fmap,
        key="map",
        height=520,
        use_container_width=True,
        returned_objects=["last_object_clicked_tooltip"],
    )
    station = views.station_from_click(clicked, shown, station)
with right:
    station = views.station_panel(data, shown, station)
filters = filters.with_values(station=station)
ui.publish(filters)
ui.navigation(nav, filters)
ui.share_box(filters)

st.subheader("Stations in this view")
views.station_table(shown)
ui.downloads(view)
views.unpublished_list(shown)
