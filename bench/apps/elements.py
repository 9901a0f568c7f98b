"""Elements reference: the map page's Streamlit elements, with no data behind them.

The same layout as ``app.py`` (sidebar links, four filter multiselects with counts, a reset
button, the share box and the embed popover, title, text, four metrics, a map component, the
station picker, a 100-row table, two download buttons, a second table), filled with constant
values and doing no data work. Its rerun is what Streamlit itself charges for this page's
elements: the part of the real page's rerun that no caching in the app can remove.

The map is the one-marker reference's (``one_marker.py``: one ``folium.Marker``, the same local
assets), so in the browser this page's first marker is what the stack charges for a map among
these elements: the frontend fetches each element type's code from the server before it draws
it, and the map's frame waits for that.
"""

import os

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from stations.map import assets
from stations.web import copy_link, narrow

#: Parts left out, named in ``BENCH_ELEMENTS_WITHOUT`` (comma-separated): ``tables`` (the two
#: data grids), ``filters`` (the four multiselects). ``python -m bench.elements`` measures what
#: each part costs the first marker.
WITHOUT = {part for part in os.environ.get("BENCH_ELEMENTS_WITHOUT", "").split(",") if part}

st.set_page_config(page_title="elements reference", layout="wide")
assets.use_local_assets()
tiles, attr = assets.tile_layer_settings()
narrow.narrow_screen_layout()
nav = st.sidebar.container()
st.title("Elements reference")
st.markdown("A paragraph of introduction, as long as the real page's. " * 6)
with st.sidebar:
    st.header("Filters")
    # The country codes of the synthetic data, so the bench's filter change applies here too.
    codes = ("AU", "BR", "CA", "DE", "ES", "FR", "GB", "HU", "IT", "JP", "NL", "US")
    for key in ("country", "bureau", "wave", "action") if "filters" not in WITHOUT else ():
        st.multiselect(
            key,
            options=codes if key == "country" else [f"{key}-{i}" for i in range(12)],
            format_func=lambda v: f"{v} (1)",
            key=f"filter_{key}",
            placeholder="All",
        )
    st.button("Reset filters", width="stretch")
cols = st.columns(4)
for col, label in zip(
    cols, ("Stations", "Countries", "Named bureaus", "Location not published"), strict=True
):
    col.metric(label, "1")
st.caption("A coverage note.")
left, right = st.columns([5, 2], gap="medium")
with left:
    reference_map = folium.Map(location=(25, 15), zoom_start=2, tiles=tiles, attr=attr, max_zoom=18)
    folium.Marker([48.8566, 2.3522], tooltip="reference").add_to(reference_map)
    st_folium(
        reference_map,
        key="map",
        height=520,
        use_container_width=True,
        returned_objects=["last_object_clicked_tooltip"],
    )
with right:
    st.selectbox("Selected station", options=[f"station-{i}" for i in range(100)], index=None)
    st.caption("How to read the markers.")
with nav:
    for label in ("Map", "Government responses", "Data & sources"):
        st.page_link("https://example.org/" + label.replace(" ", "-"), label=label)
    st.divider()
with st.sidebar:
    st.subheader("Share this view")
    st.caption("The full link to what you see, filters included.")
    copy_link.copy_box("Link to this view", "http://127.0.0.1/?country=NL", key="share")
    with st.popover("Embed this map", width="stretch"):
        st.code('<iframe src="http://127.0.0.1/?embed=true"></iframe>', language="html")
st.subheader("Stations in this view")
table = pd.DataFrame({column: [f"{column} {i}" for i in range(100)] for column in "abcdefghij"})
if "tables" not in WITHOUT:
    st.dataframe(table, hide_index=True, width="stretch")
a, b = st.columns(2)
a.download_button("CSV", data=lambda: b"", file_name="a.csv", on_click="ignore", width="stretch")
b.download_button("GeoJSON", data=lambda: b"", file_name="a.geojson", on_click="ignore", width="stretch")
st.subheader("Shown at country level")
st.caption("A caption.")
if "tables" not in WITHOUT:
    st.dataframe(table.iloc[:20], hide_index=True, width="stretch")
