"""What the data is, how it was built, how to cite it, and the full files."""

from __future__ import annotations

import streamlit as st

from stations.web import sidebar, sources_view, ui

nav = ui.page_setup("Data & sources · 110 Overseas")
data = ui.load_data()
filters = sidebar.current_view(data)
ui.navigation(nav, filters)
sidebar.share_box(filters, "data")
st.title("Data & sources")
sources_view.cite_box(filters)
sources_view.overview(data)
sources_view.full_downloads()
sources_view.documentation()
