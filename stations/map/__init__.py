"""The folium map: the station layer, its palette, the country shapes, the payload, the basemap, the served assets and tile settings."""
