"""Test app: one folium map through st_folium with every kind of asset the dashboard uses.

A default Leaflet marker (images via L.Icon.Default.imagePath), awesome-markers with a
Glyphicons glyph and a Font Awesome glyph (icon fonts), a MarkerCluster and a GeoJson layer.
Tiles come from STATION_MAP_TILES (the e2e test uses a loopback tile server, or none).
"""

import folium
import streamlit as st
from folium.plugins import MarkerCluster
from streamlit_folium import st_folium

from stations.map.assets import tile_layer_settings, use_local_assets

use_local_assets()
tiles, attr = tile_layer_settings()

m = folium.Map(location=[50.0, 8.0], zoom_start=4, tiles=tiles, attr=attr, max_zoom=18)
# folium passes max_zoom to the tile layer only; without tiles, MarkerCluster needs it on the map
# ("Map has no maxZoom specified" and nothing draws).
m.options["max_zoom"] = 18
folium.Marker([48.8566, 2.3522], tooltip="default Leaflet icon").add_to(m)
folium.Marker([52.52, 13.405], tooltip="glyphicon", icon=folium.Icon(icon="info-sign", color="red")).add_to(m)
folium.Marker(
    [41.9028, 12.4964], tooltip="font awesome", icon=folium.Icon(prefix="fa", icon="building")
).add_to(m)
cluster = MarkerCluster(name="cluster").add_to(m)
for lat, lon in [(59.33, 18.07), (59.34, 18.05), (59.32, 18.09), (60.17, 24.94)]:
    folium.Marker([lat, lon]).add_to(cluster)
folium.GeoJson(
    {
        "type": "Feature",
        "properties": {"name": "box"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[-5.0, 40.0], [0.0, 40.0], [0.0, 44.0], [-5.0, 44.0], [-5.0, 40.0]]],
        },
    },
    name="geojson",
    style_function=lambda _: {"color": "#54278f", "fillOpacity": 0.3},
).add_to(m)

st.title("Local assets")
st_folium(m, key="assets_map", height=520, use_container_width=True, returned_objects=[])
