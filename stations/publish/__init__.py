"""The published map: a static site (one folder) made from the validated data.

The map page, built by folium with the dashboard's own station layer, legend, country layer
and basemap, plus one page per host country, the data as JSON files named by their content,
link-preview tags and images, all served by any web server or CDN: the map keeps working for
any number of readers while every Python process is down. Its filters come from the link and
are applied in the browser by ``static/js/published-view.js`` from the grammar that
``stations.view.grammar`` writes. No Streamlit here (``stations.web`` builds it for the app).
"""
