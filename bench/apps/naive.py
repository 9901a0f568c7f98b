"""Naive reference: what the map page would cost built the obvious way.

One ``folium.Marker`` with a popup per station, ``st_folium(m)`` with its defaults (every
returned object, so panning and zooming rerun the script), and no caching: the CSV is loaded
and validated on every run. Assets are local and tiles off (STATION_MAP_TILES=none) only so
that the map can draw offline: this is a reference, not a page anyone ships.
"""

import folium
import streamlit as st
from streamlit_folium import st_folium

from stations.data.load import load_dataset
from stations.map import assets
from stations.web import data as web_data

assets.use_local_assets()
tiles, attr = assets.tile_layer_settings()
stations = load_dataset(web_data.data_dir()).stations

countries = sorted(stations["iso2"].unique())
chosen = st.multiselect("Host country", countries, key="filter_country")
view = stations[stations["iso2"].isin(chosen)] if chosen else stations
st.write(f"{len(view)} stations")

m = folium.Map(location=(25, 15), zoom_start=2, tiles=tiles, attr=attr, max_zoom=18)
for row in view.itertuples(index=False):
    folium.Marker(
        [row.lat, row.lon],
        tooltip=f"{row.city}, {row.country}",
        popup=folium.Popup(f"<b>{row.station_id}</b><br>{row.bureau}<br>{row.sources}", max_width=300),
    ).add_to(m)
st_folium(m)
