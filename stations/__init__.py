"""The 110 Overseas station tracker, in four rooms whose imports run downwards only.

- ``stations.web``: every module that imports Streamlit (state, sidebar, page list, the pages'
  bodies, corrections, embed and phone layouts, the run limit), and only those.
- ``stations.map``: the folium map (station layer, palette, per-view map data, basemap, assets).
- ``stations.view``: what the reader chose and what it shows (facets, filters and links, the
  per-view index and counts, headline figures, timeline chart, citation and embed wording).
- ``stations.data``: the files in, checked and described (vocabularies, schema, loading and
  validation, publishers, reconciliation, data version and package, credits, export).

Below them: ``stations.i18n`` (the languages, which the data's vocabularies use), then
``stations.settings`` (every environment variable) and ``stations.atomic`` (atomic writes). Everything below
``web`` is plain Python, tested without Streamlit; the pages only lay out what it returns.
``pyproject.toml`` states these rules as import contracts, checked by ``lint-imports``.
"""
