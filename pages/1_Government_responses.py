"""What host governments did about the stations: a timeline and the sourced table."""

from __future__ import annotations

import streamlit as st

from stations.web import responses_view, sidebar, summary, ui

nav = ui.page_setup("Government responses · 110 Overseas")
data = ui.load_data()

st.title("Government responses")
st.markdown(
    "Dated actions by host governments: investigations, closure orders, arrests, convictions, "
    "denials. Each country's strongest action colours the map. The country filter applies here too."
)
filters = sidebar.current_filters(data, page="responses", fields=("country", "action"))
sidebar.hidden_filters_note(filters, ("country", "action"))
summary.empty_note(data, filters)
actions = responses_view.filter_responses(data, filters)
responses_view.headline(data, filters, actions)
responses_view.timeline(actions)
responses_view.table(actions)
responses_view.strongest_table(data, filters)
responses_view.download(actions)
ui.navigation(nav, filters)
sidebar.share_box(filters, "responses")
