"""Stack reference: the least a map page can be with the required stack.

One ``folium.Marker`` on a map passed to ``st_folium`` with the same local assets and tile
settings as the dashboard, ``returned_objects=[]`` so map gestures do not rerun, no data work.
Time to its first marker is the floor the map page is measured against (ratios in RESULTS.md).
"""

import folium
from streamlit_folium import st_folium

from stations.map import assets

assets.use_local_assets()
tiles, attr = assets.tile_layer_settings()

m = folium.Map(location=(25, 15), zoom_start=2, tiles=tiles, attr=attr, max_zoom=18)
folium.Marker([48.8566, 2.3522], tooltip="reference").add_to(m)
st_folium(m, key="reference_map", height=520, use_container_width=True, returned_objects=[])
