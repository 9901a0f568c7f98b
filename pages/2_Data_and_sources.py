"""What the data is, how it was built, how to cite it, and the full files."""

from __future__ import annotations

import streamlit as st

from stations.i18n import gettext
from stations.web import data as web_data
from stations.web import nav, sidebar, sources_page

slot = nav.page_setup("data")
data = web_data.load_data()
filters = sidebar.current_view(data)
nav.navigation(slot, filters, "data")
sidebar.share_box(filters, "data")
st.title(gettext("Data & sources", filters.language))
sources_page.cite_box(filters)
sources_page.overview(data, filters.language)
sources_page.full_downloads(filters.language)
sources_page.documentation(filters.language)
