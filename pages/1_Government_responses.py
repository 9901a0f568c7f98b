"""What host governments did about the stations: a timeline and the sourced table."""

from __future__ import annotations

import streamlit as st

from stations.i18n import gettext, ngettext
from stations.web import announce, nav, responses_page, sidebar, state, summary
from stations.web import data as web_data

slot = nav.page_setup("responses")
data = web_data.load_data()

lang = state.language()
st.title(gettext("Government responses", lang))
st.markdown(
    gettext(
        "Dated actions by host governments: investigations, closure orders, arrests, "
        "convictions, denials. Each country's strongest action colours the map. The country "
        "filter applies here too.",
        lang,
    )
)
filters = sidebar.current_filters(
    data,
    page="responses",
    fields=("country", "action"),
    listed=lambda view: (len(responses_page.filter_responses(data, view)), "action"),
)
lang = filters.language
sidebar.hidden_filters_note(data, filters, ("country", "action"))
summary.empty_note(data, filters)
actions = responses_page.filter_responses(data, filters)
responses_page.metrics(data, filters, actions)
announce.announce(
    ngettext("{count} action", "{count} actions", len(actions), lang).format(count=len(actions))
)
responses_page.chart(actions, filters)
responses_page.table(actions, filters)
responses_page.strongest_table(data, filters)
responses_page.download(actions, filters)
nav.navigation(slot, filters, "responses")
sidebar.share_box(filters, "responses")
